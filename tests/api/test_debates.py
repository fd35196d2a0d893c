"""Debates, actors, members and documents through the API: shapes, writes, filters, pages."""

import datetime

import pytest
import yaml
from django.core.management import call_command

from debate.models import Debate, Document, Membership
from debate.scheme import default_scheme
from debate.serializers import UNKNOWN_MEMBER
from debate.text import text_sha256
from tests.factories import DocumentFactory, UserFactory
from tests.scenes import token_client

# Every test starts from the same world: it is built once for the module (tests/api/conftest.py).
ONE_WORLD_PER_MODULE = True


# --- Debates --------------------------------------------------------------------------------
def test_debate_detail_has_its_scheme_actors_and_my_role(world):
    response = world.client("res").get("/api/v1/debates/encryption/")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "slug": "encryption",
        "title": "Encryption",
        "proposition": world.debate.proposition,
        "annotators_per_document": 2,
        "annotators_see_maps": False,
        "remember_last_choice": False,
        "merge_method": "semantic",
        "suggestions": "off",
        "my_role": "researcher",
        "created_at": body["created_at"],
        "scheme": default_scheme(),
        "actors": [
            {
                "id": world.actor.pk,
                "name": "Rani Govender",
                "kind": "person",
                "affiliation": "",
                "aliases": [],
            }
        ],
    }


