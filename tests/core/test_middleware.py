"""HtmlNoStoreMiddleware: pages are not kept by browsers; files, JSON and chosen caching are."""

import pytest
from django.urls import reverse

from debate.models import Role
from tests.factories import AssignmentFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def test_pages_redirects_and_error_pages_say_no_store(client, debate, member):
    client.force_login(member(Role.ANNOTATOR))

    answers = {
        url: client.get(url)
        for url in ("/", f"/d/{debate.slug}/", f"/d/{debate.slug}/review/", "/nowhere/", "/d")
    }

    assert {url: (r.status_code, r["Cache-Control"]) for url, r in answers.items()} == {
        "/": (200, "no-store"),
        f"/d/{debate.slug}/": (200, "no-store"),
        f"/d/{debate.slug}/review/": (403, "no-store"),
        "/nowhere/": (404, "no-store"),
        "/d": (404, "no-store"),
    }


def test_a_page_that_chose_its_caching_keeps_it(client, debate, member):
    annotator = member(Role.ANNOTATOR)
    document = DocumentFactory(debate=debate)
    AssignmentFactory(document=document, annotator=annotator)
    client.force_login(annotator)

    annotate = client.get(reverse("annotate", args=[document.pk]))
    login = client.get("/login/")  # Django's login view is never_cache

    # never_cache's own header, not replaced by a bare no-store.
    expected = "max-age=0, no-cache, no-store, must-revalidate, private"
    assert (annotate.status_code, annotate["Cache-Control"]) == (200, expected)
    assert login["Cache-Control"] == expected


def test_the_api_and_static_files_keep_their_own_caching(client, debate, member):
    client.force_login(member(Role.ANNOTATOR))

    api = client.get("/api/v1/debates/")
    css = client.get("/static/frontend/app.css")
    icon = client.get("/favicon.ico")
    svg = client.get(icon["Location"])

    assert (api.status_code, api["Content-Type"], api.has_header("Cache-Control")) == (
        200,
        "application/json",
        False,
    )
    assert css.status_code == 200
    assert css["Content-Type"].startswith("text/css")
    assert "no-store" not in css.get("Cache-Control", "")
    assert (icon.status_code, icon["Location"], icon["Cache-Control"]) == (
        302,
        "/static/frontend/favicon.svg",
        "max-age=86400",
    )
    assert (svg.status_code, svg["Content-Type"]) == (200, "image/svg+xml")
    assert b"<svg" in b"".join(svg.streaming_content)
