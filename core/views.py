"""API plumbing views: the catch-all 404, the token exchange and the offline API docs."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.http import Http404
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import DetailSerializer, StrictQueryMixin
from core.parsers import JSONParser
from core.serializers import TokenRequestSerializer, TokenSerializer


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
def api_not_found(request: Request) -> Response:
    """Answer a path the API does not have."""
    raise Http404("No such API path. (Paths end with a slash.)")


# --- Auth -----------------------------------------------------------------------------------
class TokenView(StrictQueryMixin, APIView):
    """Exchange a username and password for an API token, or revoke your token."""

    parser_classes = [JSONParser, FormParser]
    throttle_scope = "login"
    error_statuses = [400, 401]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        # Only password guesses are rate limited; revoking a token is not.
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_authenticators(self):
        # Logging in needs no credentials; a stale or revoked token must not make it fail.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong username or password, or missing fields."),
            429: OpenApiResponse(
                DetailSerializer,
                description="Too many attempts: throttled, or this account or address is "
                "locked out after 20 failed logins.",
            ),
        },
        auth=[],
        summary="Get an API token",
        description="Send `Authorization: Token <token>` with every later request. The same "
        "token is returned until it is revoked.",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data.get("locked_out"):
            # Answer in the API's own JSON shape; clearing the flag stops django-axes'
            # middleware from replacing this answer with its HTML lockout page.
            request._request.axes_locked_out = False
            raise Throttled(
                wait=settings.AXES_COOLOFF_TIME.total_seconds(),
                detail="Too many failed logins: this account is locked for a while.",
            )
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={204: None},
        summary="Revoke your API token",
        description="Every client that uses the token is signed out; get a new one with POST.",
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


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
