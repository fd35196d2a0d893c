"""The map API: ask for a build, follow it, list versions, download every export format.

The gold layer is the seed scenario (the two articles of tests/fixtures/seed_articles.py, the
tech firms' backdoor argument in both, four actors on two sides), stored with factories at the
exact offsets of the article sentences; ``seed_gold`` is shared with the browser test.
"""

import dataclasses
import json

import networkx as nx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotations.models import Relation
from debate.models import Debate, Role
from maps.builder import map_from_dict, map_to_dict, map_to_json
from maps.formats import EXPORT_FORMATS, export_map
from maps.models import MapBuild, MapChunk, MapVersion
from maps.selectors import map_version_graph_bytes
from maps.services import map_build_request, map_build_run
from tests.factories import (
    DebateFactory,
    MembershipFactory,
    UserFactory,
    api_token,
)
from tests.scenes import SEED_TITLES, seed_gold

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(debate):
    people = {
        "annotator": UserFactory(username="ann"),
        "reviewer": UserFactory(username="rev"),
        "manager": UserFactory(username="man"),
        "researcher": UserFactory(username="res"),
        "outsider": UserFactory(username="outsider", is_staff=True),
        "root": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    for who in ("annotator", "reviewer", "manager", "researcher"):
        MembershipFactory(debate=debate, user=people[who], role=Role(who))
    # Powerful elsewhere, a stranger here.
    MembershipFactory(debate=DebateFactory(slug="other"), user=people["outsider"], role="manager")
    return people


@pytest.fixture
def seeded(debate, users):
    return seed_gold(debate, users["reviewer"])


@pytest.fixture
def version(debate, seeded) -> MapVersion:
    """The debate's current map, built inline from the seed gold layer."""
    build = map_build_request(debate=debate, reason="test")
    map_build_run(build_id=build.pk, worker="test:1")
    build.refresh_from_db()
    return build.version


def client_for(users, who: str | None) -> APIClient:
    client = APIClient()
    if who is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(users[who])}")
    return client


READERS = ["reviewer", "manager", "researcher", "root"]
# Who reads maps where the debate keeps them from annotators (the default): blind annotation.
WHO_READS = [(None, 401), ("outsider", 404), ("annotator", 403)] + [(who, 200) for who in READERS]
MAPS_HIDDEN = (
    "Annotators of this debate do not see its map: it quotes the gold layer, and annotation "
    "here is blind. A manager can let them (the debate's annotators_see_maps setting)."
)


# --- POST /debates/{slug}/maps/ -------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 401),
        ("outsider", 404),
        ("annotator", 403),
        ("researcher", 403),
        ("reviewer", 202),
        ("manager", 202),
        ("root", 202),
    ],
)
def test_who_may_ask_for_a_map(debate, users, who, expected):
    response = client_for(users, who).post("/api/v1/debates/encryption/maps/")

    assert response.status_code == expected
    assert MapBuild.objects.count() == (1 if expected == 202 else 0)
    if expected == 403:
        assert response.json() == {
            "detail": "Only reviewers and managers of this debate can build its map."
        }


def test_asking_for_a_map_answers_202_with_the_build_to_poll(debate, users):
    response = client_for(users, "reviewer").post(
        "/api/v1/debates/encryption/maps/", {"reason": "two articles adjudicated"}, format="json"
    )

    assert response.status_code == 202
    build = MapBuild.objects.get()
    body = response.json()
    url = f"http://testserver/api/v1/map-builds/{build.pk}/"
    assert response["Location"] == body["url"] == url
    assert {key: body[key] for key in ("id", "debate", "status", "progress", "reason")} == {
        "id": build.pk,
        "debate": "encryption",
        "status": "queued",
        "progress": 0,
        "reason": "two articles adjudicated",
    }
    assert (body["requested_by"], body["version"], body["version_url"]) == ("rev", None, None)


def test_a_second_request_joins_the_waiting_build(debate, users):
    first = client_for(users, "reviewer").post("/api/v1/debates/encryption/maps/")
    second = client_for(users, "manager").post("/api/v1/debates/encryption/maps/")

    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["requests"] == 2
    assert first.json()["reason"] == "Asked for through the API"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"reason": 42}, {"reason": ["Not a valid string."]}),
        ({"reason": "x" * 201}, {"reason": ["Ensure this field has no more than 200 characters."]}),
        ({"status": "done"}, {"status": ["Unknown or read-only field; it cannot be written."]}),
    ],
)
def test_a_bad_request_body_is_refused_field_by_field(debate, users, body, errors):
    response = client_for(users, "reviewer").post(
        "/api/v1/debates/encryption/maps/", body, format="json"
    )

    assert (response.status_code, response.json()) == (400, errors)
    assert not MapBuild.objects.exists()


