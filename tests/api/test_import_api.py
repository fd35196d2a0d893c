"""Import uploads: who may import, what a good upload does, and attacks refused with nothing
written (zip-slip paths, links, too many entries, oversized files, wrong types)."""

import io
import json
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from annotations.exports.selectors import ExportFilters
from annotations.models import Span, SpanEvent
from debate.models import Actor, Document
from tests.annotations.export_corpus import TEXT_B, TEXT_C, export_bytes, make_corpus

BRAT_URL = "/api/v1/debates/encryption/import/brat/"
SPANS_URL = "/api/v1/debates/encryption/import/spans/"
GOOD = {
    "new/essay.txt": "Encryption protects everyone. Scanning weakens it.",
    "new/essay.ann": (
        "T1\tclaim 0 29\tEncryption protects everyone.\n"
        "A1\tStance T1 contra\n"
        "T2\tpremise 30 50\tScanning weakens it.\n"
        "A2\tStance T2 contra\n"
        "R1\tsupports Arg1:T2 Arg2:T1\n"
    ),
}


@pytest.fixture
def corpus(db):
    return make_corpus()


def client_for(corpus, who: str | None) -> APIClient:
    client = APIClient()
    if who is not None:
        client.force_authenticate(corpus.users[who])
    return client


def zip_bytes(files: dict[str, str | bytes], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def upload(data: bytes, name: str = "corpus.zip", content_type: str = "application/zip"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored() -> tuple[int, int, int, int]:
    """Return how many documents, spans, span events and actors exist: nothing may change."""
    return (
        Document.objects.count(),
        Span.objects.count(),
        SpanEvent.objects.count(),
        Actor.objects.count(),
    )


# --- Who may import -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "layer", "expected"),
    [
        (None, "gold", 401),
        ("ann", "gold", 403),
        ("ann", "ann", 403),
        ("res", "gold", 403),
        ("rev", "gold", 200),
        ("rev", "ann2", 403),
        ("man", "gold", 200),
        ("man", "ann2", 200),
        ("outsider", "gold", 404),
        ("root", "ann2", 200),
    ],
)
def test_brat_import_permission_matrix(corpus, who, layer, expected):
    # Documents the debate holds, whose target layer is empty: reviewers add no documents.
    text = TEXT_C if layer == "gold" else TEXT_B
    ann = "T1\tclaim 0 2\t{}\nA1\tStance T1 pro\nT2\tpremise 3 5\t{}\nA2\tStance T2 pro\n"
    files = {"d.txt": text, "d.ann": ann.format(text[0:2], text[3:5])}
    before = stored()
    response = client_for(corpus, who).post(
        BRAT_URL, {"file": upload(zip_bytes(files)), "layer": layer}, format="multipart"
    )
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["imported"] == 1
        assert stored()[1] == before[1] + 2
    else:
        assert stored() == before


def test_a_reviewer_adds_no_documents(corpus):
    before = stored()
    response = client_for(corpus, "rev").post(
        BRAT_URL, {"file": upload(zip_bytes(GOOD))}, format="multipart"
    )
    assert response.status_code == 422
    problems = response.json()["documents"][0]["problems"]
    assert problems[0]["reason"] == (
        "no document with this text in this debate; only managers add documents"
    )
    assert stored() == before


def test_brat_upload_imports_and_reports_each_document(corpus):
    files = {
        **GOOD,
        "bad/broken.txt": "Hello world",
        "bad/broken.ann": "T1\tclaim 0 5\tHellO\nA1\tStance T1 pro\n",
        "annotation.conf": "[entities]\nclaim\n",
        "__MACOSX/._essay.txt": "junk",
    }
    response = client_for(corpus, "man").post(
        BRAT_URL, {"file": upload(zip_bytes(files)), "layer": "ann2"}, format="multipart"
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["imported"], report["rejected"], report["spans"], report["relations"]) == (
        1,
        1,
        2,
        1,
    )
    assert report["ignored"] == ["__MACOSX/._essay.txt", "annotation.conf"]
    broken = next(item for item in report["documents"] if item["name"] == "bad/broken")
    assert broken == {
        "name": "bad/broken",
        "layer": "ann2",
        "status": "rejected",
        "document": None,
        "document_created": False,
        "spans": 0,
        "relations": 0,
        "problems": [
            {
                "file": "bad/broken.ann",
                "line": 1,
                "reason": "T1: the text at 0 5 is 'Hello', not 'HellO' as the line says",
            }
        ],
    }
    assert not Document.objects.filter(text="Hello world").exists()
    essay = Document.objects.get(text=GOOD["new/essay.txt"])
    assert Span.objects.filter(document=essay, annotator=corpus.users["ann2"]).count() == 2


def test_a_gold_import_records_a_review_decision_per_span_and_relation(corpus):
    from annotations.models import DocumentReview, Relation, ReviewDecision

    manager = corpus.users["man"]
    response = client_for(corpus, "man").post(
        BRAT_URL, {"file": upload(zip_bytes(GOOD)), "layer": "gold"}, format="multipart"
    )

    assert response.status_code == 200
    essay = Document.objects.get(text=GOOD["new/essay.txt"])
    gold = list(Span.objects.filter(document=essay, annotator=None).order_by("start"))
    [relation] = Relation.objects.filter(document=essay, annotator=None)
    decisions = list(ReviewDecision.objects.filter(document=essay).order_by("id"))
    assert [(d.action, d.reviewer_id, d.review_version) for d in decisions] == [
        ("import", manager.pk, 1)
    ] * 3
    assert [(d.unit_key, d.gold_span_pk, d.gold_relation_pk) for d in decisions] == [
        (f"g-{gold[0].pk}", gold[0].pk, None),
        (f"g-{gold[1].pk}", gold[1].pk, None),
        ("", None, relation.pk),
    ]
    review = DocumentReview.objects.get(document=essay)
    assert (review.version, review.started_by_id) == (1, manager.pk)


def test_an_import_into_an_annotator_layer_records_no_review_decision(corpus):
    from annotations.models import ReviewDecision

    before = ReviewDecision.objects.count()
    response = client_for(corpus, "man").post(
        BRAT_URL, {"file": upload(zip_bytes(GOOD)), "layer": "ann2"}, format="multipart"
    )

    assert response.status_code == 200
    assert ReviewDecision.objects.count() == before


def test_brat_upload_with_nothing_importable_is_422(corpus):
    files = {"d.txt": "Hello world", "d.ann": "T1\tclaim 0 5\tHellO\n"}
    response = client_for(corpus, "rev").post(
        BRAT_URL, {"file": upload(zip_bytes(files))}, format="multipart"
    )
    assert response.status_code == 422
    assert response.json()["rejected"] == 1


def test_brat_upload_with_a_mapping_file(corpus):
    files = {"e.txt": "We should scan.", "e.ann": "T1\tMajorClaim 0 15\tWe should scan.\n"}
    mapping = {"entities": {"MajorClaim": {"role": "claim"}}, "defaults": {"stance": "pro"}}
    response = client_for(corpus, "man").post(
        BRAT_URL,
        {
            "file": upload(zip_bytes(files)),
            "mapping": upload(json.dumps(mapping).encode(), "m.json", "application/json"),
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    span = Span.objects.get(quote="We should scan.")
    assert (span.annotator, span.role, span.stance) == (None, "claim", "pro")


def test_a_bad_mapping_is_refused_with_nothing_written(corpus):
    before = stored()
    response = client_for(corpus, "rev").post(
        BRAT_URL,
        {
            "file": upload(zip_bytes(GOOD)),
            "mapping": upload(
                b'{"entities": {"X": {"role": "thesis"}}}', "m.json", "application/json"
            ),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["mapping"][0].startswith("entities.X: 'thesis' is not a role")
    assert stored() == before


# --- Attacks: refused as a whole, nothing written -------------------------------------------
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.txt", "climbs out of the archive with '..'"),
        ("docs/../../evil.ann", "climbs out of the archive with '..'"),
        ("/etc/cron.d/evil.txt", "is an absolute path"),
        ("C:/Windows/evil.txt", "is an absolute path"),
        ("..\\evil.txt", "climbs out of the archive with '..'"),
        ("docs\\evil.txt", "uses backslashes as folder separators"),
    ],
)
def test_zip_slip_paths_are_refused(corpus, name, reason):
    before = stored()
    data = zip_bytes({**GOOD, name: "x"})
    response = client_for(corpus, "man").post(BRAT_URL, {"file": upload(data)}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": f"file: the entry {name!r} {reason}."}
    assert stored() == before


def test_symbolic_links_are_refused(corpus):
    before = stored()
    data = zip_bytes({**GOOD, "link.txt": "/etc/passwd"}, links=("link.txt",))
    response = client_for(corpus, "man").post(BRAT_URL, {"file": upload(data)}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": "file: the entry 'link.txt' is a symbolic link."}
    assert stored() == before


def test_too_many_entries_are_refused(corpus, settings):
    settings.DEBATEMAP_IMPORT_MAX_ENTRIES = 3
    before = stored()
    data = zip_bytes({**GOOD, "a.txt": "a", "b.txt": "b"})
    response = client_for(corpus, "man").post(BRAT_URL, {"file": upload(data)}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "file: the archive has 4 entries; the limit is 3 (DEBATEMAP_IMPORT_MAX_ENTRIES)."
    }
    assert stored() == before


def test_an_oversized_upload_is_refused(corpus, settings):
    settings.DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES = 200
    before = stored()
    data = zip_bytes({**GOOD, "padding.txt": "x" * 5000})
    response = client_for(corpus, "man").post(BRAT_URL, {"file": upload(data)}, format="multipart")
    assert response.status_code == 413
    assert "the limit is 200 (DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES)" in response.json()["detail"]
    assert stored() == before


def test_a_declared_oversized_body_is_refused_before_it_is_read(corpus, settings):
    settings.DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES = 1000
    response = client_for(corpus, "man").generic(
        "POST",
        BRAT_URL,
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="10000000",
    )
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "The upload is 10000000 bytes; the limit is 1000 (DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES)."
    )


def test_a_zip_bomb_entry_is_refused(corpus, settings):
    settings.DEBATEMAP_IMPORT_MAX_ENTRY_BYTES = 10_000
    before = stored()
    data = zip_bytes({**GOOD, "bomb.txt": "0" * 1_000_000})  # deflates to about 1 KB
    assert len(data) < 5000
    response = client_for(corpus, "man").post(BRAT_URL, {"file": upload(data)}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "file: the entry 'bomb.txt' unpacks to 1000000 bytes; the limit is 10000 "
        "(DEBATEMAP_IMPORT_MAX_ENTRY_BYTES)."
    }
    assert stored() == before


def test_too_many_bytes_in_all_are_refused(corpus, settings):
    settings.DEBATEMAP_IMPORT_MAX_TOTAL_BYTES = 20_000
    before = stored()
    data = zip_bytes({**GOOD, "a.txt": "0" * 15_000, "b.txt": "1" * 15_000})
    response = client_for(corpus, "man").post(BRAT_URL, {"file": upload(data)}, format="multipart")
    assert response.status_code == 413
    assert "(DEBATEMAP_IMPORT_MAX_TOTAL_BYTES)" in response.json()["detail"]
    assert stored() == before


def test_an_entry_that_unpacks_beyond_its_declared_size_is_refused(corpus):
    before = stored()
    data = bytearray(zip_bytes({**GOOD, "z.txt": "0" * 4000}))
    # Lie in the central directory: declare 10 bytes for z.txt, which unpacks to 4000.
    index = data.rfind(b"z.txt")
    header = data.rfind(b"PK\x01\x02", 0, index)
    data[header + 24 : header + 28] = (10).to_bytes(4, "little")
    response = client_for(corpus, "man").post(
        BRAT_URL, {"file": upload(bytes(data))}, format="multipart"
    )
    assert response.status_code == 400
    assert stored() == before


@pytest.mark.parametrize(
    ("data", "content_type", "status", "detail"),
    [
        (
            b"T1\tclaim 0 5\tHello\n",
            "text/plain",
            415,
            "file: expected a zip archive (application/zip), not text/plain.",
        ),
        (
            b"\x89PNG\r\n\x1a\n",
            "image/png",
            415,
            "file: expected a zip archive (application/zip), not image/png.",
        ),
        (
            b"not a zip at all",
            "application/zip",
            400,
            "file: not a zip archive (it does not start with PK).",
        ),
        (b"PK\x03\x04truncated", "application/zip", 400, None),
    ],
)
def test_wrong_types_and_non_zip_data_are_refused(corpus, data, content_type, status, detail):
    before = stored()
    response = client_for(corpus, "man").post(
        BRAT_URL, {"file": upload(data, content_type=content_type)}, format="multipart"
    )
    assert response.status_code == status
    if detail:
        assert response.json() == {"detail": detail}
    else:
        assert response.json()["detail"].startswith("file: not a readable zip archive")
    assert stored() == before


def test_a_request_that_is_not_multipart_is_415(corpus):
    response = client_for(corpus, "man").post(BRAT_URL, {"file": "x"}, format="json")
    assert response.status_code == 415


def test_a_missing_file_is_named(corpus):
    response = client_for(corpus, "man").post(BRAT_URL, {"layer": "gold"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["Attach the file to import as the form field file."]}


def test_query_parameters_are_refused(corpus):
    response = client_for(corpus, "man").post(
        BRAT_URL + "?layer__startswith=x", {"file": upload(zip_bytes(GOOD))}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"layer__startswith": ["Unknown query parameter."]}


# --- JSON Lines uploads ---------------------------------------------------------------------
def test_jsonl_upload_loads_an_export_into_another_layer(corpus):
    data = export_bytes(corpus.debate, "jsonl", ExportFilters(layer="gold"))
    response = client_for(corpus, "man").post(
        SPANS_URL,
        {"file": upload(data, "gold.jsonl", "application/x-ndjson"), "layer": "ann"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    report = response.json()
    # ann already holds spans of document A, so only B's gold spans were copied.
    assert (report["imported"], report["skipped"], report["spans"]) == (1, 1, 2)
    copied = Span.objects.filter(annotator=corpus.users["ann"], document=corpus.doc_b)
    gold = Span.objects.filter(annotator=None, document=corpus.doc_b)
    fields = ("start", "end", "quote", "stance", "role", "actor")
    assert sorted(copied.values_list(*fields)) == sorted(gold.values_list(*fields))


def test_jsonl_upload_refuses_archives_and_bad_text_with_nothing_written(corpus):
    before = stored()
    client = client_for(corpus, "man")
    archive = client.post(
        SPANS_URL,
        {"file": upload(zip_bytes(GOOD), "x.jsonl", "application/octet-stream")},
        format="multipart",
    )
    assert archive.status_code == 415
    assert archive.json() == {"detail": "file: this is an archive, not JSON Lines text."}
    latin1 = export_bytes(corpus.debate, "jsonl") + b'\n{"type": "span", "quote": "caf\xe9"}\n'
    bad_text = client.post(
        SPANS_URL,
        {"file": upload(latin1, "x.jsonl", "application/x-ndjson"), "layer": "ann2"},
        format="multipart",
    )
    assert bad_text.status_code == 400
    assert bad_text.json()["file"][0].startswith("Not UTF-8 text (byte ")
    wrong_type = client.post(
        SPANS_URL, {"file": upload(b"{}", "x.png", "image/png")}, format="multipart"
    )
    assert wrong_type.status_code == 415
    assert stored() == before


def test_jsonl_upload_as_exported_is_for_managers(corpus):
    data = export_bytes(corpus.debate, "jsonl")
    response = client_for(corpus, "rev").post(
        SPANS_URL,
        {"file": upload(data, "x.jsonl", "application/x-ndjson"), "layer": "as-exported"},
        format="multipart",
    )
    assert response.status_code == 403
