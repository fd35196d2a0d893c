"""The debate over time in the API: the diff between two map versions and actors' timelines.

Both versions are real builds of the seed gold layer (``seed_over_time``): the first of the
two seed articles, the second after a later article was adjudicated, which gives the tech
firms' backdoor argument a third source and Susie Hargreaves (pro until then) a contra claim.
"""

import pytest

from debate.models import Role
from maps.models import MapVersion
from tests.factories import DebateFactory, MembershipFactory, UserFactory
from tests.fixtures.seed_articles import (
    BACKDOOR_LATER,
    SUSPECT_LATER,
    TITLE_000,
    TITLE_004,
    TITLE_LATER,
)
from tests.maps.seed import (
    BACKDOOR_000,
    BACKDOOR_004,
    HARGREAVES,
    PROTECTION_000,
    PROTECTION_004,
    SMOKESCREEN_004,
    TECH_FIRMS,
)
from tests.maps.test_api import MAPS_HIDDEN, client_for
from tests.scenes import seed_over_time

pytestmark = pytest.mark.django_db

NOT_A_VERSION = "Not a version of this debate's map: give the id of one (see the map list)."


@pytest.fixture
def users(debate):
    """A member of each role, a manager of another debate, and a superuser (as test_api.py)."""
    people = {role: UserFactory(username=role[:3]) for role in Role.values}
    for role in Role.values:
        MembershipFactory(debate=debate, user=people[role], role=role)
    people["outsider"] = UserFactory(username="outsider", is_staff=True)
    MembershipFactory(debate=DebateFactory(slug="other"), user=people["outsider"], role="manager")
    people["root"] = UserFactory(username="root", is_staff=True, is_superuser=True)
    return people


@pytest.fixture
def scene(debate, users):
    return seed_over_time(debate, users["reviewer"])


def diff_url(version: MapVersion, query: str = "") -> str:
    return f"/api/v1/maps/{version.pk}/diff/{query}"


def source_of(scene, quote: str, published: str | None, title: str) -> dict:
    """Return the API's source object of a gold span of the scene, found by its quote."""
    span = next(s for s in scene["spans"].values() if s.quote == quote)
    return {
        "span_id": str(span.pk),
        "document_id": str(span.document_id),
        "document_title": title,
        "published": published,
        "start": span.start,
        "end": span.end,
        "quote": quote,
        "actor_id": None if span.actor_id is None else str(span.actor_id),
    }


def argument_of(graph: dict, quote: str) -> dict:
    return next(a for a in graph["arguments"] if quote in {s["quote"] for s in a["sources"]})


# --- GET /maps/{id}/diff/ --------------------------------------------------------------------
def test_the_diff_of_two_builds_names_what_the_later_article_changed(scene, users):
    client = client_for(users, "researcher")
    first, second = scene["first"], scene["second"]
    graphs = [client.get(f"/api/v1/maps/{v.pk}/").json() for v in (first, second)]

    response = client.get(diff_url(second))

    assert response.status_code == 200
    body = response.json()
    assert (body["from_version"], body["to_version"]) == (first.pk, second.pk)
    assert body["counts"] == {
        "added": 1,
        "removed": 0,
        "merged": 0,
        "split": 0,
        "changed": 1,
        "unchanged": 7,
    }
    hargreaves = scene["actors"][HARGREAVES]
    assert body["added"] == [
        {
            "id": argument_of(graphs[1], SUSPECT_LATER)["id"],
            "kind": "claim",
            "side": "contra",
            "text": SUSPECT_LATER,
            "strength": 0.5,
            "sources": [source_of(scene, SUSPECT_LATER, "2023-04-20", TITLE_LATER)],
        }
    ]
    [change] = body["changed"]
    backdoor = argument_of(graphs[0], BACKDOOR_000)["id"]
    assert (change["before"]["id"], change["after"]["id"], change["changed"]) == (
        backdoor,
        backdoor,
        ["sources"],
    )
    assert change["before"]["sources"] == [
        source_of(scene, BACKDOOR_000, None, TITLE_000),
        source_of(scene, BACKDOOR_004, "2023-02-14", TITLE_004),
    ]
    assert change["after"]["sources"] == [
        *change["before"]["sources"],
        source_of(scene, BACKDOOR_LATER, "2023-04-20", TITLE_LATER),
    ]
    assert (body["removed"], body["merged"], body["split"]) == ([], [], [])
    assert body["actors"] == [
        {
            "actor_id": str(hargreaves.pk),
            "name": "Susie Hargreaves",
            "before": "pro",
            "after": "mixed",
        }
    ]
    assert body["proposition"] == {
        "before": graphs[0]["proposition"]["strength"],
        "after": graphs[1]["proposition"]["strength"],
    }
    assert body["proposition"]["after"] < body["proposition"]["before"]  # one more attacker