def test_a_requested_build_runs_after_commit_and_its_map_downloads(
    debate, users, seeded, django_capture_on_commit_callbacks
):
    reviewer = client_for(users, "reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post("/api/v1/debates/encryption/maps/")

    # Celery runs tasks inline in unit tests: the build is done once the request commits.
    build = reviewer.get(response["Location"]).json()
    assert (build["status"], build["progress"], build["message"]) == (
        "done",
        100,
        "Built a new version",
    )
    version = MapVersion.objects.get()
    assert build["version_url"] == f"http://testserver/api/v1/maps/{version.pk}/"
    graph = reviewer.get(build["version_url"]).json()
    assert graph["version_id"] == str(version.pk)
    backdoor = [a for a in graph["arguments"] if "backdoor" in a["text"]]
    assert len(backdoor) == 1 and len(backdoor[0]["sources"]) == 2


# --- GET /debates/{slug}/maps/ --------------------------------------------------------------
@pytest.mark.parametrize(("who", "expected"), WHO_READS)
def test_who_may_list_maps(debate, users, version, who, expected):
    response = client_for(users, who).get("/api/v1/debates/encryption/maps/")

    assert response.status_code == expected


def _map_reads(users, who: str, version: MapVersion) -> list[int]:
    client = client_for(users, who)
    return [
        client.get(url).status_code
        for url in (
            "/api/v1/debates/encryption/maps/",
            f"/api/v1/map-builds/{MapBuild.objects.get().pk}/",
            f"/api/v1/maps/{version.pk}/",
            f"/api/v1/maps/{version.pk}/?format=argdown",
        )
    ]


def test_annotators_are_told_why_they_do_not_see_the_map(debate, users, version):
    client = client_for(users, "annotator")
    for url in (
        "/api/v1/debates/encryption/maps/",
        f"/api/v1/map-builds/{MapBuild.objects.get().pk}/",
        f"/api/v1/maps/{version.pk}/?format=aif",
    ):
        response = client.get(url)
        assert (response.status_code, response.json()) == (403, {"detail": MAPS_HIDDEN})


def test_annotators_read_maps_where_the_debate_allows_it(debate, users, version):
    debate.annotators_see_maps = True
    debate.save(update_fields=["annotators_see_maps"])

    assert _map_reads(users, "annotator", version) == [200, 200, 200, 200]
    # The setting changes nothing for the others, nor for building.
    assert _map_reads(users, "outsider", version) == [404, 404, 404, 404]
    assert _map_reads(users, "researcher", version) == [200, 200, 200, 200]
    response = client_for(users, "annotator").post("/api/v1/debates/encryption/maps/")
    assert response.status_code == 403
    assert MapBuild.objects.count() == 1


def test_the_list_names_versions_current_one_downloads_and_builds(debate, users, version):
    body = client_for(users, "researcher").get("/api/v1/debates/encryption/maps/").json()

    assert body["current_version"] == version.pk
    assert body["adjudicated_documents"] == 2
    assert (body["next"], body["previous"]) == (None, None)
    [listed] = body["results"]
    base = f"http://testserver/api/v1/maps/{version.pk}/"
    assert listed == {
        "id": version.pk,
        "url": base,
        "debate": "encryption",
        "created_at": listed["created_at"],
        "input_hash": version.input_hash,
        "builder_version": "argmap/3",
        # The backdoor claims and the protection premises of the two articles are merged
        # paraphrases: 10 gold spans make 8 arguments.
        "counts": {"arguments": 8, "sources": 10, "documents": 2},
        "is_current": True,
        "downloads": {name: f"{base}?format={name}" for name in EXPORT_FORMATS},
    }
    [build] = body["builds"]
    assert (build["status"], build["progress"], build["version"]) == ("done", 100, version.pk)


def test_a_failed_build_shows_its_error_and_the_previous_map_stays_current(
    debate, users, version, monkeypatch
):
    from maps import services as map_services

    def explode(data, **options):
        raise ValueError("the builder broke")

    monkeypatch.setattr(map_services, "build_map", explode)
    Relation.objects.filter(type="attacks").delete()  # a new input, so the builder runs
    build = map_build_request(debate=debate, reason="after a change")
    map_build_run(build_id=build.pk, worker="test:1")

    body = client_for(users, "reviewer").get("/api/v1/debates/encryption/maps/").json()

    assert body["current_version"] == version.pk
    failed, done = body["builds"]
    assert (failed["id"], failed["status"], failed["error"], failed["message"]) == (
        build.pk,
        "failed",
        "ValueError: the builder broke",
        "Failed; the previous map stays current",
    )
    assert (done["status"], done["version"]) == ("done", version.pk)


def test_versions_page_newest_first(debate, users, version):
    newer = [
        MapVersion.objects.create(
            debate=debate, input_hash=f"{n:064x}", builder_version="argmap/1", graph_json="{}"
        )
        for n in range(3)
    ]
    client = client_for(users, "researcher")

    first = client.get("/api/v1/debates/encryption/maps/?page_size=2").json()
    second = client.get(first["next"]).json()

    assert [v["id"] for v in first["results"]] == [newer[2].pk, newer[1].pk]
    assert [v["id"] for v in second["results"]] == [newer[0].pk, version.pk]
    assert [v["is_current"] for v in second["results"]] == [False, True]
    assert second["next"] is None


def test_unknown_list_parameters_are_refused(debate, users):
    response = client_for(users, "reviewer").get("/api/v1/debates/encryption/maps/?status=done")

    assert (response.status_code, response.json()) == (
        400,
        {"status": ["Unknown query parameter."]},
    )


def test_the_list_runs_a_bounded_number_of_queries(
    debate, users, version, django_assert_max_num_queries
):
    client = client_for(users, "reviewer")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/debates/encryption/maps/").status_code == 200
    reviewer = users["reviewer"]
    for n in range(15):
        extra = MapVersion.objects.create(
            debate=debate, input_hash=f"{n:064x}", builder_version="argmap/1", graph_json="{}"
        )
        MapBuild.objects.create(
            debate=debate, status="done", version=extra, requested_by=reviewer, progress=100
        )

    with django_assert_max_num_queries(len(few)):
        response = client.get("/api/v1/debates/encryption/maps/")

    assert (len(response.json()["results"]), len(response.json()["builds"])) == (16, 10)


def test_the_list_never_reads_a_graph(debate, users, version):
    # The current version and every listed one without its graph: tens of megabytes each on a
    # big map, and the list shows only ids, hashes and links.
    with CaptureQueriesContext(connection) as queries:
        response = client_for(users, "researcher").get("/api/v1/debates/encryption/maps/")

    assert response.json()["current_version"] == version.pk
    assert [q["sql"] for q in queries if "graph_json" in q["sql"]] == []


# --- GET /map-builds/{id}/ ------------------------------------------------------------------
@pytest.mark.parametrize(("who", "expected"), WHO_READS)
def test_who_may_follow_a_build(debate, users, version, who, expected):
    build = MapBuild.objects.get()

    response = client_for(users, who).get(f"/api/v1/map-builds/{build.pk}/")

    assert response.status_code == expected
    if expected == 200:
        assert (response.json()["status"], response.json()["version"]) == ("done", version.pk)


def test_an_unknown_build_is_404(debate, users):
    response = client_for(users, "root").get("/api/v1/map-builds/999999/")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No map build with this id."},
    )


