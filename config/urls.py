"""Root URLs: the admin, the REST API (version 1) with its schema and docs, and the pages.

The pages' error views (403, 404, 500) are frontend.errors'; the API answers its own in JSON.
"""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from core.health import liveness, readiness
from core.metrics import metrics
from core.views import ApiDocsView, ApiRedocView, api_not_found

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("debate.urls")),
    path("", include("annotations.urls")),
    path("", include("maps.urls")),
    path("", include("suggestions.urls")),
    # Anything else under /api/v1/ answers in JSON too, not with the site's HTML 404 page.
    re_path(r"", api_not_found),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    # For load balancers and Prometheus (docs/DEPLOY.md): no login, JSON and text.
    path("health/", readiness, name="health-ready"),
    path("health/live/", liveness, name="health-live"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", ApiRedocView.as_view(url_name="schema"), name="redoc"),
    # Browsers ask for /favicon.ico where a page names no icon (the API's JSON, a file).
    # A temporary redirect, kept a day: the icon's static name changes with its content.
    path(
        "favicon.ico",
        cache_control(max_age=86400)(
            RedirectView.as_view(url=lazy(static, str)("frontend/favicon.svg"))
        ),
        name="favicon",
    ),
    path("", include("frontend.urls")),
]

handler403 = "frontend.errors.permission_denied"
handler404 = "frontend.errors.page_not_found"
handler500 = "frontend.errors.server_error"
