"""The permission matrix: role x endpoint x own/other/foreign -> exact status, and no leaks.

Roles in the debate ``encryption``: two annotators (ann, ann2), a reviewer, a manager and a
researcher; ``outsider`` manages only the foreign debate ``other``; ``root`` is a superuser
with no membership; ``anon`` sends no credentials. A refused write must change nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.models import Relation, RelationEvent, Span, SpanEvent
from debate.models import Actor, Debate, Document, Guidelines, Membership
from debate.services import guidelines_publish
from maps.models import MapBuild, MapVersion, MergeDecision
from maps.services import map_build_request, map_build_run
from tests.annotations.export_corpus import xmi_document, zip_of
from tests.factories import DocumentFactory
from tests.scenes import etag, submitted

# Every test starts from the same world: it is built once for the module (tests/api/conftest.py).
ONE_WORLD_PER_MODULE = True

WHO = ["ann", "ann2", "rev", "man", "res", "outsider", "root", "anon"]


@dataclass(frozen=True)
class Call:
    method: str
    url: Callable
    body: Callable | None = None
    headers: Callable | None = None
    multipart: bool = False


def _relation(world) -> Relation:
    return Relation.objects.create(
        document=world.document,
        annotator=world.users["ann"],
        source=world.span_ann,
        target=world.span_ann_b,
        type="supports",
        created_by=world.users["ann"],
    )


def _created_relation(world) -> int:
    """Return the id of a relation in ann's layer created through the service (with history)."""
    from annotations.services import relation_create

    relation = relation_create(
        document=world.document,
        by=world.users["ann"],
        source=world.span_ann,
        target=world.span_ann_b,
        type="supports",
    )
    return relation.pk


def _map_version(world, debate=None) -> MapVersion:
    """Return a map version of the debate (the world's own unless given), built inline."""
    build = map_build_request(debate=debate or world.debate, reason="matrix")
    map_build_run(build_id=build.pk, worker="test:1")
    build.refresh_from_db()
    return build.version


def _two_gold_claims(debate) -> list[int]:
    """Return the ids of two gold pro claims in two adjudicated documents of the debate."""
    from debate.models import DocumentStatus
    from tests.factories import DocumentFactory, SpanFactory, UserFactory

    reviewer = UserFactory()
    ids = []
    for text in ("Scanning finds abuse early.", "Scanning catches abusers early."):
        document = DocumentFactory(debate=debate, text=text, status=DocumentStatus.ADJUDICATED)
        span = SpanFactory(
            document=document,
            annotator=None,
            created_by=reviewer,
            start=0,
            end=len(text),
            stance="pro",
            role="claim",
        )
        ids.append(span.pk)
    return ids


def _join_body(world) -> dict:
    first, second = _two_gold_claims(world.debate)
    return {"kind": "join", "spans": [first], "other_spans": [second]}


def _decision(world, debate=None) -> MergeDecision:
    """Return a join decision recorded in the debate (the world's own unless given)."""
    debate = debate or world.debate
    first, second = _two_gold_claims(debate)
    return MergeDecision.objects.create(
        debate=debate, kind="join", spans=[first], other_spans=[second], by=world.users["root"]
    )


def _xmi_upload(world) -> dict:
    """Return an XMI zip for the gold layer of a new document the debate holds (none yet)."""
    text = "An article the debate holds: scanning is needed 🔐."
    DocumentFactory(debate=world.debate, text=text)
    start = text.index("scanning")
    xmi = xmi_document(
        text, [{"begin": start, "end": start + 18, "stance": "pro", "role": "claim"}]
    )
    return {"file": SimpleUploadedFile("x.zip", zip_of({"a.xmi": xmi}), "application/zip")}


def _foreign_guidelines(world) -> str:
    """Return the guidelines URL of the foreign debate, after its manager published some."""
    guidelines_publish(debate=world.foreign_debate, text="Theirs.", by=world.users["outsider"])
    return "/api/v1/debates/other/guidelines/"


