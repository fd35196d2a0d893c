"""The address a request comes from, read the same way by the throttles and the login lockout.

``X-Forwarded-For`` is only believed as far as proxies we run wrote it: with ``NUM_PROXIES``
set to 0 (no proxy, the default) the header is ignored, since any client can send one; with
N proxies in front, the address the outermost of them appended counts. DRF's throttles apply
this rule through ``REST_FRAMEWORK["NUM_PROXIES"]``; django-axes calls ``client_ip``.
"""

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address as the throttles see it (DRF's rule, NUM_PROXIES)."""
    return BaseThrottle().get_ident(request)
