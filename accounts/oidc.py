"""Single sign-on with OpenID Connect: mozilla-django-oidc's code flow (with PKCE), configured
from the environment (``OIDC_*`` settings), and what it lacks for a university's provider.

- The ID token's issuer and audience are checked (the library checks the signature, the
  expiry and the nonce only).
- An account is found by the provider's subject (``OidcIdentity``), not by an e-mail address
  anyone could claim; a first login links the account with the same *verified* address, or
  makes a new one (``accounts.services.oidc_user_for``).
- With ``OIDC_RP_CLIENT_ID`` unset the routes answer 404 and the backend is not installed.
"""

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.services import oidc_user_for

logger = logging.getLogger(__name__)


class AuthenticationBackend(OIDCAuthenticationBackend):
    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("The ID token was issued by another provider.")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        if not payload.get("sub"):
            raise SuspiciousOperation("The ID token names no subject.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the user info must be about the ID token's subject.
        if claims.get("sub", payload["sub"]) != payload["sub"]:
            raise SuspiciousOperation("The user info is about another subject.")
        return oidc_user_for(issuer=payload["iss"], subject=payload["sub"], claims=claims)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not configured here.")


class AuthenticationRequestView(OIDCAuthenticationRequestView):
    """Send the browser to the provider (404 without single sign-on)."""

    def dispatch(self, request, *args, **kwargs):
        _require_enabled()
        return super().dispatch(request, *args, **kwargs)


class AuthenticationCallbackView(OIDCAuthenticationCallbackView):
    """Take the provider's answer and log the account in (404 without single sign-on).

    A refused login goes back to the login page with the reason, not to an error page.
    """

    def dispatch(self, request, *args, **kwargs):
        _require_enabled()
        return super().dispatch(request, *args, **kwargs)

    @property
    def failure_url(self) -> str:
        # The library redirects to the setting as written; a URL name must be resolved.
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            logger.warning("Single sign-on refused: %s", exc)
            self.reason = str(exc)
            return self.login_failure()
        except requests.RequestException as exc:
            logger.error("Single sign-on provider unreachable: %s", exc)
            self.reason = "the provider did not answer; try again in a moment."
            return self.login_failure()

    def login_failure(self):
        reason = getattr(self, "reason", None) or (
            "the provider did not confirm who you are, or this account is deactivated."
        )
        messages.error(
            self.request,
            f"{_upper_first(settings.OIDC_PROVIDER_NAME)} did not log you in: {reason}",
        )
        return super().login_failure()
