"""django-csp's middleware, with the site's one policy built once instead of on every answer.

``CSPMiddleware`` builds the header from the settings for each response (a deep copy of the
policy, then the string), which cost about a tenth of the CPU of a small API request. Almost
every answer gets the same policy: no view-specific change (``csp_update`` and friends), no
nonce. For those this middleware sets the header it built once; any other answer goes through
django-csp unchanged. The built header is dropped when a test changes the settings.
"""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What a view or decorator sets on a response to change its policy (csp.decorators).
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY", "DEBUG")

_built: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {}


@receiver(setting_changed)
def _forget_built_policy(*, setting: str, **kwargs) -> None:
    if setting in _SETTINGS:
        _built.clear()


def _site_headers() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The headers, and their values, that every unchanged answer gets: built once."""
    headers = _built.get("site")
    if headers is None:
        pairs = []
        for header, report_only, name in (
            (HEADER, False, "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            value = build_policy(report_only=report_only)
            if value:
                prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
                pairs.append((header, value, tuple(prefixes or ())))
        headers = _built["site"] = tuple(pairs)
    return headers


class SitePolicyCSPMiddleware(CSPMiddleware):
    """Set the site's policy, built once, on every answer no view changed the policy of."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for header, value, excluded in _site_headers():
            if header not in response and not request.path_info.startswith(excluded):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
