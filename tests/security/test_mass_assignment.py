"""Mass assignment: fields the server owns cannot be set through any write.

Every JSON write of the API gets a valid body plus one server-owned field (layer, annotator,
created_by, version, id, document, debate, status, sha256, timestamps, review and map
versions...): it is refused with 400 naming that field, and nothing is stored. Where a field
is an input with a meaning of its own (``version``, the version the client read), the value
sent is only compared, never stored. Uploads, the admin and the pages ignore what they do not
read, and the tests show the stored values are the server's.
"""

import io
import json

import pytest
from cassis import Cas
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from annotations.formats.xmi import SPAN_TYPE, xmi_typesystem
from annotations.models import Assignment, AssignmentStatus, DocumentReview, Span
from debate.models import Document, DocumentStatus
from debate.text import text_sha256
from tests.annotations.export_corpus import zip_of
from tests.factories import PASSWORD, UserFactory
from tests.scenes import TwoDebates, changed_tables, database_state

pytestmark = pytest.mark.django_db

REFUSED = ["Unknown or read-only field; it cannot be written."]
STAMP = "2001-01-01T00:00:00Z"


def _span(document: Document, needle: str = "scanning is needed") -> dict:
    start = document.text.index(needle)
    return {
        "start": start,
        "end": start + len(needle),
        "quote": needle,
        "stance": "pro",
        "role": "claim",
    }


