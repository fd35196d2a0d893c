"""The guidelines pages, the debate home's first-opening banner and the annotate page's data."""

import json

import pytest
from django.urls import reverse

from debate.models import Guidelines, GuidelinesRead, Role
from debate.services import guidelines_publish
from tests.factories import DebateFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/d/encryption/guidelines/"
READ = "/d/encryption/guidelines/read/"
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>[x](javascript:alert(3))"


@pytest.fixture
def manager(member):
    return member(Role.MANAGER, username="manager")


def publish(debate, manager, text):
    return guidelines_publish(debate=debate, text=text, by=manager).guidelines


def annotate_data(response) -> dict:
    html = response.content.decode()
    opening = '<script id="annotate-data" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


# --- The guidelines page --------------------------------------------------------------------
def test_without_guidelines_the_page_says_who_writes_them(client, debate, member, manager):
    client.force_login(member(Role.ANNOTATOR))
    page = client.get(PAGE)
    client.force_login(manager)
    managing = client.get(PAGE)

    assert (page.status_code, managing.status_code) == (200, 200)
    assert "No guidelines yet; a manager writes them here." in page.content.decode()
    assert 'id="guidelines-form"' not in page.content.decode()
    assert "Write the first version" in managing.content.decode()
    assert 'name="version" value="0"' in managing.content.decode()


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER, Role.RESEARCHER, Role.MANAGER])
def test_every_member_reads_the_current_version_escaped(client, debate, member, manager, role):
    publish(debate, manager, "# Stance\n\nOne.")
    publish(debate, manager, f"# Stance\n\nTwo. {XSS}")
    user = manager if role == Role.MANAGER else member(role)
    client.force_login(user)

    response = client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["shown"].version == 2
    assert "Version 2 (current) · published by <strong>manager</strong>" in html
    assert "<h2>Stance</h2>\n<p>Two. &lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in html
    assert "<script>alert(2)" not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert ('id="guidelines-form"' in html) is (role == Role.MANAGER)
    assert f'<a href="{PAGE}?version=1">Version 1</a>' in html


def test_an_older_version_shows_with_the_changes_to_it(client, debate, member, manager):
    publish(debate, manager, "Claims first.\nThen premises.")
    publish(debate, manager, "Claims first.\nThen premises <b>.\nThen links.")
    client.force_login(member(Role.ANNOTATOR))

    older = client.get(PAGE, {"version": "1"})
    newer = client.get(PAGE, {"version": "2"})

    assert older.context["shown"].version == 1
    assert older.context["diff"] is None
    assert "an older version; <a" in older.content.decode()
    assert newer.context["diff"] == {
        "from": 1,
        "lines": [
            ("hunk", "@@ -1,2 +1,3 @@"),
            ("same", " Claims first."),
            ("del", "-Then premises."),
            ("add", "+Then premises <b>."),
            ("add", "+Then links."),
        ],
    }
    assert '<span class="add">+Then premises &lt;b&gt;.</span>' in newer.content.decode()


@pytest.mark.parametrize("version", ["3", "0", "x", "-1", "\uff11", "9" * 12])
def test_an_unknown_version_is_404(client, debate, member, manager, version):
    publish(debate, manager, "One.")
    client.force_login(member(Role.ANNOTATOR))

    assert client.get(PAGE, {"version": version}).status_code == 404


def test_a_manager_previews_then_publishes(client, debate, manager):
    client.force_login(manager)

    preview = client.post(PAGE, {"text": "# Claim\n\n<script>x</script>", "action": "preview"})
    assert preview.status_code == 200
    assert preview.context["preview"] == "<h2>Claim</h2>\n<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
    assert "&lt;script&gt;x&lt;/script&gt;</textarea>" in preview.content.decode()
    assert 'data-unpublished="true"' in preview.content.decode()
    assert Guidelines.objects.count() == 0

    published = client.post(PAGE, {"text": "# Claim", "action": "publish", "version": "0"})
    again = client.post(PAGE, {"text": "# Claim\r\n", "action": "publish", "version": "1"})

    assert (published.status_code, published.headers["Location"]) == (302, PAGE)
    assert again.status_code == 302
    assert [str(m) for m in again.wsgi_request._messages] == [
        "Published version 1.",
        "The text is the current version's: nothing was published.",
    ]
    assert list(Guidelines.objects.values_list("version", "text_markdown")) == [(1, "# Claim")]


def test_a_refused_or_stale_publication_keeps_the_text(client, debate, manager):
    client.force_login(manager)
    empty = client.post(PAGE, {"text": "  ", "action": "publish", "version": "0"})
    bad_preview = client.post(PAGE, {"text": "a\x00b", "action": "preview"})
    publish(debate, manager, "Someone else's.")

    stale = client.post(PAGE, {"text": "Mine.", "action": "publish", "version": "0"})

    assert empty.status_code == 400
    assert empty.context["errors"] == ["The guidelines are empty: write them before publishing."]
    assert bad_preview.status_code == 400
    assert bad_preview.context["errors"] == ["Contains a NUL character (U+0000)."]
    assert stale.status_code == 409
    assert stale.context["errors"][0].startswith("Version 1 of the guidelines was published")
    assert stale.context["form_text"] == "Mine."
    # The form now names version 1: publishing again, having seen it, goes through.
    assert 'name="version" value="1"' in stale.content.decode()
    assert (
        client.post(PAGE, {"text": "Mine.", "action": "publish", "version": "1"}).status_code == 302
    )
    assert list(Guidelines.objects.values_list("version", flat=True)) == [2, 1]


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER, Role.RESEARCHER])
def test_only_managers_publish_on_the_page(client, debate, member, role):
    client.force_login(member(role))

    response = client.post(PAGE, {"text": "Mine.", "action": "publish", "version": "0"})

    assert response.status_code == 403
    assert Guidelines.objects.count() == 0


