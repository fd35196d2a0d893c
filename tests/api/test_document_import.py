"""POST /api/v1/debates/{slug}/documents/import/: a JSON list, a JSON Lines or a zip upload.

Exact counts, exact line numbers and indexes, the field and the reason of every refusal;
duplicates skipped naming the document that holds the text; a batch the database refuses
leaves nothing half-written; the progress stream counts only committed documents.
"""

import io
import json
import zipfile

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.throttling import ScopedRateThrottle

from debate.models import Document
from debate.services import DocumentInput, document_create
from debate.text import normalize_text

URL = "/api/v1/debates/encryption/documents/import/"
ALLOWED = "(allowed: published, source, text, title, url)"


def _jsonl_upload(lines: list[bytes], name: str = "articles.jsonl") -> dict:
    return {"file": SimpleUploadedFile(name, b"\n".join(lines) + b"\n", "application/x-ndjson")}


def _line(**fields) -> bytes:
    return orjson.dumps(fields)


def _ndjson(response) -> list[dict]:
    assert response["Content-Type"] == "application/x-ndjson"
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def _problem(status="rejected", *, reason, field=None, file=None, line=None, index=None, doc=None):
    return {
        "status": status,
        "file": file,
        "line": line,
        "index": index,
        "field": field,
        "reason": reason,
        "document": doc,
    }


def _ten_thousand_lines() -> tuple[list[bytes], list[dict]]:
    """Return 10,000 lines: 9,993 good documents, one blank, five bad, one duplicate."""
    lines = [
        _line(text=f"Article {number}: ministers debate message scanning.")
        for number in range(1, 10_001)
    ]
    lines[17 - 1] = b'{"text": "cut off'
    lines[2500 - 1] = _line(title="No text here")
    lines[4000 - 1] = b""
    lines[5000 - 1] = _line(text="Dated wrongly.", published="2023-02-30")
    lines[7777 - 1] = _line(text="An extra field.", author="someone")
    lines[8888 - 1] = b'{"text": "caf\xe9 in Latin-1"}'
    lines[9999 - 1] = lines[0]
    file = "articles.jsonl"
    expected = [
        _problem(file=file, line=17, reason="invalid JSON (unexpected end of data at column 18)"),
        _problem(file=file, line=2500, field="text", reason="required, a non-empty string"),
        _problem(
            file=file,
            line=5000,
            field="published",
            reason="'2023-02-30' is not an ISO date such as 2023-07-01",
        ),
        _problem(
            file=file,
            line=7777,
            reason="unknown fields: author (allowed: published, source, text, title, url)",
        ),
        _problem(file=file, line=8888, reason="not UTF-8 text (byte 13)"),
    ]
    return lines, expected


def test_a_10000_line_upload_imports_every_good_line_and_names_each_bad_one(world):
    before = Document.objects.count()
    lines, rejected = _ten_thousand_lines()

    response = world.client("man").post(URL, _jsonl_upload(lines), format="multipart")

    assert response.status_code == 200, response.content
    first = Document.objects.get(debate=world.debate, title__startswith="Article 1:")
    body = response.json()
    assert {key: body[key] for key in ("read", "imported", "skipped", "rejected")} == {
        "read": 9_999,
        "imported": 9_993,
        "skipped": 1,
        "rejected": 5,
    }
    duplicate = _problem(
        "skipped",
        file="articles.jsonl",
        line=9999,
        reason="the debate already holds this text",
        doc=first.pk,
    )
    assert body["problems"] == [*rejected, duplicate]
    assert Document.objects.count() == before + 9_993
    assert first.source == "articles.jsonl"
    assert first.text == "Article 1: ministers debate message scanning."


def test_progress_lines_come_after_each_committed_batch_of_1000(world):
    lines, rejected = _ten_thousand_lines()

    response = world.client("man").post(
        f"{URL}?progress=ndjson", _jsonl_upload(lines), format="multipart"
    )

    assert response.status_code == 200
    events = _ndjson(response)
    progress = [event for event in events if event["event"] == "progress"]
    assert [event["read"] for event in progress] == [*range(1000, 10_000, 1000), 9_999]
    # Line 4000 is blank, so no item: line 5000 is item 4,999 (batch 5), line 7777 item 7,776
    # (batch 8) and line 8888 item 8,887 (batch 9).
    assert [event["rejected"] for event in progress] == [1, 1, 2, 2, 3, 3, 3, 4, 5, 5]
    problems = [
        {key: value for key, value in event.items() if key != "event"}
        for event in events
        if event["event"] == "problem"
    ]
    assert problems[:5] == rejected
    assert [(p["status"], p["line"]) for p in problems[5:]] == [("skipped", 9999)]
    assert events[-1] == {
        "event": "done",
        "read": 9_999,
        "imported": 9_993,
        "skipped": 1,
        "rejected": 5,
    }