def writes(world: TwoDebates) -> list[tuple[str, str, str, str, dict, dict]]:
    """Return (name, role, method, url, valid body, server-owned fields with tempting values)."""
    alpha, bravo = world.alpha, world.bravo
    doc, review_doc = alpha.open_doc, alpha.review_doc
    # A new account in no debate yet: one a manager may add (debate.selectors.member_candidates).
    newcomer = UserFactory(username="newcomer")
    owner = {
        "id": 999_999,
        "created_at": STAMP,
        "updated_at": STAMP,
        "created_by": "alpha-reviewer",
    }
    span_owned = {
        **owner,
        "layer": "gold",
        "annotator": alpha.user("annotator2").pk,
        "document": bravo.open_doc.pk,
        "client_id_replayed": True,
    }
    return [
        (
            "span",
            "annotator",
            "post",
            f"/api/v1/documents/{doc.pk}/spans/",
            _span(doc),
            {**span_owned, "version": 99},
        ),
        (
            "span change",
            "annotator",
            "patch",
            f"/api/v1/spans/{alpha.span.pk}/",
            {"note": "changed"},
            {**span_owned, "client_id": "forged"},
        ),
        (
            "relation",
            "annotator",
            "post",
            f"/api/v1/documents/{doc.pk}/relations/",
            {"source": alpha.span.pk, "target": alpha.premise.pk, "type": "attacks"},
            {**owner, "layer": "gold", "annotator": None, "document": bravo.open_doc.pk},
        ),
        (
            "actor",
            "manager",
            "post",
            "/api/v1/debates/alpha/actors/",
            {"name": "New actor"},
            {**owner, "debate": "bravo"},
        ),
        (
            "document",
            "manager",
            "post",
            "/api/v1/debates/alpha/documents/",
            {"text": "A new text."},
            {
                **owner,
                "debate": "bravo",
                "sha256": "0" * 64,
                "status": "adjudicated",
                "length": 1,
                "my_status": "submitted",
            },
        ),
        (
            "document change",
            "manager",
            "patch",
            f"/api/v1/documents/{doc.pk}/",
            {"title": "Retitled"},
            {
                **owner,
                "text": "Replaced text.",
                "debate": "bravo",
                "sha256": "0" * 64,
                "status": "adjudicated",
                "length": 1,
                "my_status": "submitted",
            },
        ),
        (
            "debate",
            "manager",
            "post",
            "/api/v1/debates/",
            {"slug": "fresh", "title": "Fresh", "proposition": "P."},
            {**owner, "my_role": "manager", "annotators_per_document": 1},
        ),
        (
            "guidelines",
            "manager",
            "put",
            "/api/v1/debates/alpha/guidelines/",
            {"markdown": "New guidelines."},
            {
                **owner,
                "debate": "bravo",
                "html": "<script>alert(1)</script>",
                "updated_by": "alpha-reviewer",
                "updated_at": STAMP,
                "text_markdown": "Forged.",
            },
        ),
        (
            "member",
            "manager",
            "post",
            "/api/v1/debates/alpha/members/",
            {"username": newcomer.username, "role": "researcher"},
            {**owner, "debate": "bravo", "user": bravo.user("researcher").pk},
        ),
        (
            "decision",
            "reviewer",
            "post",
            f"/api/v1/documents/{review_doc.pk}/review/decisions/",
            {"action": "add", **_span(review_doc, "protect children")},
            {
                "id": 999_999,
                "reviewer": "alpha-manager",
                "review_version": 99,
                "document": bravo.review_doc.pk,
                "gold_span": alpha.gold_span.pk,
                "at": STAMP,
                "layer": "alpha-annotator",
            },
        ),
        (
            "finish",
            "reviewer",
            "post",
            f"/api/v1/documents/{review_doc.pk}/review/finish/",
            {},
            {"finished_by": "alpha-manager", "finished_at": STAMP, "status": "new"},
        ),
        (
            "assignment",
            "manager",
            "post",
            f"/api/v1/documents/{doc.pk}/assignments/",
            {"annotator": "alpha-annotator"},
            {"status": "submitted", "submitted_at": STAMP, "document": bravo.open_doc.pk},
        ),
        (
            "spread",
            "manager",
            "post",
            "/api/v1/debates/alpha/assignments/spread/",
            {"annotators": ["alpha-annotator"]},
            {"status": "submitted", "debate": "bravo"},
        ),
        (
            "map build",
            "reviewer",
            "post",
            "/api/v1/debates/alpha/maps/",
            {"reason": "fresh"},
            {
                "id": 999_999,
                "status": "done",
                "progress": 100,
                "version": alpha.map_version.pk,
                "requested_by": "alpha-manager",
                "input_hash": "0" * 64,
                "worker": "forged",
                "debate": "bravo",
                "reused_version": True,
            },
        ),
        (
            "merge decision",
            "reviewer",
            "post",
            "/api/v1/debates/alpha/maps/decisions/",
            {
                "kind": "join",
                "spans": [alpha.gold_span.pk],
                "other_spans": alpha.merge_decision.other_spans,
            },
            {
                "id": 999_999,
                "by": "alpha-manager",
                "at": STAMP,
                "undone_by": "alpha-manager",
                "undone_at": STAMP,
                "debate": "bravo",
                "build": 1,
            },
        ),
        (
            "suggestion decision",
            "annotator",
            "post",
            f"/api/v1/documents/{doc.pk}/suggestions/decisions/",
            {"model": 1, "start": 0, "end": 5, "action": "dismiss"},
            {
                "annotator": "alpha-manager",
                "span": alpha.span.pk,
                "suggested_stance": "pro",
                "confidence": 1.0,
                "debate": "bravo",
            },
        ),
        (
            "suggestion training",
            "reviewer",
            "post",
            "/api/v1/debates/alpha/suggestions/model/train/",
            {"reason": "fresh"},
            {"status": "done", "model": 1, "requested_by": "alpha-manager", "debate": "bravo"},
        ),
        (
            "suggestion settings",
            "manager",
            "put",
            "/api/v1/debates/alpha/suggestions/settings/",
            {"mode": "on", "annotators": []},
            {"debate": "bravo", "granted_by": "alpha-manager"},
        ),
    ]