def test_non_members_get_404_and_anonymous_users_log_in(client, debate, manager):
    publish(debate, manager, "One.")
    client.force_login(UserFactory(username="stranger"))
    assert client.get(PAGE).status_code == 404
    assert client.post(READ, {"version": "1"}).status_code == 404
    client.logout()
    assert client.get(PAGE).headers["Location"] == f"/login/?next={PAGE}"


def test_the_page_takes_no_other_method(client, debate, manager):
    client.force_login(manager)

    assert client.put(PAGE).status_code == 405
    assert client.get(READ).status_code == 405


# --- Confirming a version ---------------------------------------------------------------------
def test_confirming_a_version_records_it_and_goes_back_where_it_was_asked(
    client, debate, member, manager
):
    annotator = member(Role.ANNOTATOR, username="ann")
    publish(debate, manager, "One.")
    client.force_login(annotator)

    response = client.post(READ, {"version": "1", "next": "/documents/7/annotate/"})
    elsewhere = client.post(READ, {"version": "1", "next": "https://evil.example/"})
    unknown = client.post(READ, {"version": "2"})
    missing = client.post(READ, {})

    assert (response.status_code, response.headers["Location"]) == (302, "/documents/7/annotate/")
    assert (elsewhere.status_code, elsewhere.headers["Location"]) == (302, "/d/encryption/")
    assert (unknown.status_code, unknown.content) == (
        400,
        b"This debate has no guidelines version 2.",
    )
    assert missing.status_code == 400
    assert list(GuidelinesRead.objects.values_list("user__username", "guidelines__version")) == [
        ("ann", 1)
    ]


def test_managers_see_who_has_read_the_current_version(client, debate, member, manager):
    annotator, _ = member(Role.ANNOTATOR, username="ann"), member(Role.ANNOTATOR, username="bob")
    member(Role.REVIEWER, username="rev")
    publish(debate, manager, "One.")
    client.force_login(annotator)
    client.post(READ, {"version": "1"})
    client.force_login(manager)

    html = client.get(PAGE).content.decode()

    assert "1 of 3 annotators and reviewers confirmed reading it. Not yet: bob, rev." in html


# --- The debate home and the annotate page ----------------------------------------------------
def test_the_debate_home_shows_new_guidelines_first_until_confirmed(
    client, debate, member, manager
):
    annotator = member(Role.ANNOTATOR, username="ann")
    client.force_login(annotator)
    home = reverse("debate-home", args=[debate.slug])
    before = client.get(home).content.decode()
    publish(debate, manager, f"# Read me\n\n{XSS}")

    banner = client.get(home).content.decode()
    client.post(READ, {"version": "1", "next": home})
    after = client.get(home).content.decode()
    client.force_login(manager)
    managing = client.get(home).content.decode()

    assert 'id="guidelines-banner"' not in before
    assert (
        f'<a href="{PAGE}">Annotation guidelines</a> <span class="muted small">none yet' in before
    )
    assert banner.index('id="guidelines-banner"') < banner.index("Your role:")
    assert "<h2>Read me</h2>" in banner and "<script>alert(2)" not in banner
    assert '<input type="hidden" name="next" value="/d/encryption/">' in banner
    assert 'id="guidelines-banner"' not in after
    assert "version 1</span>" in after
    assert 'id="guidelines-banner"' not in managing


def test_the_annotate_page_carries_the_guidelines_and_the_scheme_definitions(
    client, debate, member, manager
):
    annotator = member(Role.ANNOTATOR, username="ann")
    document = DocumentFactory(debate=debate)
    client.force_login(annotator)
    url = reverse("annotate", args=[document.id])
    empty = annotate_data(client.get(url))["guidelines"]
    guidelines = publish(debate, manager, f"# Read me\n\n{XSS}")

    response = client.get(url)
    data = annotate_data(response)["guidelines"]
    client.post(READ, {"version": "1"})
    confirmed = annotate_data(client.get(url))["guidelines"]

    assert empty == {
        "version": None,
        "html": "",
        "updated_by": None,
        "updated_at": None,
        "must_read": False,
        "urls": {"page": PAGE, "read": READ},
    }
    assert data == {
        "version": 1,
        "html": guidelines.html,
        "updated_by": "manager",
        "updated_at": data["updated_at"],
        "must_read": True,
        "urls": {"page": PAGE, "read": READ},
    }
    assert data["html"].startswith("<h2>Read me</h2>\n<p>&lt;img src=x onerror=alert(1)&gt;")
    assert confirmed["must_read"] is False
    html = response.content.decode()
    assert f'<input type="hidden" name="next" value="{url}">' in html
    assert 'id="guidelines-toggle"' in html
    scheme = annotate_data(response)["scheme"]
    assert [s["key"] for s in scheme["stances"] if s["definition"]] == ["pro", "contra", "neutral"]
    assert [r["key"] for r in scheme["roles"] if r["definition"]] == ["claim", "premise"]


def test_a_superuser_outside_the_debate_is_never_asked(client, debate, manager):
    publish(debate, manager, "One.")
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    other = DebateFactory(slug="other")

    assert 'id="guidelines-banner"' not in client.get("/d/encryption/").content.decode()
    assert client.get("/d/other/guidelines/").status_code == 200
    assert other.guidelines.count() == 0