def test_from_names_the_version_to_compare_with_either_way(scene, users):
    client = client_for(users, "reviewer")
    first, second = scene["first"], scene["second"]

    explicit = client.get(diff_url(second, f"?from={first.pk}"))
    backwards = client.get(diff_url(first, f"?from={second.pk}")).json()

    assert explicit.json() == client.get(diff_url(second)).json()
    assert (backwards["from_version"], backwards["to_version"]) == (second.pk, first.pk)
    assert [a["text"] for a in backwards["removed"]] == [SUSPECT_LATER]
    assert backwards["added"] == []
    assert [c["changed"] for c in backwards["changed"]] == [["sources"]]
    assert [(a["before"], a["after"]) for a in backwards["actors"]] == [("mixed", "pro")]


def test_the_first_version_is_compared_with_an_empty_map(scene, users):
    body = client_for(users, "manager").get(diff_url(scene["first"])).json()

    assert (body["from_version"], body["to_version"]) == (None, scene["first"].pk)
    assert body["counts"] == {
        "added": 8,
        "removed": 0,
        "merged": 0,
        "split": 0,
        "changed": 0,
        "unchanged": 0,
    }
    assert body["proposition"]["before"] is None
    assert [(a["name"], a["before"], a["after"]) for a in body["actors"]] == [
        ("Kate Robertson", None, "contra"),
        ("Rani Govender", None, "pro"),
        ("Susie Hargreaves", None, "pro"),
        ("the tech firms", None, "contra"),
    ]


def test_a_version_compared_with_itself_changed_nothing(scene, users):
    second = scene["second"]
    body = client_for(users, "reviewer").get(diff_url(second, f"?from={second.pk}")).json()

    assert body["counts"]["unchanged"] == 9
    assert sum(body["counts"].values()) == 9
    assert body["actors"] == []


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", "\uff11", "9" * 19, "2000000000"])
def test_from_must_name_a_version_of_the_same_debate(scene, users, value):
    response = client_for(users, "reviewer").get(diff_url(scene["second"], f"?from={value}"))

    assert (response.status_code, response.json()) == (400, {"from": [NOT_A_VERSION]})


def test_another_debate_s_version_is_refused_like_an_unknown_one(scene, users, debate):
    other = DebateFactory(slug="bravo")  # the outsider's "other" is taken
    foreign = MapVersion.objects.create(
        debate=other, input_hash="f" * 64, builder_version="argmap/2", graph_json="{}"
    )
    client = client_for(users, "root")  # root reads every debate's maps, and still gets 400

    response = client.get(diff_url(scene["second"], f"?from={foreign.pk}"))

    assert (response.status_code, response.json()) == (400, {"from": [NOT_A_VERSION]})


def test_unknown_diff_parameters_are_refused(scene, users):
    response = client_for(users, "reviewer").get(diff_url(scene["second"], "?to=1"))

    assert (response.status_code, response.json()) == (400, {"to": ["Unknown query parameter."]})