CALLS = {
    # --- debates ---
    "debate list": Call("get", lambda w: "/api/v1/debates/"),
    "debate create": Call(
        "post",
        lambda w: "/api/v1/debates/",
        lambda w: {"slug": "new-one", "title": "New", "proposition": "Something holds."},
    ),
    "debate detail": Call("get", lambda w: "/api/v1/debates/encryption/"),
    "foreign debate detail": Call("get", lambda w: "/api/v1/debates/other/"),
    "actor list": Call("get", lambda w: "/api/v1/debates/encryption/actors/"),
    "actor create": Call(
        "post", lambda w: "/api/v1/debates/encryption/actors/", lambda w: {"name": "Home Office"}
    ),
    "foreign actor create": Call(
        "post", lambda w: "/api/v1/debates/other/actors/", lambda w: {"name": "Home Office"}
    ),
    "member list": Call("get", lambda w: "/api/v1/debates/encryption/members/"),
    "member add": Call(
        "post",
        lambda w: "/api/v1/debates/encryption/members/",
        lambda w: {"username": "root", "role": "researcher"},
    ),
    "member remove": Call("delete", lambda w: "/api/v1/debates/encryption/members/res/"),
    "member remove the last manager": Call(
        "delete", lambda w: "/api/v1/debates/encryption/members/man/"
    ),
    "foreign member remove": Call("delete", lambda w: "/api/v1/debates/other/members/outsider/"),
    "queue next": Call("get", lambda w: "/api/v1/debates/encryption/queue/next/"),
    "guidelines get": Call("get", lambda w: "/api/v1/debates/encryption/guidelines/"),
    "guidelines publish": Call(
        "put",
        lambda w: "/api/v1/debates/encryption/guidelines/",
        lambda w: {"markdown": "Tag claims and premises."},
    ),
    "foreign guidelines get": Call("get", _foreign_guidelines),
    "foreign guidelines publish": Call(
        "put", lambda w: "/api/v1/debates/other/guidelines/", lambda w: {"markdown": "Planted."}
    ),
    # --- exports and imports ---
    "span export xmi": Call(
        "get", lambda w: "/api/v1/debates/encryption/export/spans/?format=xmi&layer=gold"
    ),
    "foreign span export xmi": Call(
        "get", lambda w: "/api/v1/debates/other/export/spans/?format=xmi"
    ),
    "xmi import into gold": Call(
        "post", lambda w: "/api/v1/debates/encryption/import/xmi/", _xmi_upload, multipart=True
    ),
    "foreign xmi import": Call(
        "post", lambda w: "/api/v1/debates/other/import/xmi/", _xmi_upload, multipart=True
    ),
    # --- documents ---
    "document list": Call("get", lambda w: "/api/v1/debates/encryption/documents/"),
    "document create": Call(
        "post",
        lambda w: "/api/v1/debates/encryption/documents/",
        lambda w: {"text": "A new article about scanning."},
    ),
    "document import": Call(
        "post",
        lambda w: "/api/v1/debates/encryption/documents/import/",
        lambda w: [{"text": "An imported article about scanning."}],
    ),
    "foreign document import": Call(
        "post",
        lambda w: "/api/v1/debates/other/documents/import/",
        lambda w: [{"text": "An imported article about scanning."}],
    ),
    "document detail": Call("get", lambda w: f"/api/v1/documents/{w.document.pk}/"),
    "foreign document detail": Call("get", lambda w: f"/api/v1/documents/{w.foreign_document.pk}/"),
    "document retitle": Call(
        "patch", lambda w: f"/api/v1/documents/{w.document.pk}/", lambda w: {"title": "Retitled"}
    ),
    "foreign document retitle": Call(
        "patch",
        lambda w: f"/api/v1/documents/{w.foreign_document.pk}/",
        lambda w: {"title": "Retitled"},
    ),
    "document submit": Call("post", lambda w: f"/api/v1/documents/{w.document.pk}/submit/"),
    # --- spans ---
    "span list": Call("get", lambda w: f"/api/v1/documents/{w.document.pk}/spans/"),
    "foreign span list": Call(
        "get", lambda w: f"/api/v1/documents/{w.foreign_document.pk}/spans/?layer=all"
    ),
    "span create mine": Call(
        "post", lambda w: f"/api/v1/documents/{w.document.pk}/spans/", lambda w: w.span_payload()
    ),
    "span create gold": Call(
        "post",
        lambda w: f"/api/v1/documents/{w.document.pk}/spans/?layer=gold",
        lambda w: w.span_payload(),
    ),
    "span create in ann's layer": Call(
        "post",
        lambda w: f"/api/v1/documents/{w.document.pk}/spans/?layer=ann",
        lambda w: w.span_payload(),
    ),
    "foreign span create": Call(
        "post",
        lambda w: f"/api/v1/documents/{w.foreign_document.pk}/spans/",
        lambda w: w.span_payload(),
    ),
    "ann's span get": Call("get", lambda w: f"/api/v1/spans/{w.span_ann.pk}/"),
    "gold span get": Call("get", lambda w: f"/api/v1/spans/{w.span_gold.pk}/"),
    "foreign span get": Call("get", lambda w: f"/api/v1/spans/{w.span_foreign.pk}/"),
    "ann's span patch": Call(
        "patch",
        lambda w: f"/api/v1/spans/{w.span_ann.pk}/",
        lambda w: {"note": "changed"},
        lambda w: {"HTTP_IF_MATCH": etag(w.span_ann)},
    ),
    "gold span patch": Call(
        "patch",
        lambda w: f"/api/v1/spans/{w.span_gold.pk}/",
        lambda w: {"note": "changed"},
        lambda w: {"HTTP_IF_MATCH": etag(w.span_gold)},
    ),
    "foreign span patch": Call(
        "patch",
        lambda w: f"/api/v1/spans/{w.span_foreign.pk}/",
        lambda w: {"note": "changed"},
        lambda w: {"HTTP_IF_MATCH": etag(w.span_foreign)},
    ),
    "ann's span delete": Call(
        "delete",
        lambda w: f"/api/v1/spans/{w.span_ann.pk}/",
        None,
        lambda w: {"HTTP_IF_MATCH": etag(w.span_ann)},
    ),
    "gold span delete": Call(
        "delete",
        lambda w: f"/api/v1/spans/{w.span_gold.pk}/",
        None,
        lambda w: {"HTTP_IF_MATCH": etag(w.span_gold)},
    ),
    "ann's span history": Call("get", lambda w: f"/api/v1/spans/{w.span_ann.pk}/history/"),
    "gold span history": Call("get", lambda w: f"/api/v1/spans/{w.span_gold.pk}/history/"),
    # --- relations ---
    "relation list": Call("get", lambda w: f"/api/v1/documents/{w.document.pk}/relations/"),
    "relation create in ann's layer": Call(
        "post",
        lambda w: f"/api/v1/documents/{w.document.pk}/relations/",
        lambda w: {"source": w.span_ann.pk, "target": w.span_ann_b.pk, "type": "supports"},
    ),
    "relation get": Call("get", lambda w: f"/api/v1/relations/{_relation(w).pk}/"),
    "relation history": Call("get", lambda w: f"/api/v1/relations/{_created_relation(w)}/history/"),
    "relation delete": Call("delete", lambda w: f"/api/v1/relations/{_relation(w).pk}/"),
    # --- maps (they quote gold, so annotators read them only where the debate allows) ---
    "map list": Call("get", lambda w: "/api/v1/debates/encryption/maps/"),
    "map build ask": Call("post", lambda w: "/api/v1/debates/encryption/maps/"),
    "map build get": Call(
        "get", lambda w: f"/api/v1/map-builds/{_map_version(w).builds.get().pk}/"
    ),
    "map get": Call("get", lambda w: f"/api/v1/maps/{_map_version(w).pk}/?format=argdown"),
    "foreign map get": Call(
        "get", lambda w: f"/api/v1/maps/{_map_version(w, w.foreign_debate).pk}/"
    ),
    "map diff": Call("get", lambda w: f"/api/v1/maps/{_map_version(w).pk}/diff/"),
    "map diff from a foreign map": Call(
        "get",
        lambda w: (
            f"/api/v1/maps/{_map_version(w).pk}/diff/?from={_map_version(w, w.foreign_debate).pk}"
        ),
    ),
    "foreign map diff": Call(
        "get", lambda w: f"/api/v1/maps/{_map_version(w, w.foreign_debate).pk}/diff/"
    ),
    "map timeline": Call("get", lambda w: f"/api/v1/maps/{_map_version(w).pk}/timeline/"),
    "foreign map timeline": Call(
        "get", lambda w: f"/api/v1/maps/{_map_version(w, w.foreign_debate).pk}/timeline/"
    ),
    # Other annotators' layers: the agreement's readers only, whatever annotators_see_maps.
    # Nothing is kept at first (the cache is emptied per test), so a reader's ask is a 202.
    "map agreement": Call("get", lambda w: "/api/v1/debates/encryption/maps/agreement/"),
    "merge decision list": Call("get", lambda w: "/api/v1/debates/encryption/maps/decisions/"),
    "merge decision create": Call(
        "post", lambda w: "/api/v1/debates/encryption/maps/decisions/", _join_body
    ),
    "merge decision undo": Call(
        "post",
        lambda w: f"/api/v1/debates/encryption/maps/decisions/{_decision(w).pk}/undo/",
    ),
    "foreign merge decision undo": Call(
        "post",
        lambda w: f"/api/v1/debates/other/maps/decisions/{_decision(w, w.foreign_debate).pk}/undo/",
    ),
    # Another debate's decision named under this debate's slug is no decision of it.
    "merge decision undo under another slug": Call(
        "post",
        lambda w: (
            f"/api/v1/debates/encryption/maps/decisions/{_decision(w, w.foreign_debate).pk}/undo/"
        ),
    ),
}

