"""Root URLs: the admin, the REST API (version 1) with its schema and docs, and the pages."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from core.views import ApiDocsView, ApiRedocView, api_not_found

api_v1 = [
    path("", include("core.urls")),
    path("", include("debate.urls")),
    path("", include("annotations.urls")),
    path("", include("maps.urls")),
    # Anything else under /api/v1/ answers in JSON too, not with the site's HTML 404 page.
    re_path(r"", api_not_found),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", ApiRedocView.as_view(url_name="schema"), name="redoc"),
    path("", include("frontend.urls")),
]
