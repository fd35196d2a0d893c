"""The site's Content-Security-Policy, built once (core/csp.py), is django-csp's own."""

import pytest
from csp.constants import NONCE, SELF
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from core.csp import SitePolicyCSPMiddleware


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def _answer(middleware_class, view=lambda request: HttpResponse("ok")):
    request = RequestFactory().get("/somewhere/")
    middleware = middleware_class(view)
    return request, middleware(request)


def test_an_answer_gets_the_header_django_csp_builds():
    _, ours = _answer(SitePolicyCSPMiddleware)
    _, theirs = _answer(CSPMiddleware)
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert _directives(ours["Content-Security-Policy"])["script-src"] == "'self'"
    assert "Content-Security-Policy-Report-Only" not in ours


def test_a_changed_setting_changes_the_header():
    _answer(SitePolicyCSPMiddleware)  # built once with the site's policy
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        _, response = _answer(SitePolicyCSPMiddleware)
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"
    _, response = _answer(SitePolicyCSPMiddleware)
    assert _directives(response["Content-Security-Policy"])["default-src"] == "'self'"


def test_a_view_s_own_policy_and_a_nonce_go_through_django_csp():
    def updated(request):
        response = HttpResponse("ok")
        response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response

    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    _, response = _answer(SitePolicyCSPMiddleware, updated)
    assert _directives(response["Content-Security-Policy"])["style-src"] == "'self' 'unsafe-inline'"
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}}):
        _, response = _answer(SitePolicyCSPMiddleware, with_nonce)
    nonce = response.content.decode()
    assert _directives(response["Content-Security-Policy"])["script-src"] == (
        f"'self' 'nonce-{nonce}'"
    )


def test_a_header_the_view_set_is_kept():
    def own(request):
        response = HttpResponse("ok")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    _, response = _answer(SitePolicyCSPMiddleware, own)
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error():
    request, _ = _answer(SitePolicyCSPMiddleware)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