# fmt: off
MATRIX = {
    # endpoint                          ann  ann2 rev  man  res  outsider root anon
    "debate list":                     (200, 200, 200, 200, 200, 200, 200, 401),
    "debate create":                   (403, 403, 403, 201, 403, 201, 201, 401),
    "debate detail":                   (200, 200, 200, 200, 200, 404, 200, 401),
    "foreign debate detail":           (404, 404, 404, 404, 404, 200, 200, 401),
    "actor list":                      (200, 200, 200, 200, 200, 404, 200, 401),
    "actor create":                    (403, 403, 403, 201, 403, 404, 201, 401),
    "foreign actor create":            (404, 404, 404, 404, 404, 201, 201, 401),
    "member list":                     (403, 403, 200, 200, 200, 404, 200, 401),
    "member add":                      (403, 403, 403, 201, 403, 404, 201, 401),
    "member remove":                   (403, 403, 403, 204, 403, 404, 204, 401),
    "member remove the last manager":  (403, 403, 403, 400, 403, 404, 400, 401),
    # The foreign debate's only manager stays, even for a superuser.
    "foreign member remove":           (404, 404, 404, 404, 404, 400, 400, 401),
    "queue next":                      (200, 200, 204, 204, 204, 404, 204, 401),
    "guidelines get":                  (200, 200, 200, 200, 200, 404, 200, 401),
    "guidelines publish":              (403, 403, 403, 200, 403, 404, 200, 401),
    "foreign guidelines get":          (404, 404, 404, 404, 404, 200, 200, 401),
    "foreign guidelines publish":      (404, 404, 404, 404, 404, 200, 200, 401),
    # Exports hold every layer: those who read them all; imports: managers, reviewers (gold).
    "span export xmi":                 (403, 403, 200, 200, 200, 404, 200, 401),
    "foreign span export xmi":         (404, 404, 404, 404, 404, 200, 200, 401),
    "xmi import into gold":            (403, 403, 200, 200, 403, 404, 200, 401),
    # The foreign debate lacks the document: only its manager (and root) may add it.
    "foreign xmi import":              (404, 404, 404, 404, 404, 200, 200, 401),
    "document list":                   (200, 200, 200, 200, 200, 404, 200, 401),
    "document create":                 (403, 403, 403, 201, 403, 404, 201, 401),
    "document import":                 (403, 403, 403, 200, 403, 404, 200, 401),
    "foreign document import":         (404, 404, 404, 404, 404, 200, 200, 401),
    "document detail":                 (200, 200, 200, 200, 200, 404, 200, 401),
    "foreign document detail":         (404, 404, 404, 404, 404, 200, 200, 401),
    "document retitle":                (403, 403, 403, 200, 403, 404, 200, 401),
    "foreign document retitle":        (404, 404, 404, 404, 404, 200, 200, 401),
    "document submit":                 (200, 200, 403, 403, 403, 404, 403, 401),
    "span list":                       (200, 200, 200, 200, 200, 404, 200, 401),
    "foreign span list":               (404, 404, 404, 404, 404, 200, 200, 401),
    "span create mine":                (201, 201, 403, 403, 403, 404, 403, 401),
    "span create gold":                (403, 403, 201, 403, 403, 404, 201, 401),
    "span create in ann's layer":      (201, 403, 403, 403, 403, 404, 403, 401),
    "foreign span create":             (404, 404, 404, 404, 404, 403, 403, 401),
    "ann's span get":                  (200, 404, 200, 200, 200, 404, 200, 401),
    "gold span get":                   (404, 404, 200, 200, 200, 404, 200, 401),
    "foreign span get":                (404, 404, 404, 404, 404, 200, 200, 401),
    "ann's span patch":                (200, 404, 403, 403, 403, 404, 403, 401),
    "gold span patch":                 (404, 404, 200, 403, 403, 404, 200, 401),
    "foreign span patch":              (404, 404, 404, 404, 404, 403, 403, 401),
    "ann's span delete":               (204, 404, 403, 403, 403, 404, 403, 401),
    "gold span delete":                (404, 404, 204, 403, 403, 404, 204, 401),
    "ann's span history":              (200, 404, 200, 200, 200, 404, 200, 401),
    "gold span history":               (404, 404, 200, 200, 200, 404, 200, 401),
    "relation list":                   (200, 200, 200, 200, 200, 404, 200, 401),
    # ann2 cannot see ann's spans, so to ann2 they do not exist in this document (400).
    "relation create in ann's layer":  (201, 400, 403, 403, 403, 404, 403, 401),
    "relation get":                    (200, 404, 200, 200, 200, 404, 200, 401),
    "relation history":                (200, 404, 200, 200, 200, 404, 200, 401),
    "relation delete":                 (204, 404, 403, 403, 403, 404, 403, 401),
    "map list":                        (403, 403, 200, 200, 200, 404, 200, 401),
    "map build ask":                   (403, 403, 202, 202, 403, 404, 202, 401),
    "map build get":                   (403, 403, 200, 200, 200, 404, 200, 401),
    "map get":                         (403, 403, 200, 200, 200, 404, 200, 401),
    "foreign map get":                 (404, 404, 404, 404, 404, 200, 200, 401),
    "map diff":                        (403, 403, 200, 200, 200, 404, 200, 401),
    # Another debate's version is no version of this one, even to whom reads both (root).
    "map diff from a foreign map":     (403, 403, 400, 400, 400, 404, 400, 401),
    "foreign map diff":                (404, 404, 404, 404, 404, 200, 200, 401),
    "map timeline":                    (403, 403, 200, 200, 200, 404, 200, 401),
    "foreign map timeline":            (404, 404, 404, 404, 404, 200, 200, 401),
    "map agreement":                   (403, 403, 202, 202, 202, 404, 202, 401),
    # Merge decisions: read as maps are; written by reviewers (and superusers) only.
    "merge decision list":             (403, 403, 200, 200, 200, 404, 200, 401),
    "merge decision create":           (403, 403, 201, 403, 403, 404, 201, 401),
    "merge decision undo":             (403, 403, 200, 403, 403, 404, 200, 401),
    "foreign merge decision undo":     (404, 404, 404, 404, 404, 403, 200, 401),
    "merge decision undo under another slug": (403, 403, 404, 403, 403, 404, 404, 401),
}
# fmt: on

