"""The members and import pages: only a debate's managers see them, what they embed, and the
debate page that links to them for managers only."""

import json

import pytest
from django.urls import reverse

from debate.models import Role
from tests.factories import DebateFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

XSS = '</script><script>alert("x")</script>'
ROLES = [Role.ANNOTATOR, Role.REVIEWER, Role.MANAGER, Role.RESEARCHER]


def embedded(html: str, element_id: str) -> dict:
    opening = f'<script id="{element_id}" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("members", "Only managers of this debate see and change its members."),
        ("import", "Only managers of this debate import documents and spans."),
    ],
)
def test_only_managers_and_superusers_see_the_page_others_get_the_styled_403(
    client, debate, member, page, reason
):
    url = reverse(page, args=[debate.slug])
    got = {}
    for role in ROLES:
        client.force_login(member(role))
        response = client.get(url)
        got[role] = response.status_code
        if response.status_code == 403:
            assert response.templates[0].name == "frontend/error.html"
            assert reason in response.content.decode()
    assert got == {"annotator": 403, "reviewer": 403, "manager": 200, "researcher": 403}
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200
    # A manager of another debate only: 404, as for every page of a debate.
    stranger = UserFactory()
    DebateFactory().memberships.create(user=stranger, role=Role.MANAGER)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"] == f"/login/?next={url}"


def test_the_members_page_embeds_the_members_safely(client, debate, member):
    manager = member(Role.MANAGER, username="boss")
    member(Role.ANNOTATOR, username="ann")
    debate.title = XSS
    debate.save()
    client.force_login(manager)

    html = client.get(reverse("members", args=[debate.slug])).content.decode()

    assert XSS not in html
    data = embedded(html, "members-data")
    assert data["me"] == "boss"
    assert [(m["username"], m["role"]) for m in data["members"]] == [
        ("boss", "manager"),
        ("ann", "annotator"),
    ]
    assert [role["value"] for role in data["roles"]] == [
        "annotator",
        "reviewer",
        "manager",
        "researcher",
    ]
    assert data["urls"] == {
        "home": "/",
        "debate": "/d/encryption/",
        "members": "/api/v1/debates/encryption/members/",
        "member": "/api/v1/debates/encryption/members/{username}/",
        "suggestions": "/api/v1/debates/encryption/suggestions/settings/",
    }
    assert data["suggestions"] == {"mode": "off", "annotators": []}


def test_the_import_page_offers_the_annotators_layers_and_the_import_addresses(
    client, debate, member
):
    manager = member(Role.MANAGER)
    member(Role.ANNOTATOR, username="zoe")
    member(Role.ANNOTATOR, username="abe")
    member(Role.REVIEWER, username="rita")
    client.force_login(manager)

    response = client.get(reverse("import", args=[debate.slug]))

    html = response.content.decode()
    assert response.context["annotators"] == ["abe", "zoe"]
    assert 'accept=".txt,.md,.html,.htm,.jsonl,.zip"' in html
    assert embedded(html, "import-data")["urls"] == {
        "documents": "/api/v1/debates/encryption/documents/import/",
        "documents_list": "/d/encryption/#docs-title",
        "brat": "/api/v1/debates/encryption/import/brat/",
        "spans": "/api/v1/debates/encryption/import/spans/",
        "annotate": "/documents/{id}/annotate/",
    }


def test_the_debate_page_links_the_managing_pages_for_managers_only(client, debate, member):
    links = ('href="/d/encryption/members/"', 'href="/d/encryption/import/"')
    seen = {}
    for role in ROLES:
        client.force_login(member(role))
        html = client.get(reverse("debate-home", args=[debate.slug])).content.decode()
        seen[role] = [link in html for link in links]
    assert seen == {
        "annotator": [False, False],
        "reviewer": [False, False],
        "manager": [True, True],
        "researcher": [False, False],
    }


def test_an_empty_debate_sends_managers_to_the_import_page_and_names_the_command_once(
    client, debate, member
):
    url = reverse("debate-home", args=[debate.slug])
    client.force_login(member(Role.MANAGER))
    html = client.get(url).content.decode()
    assert 'No documents yet. <a href="/d/encryption/import/">Import documents</a>' in html
    assert html.count("python manage.py import_documents encryption PATH") == 1

    client.force_login(member(Role.ANNOTATOR))
    html = client.get(url).content.decode()
    assert "No documents yet. A manager of this debate imports them." in html
    assert "import_documents" not in html

    DocumentFactory(debate=debate)
    client.force_login(member(Role.MANAGER))
    assert "import_documents" not in client.get(url).content.decode()


def test_an_annotator_with_nothing_assigned_is_told_where_assignments_come_from(
    client, debate, member
):
    DocumentFactory(debate=debate)
    client.force_login(member(Role.ANNOTATOR))

    html = client.get(reverse("debate-home", args=[debate.slug])).content.decode()

    assert (
        "Nothing is assigned to you yet. A manager of this debate assigns documents on its "
        "Assign page."
    ) in html
    assert "in the admin" not in html