def test_staff_create_a_debate_and_manage_it(world):
    response = world.client("man").post(
        "/api/v1/debates/",
        {"slug": "age-checks", "title": "Age checks", "proposition": "Sites should check age."},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["my_role"] == "manager"
    assert response.json()["scheme"] == default_scheme()
    debate = Debate.objects.get(slug="age-checks")
    assert Membership.objects.get(debate=debate).user == world.users["man"]
    assert (response.json()["annotators_see_maps"], debate.annotators_see_maps) == (False, False)


def test_a_new_debate_may_let_its_annotators_see_the_map(world):
    response = world.client("man").post(
        "/api/v1/debates/",
        {"slug": "open-map", "title": "Open", "proposition": "P.", "annotators_see_maps": True},
        format="json",
    )
    assert (response.status_code, response.json()["annotators_see_maps"]) == (201, True)
    assert Debate.objects.get(slug="open-map").annotators_see_maps is True

    response = world.client("man").post(
        "/api/v1/debates/",
        {"slug": "bad-map", "title": "Bad", "proposition": "P.", "annotators_see_maps": "maybe"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"annotators_see_maps": ["Must be a valid boolean."]}


def test_debate_with_its_own_scheme(world):
    scheme = {
        "stances": [{"key": "yes", "label": "Yes", "side": "pro"}],
        "roles": [{"key": "claim", "label": "Claim"}, {"key": "example", "label": "Example"}],
        "relation_types": [{"key": "supports", "label": "Supports", "polarity": "support"}],
    }
    response = world.client("man").post(
        "/api/v1/debates/",
        {"slug": "s2", "title": "Second", "proposition": "P.", "scheme": scheme},
        format="json",
    )
    assert response.status_code == 201
    assert Debate.objects.get(slug="s2").scheme == scheme


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"slug": "encryption", "title": "T", "proposition": "P"},
            {"slug": ["A debate with this slug already exists."]},
        ),
        (
            {"slug": "not a slug", "title": "T", "proposition": "P"},
            {
                "slug": [
                    'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
                ]
            },
        ),
        (
            {
                "slug": "x",
                "title": "T",
                "proposition": "P",
                "scheme": {
                    "stances": [{"key": "a", "label": "A", "side": "sideways"}],
                    "roles": [],
                    "relation_types": [],
                },
            },
            {
                "scheme": {
                    "stances": {"0": {"side": ['"sideways" is not a valid choice.']}},
                }
            },
        ),
        (
            {
                "slug": "x",
                "title": "T",
                "proposition": "P",
                "scheme": {
                    "stances": [{"key": "a", "label": "A", "side": "pro"}],
                    "roles": [],
                    "relation_types": [{"key": "supports", "label": "S", "polarity": "support"}],
                },
            },
            {"scheme": ["roles: must be a non-empty list."]},
        ),
    ],
)
def test_debate_create_names_each_bad_field(world, body, errors):
    before = Debate.objects.count()
    response = world.client("man").post("/api/v1/debates/", body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert Debate.objects.count() == before


# --- Actors and members ---------------------------------------------------------------------
def test_manager_adds_an_actor(world):
    response = world.client("man").post(
        "/api/v1/debates/encryption/actors/",
        {
            "name": "Home Office",
            "kind": "organisation",
            "affiliation": "UK Government",
            "aliases": ["Home Secretary"],
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "name": "Home Office",
        "kind": "organisation",
        "affiliation": "UK Government",
        "aliases": ["Home Secretary"],
    }


def test_actor_names_are_unique_in_a_debate(world):
    response = world.client("man").post(
        "/api/v1/debates/encryption/actors/", {"name": "Rani Govender"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["This debate already has an actor of that name."]}


def test_actors_are_listed_by_name(world):
    client = world.client("man")
    for name in ("Zed", "Anna"):
        client.post("/api/v1/debates/encryption/actors/", {"name": name}, format="json")
    names = [a["name"] for a in client.get("/api/v1/debates/encryption/actors/").json()["results"]]
    assert names == ["Anna", "Rani Govender", "Zed"]


def test_manager_adds_members_and_changes_roles(world):
    UserFactory(username="newbie")
    client = world.client("man")
    url = "/api/v1/debates/encryption/members/"
    added = client.post(url, {"username": "newbie", "role": "annotator"}, format="json")
    changed = client.post(url, {"username": "newbie", "role": "reviewer"}, format="json")
    assert (added.status_code, changed.status_code) == (201, 200)
    assert changed.json() == {
        "username": "newbie",
        "role": "reviewer",
        "created_at": added.json()["created_at"],
    }
    unknown = client.post(url, {"username": "nobody", "role": "annotator"}, format="json")
    assert unknown.status_code == 400
    assert unknown.json() == {"username": [UNKNOWN_MEMBER]}
    roles = {m["username"]: m["role"] for m in client.get(url).json()["results"]}
    assert roles == {
        "ann": "annotator",
        "ann2": "annotator",
        "rev": "reviewer",
        "man": "manager",
        "res": "researcher",
        "newbie": "reviewer",
    }


def test_a_demoted_manager_loses_the_admin_access_managing_gave(world):
    newbie = UserFactory(username="newbie2")
    client = world.client("man")
    url = "/api/v1/debates/encryption/members/"
    promoted = client.post(url, {"username": "newbie2", "role": "manager"}, format="json")
    assert promoted.status_code == 201
    newbie.refresh_from_db()
    assert newbie.is_staff  # a manager works in the admin

    demoted = client.post(url, {"username": "newbie2", "role": "annotator"}, format="json")

    assert demoted.status_code == 200
    newbie.refresh_from_db()
    assert newbie.is_staff is False
    # So they can no longer create debates, and so grant roles in one of their own.
    created = token_client(newbie).post(
        "/api/v1/debates/",
        {"slug": "mine", "title": "Mine", "proposition": "P."},
        format="json",
    )
    assert created.status_code == 403


# --- Documents ------------------------------------------------------------------------------
def test_document_detail_has_text_sha_and_my_status(world):
    response = world.client("ann").get(f"/api/v1/documents/{world.document.pk}/")
    body = response.json()
    assert body == {
        "id": world.document.pk,
        "debate": "encryption",
        "title": "Scanning row",
        "source": "test",
        "url": "",
        "published": None,
        "sha256": text_sha256(world.document.text),
        "length": len(world.document.text),
        "status": "annotating",
        "my_status": "in_progress",
        "created_at": body["created_at"],
        "text": world.document.text,
    }
    assert (
        world.client("res").get(f"/api/v1/documents/{world.document.pk}/").json()["my_status"]
        is None
    )


def test_manager_imports_a_normalised_document_once(world):
    client = world.client("man")
    url = "/api/v1/debates/encryption/documents/"
    body = {
        "text": "Cafe\u0301 owners\r\nsay no.",
        "title": "Owners",
        "url": "https://example.org/a",
        "published": "2024-03-01",
    }
    created = client.post(url, body, format="json")
    again = client.post(url, {**body, "text": "Caf\u00e9 owners\nsay no."}, format="json")

    assert (created.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == created.json()["id"]
    assert created.json()["text"] == "Caf\u00e9 owners\nsay no."
    assert created.json()["length"] == 19
    assert created.json()["sha256"] == text_sha256("Caf\u00e9 owners\nsay no.")
    assert created.json()["published"] == "2024-03-01"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"text": ""}, {"text": ["This field may not be blank."]}),
        ({"text": "   \n  "}, {"text": ["The text is empty."]}),
        ({"text": "ok", "url": "not a url"}, {"url": ["Enter a valid URL."]}),
        (
            {"text": "ok", "published": "1 March"},
            {"published": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({"title": "no text"}, {"text": ["This field is required."]}),
    ],
)
def test_document_import_names_each_bad_field(world, body, errors):
    before = Document.objects.count()
    response = world.client("man").post(
        "/api/v1/debates/encryption/documents/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json() == errors
    assert Document.objects.count() == before


def test_a_document_without_a_title_is_titled_by_its_headline(world):
    text = "Shropshire Star\n\nBy Jane Example\n\nCharities clash with tech firms\n\nBody."
    created = world.client("man").post(
        "/api/v1/debates/encryption/documents/",
        {"text": text, "source": "Shropshire Star"},
        format="json",
    )
    assert created.status_code == 201
    assert (created.json()["title"], created.json()["source"]) == (
        "Charities clash with tech firms",
        "Shropshire Star",
    )


def test_a_manager_corrects_a_documents_title_source_url_and_date(world):
    url = f"/api/v1/documents/{world.document.pk}/"
    before = world.client("man").get(url).json()
    assert world.document.spans.exists()  # annotated: its text is fixed, its title is not

    response = world.client("man").patch(
        url,
        {
            "title": "  Cafe\u0301 owners\r\nsay no  ",
            "source": "Shropshire Star",
            "url": "https://example.org/scanning-row",
            "published": "2023-07-12",
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        **before,
        "title": "Caf\u00e9 owners say no",
        "source": "Shropshire Star",
        "url": "https://example.org/scanning-row",
        "published": "2023-07-12",
    }
    assert world.client("ann").get(url).json()["title"] == "Caf\u00e9 owners say no"
    retitled = world.client("man").patch(url, {"title": "Scanning row, again"}, format="json")
    assert (retitled.json()["title"], retitled.json()["source"]) == (
        "Scanning row, again",
        "Shropshire Star",
    )
    cleared = world.client("man").patch(url, {"url": "", "published": None}, format="json")
    assert (cleared.json()["url"], cleared.json()["published"]) == ("", None)


REFUSED = ["Unknown or read-only field; it cannot be written."]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"text": "Replaced."}, {"text": REFUSED}),
        ({"title": "New", "text": "Replaced."}, {"text": REFUSED}),
        ({"title": "New", "status": "adjudicated"}, {"status": REFUSED}),
        ({"title": "New", "debate": "other"}, {"debate": REFUSED}),
        ({}, {"non_field_errors": ["Send at least one of title, source, url and published."]}),
        ({"title": ""}, {"title": ["This field may not be blank."]}),
        ({"title": " \n "}, {"title": ["This field may not be blank."]}),
        ({"title": None}, {"title": ["This field may not be null."]}),
        ({"title": 7}, {"title": ["Not a valid string."]}),
        ({"title": "x" * 301}, {"title": ["Ensure this field has no more than 300 characters."]}),
        # One good field and one bad: nothing is written, not even the good one.
        ({"title": "New", "url": "not a url"}, {"url": ["Enter a valid URL."]}),
        (
            {"title": "New", "published": "12 July"},
            {"published": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
    ],
)
def test_a_document_change_names_each_bad_field_and_changes_nothing(world, body, errors):
    url = f"/api/v1/documents/{world.document.pk}/"
    before = Document.objects.values().get(pk=world.document.pk)

    response = world.client("man").patch(url, body, format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert Document.objects.values().get(pk=world.document.pk) == before


def test_a_document_change_is_documented_in_the_schema(tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    operations = schema["paths"]["/api/v1/documents/{id}/"]
    request = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]
    body = schema["components"]["schemas"][request["$ref"].rsplit("/", 1)[1]]

    assert sorted(body["properties"]) == ["published", "source", "title", "url"]
    assert sorted(operations["patch"]["responses"]) == ["200", "400", "401", "403", "404"]
    assert sorted(operations["get"]["responses"]) == ["200", "400", "401", "404"]
    assert "managers" in operations["patch"]["summary"]


@pytest.fixture
def library(world):
    """Documents with titles, texts, dates and statuses to filter on."""
    made = {
        "a": DocumentFactory(
            debate=world.debate,
            title="Apple scanning plan",
            text="Apple drops its scanning plan.",
            published=datetime.date(2022, 12, 7),
        ),
        "b": DocumentFactory(
            debate=world.debate,
            title="Ofcom powers",
            text="The regulator could demand scanning technology.",
            published=datetime.date(2023, 9, 19),
            status="ready_for_review",
        ),
        "c": DocumentFactory(
            debate=world.debate,
            title="Signal threatens to leave",
            text="Signal would walk away from the UK.",
            published=datetime.date(2023, 2, 24),
        ),
    }
    return made


def listed(world, **params) -> list[int]:
    response = world.client("res").get("/api/v1/debates/encryption/documents/", params)
    assert response.status_code == 200, response.json()
    return [document["id"] for document in response.json()["results"]]


def test_document_filters(world, library):
    a, b, c = library["a"].pk, library["b"].pk, library["c"].pk
    assert listed(world, search="scanning") == [world.document.pk, a, b]
    assert listed(world, search="scanning plan") == [a]
    assert listed(world, search="SIGNAL") == [c]
    assert listed(world, published_after="2023-01-01") == [b, c]
    assert listed(world, published_before="2023-03-01") == [a, c]
    assert listed(world, published_after="2023-01-01", published_before="2023-03-01") == [c]
    assert listed(world, status="ready_for_review") == [b]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        (
            {"status": "lost"},
            {"status": ["Select a valid choice. lost is not one of the available choices."]},
        ),
        ({"published_after": "soon"}, {"published_after": ["Enter a valid date."]}),
        ({"stauts": "new"}, {"stauts": ["Unknown query parameter."]}),
        (
            {"created_by__password__startswith": "pbkdf2"},
            {"created_by__password__startswith": ["Unknown query parameter."]},
        ),
        ({"text__contains": "a"}, {"text__contains": ["Unknown query parameter."]}),
    ],
)
def test_bad_and_unknown_filters_are_refused_by_name(world, params, errors):
    response = world.client("res").get("/api/v1/debates/encryption/documents/", params)
    assert response.status_code == 400
    assert response.json() == errors


def test_cursor_pages_walk_every_document_once(world, library):
    client = world.client("res")
    url = "/api/v1/debates/encryption/documents/?page_size=2"
    seen, pages = [], 0
    while url:
        body = client.get(url).json()
        seen += [document["id"] for document in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == sorted(Document.objects.filter(debate=world.debate).values_list("pk", flat=True))
    assert pages == 2


def test_list_items_leave_out_the_text(world):
    item = world.client("res").get("/api/v1/debates/encryption/documents/").json()["results"][0]
    assert "text" not in item
    assert item["length"] == len(world.document.text)


def test_a_bad_cursor_is_a_client_error(world):
    response = world.client("res").get("/api/v1/debates/encryption/documents/?cursor=zzz")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}
