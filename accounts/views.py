"""The token API: exchange a password for a token, list, make and revoke your tokens."""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import ApiToken
from accounts.selectors import api_tokens_of
from accounts.serializers import (
    LOGIN_TOKEN_NAME,
    ApiTokenSerializer,
    NewTokenRequestSerializer,
    NewTokenSerializer,
    TokenRequestSerializer,
)
from accounts.services import api_token_create, api_token_revoke, api_tokens_revoke_all
from core.api import DetailSerializer, StrictQueryMixin
from core.parsers import JSONParser


def _new_token_answer(token: ApiToken, key: str, code: int) -> Response:
    data = NewTokenSerializer(token).data | {"token": key}
    return Response(data, status=code)


class TokenView(StrictQueryMixin, APIView):
    """Exchange a username and password for an API token, or revoke the token you send (all
    your tokens, from a browser session)."""

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
            200: NewTokenSerializer,
            400: OpenApiResponse(
                description="Wrong username or password, missing fields, a bad `days`, or "
                "the account holds the most tokens it may."
            ),
            429: OpenApiResponse(
                DetailSerializer,
                description="Too many attempts: throttled, or this account or address is "
                "locked out after 20 failed logins.",
            ),
        },
        auth=[],
        summary="Get an API token",
        description="Makes a new named token that expires after `days` days (default "
        f"{settings.API_TOKEN_DEFAULT_DAYS}, at most {settings.API_TOKEN_MAX_DAYS}). Send "
        "`Authorization: Token <token>` with every later request. The key is shown only in "
        "this answer: the server keeps its hash. Keep the token and reuse it; every login "
        "makes another, and an account holds at most "
        f"{settings.API_TOKEN_LIMIT} unexpired tokens.",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("locked_out"):
            # Answer in the API's own JSON shape; clearing the flag stops django-axes'
            # middleware from replacing this answer with its HTML lockout page.
            request._request.axes_locked_out = False
            raise Throttled(
                wait=settings.AXES_COOLOFF_TIME.total_seconds(),
                detail="Too many failed logins: this account is locked for a while.",
            )
        token, key = api_token_create(
            user=data["user"],
            name=data.get("name", LOGIN_TOKEN_NAME),
            days=data.get("days", settings.API_TOKEN_DEFAULT_DAYS),
        )
        return _new_token_answer(token, key, status.HTTP_200_OK)

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={204: None},
        summary="Revoke the token you send",
        description="Every client that uses this token is signed out; your other tokens keep "
        "working. Get a new one with POST. To revoke another of your tokens: "
        "`DELETE /api/v1/auth/tokens/{id}/`. Signed in with a browser session (no token "
        "sent), this revokes every token you have.",
    )
    def delete(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            api_token_revoke(user=request.user, token_id=request.auth.pk)
        else:  # signed in with the browser: every token goes
            api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(StrictQueryMixin, APIView):
    """Your API tokens: list them, or make a named one."""

    permission_classes = [IsAuthenticated]
    error_statuses = [400, 401]

    @extend_schema(
        operation_id="auth_tokens_list",
        responses={200: ApiTokenSerializer(many=True)},
        summary="List your API tokens",
        description="Newest first, with when each was last used (to within 5 minutes) and "
        "expired ones for a month after they expire. Keys are never shown again.",
    )
    def get(self, request: Request) -> Response:
        tokens = api_tokens_of(user=request.user)
        return Response(ApiTokenSerializer(tokens, many=True).data)

    @extend_schema(
        operation_id="auth_tokens_create",
        request=NewTokenRequestSerializer,
        responses={201: NewTokenSerializer},
        summary="Make a named API token",
        description="The key is in this answer only. It expires after `days` days.",
    )
    def post(self, request: Request) -> Response:
        serializer = NewTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, key = api_token_create(
            user=request.user,
            name=data["name"],
            days=data.get("days", settings.API_TOKEN_DEFAULT_DAYS),
        )
        return _new_token_answer(token, key, status.HTTP_201_CREATED)


class TokenDetailView(StrictQueryMixin, APIView):
    """One of your API tokens."""

    permission_classes = [IsAuthenticated]
    error_statuses = [401, 404]

    @extend_schema(
        operation_id="auth_tokens_destroy",
        request=None,
        responses={204: None},
        summary="Revoke one of your API tokens",
        description="Every client that uses it is signed out at once.",
    )
    def delete(self, request: Request, token_id: int) -> Response:
        if not api_token_revoke(user=request.user, token_id=token_id):
            raise Http404("You have no token with this id.")
        return Response(status=status.HTTP_204_NO_CONTENT)
