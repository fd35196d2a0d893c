"""The error pages: exact status, the reason on the page (escaped), the way back, the logs.

Refusals the site means (403, 404) are one INFO line of ``django.request`` with no
traceback; a server error stays an ERROR with its traceback. The pages raising on purpose
below are served by this module as a URLconf, beside the site's own routes and handlers.
"""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import include, path, reverse

from debate.models import Role
from frontend import errors
from tests.factories import DebateFactory, DocumentFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SCRIPT_REASON = '<script>alert("x")</script> & <b>bold</b>'


def refuse_with_markup(request: HttpRequest):
    raise PermissionDenied(SCRIPT_REASON)


def refuse_without_reason(request: HttpRequest):
    raise PermissionDenied


def break_down(request: HttpRequest):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("test-errors/markup/", refuse_with_markup),
    path("test-errors/bare/", refuse_without_reason),
    path("test-errors/boom/", break_down),
    path("", include("config.urls")),
]
handler403 = "frontend.errors.permission_denied"
handler404 = "frontend.errors.page_not_found"
handler500 = "frontend.errors.server_error"


@pytest.fixture
def annotator(debate, member):
    return member(Role.ANNOTATOR, username="ann")


@pytest.fixture
def outsider(db):
    user = UserFactory(username="outsider")
    MembershipFactory(user=user, debate=DebateFactory(slug="other", title="Other"), role="manager")
    return user


def request_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "django.request"]