def test_a_json_list_is_read_item_by_item_with_each_refusal_named_by_index(world):
    existing = world.document
    items = [
        {"text": "Cafe\u0301 owners\r\nfear scanning.", "source": "  Example   News "},  # 0
        {"text": ""},  # 1
        "not an object",  # 2
        {"text": "Extra.", "author": "x"},  # 3
        {"text": "Bad link.", "url": "javascript:alert(1)"},  # 4
        {"text": "Nul\x00 text.", "title": "Nul\x00 title"},  # 5
        {"text": "Caf\u00e9 owners\nfear scanning."},  # 6: item 0 once normalised
        {"text": existing.text},  # 7: the debate holds it
        {"text": "Scanning row.", "title": "Row", "published": "2023-07-01T09:30:00"},  # 8
        {"text": "Numbers.", "title": 7},  # 9
    ]

    response = world.client("man").post(URL, items, format="json")

    assert response.status_code == 200, response.content
    first = Document.objects.get(debate=world.debate, text="Caf\u00e9 owners\nfear scanning.")
    assert (first.title, first.source) == ("Caf\u00e9 owners", "Example News")
    dated = Document.objects.get(debate=world.debate, title="Row")
    assert dated.published.isoformat() == "2023-07-01"
    assert response.json() == {
        "read": 10,
        "imported": 2,
        "skipped": 2,
        "rejected": 6,
        "problems": [
            _problem(index=1, field="text", reason="required, a non-empty string"),
            _problem(index=2, reason="each item must be a JSON object"),
            _problem(
                index=3,
                reason="unknown fields: author (allowed: published, source, text, title, url)",
            ),
            _problem(index=4, field="url", reason="Enter a valid URL."),
            _problem(index=5, field="text", reason="Contains a NUL character (U+0000)."),
            _problem(index=5, field="title", reason="Contains a NUL character (U+0000)."),
            _problem("skipped", index=6, reason="the debate already holds this text", doc=first.pk),
            _problem(
                "skipped", index=7, reason="the debate already holds this text", doc=existing.pk
            ),
            _problem(index=9, field="title", reason="must be a string"),
        ],
    }


def _zip(entries: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return SimpleUploadedFile("corpus.zip", buffer.getvalue(), "application/zip")


def test_a_zip_is_read_as_import_documents_reads_a_folder(world):
    page = b"<html><head><title>Scanning row | BBC News</title></head><body><p>Visible.</p>"
    page += b"<script>hidden()</script></body></html>"
    upload = _zip(
        {
            "a.txt": "\ufeffFirst line title\r\n\r\nBody of a.".encode(),
            "folder/b.md": b"Intro.\n\n# Lessons from C#\n\nBody of b.\n",
            "folder/c.html": page,
            "d.jsonl": _line(text="From JSON Lines.", title="Given")
            + b"\n\n"
            + _line(text="")
            + b"\n",
            ".hidden/e.txt": b"Never read.",
            "f.pdf": b"%PDF",
            "g.txt": b"  \n",
        }
    )

    response = world.client("man").post(
        URL, {"file": upload, "source": "The Outlet"}, format="multipart"
    )

    assert response.status_code == 200, response.content
    stored = dict(
        Document.objects.filter(debate=world.debate, source="The Outlet").values_list(
            "title", "text"
        )
    )
    assert stored == {
        "First line title": "First line title\n\nBody of a.",
        "Given": "From JSON Lines.",
        "Lessons from C#": "Intro.\n\n# Lessons from C#\n\nBody of b.\n",
        "Scanning row": "Visible.",
    }
    assert response.json() == {
        "read": 7,
        "imported": 4,
        "skipped": 0,
        "rejected": 3,
        "problems": [
            _problem(file="d.jsonl", line=3, field="text", reason="required, a non-empty string"),
            _problem(
                file="f.pdf",
                reason="unsupported file type '.pdf'; use .txt, .md, .html, .htm, .jsonl",
            ),
            _problem(file="g.txt", reason="the file is empty"),
        ],
    }


def test_importing_the_same_upload_again_skips_every_document(world):
    lines = [_line(text=f"Text {number}.") for number in range(3)]
    client = world.client("man")
    assert client.post(URL, _jsonl_upload(lines), format="multipart").json()["imported"] == 3

    response = client.post(URL, _jsonl_upload(lines), format="multipart")

    assert response.status_code == 200
    assert [
        (problem["status"], problem["line"], problem["reason"])
        for problem in response.json()["problems"]
    ] == [("skipped", n, "the debate already holds this text") for n in (1, 2, 3)]
    assert response.json()["imported"] == 0


def test_nothing_importable_is_a_422_with_the_report(world):
    response = world.client("man").post(URL, [{"text": " "}, {"title": "x"}], format="json")

    assert response.status_code == 422
    assert response.json()["rejected"] == 2
    assert response.json()["imported"] == 0


NOT_A_LIST = {"non_field_errors": ["Send a non-empty JSON list of documents."]}
NO_FILE = {"file": ["Attach the file to import as the form field file."]}
NOT_JSONL = {"detail": "file: expected a JSON Lines file (.jsonl) or a zip archive (.zip)."}
JSON, MULTIPART = {"format": "json"}, {"format": "multipart"}


@pytest.mark.parametrize(
    ("data", "kwargs", "status", "errors"),
    [
        ([], JSON, 400, NOT_A_LIST),
        ({"text": "x"}, JSON, 400, NOT_A_LIST),
        ({"source": "x"}, MULTIPART, 400, NO_FILE),
        (
            {"file": SimpleUploadedFile("a.jsonl", b"{}"), "layer": "gold"},
            MULTIPART,
            400,
            {"layer": ["Unknown field."]},
        ),
        ({"file": SimpleUploadedFile("a.csv", b"text\nx\n")}, MULTIPART, 415, NOT_JSONL),
    ],
    ids=["empty list", "an object", "no file", "unknown field", "a csv"],
)
def test_a_request_that_cannot_be_read_is_refused_whole(world, data, kwargs, status, errors):
    before = Document.objects.count()

    response = world.client("man").post(URL, data, **kwargs)

    assert (response.status_code, response.json()) == (status, errors)
    assert Document.objects.count() == before


def test_an_unknown_progress_or_query_parameter_is_named(world):
    client = world.client("man")
    bad = client.post(f"{URL}?progress=xml", [{"text": "x"}], format="json")
    unknown = client.post(f"{URL}?dry_run=1", [{"text": "x"}], format="json")
    assert (bad.status_code, bad.json()) == (400, {"progress": ["Use one of report, ndjson."]})
    assert (unknown.status_code, unknown.json()) == (400, {"dry_run": ["Unknown query parameter."]})
    assert not Document.objects.filter(text="x").exists()


def test_a_zip_entry_leaving_its_folder_refuses_the_whole_upload(world):
    before = Document.objects.count()
    upload = _zip({"a.txt": b"Good.", "../escape.txt": b"Bad."})

    response = world.client("man").post(URL, {"file": upload}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "file: the entry '../escape.txt' climbs out of the archive with '..'."
    }
    assert Document.objects.count() == before


def test_an_oversize_body_is_refused_before_it_is_read(world, settings):
    settings.DEBATEMAP_DOCUMENT_IMPORT_MAX_BYTES = 100
    response = world.client("man").post(URL, [{"text": "x" * 200}], format="json")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The body is 213 bytes; the limit is 100 (DEBATEMAP_DOCUMENT_IMPORT_MAX_BYTES)."
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [("ann", 403), ("rev", 403), ("res", 403), ("outsider", 404), ("man", 200), ("root", 200)],
)
def test_only_managers_import_an_upload(world, who, status):
    before = Document.objects.count()
    upload = _jsonl_upload([_line(text="A new article.")])

    response = world.client(who).post(URL, upload, format="multipart")

    assert response.status_code == status
    assert Document.objects.count() == before + (1 if status == 200 else 0)