# --- GET /maps/{id}/ ------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "expected"), WHO_READS)
def test_who_may_download_a_map(debate, users, version, who, expected):
    response = client_for(users, who).get(f"/api/v1/maps/{version.pk}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [
        ("json", "application/json; charset=utf-8", "json"),
        ("aif", "application/json; charset=utf-8", "aif.json"),
        ("argdown", "text/plain; charset=utf-8", "argdown"),
        ("graphml", "application/graphml+xml; charset=utf-8", "graphml"),
        ("dot", "text/vnd.graphviz; charset=utf-8", "dot"),
    ],
)
def test_each_format_downloads_with_its_type_name_and_provenance(
    debate, users, version, name, content_type, extension
):
    response = client_for(users, "researcher").get(f"/api/v1/maps/{version.pk}/?format={name}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="encryption-map-{version.pk}.{extension}"'
    )
    assert (response["X-Map-Version"], response["X-Input-Hash"]) == (
        str(version.pk),
        version.input_hash,
    )
    assert response["X-Builder-Version"] == "argmap/3"
    assert version.input_hash in response.content.decode()  # the file itself says so too


def test_json_is_the_default_format(debate, users, version):
    response = client_for(users, "researcher").get(f"/api/v1/maps/{version.pk}/")

    assert response["Content-Type"] == "application/json; charset=utf-8"
    graph = response.json()
    assert (graph["version_id"], graph["input_hash"]) == (str(version.pk), version.input_hash)
    [backdoor] = [a for a in graph["arguments"] if "backdoor" in a["text"]]
    assert (backdoor["side"], backdoor["kind"], len(backdoor["sources"])) == ("contra", "claim", 2)
    assert sorted(s["document_title"] for s in backdoor["sources"]) == sorted(SEED_TITLES.values())
    positions = {p["name"]: p["position"] for p in graph["positions"]}
    assert positions == {
        "Kate Robertson": "contra",
        "the tech firms": "contra",
        "Rani Govender": "pro",
        "Susie Hargreaves": "pro",
    }


