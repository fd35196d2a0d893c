"""The guidelines API: members read the current version, managers publish new ones."""

import pytest

from debate.models import MAX_GUIDELINES_CHARS, Debate, Guidelines
from debate.scheme import MAX_DEFINITION_CHARS, default_scheme
from debate.services import guidelines_publish

# Every test starts from the same world: it is built once for the module (tests/api/conftest.py).
ONE_WORLD_PER_MODULE = True

URL = "/api/v1/debates/encryption/guidelines/"
EMPTY = {"version": None, "markdown": "", "html": "", "updated_by": None, "updated_at": None}


def test_a_debate_without_guidelines_answers_the_empty_state(world):
    response = world.client("ann").get(URL)

    assert (response.status_code, response.json()) == (200, EMPTY)


def test_a_manager_publishes_and_every_member_reads_the_current_version(world):
    manager = world.client("man")

    first = manager.put(URL, {"markdown": "# Claim\n\nA position.", "version": 0}, format="json")
    second = manager.put(URL, {"markdown": "# Claim\n\nA position [x](javascript:alert(1))."})
    read = {who: world.client(who).get(URL) for who in ("ann", "rev", "res", "root")}

    assert first.status_code == 200
    assert first.json() == {
        "version": 1,
        "markdown": "# Claim\n\nA position.",
        "html": "<h2>Claim</h2>\n<p>A position.</p>\n",
        "updated_by": "man",
        "updated_at": first.json()["updated_at"],
    }
    assert second.status_code == 200
    body = second.json()
    assert (body["version"], body["html"]) == (
        2,
        "<h2>Claim</h2>\n<p>A position [x](javascript:alert(1)).</p>\n",
    )
    assert {who: (r.status_code, r.json()) for who, r in read.items()} == {
        who: (200, body) for who in read
    }
    assert list(Guidelines.objects.values_list("version", flat=True)) == [2, 1]


def test_the_same_text_publishes_nothing(world):
    manager = world.client("man")
    first = manager.put(URL, {"markdown": "Tag claims."}, format="json")

    again = manager.put(URL, {"markdown": "Tag claims.\r\n"}, format="json")

    assert (again.status_code, again.json()) == (200, first.json())
    assert Guidelines.objects.count() == 1


def test_a_stale_version_gets_412_and_publishes_nothing(world):
    guidelines_publish(debate=world.debate, text="One.", by=world.users["man"])
    guidelines_publish(debate=world.debate, text="Two.", by=world.users["man"])

    response = world.client("man").put(URL, {"markdown": "Mine.", "version": 1}, format="json")

    assert response.status_code == 412
    assert response.json() == {
        "detail": "Version 2 of the guidelines was published after the one you edited; read "
        "it and publish your changes again.",
        "current_version": 2,
    }
    assert Guidelines.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"markdown": "a\x00b"}, {"markdown": ["Null characters are not allowed."]}),
        ({"markdown": ""}, {"markdown": ["This field may not be blank."]}),
        (
            {"markdown": " \n\n "},
            {"markdown": ["The guidelines are empty: write them before publishing."]},
        ),
        (
            {"markdown": "x" * (MAX_GUIDELINES_CHARS + 1)},
            {"markdown": ["Ensure this field has no more than 100000 characters."]},
        ),
        ({"markdown": 7}, {"markdown": ["Not a valid string."]}),
        ({}, {"markdown": ["This field is required."]}),
        (
            {"markdown": "x", "version": -1},
            {"version": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"markdown": "x", "version": "1"},
            {"version": ["A valid integer is required."]},
        ),
        (
            {"markdown": "x", "html": "<script>alert(1)</script>"},
            {"html": ["Unknown or read-only field; it cannot be written."]},
        ),
    ],
)
def test_invalid_bodies_are_refused_naming_the_field(world, body, errors):
    response = world.client("man").put(URL, body, format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert Guidelines.objects.count() == 0


def test_a_text_too_long_once_normalised_is_refused_under_the_bodys_name(world):
    # U+0958 has no NFC form of its own: each becomes two code points, so 50,001 of them are
    # within the body's limit as sent and 100,002 characters once stored.
    response = world.client("man").put(URL, {"markdown": "\u0958" * 50_001}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "markdown": ["Must be at most 100,000 characters; this text has 100,002."]
    }
    assert Guidelines.objects.count() == 0


def test_stance_and_role_definitions_reach_the_api(world):
    body = world.client("ann").get("/api/v1/debates/encryption/").json()

    assert [s.get("definition", "")[:30] for s in body["scheme"]["stances"]] == [
        s["definition"][:30] for s in default_scheme()["stances"]
    ]
    assert all(role["definition"] for role in body["scheme"]["roles"])


def test_a_new_debate_refuses_a_definition_too_long(world):
    scheme = default_scheme()
    scheme["roles"][0]["definition"] = "x" * (MAX_DEFINITION_CHARS + 1)

    response = world.client("man").post(
        "/api/v1/debates/",
        {"slug": "long", "title": "Long", "proposition": "P.", "scheme": scheme},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "scheme": {
            "roles": {"0": {"definition": ["Ensure this field has no more than 500 characters."]}}
        }
    }
    assert not Debate.objects.filter(slug="long").exists()