def test_server_owned_fields_are_refused_by_name_on_every_json_write(world):
    clients = {role: world.api(world.alpha.user(role)) for role in ("annotator", "reviewer")}
    clients["manager"] = world.api(world.alpha.user("manager"))
    planned = writes(world)
    before = database_state()
    problems = []
    for name, role, method, url, body, owned in planned:
        client = clients[role]
        for field, value in owned.items():
            response = getattr(client, method)(
                url, {**body, field: value}, format="json", HTTP_IF_MATCH="*"
            )
            if response.status_code != 400 or response.json() != {field: REFUSED}:
                problems.append(f"{name} {field}: {response.status_code} {response.content!r}")
    # And in a bulk span write, by list index.
    bulk = clients["annotator"].post(
        f"/api/v1/documents/{world.alpha.open_doc.pk}/spans/",
        [_span(world.alpha.open_doc), {**_span(world.alpha.open_doc, "NSPCC"), "layer": "gold"}],
        format="json",
    )

    assert problems == []
    assert (bulk.status_code, bulk.json()) == (400, {"1": {"layer": REFUSED}})
    assert changed_tables(before, database_state()) == []


def test_every_json_write_of_the_api_is_in_the_sweep(world):
    from tests.security.routes import all_routes, supported_methods

    swept = {(method, url.split("/api/v1/")[1]) for _n, _r, method, url, _b, _o in writes(world)}
    alpha = world.alpha
    ids = {
        str(alpha.open_doc.pk): "<int:pk>",
        str(alpha.review_doc.pk): "<int:pk>",
        str(alpha.span.pk): "<int:pk>",
        "alpha": "<slug:slug>",
    }
    swept_routes = set()
    for method, path in swept:
        parts = [ids.get(part, part) for part in path.split("/")]
        swept_routes.add((method, "api/v1/" + "/".join(parts)))
    json_writes = {
        (method, route)
        for route, pattern in all_routes()
        if route.startswith("api/v1/")
        for method in ("post", "put", "patch")
        if method in supported_methods(pattern)
    }
    # Writes outside the JSON sweep, each covered below or with no body to abuse.
    elsewhere = {
        ("post", "api/v1/auth/token/"),  # test_the_token_endpoint_takes_only_credentials
        ("post", "api/v1/auth/tokens/"),  # test_a_new_token_takes_only_a_name_and_days
        ("post", "api/v1/documents/<int:pk>/submit/"),  # test_submitting_reads_no_body
        # test_undoing_a_merge_decision_reads_no_body
        ("post", "api/v1/debates/<slug:slug>/maps/decisions/<int:pk>/undo/"),
        ("post", "api/v1/debates/<slug:slug>/import/brat/"),  # test_uploads_ignore_...
        ("post", "api/v1/debates/<slug:slug>/import/spans/"),  # test_uploads_ignore_...
        # A list of documents, each item refused alone: tests/api/test_document_import.py
        ("post", "api/v1/debates/<slug:slug>/documents/import/"),
        ("post", "api/v1/debates/<slug:slug>/import/xmi/"),  # test_an_xmi_upload_ignores_...
        ("post", "api/v1/"),  # unknown API paths: 404
        ("put", "api/v1/"),
        ("patch", "api/v1/"),
    }
    assert json_writes - elsewhere == swept_routes


def test_undoing_a_merge_decision_reads_no_body(world):
    decision = world.alpha.merge_decision
    reviewer = world.alpha.user("reviewer")
    response = world.api(reviewer).post(
        f"/api/v1/debates/alpha/maps/decisions/{decision.pk}/undo/",
        {"undone_by": "alpha-manager", "undone_at": STAMP, "kind": "join", "by": "x"},
        format="json",
    )
    assert response.status_code == 200
    decision.refresh_from_db()
    assert (decision.kind, decision.by, decision.undone_by) == ("split", reviewer, reviewer)
    assert decision.undone_at.isoformat() != STAMP