CASES = [
    pytest.param(endpoint, who, statuses[index], id=f"{endpoint} as {who}")
    for endpoint, statuses in MATRIX.items()
    for index, who in enumerate(WHO)
]


def _state() -> tuple:
    """Return everything a refused request must leave as it was."""
    return (
        Debate.objects.count(),
        Actor.objects.count(),
        Membership.objects.count(),
        sorted(Document.objects.values_list("pk", "title", "source", "url", "published", "text")),
        sorted(Span.objects.values_list("pk", "version", "note")),
        Relation.objects.count(),
        SpanEvent.objects.count(),
        RelationEvent.objects.count(),
        MapBuild.objects.count(),
        Guidelines.objects.count(),
        sorted(MergeDecision.objects.values_list("pk", "undone_at")),
    )


def test_matrix_covers_every_endpoint_for_everyone():
    assert set(MATRIX) == set(CALLS)
    assert all(len(statuses) == len(WHO) for statuses in MATRIX.values())


@pytest.mark.parametrize(("endpoint", "who", "expected"), CASES)
def test_permission_matrix(world, endpoint, who, expected):
    call = CALLS[endpoint]
    url = call.url(world)
    kwargs = {"format": "multipart" if call.multipart else "json"}
    if call.body is not None:
        kwargs["data"] = call.body(world)
    if call.headers is not None:
        kwargs.update(call.headers(world))
    before = _state()

    response = getattr(world.client(None if who == "anon" else who), call.method)(url, **kwargs)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert _state() == before
        assert set(response.json()) <= {"detail", "source", "target", "from", "username"}


