"""API plumbing views: the catch-all 404 and the offline API docs."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import Http404
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
def api_not_found(request: Request) -> Response:
    """Answer a path the API does not have."""
    raise Http404("No such API path. (Paths end with a slash.)")


# --- Docs -----------------------------------------------------------------------------------
# Swagger UI and Redoc inject their own <style> elements (Redoc's search also runs in a blob
# worker); these two pages show only the schema, never user data, so they alone get that.
_DOCS_CSP = csp_update({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})


@method_decorator(_DOCS_CSP, name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served from local files; its start-up script is a separate request (CSP)."""

    template_name = "core/swagger_ui.html"


@method_decorator(_DOCS_CSP, name="dispatch")
class ApiRedocView(SpectacularRedocView):
    """Redoc, served from local files and without web fonts."""

    template_name = "core/redoc.html"