def test_a_version_sent_is_compared_never_stored(world):
    span = world.alpha.span
    client = world.api(world.alpha.user("annotator"))

    stale = client.patch(
        f"/api/v1/spans/{span.pk}/", {"note": "x", "version": span.version + 5}, format="json"
    )
    fresh = client.patch(
        f"/api/v1/spans/{span.pk}/", {"note": "x", "version": span.version}, format="json"
    )

    assert stale.status_code == 412
    assert (fresh.status_code, fresh.json()["version"]) == (200, span.version + 1)
    span.refresh_from_db()
    assert span.version == fresh.json()["version"]

    review = DocumentReview.objects.get(document=world.alpha.review_doc)
    decided = world.api(world.alpha.user("reviewer")).post(
        f"/api/v1/documents/{world.alpha.review_doc.pk}/review/decisions/",
        {"action": "add", "version": review.version, **_span(world.alpha.review_doc, "NSPCC")},
        format="json",
    )
    assert (decided.status_code, decided.json()["version"]) == (201, review.version + 1)
    assert decided.json()["recorded"][0]["review_version"] == review.version + 1


def test_the_token_endpoint_takes_only_credentials(world):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {
            "username": "alpha-annotator",
            "password": PASSWORD,
            "user": world.bravo.user("manager").pk,
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (400, {"user": REFUSED})


def test_a_new_token_takes_only_a_name_and_days(world):
    owner = world.alpha.user("annotator")
    response = world.api(owner).post(
        "/api/v1/auth/tokens/",
        {
            "name": "mine",
            "user": world.bravo.user("manager").pk,
            "digest": "0" * 128,
            "expiry": "2099-01-01T00:00:00Z",
            "token_key": "dm_0000",
        },
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {"user": REFUSED, "digest": REFUSED, "expiry": REFUSED, "token_key": REFUSED},
    )
    assert not ApiToken.objects.filter(name="mine").exists()


def test_submitting_reads_no_body(world):
    alpha = world.alpha
    response = world.api(alpha.user("annotator")).post(
        f"/api/v1/documents/{alpha.open_doc.pk}/submit/",
        {"annotator": "alpha-annotator2", "status": "adjudicated", "submitted_at": STAMP},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["annotator"] == "alpha-annotator"
    statuses = dict(
        Assignment.objects.filter(document=alpha.open_doc).values_list(
            "annotator__username", "status"
        )
    )
    assert statuses == {
        "alpha-annotator": AssignmentStatus.SUBMITTED,
        "alpha-annotator2": AssignmentStatus.ASSIGNED,
    }
    alpha.open_doc.refresh_from_db()
    assert alpha.open_doc.status == DocumentStatus.ANNOTATING
    assert (
        str(
            Assignment.objects.get(
                document=alpha.open_doc, annotator__username="alpha-annotator"
            ).submitted_at
        )
        != STAMP
    )


def test_uploads_ignore_fields_they_do_not_read_and_what_the_file_claims(world):
    alpha, bravo = world.alpha, world.bravo
    text = "An imported text.\nTech firms object to scanning.\n"
    quote = "Tech firms object to scanning."
    start = text.index(quote)
    lines = [
        {"type": "document", "id": 1, "text": text, "title": "Imported", "status": "adjudicated"}
        | {"sha256": "0" * 64, "debate": "bravo"},
        {
            "type": "span",
            "document": 1,
            "layer": "gold",
            "id": bravo.span.pk,
            "start": start,
            "end": start + len(quote),
            "quote": quote,
            "stance": "contra",
            "role": "claim",
            "version": 99,
            "created_by": "bravo-manager",
            "created_at": STAMP,
            "annotator": "bravo-annotator",
        },
    ]
    upload = io.BytesIO("\n".join(json.dumps(line) for line in lines).encode())
    upload.name = "forged.jsonl"
    bravo_span = Span.objects.values().get(pk=bravo.span.pk)

    response = world.api(alpha.user("manager")).post(
        "/api/v1/debates/alpha/import/spans/",
        {
            "file": upload,
            "layer": "gold",
            "created_by": bravo.user("manager").pk,
            "debate": "bravo",
            "status": "adjudicated",
        },
        format="multipart",
    )

    assert response.status_code == 200, response.content
    document = Document.objects.get(title="Imported")
    assert (document.debate, document.status, document.sha256) == (
        alpha.debate,
        DocumentStatus.NEW,
        text_sha256(text),
    )
    span = Span.objects.get(document=document)
    assert span.pk != bravo.span.pk
    assert (span.annotator, span.version, span.created_by) == (None, 1, alpha.user("manager"))
    assert span.created_at.year > 2001
    assert Span.objects.values().get(pk=bravo.span.pk) == bravo_span


def test_an_xmi_upload_ignores_fields_it_does_not_read_and_what_its_metadata_claims(world):
    alpha, bravo = world.alpha, world.bravo
    text = "An imported text.\nTech firms object to scanning.\n"
    start = text.index("Tech firms")
    typesystem = xmi_typesystem()
    cas = Cas(typesystem=typesystem, sofa_string=text)
    metadata = typesystem.get_type(
        "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
    )
    # The metadata names bravo's document and debate: an import reads neither.
    cas.add(
        metadata(
            begin=0,
            end=len(text),
            documentTitle="Imported",
            documentId=str(bravo.open_doc.pk),
            collectionId="bravo",
        )
    )
    span = typesystem.get_type(SPAN_TYPE)
    cas.add(span(begin=start, end=start + 29, stance="contra", role="claim"))
    upload = io.BytesIO(zip_of({"forged.xmi": cas.to_xmi()}))
    upload.name = "forged.zip"
    bravo_document = Document.objects.values().get(pk=bravo.open_doc.pk)

    response = world.api(alpha.user("manager")).post(
        "/api/v1/debates/alpha/import/xmi/",
        {
            "file": upload,
            "layer": "gold",
            "created_by": bravo.user("manager").pk,
            "debate": "bravo",
            "status": "adjudicated",
        },
        format="multipart",
    )

    assert response.status_code == 200, response.content
    document = Document.objects.get(title="Imported")
    assert (document.debate, document.status, document.sha256) == (
        alpha.debate,
        DocumentStatus.NEW,
        text_sha256(text),
    )
    span = Span.objects.get(document=document)
    assert (span.annotator, span.version, span.created_by) == (None, 1, alpha.user("manager"))
    assert (span.start, span.end, span.quote) == (18, 47, "Tech firms object to scanning")
    assert Document.objects.values().get(pk=bravo.open_doc.pk) == bravo_document


def test_admin_forms_ignore_server_owned_fields(world):
    alpha = world.alpha
    client = Client()
    client.force_login(alpha.user("manager"))

    added = client.post(
        "/admin/debate/document/add/",
        {
            "debate": alpha.debate.pk,
            "title": "Added",
            "source": "",
            "url": "",
            "published": "",
            "text": "Text added in the admin.",
            "status": "adjudicated",
            "sha256": "0" * 64,
            "created_at": STAMP,
        },
    )
    assert added.status_code == 302
    document = Document.objects.get(title="Added")
    assert (document.status, document.sha256) == ("new", text_sha256("Text added in the admin."))

    # A span of a layer the admin may change (gold is the review's alone, and read only there).
    span = alpha.span
    span.refresh_from_db()
    form = client.get(f"/admin/annotations/span/{span.pk}/change/").context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data.update(
        note="Changed in the admin",
        version=99,
        created_by=alpha.user("annotator").pk,
        client_id="forged",
        created_at=STAMP,
    )
    changed = client.post(f"/admin/annotations/span/{span.pk}/change/", data)
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    stored = Span.objects.get(pk=span.pk)
    assert (stored.note, stored.version, stored.created_by, stored.client_id) == (
        "Changed in the admin",
        span.version + 1,
        span.created_by,
        span.client_id,
    )