def test_aif_parses_as_json_with_nodes_and_edges(debate, users, version):
    response = client_for(users, "researcher").get(f"/api/v1/maps/{version.pk}/?format=aif")

    aif = json.loads(response.content)
    node_types = {node["type"] for node in aif["nodes"]}
    assert {"I", "RA", "CA", "L", "YA"} <= node_types
    ids = {node["nodeID"] for node in aif["nodes"]}
    assert aif["edges"] and all(
        edge["fromID"] in ids and edge["toID"] in ids for edge in aif["edges"]
    )


def test_graphml_loads_in_networkx(debate, users, version, tmp_path):
    response = client_for(users, "researcher").get(f"/api/v1/maps/{version.pk}/?format=graphml")
    path = tmp_path / "map.graphml"
    path.write_bytes(response.content)

    graph = nx.read_graphml(path)

    stored = json.loads(map_version_graph_bytes(version=version))
    assert graph.number_of_nodes() == 1 + len(stored["arguments"]) + len(stored["actors"])
    assert graph.number_of_edges() == len(stored["edges"])


def test_argdown_and_dot_are_text_for_their_tools(debate, users, version):
    client = client_for(users, "researcher")

    argdown = client.get(f"/api/v1/maps/{version.pk}/?format=argdown").content.decode()
    dot = client.get(f"/api/v1/maps/{version.pk}/?format=dot").content.decode()

    lines = argdown.splitlines()
    assert lines[0] == "===" and f"version_id: {version.pk}" in lines
    assert f"[Proposition]: {debate.proposition}" in lines
    assert sum("a backdoor would leave" in line for line in lines) == 1  # one node, one text
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")


@pytest.mark.parametrize("bad", ["xml", "JSON", "", "graphml "])
def test_an_unknown_format_is_400_naming_the_parameter_and_the_choices(debate, users, version, bad):
    response = client_for(users, "reviewer").get(f"/api/v1/maps/{version.pk}/", {"format": bad})

    assert (response.status_code, response.json()) == (
        400,
        {"format": ["Unknown map format; choose one of json, aif, argdown, graphml, dot."]},
    )


def test_unknown_download_parameters_are_refused(debate, users, version):
    response = client_for(users, "reviewer").get(f"/api/v1/maps/{version.pk}/?fmt=dot")

    assert (response.status_code, response.json()) == (400, {"fmt": ["Unknown query parameter."]})


def test_a_map_of_another_debate_is_404_even_for_its_staff(debate, users):
    other = Debate.objects.get(slug="other")
    foreign = MapVersion.objects.create(
        debate=other, input_hash="f" * 64, builder_version="argmap/1", graph_json="{}"
    )

    response = client_for(users, "manager").get(f"/api/v1/maps/{foreign.pk}/")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No map version with this id."},
    )