def test_imports_are_throttled_per_user_with_the_span_imports(world, monkeypatch):
    # DRF reads the rates once, into the class: two imports a minute for this test.
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {**ScopedRateThrottle.THROTTLE_RATES, "import": "2/min"},
    )
    manager = world.client("man")
    assert (
        manager.post("/api/v1/debates/encryption/import/spans/", {}, format="multipart").status_code
        == 400
    )

    statuses = [
        manager.post(URL, [{"text": f"T{n}."}], format="json").status_code for n in range(2)
    ]

    assert statuses == [200, 429]
    assert world.client("root").post(URL, [{"text": "R."}], format="json").status_code == 200
    assert Document.objects.filter(text__in=["T0.", "T1.", "R."]).count() == 2


def test_texts_are_stored_as_document_create_stores_them(world):
    raw = "\ufeffHeadline here today\r\n\r\nBy Jane Smith\r\nBody with cafe\u0301."
    response = world.client("man").post(URL, [{"text": raw, "source": "Wire"}], format="json")
    assert response.json()["imported"] == 1
    bulk = Document.objects.get(debate=world.debate, source="Wire")
    single, created = document_create(
        debate=world.foreign_debate, data=DocumentInput(text=raw, source="Wire")
    )
    assert created
    assert (bulk.text, bulk.sha256, bulk.title, bulk.source, bulk.url) == (
        single.text,
        single.sha256,
        single.title,
        single.source,
        single.url,
    )
    assert bulk.text == normalize_text(raw)


def test_items_carrying_server_owned_fields_are_refused_by_name(world):
    owned = {"id": 9, "debate": "other", "sha256": "0" * 64, "status": "adjudicated"}
    before = Document.objects.count()

    response = world.client("man").post(URL, [{"text": "New.", **owned}], format="json")

    assert response.status_code == 422
    assert [(p["index"], p["reason"]) for p in response.json()["problems"]] == [
        (0, "unknown fields: debate, id, sha256, status " + ALLOWED),
    ]
    assert Document.objects.count() == before