# --- GET /maps/{id}/timeline/ ----------------------------------------------------------------
def point(scene, graph, quote, published, side, title) -> dict:
    return {
        "published": published,
        "side": side,
        "argument": argument_of(graph, quote)["id"],
        "source": source_of(scene, quote, published, title),
    }


def test_the_timeline_places_each_actor_s_sources_by_day_and_lists_undated_apart(scene, users):
    client = client_for(users, "researcher")
    second = scene["second"]
    graph = client.get(f"/api/v1/maps/{second.pk}/").json()

    response = client.get(f"/api/v1/maps/{second.pk}/timeline/")

    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["first"], body["last"]) == (second.pk, "2023-02-14", "2023-04-20")
    actors = {a["name"]: a for a in body["actors"]}
    assert list(actors) == ["Kate Robertson", "Rani Govender", "Susie Hargreaves", "the tech firms"]
    hargreaves = actors["Susie Hargreaves"]
    assert (hargreaves["actor_id"], hargreaves["position"]) == (
        str(scene["actors"][HARGREAVES].pk),
        "mixed",
    )
    assert hargreaves["points"] == [
        point(scene, graph, SMOKESCREEN_004, "2023-02-14", "pro", TITLE_004),
        point(scene, graph, SUSPECT_LATER, "2023-04-20", "contra", TITLE_LATER),
    ]
    assert hargreaves["undated"] == []
    firms = actors["the tech firms"]
    assert firms["actor_id"] == str(scene["actors"][TECH_FIRMS].pk)
    assert firms["points"] == [
        point(scene, graph, PROTECTION_004, "2023-02-14", "contra", TITLE_004),
        point(scene, graph, BACKDOOR_004, "2023-02-14", "contra", TITLE_004),
        point(scene, graph, BACKDOOR_LATER, "2023-04-20", "contra", TITLE_LATER),
    ]
    # Article 000 has no known day: its sources are listed apart.
    assert firms["undated"] == [
        point(scene, graph, PROTECTION_000, None, "contra", TITLE_000),
        point(scene, graph, BACKDOOR_000, None, "contra", TITLE_000),
    ]
    assert [len(actors[name]["points"]) for name in ("Kate Robertson", "Rani Govender")] == [2, 2]


def test_the_timeline_takes_no_query_parameters(scene, users):
    response = client_for(users, "reviewer").get(
        f"/api/v1/maps/{scene['second'].pk}/timeline/?actor=1"
    )

    assert (response.status_code, response.json()) == (
        400,
        {"actor": ["Unknown query parameter."]},
    )


# --- who may read them -----------------------------------------------------------------------
WHO_READS = [
    (None, 401),
    ("outsider", 404),
    ("annotator", 403),
    ("reviewer", 200),
    ("manager", 200),
    ("researcher", 200),
    ("root", 200),
]


@pytest.mark.parametrize("part", ["diff", "timeline"])
@pytest.mark.parametrize(("who", "expected"), WHO_READS)
def test_who_may_read_the_diff_and_the_timeline(scene, users, part, who, expected):
    response = client_for(users, who).get(f"/api/v1/maps/{scene['second'].pk}/{part}/")

    assert response.status_code == expected
    if expected == 403:
        assert response.json() == {"detail": MAPS_HIDDEN}


@pytest.mark.parametrize("part", ["diff", "timeline"])
def test_annotators_read_them_where_the_debate_lets_them_see_maps(scene, users, debate, part):
    debate.annotators_see_maps = True
    debate.save(update_fields=["annotators_see_maps"])

    response = client_for(users, "annotator").get(f"/api/v1/maps/{scene['second'].pk}/{part}/")

    assert response.status_code == 200


@pytest.mark.parametrize("part", ["diff", "timeline"])
def test_an_unknown_version_is_404(scene, users, part):
    response = client_for(users, "reviewer").get(f"/api/v1/maps/2000000000/{part}/")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No map version with this id."},
    )