@pytest.mark.parametrize("who", ["ann2", "outsider"])
def test_hidden_objects_answer_exactly_like_missing_ones(world, who):
    client = world.client(who)
    hidden = client.get(f"/api/v1/spans/{world.span_ann.pk}/")
    missing = client.get("/api/v1/spans/999999/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_span_lists_show_each_role_exactly_its_layers(world):
    url = f"/api/v1/documents/{world.document.pk}/spans/"

    def ids(who: str, layer: str) -> list[int]:
        response = world.client(who).get(url, {"layer": layer})
        assert response.status_code == 200
        return [span["id"] for span in response.json()["results"]]

    ann, ann_b, ann2, gold = (
        world.span_ann.pk,
        world.span_ann_b.pk,
        world.span_ann2.pk,
        world.span_gold.pk,
    )
    assert ids("ann", "mine") == [ann, ann_b]
    assert ids("ann", "ann") == [ann, ann_b]
    assert ids("ann", "ann2") == []
    assert ids("ann", "gold") == []
    assert ids("ann", "all") == [ann, ann_b]
    assert ids("rev", "mine") == []
    assert ids("rev", "ann2") == [ann2]
    assert ids("rev", "gold") == [gold]
    # Text order: ann_b, ann2 and gold cover the same characters, so id breaks the tie.
    assert ids("res", "all") == [ann, ann_b, ann2, gold]
    assert ids("man", "all") == [ann, ann_b, ann2, gold]


def test_annotator_reads_gold_only_once_adjudicated_and_submitted(world):
    url = f"/api/v1/documents/{world.document.pk}/spans/?layer=gold"
    client = world.client("ann")
    submitted(world.document, world.users["ann"])
    assert client.get(url).json()["results"] == []

    Document.objects.filter(pk=world.document.pk).update(status="adjudicated")

    assert [s["id"] for s in client.get(url).json()["results"]] == [world.span_gold.pk]
    assert client.get(f"/api/v1/spans/{world.span_gold.pk}/").status_code == 200
    # ann2 has not submitted, so gold stays hidden from them.
    assert world.client("ann2").get(url).json()["results"] == []
    assert world.client("ann2").get(f"/api/v1/spans/{world.span_gold.pk}/").status_code == 404