def main_text(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main">') : html.index("</main>")]


def test_a_refused_page_shows_its_reason_and_the_way_back_to_the_debate(
    client, debate, annotator, caplog
):
    document = DocumentFactory(debate=debate)
    client.force_login(annotator)
    caplog.set_level(logging.INFO)

    response = client.get(reverse("review", args=[document.pk]))

    assert response.status_code == 403
    assert response.templates[0].name == "frontend/error.html"
    assert "frontend/base.html" in [t.name for t in response.templates]
    main = main_text(response)
    assert '<h1 id="error-title">Not allowed</h1>' in main
    assert (
        '<p class="error-reason">Only reviewers and managers of this debate see reviews.</p>'
        in main
    )
    assert f'<a class="button primary" href="/d/{debate.slug}/">Back to Encryption</a>' in main
    assert (
        'Signed in as <a href="/account/" title="Your account: API tokens, password">'
        "<strong>ann</strong></a>" in response.content.decode()
    )
    [record] = request_records(caplog)
    assert (record.levelno, record.getMessage(), record.exc_info, record.exc_text) == (
        logging.INFO,
        f"Forbidden (Permission denied): /documents/{document.pk}/review/",
        None,
        None,
    )
    assert "Traceback" not in caplog.text


def test_a_page_refused_without_a_reason_says_so_plainly(client, annotator):
    client.force_login(annotator)

    response = client.get("/test-errors/bare/")

    assert response.status_code == 403
    assert '<p class="error-reason">You are not allowed to see this page.</p>' in main_text(
        response
    )
    assert '<a class="button primary" href="/">Your debates</a>' in main_text(response)


def test_a_reason_with_markup_is_shown_as_text(client, annotator):
    client.force_login(annotator)

    response = client.get("/test-errors/markup/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert (
        '<p class="error-reason">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; '
        "&lt;b&gt;bold&lt;/b&gt;</p>"
    ) in html


def test_a_debate_of_others_is_not_found_like_a_missing_one_and_leads_home(
    client, debate, outsider, caplog
):
    client.force_login(outsider)
    caplog.set_level(logging.INFO)

    hidden = client.get(f"/d/{debate.slug}/dashboard/")
    missing = client.get("/d/no-such-debate/dashboard/")

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert main_text(hidden) == main_text(missing)
    main = main_text(hidden)
    assert '<h1 id="error-title">Not found</h1>' in main
    assert (
        '<p class="error-reason">There is no debate at this address that you can see: it does '
        "not exist, or it belongs to a debate you are not a member of.</p>"
    ) in main
    assert '<a class="button primary" href="/">Your debates</a>' in main
    records = request_records(caplog)
    assert [(r.levelno, r.getMessage(), r.exc_info) for r in records] == [
        (logging.INFO, f"Not Found: /d/{debate.slug}/dashboard/", None),
        (logging.INFO, "Not Found: /d/no-such-debate/dashboard/", None),
    ]


def test_a_missing_document_of_a_debate_names_documents(client, annotator):
    client.force_login(annotator)

    response = client.get(reverse("annotate", args=[2_000_000_000]))

    assert response.status_code == 404
    assert "There is no document at this address that you can see" in main_text(response)


def test_an_unknown_address_is_not_found_and_offers_home_or_logging_in(client, annotator):
    signed_out = client.get("/no/such/page/")
    client.force_login(annotator)
    signed_in = client.get("/no/such/page/")

    assert (signed_out.status_code, signed_in.status_code) == (404, 404)
    assert '<p class="error-reason">There is no page at this address.</p>' in main_text(signed_in)
    assert '<a class="button primary" href="/">Your debates</a>' in main_text(signed_in)
    assert '<a class="button primary" href="/login/">Log in</a>' in main_text(signed_out)
    assert "Signed in as" not in signed_out.content.decode()


def test_a_path_under_api_that_no_view_took_answers_json(client, annotator):
    client.force_login(annotator)

    response = client.get("/api/v2/debates/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "There is no page at this address."}


def test_api_refusals_stay_json_and_are_logged_as_info(client, debate, outsider, caplog):
    client.force_login(outsider)
    caplog.set_level(logging.INFO)

    response = client.get(f"/api/v1/debates/{debate.slug}/")
    anonymous = Client().get("/api/v1/debates/")

    assert (response.status_code, response.json()) == (404, {"detail": "No debate with this slug."})
    assert anonymous.status_code == 401
    assert [(r.levelno, r.getMessage(), r.exc_info) for r in request_records(caplog)] == [
        (logging.INFO, f"Not Found: /api/v1/debates/{debate.slug}/", None),
        (logging.INFO, "Unauthorized: /api/v1/debates/", None),
    ]


def test_refusals_are_not_logged_where_the_level_is_warning(client, annotator, caplog):
    client.force_login(annotator)
    caplog.set_level(logging.WARNING, logger="django.request")

    assert client.get("/no/such/page/").status_code == 404
    assert client.get("/test-errors/bare/").status_code == 403

    assert request_records(caplog) == []


def test_a_server_error_is_logged_with_its_traceback_and_shows_the_static_page(annotator, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(annotator)

    response = client.get("/test-errors/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert '<h1 id="error-title">Server error</h1>' in html
    assert f'<p class="error-reason">{errors.SERVER_ERROR}</p>' in html
    assert '<a class="button primary" href="/">Home</a>' in html
    assert "a bug in a view" not in html  # the cause is in the log, not on the page
    assert "Signed in as" not in html  # rendered without the request
    [record] = request_records(caplog)
    assert (record.levelno, record.getMessage()) == (
        logging.ERROR,
        "Internal Server Error: /test-errors/boom/",
    )
    assert record.exc_info[0] is RuntimeError
    assert "Traceback" in caplog.text


def test_the_server_error_page_needs_no_database_session_or_context(django_db_blocker):
    request = RequestFactory().get("/d/encryption/")  # no user, no session, no messages
    with django_db_blocker.block():
        response = errors.server_error(request)

    assert response.status_code == 500
    assert b'<h1 id="error-title">Server error</h1>' in response.content
    assert b"/static/frontend/app.css" in response.content


def test_the_server_error_page_still_answers_when_its_template_fails(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("template storage is gone")

    monkeypatch.setattr(errors, "render_to_string", broken)

    response = errors.server_error(RequestFactory().get("/"))

    assert (response.status_code, response.content.decode()) == (500, errors.FALLBACK_500)
    assert "The 500 page could not be rendered" in caplog.text


def test_a_server_error_under_api_answers_json(annotator):
    response = errors.server_error(RequestFactory().get("/api/v1/debates/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.content.decode() == f'{{"detail": "{errors.SERVER_ERROR}"}}'
