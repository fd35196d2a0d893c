from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from debate.views import ApiDocsView, ApiRedocView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("debate.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", ApiRedocView.as_view(url_name="schema"), name="redoc"),
    path("", include("frontend.urls")),
]