def test_a_version_never_changes_so_its_etag_answers_304(debate, users, version):
    client = client_for(users, "researcher")
    first = client.get(f"/api/v1/maps/{version.pk}/?format=dot")

    again = client.get(f"/api/v1/maps/{version.pk}/?format=dot", HTTP_IF_NONE_MATCH=first["ETag"])
    other_format = client.get(
        f"/api/v1/maps/{version.pk}/?format=json", HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert first["ETag"] == f'"map-{version.pk}-dot"'
    assert (again.status_code, again.content) == (304, b"")
    assert other_format.status_code == 200


# --- The JSON download is the stored graph, not parsed and written again ----------------------
def old_json_download(version: MapVersion) -> bytes:
    """What the download answered before it served the stored text: parse, rebuild, export."""
    stored = map_version_graph_bytes(version=version)
    argument_map = map_from_dict(json.loads(stored))
    return export_map(argument_map, "json", version_id=version.pk).encode("utf-8")


def store_variant(debate: Debate, version: MapVersion, graph_json: str) -> MapVersion:
    return MapVersion.objects.create(
        debate=debate,
        input_hash="f" * 64,
        builder_version=version.builder_version,
        graph_json=graph_json,
    )


def awkward_map(version: MapVersion):
    """The seed map with non-ASCII text (2- and 4-byte UTF-8) and floats json writes its way."""
    argument_map = map_from_dict(json.loads(map_version_graph_bytes(version=version)))
    first, *rest = argument_map.arguments
    return dataclasses.replace(
        argument_map,
        proposition=dataclasses.replace(
            argument_map.proposition, text='Überwachung „privater“ Chats 🔒 \u2028 "q" \\'
        ),
        arguments=(dataclasses.replace(first, strength=2.9e-05, text="naïve 🔐"), *rest),
    )


def test_the_json_download_is_byte_for_byte_what_parsing_and_exporting_gave(debate, users, version):
    response = client_for(users, "researcher").get(f"/api/v1/maps/{version.pk}/?format=json")

    expected = old_json_download(version)
    assert response.status_code == 200
    assert response.content == expected
    assert response["Content-Length"] == str(len(expected))
    assert response.content.endswith(f',"version_id":"{version.pk}"}}\n'.encode())


def test_the_json_download_keeps_non_ascii_text_and_small_floats_byte_for_byte(
    debate, users, version
):
    variant = store_variant(debate, version, map_to_json(awkward_map(version)))

    response = client_for(users, "researcher").get(f"/api/v1/maps/{variant.pk}/")

    assert response.status_code == 200
    assert response.content == old_json_download(variant)
    assert "🔒".encode() in response.content and b"2.9e-05" in response.content
    assert response.json()["proposition"]["text"].startswith("Überwachung „privater“ Chats 🔒")
    assert response["Content-Disposition"] == (
        f'attachment; filename="encryption-map-{variant.pk}.json"'
    )
    assert (response["X-Map-Version"], response["X-Input-Hash"], response["ETag"]) == (
        str(variant.pk),
        "f" * 64,
        f'"map-{variant.pk}-json"',
    )


def test_the_json_download_does_not_parse_the_stored_graph(debate, users, version, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the JSON download parsed the graph")

    monkeypatch.setattr("maps.views.versions.map_version_map", refuse)
    monkeypatch.setattr("maps.views.versions.export_map", refuse)
    client = client_for(users, "reviewer")

    assert client.get(f"/api/v1/maps/{version.pk}/?format=json").status_code == 200
    with pytest.raises(AssertionError, match="parsed the graph"):
        client.get(f"/api/v1/maps/{version.pk}/?format=dot")


def test_a_stored_graph_of_another_shape_is_parsed_and_exported_as_before(debate, users, version):
    # Indented, as no builder writes it: the splice would not give export_json's bytes.
    indented = json.dumps(map_to_dict(awkward_map(version)), ensure_ascii=False, indent=1)
    variant = store_variant(debate, version, indented)

    response = client_for(users, "researcher").get(f"/api/v1/maps/{variant.pk}/")

    assert response.status_code == 200
    assert response.content == old_json_download(variant)
    assert response.content.startswith(b'{"actors":[') and b"\n " not in response.content


def test_the_stored_graph_s_keys_run_from_actors_to_before_version_id(version):
    keys = sorted(json.loads(map_version_graph_bytes(version=version)))

    assert keys[0] == "actors"
    assert keys[-1] < "version_id"
    assert keys == sorted(
        map_to_dict(map_from_dict(json.loads(map_version_graph_bytes(version=version))))
    )


def test_the_json_download_reads_the_graph_once_and_checks_membership(debate, users, version):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    client = client_for(users, "manager")
    with connection.execute_wrapper(record):
        response = client.get(f"/api/v1/maps/{version.pk}/")
    outsider = client_for(users, "outsider").get(f"/api/v1/maps/{version.pk}/?format=json")

    chunk_lists = [sql for sql in statements if '"chunks"' in sql]
    chunk_reads = [sql for sql in statements if '"maps_mapchunk"' in sql]
    assert response.status_code == 200
    # The chunk list once, by id, after the membership check read the version without it;
    # then the chunks once, by digest. A version built by the job stores no whole text.
    assert [sql for sql in statements if "graph_json" in sql] == []
    assert len(chunk_lists) == 1 and "debate_id" not in chunk_lists[0]
    assert len(chunk_reads) == 1 and '"digest" IN' in chunk_reads[0]
    # Read as bytes by that one query only: text columns read after it are str again.
    text = MapChunk.objects.values_list("text", flat=True).first()
    # This small map is one chunk: the download is its text with the version id spliced in.
    assert MapChunk.objects.count() == 1
    assert isinstance(text, str) and response.content.startswith(text[:-1].encode())
    assert (outsider.status_code, outsider.content) == (
        404,
        b'{"detail":"No map version with this id."}',
    )
