"""documents_import: batches committed one by one, and memory that does not grow with the upload."""

import gc
import json
import tracemalloc
from pathlib import Path

import pytest
from django.db import connection

from core.db import is_postgresql
from debate.importers import read_import_items, read_jsonl_stream
from debate.imports.services import documents_import
from debate.models import Document
from tests.factories import DebateFactory

pytestmark = pytest.mark.django_db


def _write_jsonl(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            text = f"Scanning row, part {number}\n\n" + "Ministers and charities argue. " * 30
            out.write(json.dumps({"text": text, "source": "Wire"}) + "\n")
    return path


def _peak_of_import(path: Path) -> tuple[int, int]:
    """Return (documents imported, peak bytes allocated while importing the file)."""
    debate = DebateFactory()
    gc.collect()
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            imported = 0
            for progress in documents_import(
                debate=debate, items=read_jsonl_stream(stream, file=path.name), batch_documents=200
            ):
                imported = progress.imported
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return imported, peak


def test_memory_does_not_grow_with_the_upload(tmp_path):
    # Batches of 200 keep this quick under tracemalloc; the service's own are of 1,000.
    small = _write_jsonl(tmp_path / "small.jsonl", 2_000)
    large = _write_jsonl(tmp_path / "large.jsonl", 8_000)

    imported_small, peak_small = _peak_of_import(small)
    imported_large, peak_large = _peak_of_import(large)

    assert (imported_small, imported_large) == (2_000, 8_000)
    assert Document.objects.count() == 10_000
    # psycopg remembers the last 100 statements it ran on a connection, to prepare the
    # frequent ones, and each batch's duplicate check is a statement of its own (its 200
    # hashes written into it, 67 bytes each): a bounded cache, full after 100 batches.
    driver = 100 * 200 * 67 if is_postgresql(connection) else 0
    # Four times the documents in the same batches: the peak is one batch's, give or take a
    # fifth, plus that cache.
    assert peak_large < peak_small * 1.2 + driver, (peak_small, peak_large)


def test_each_yielded_progress_counts_only_committed_documents(tmp_path):
    path = _write_jsonl(tmp_path / "a.jsonl", 25)
    debate = DebateFactory()
    seen = []
    with path.open("rb") as stream:
        for progress in documents_import(
            debate=debate, items=read_jsonl_stream(stream, file="a.jsonl"), batch_documents=10
        ):
            seen.append((progress.read, progress.imported, debate.documents.count()))
    assert seen == [(10, 10, 10), (20, 20, 20), (25, 25, 25)]


def test_a_batch_is_also_cut_by_the_characters_it_holds(tmp_path):
    path = _write_jsonl(tmp_path / "a.jsonl", 6)
    length = len(json.loads(path.read_text().splitlines()[0])["text"])
    debate = DebateFactory()
    with path.open("rb") as stream:
        reads = [
            progress.read
            for progress in documents_import(
                debate=debate,
                items=read_jsonl_stream(stream, file="a.jsonl"),
                batch_chars=2 * length,
            )
        ]
    assert reads == [2, 4, 6]


def test_the_upload_reader_numbers_lines_as_the_file_reader_does(tmp_path):
    lines = [
        json.dumps({"text": "One."}),
        "",
        json.dumps({"text": "Line\u2028separator inside."}, ensure_ascii=False),
        '{"text": broken',
        json.dumps({"title": "No text"}),
    ]
    # A byte-order mark, CRLF, a lone CR and a last line without its end.
    raw = "\ufeff" + lines[0] + "\r\n" + lines[1] + "\r" + lines[2] + "\n" + lines[3] + "\r\n"
    raw += lines[4]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(raw.encode("utf-8"))

    from_file = list(read_import_items(path))
    with path.open("rb") as stream:
        from_stream = list(read_jsonl_stream(stream, file=str(path)))

    assert from_stream == from_file
    assert [(item.line, item.error) for item in from_stream] == [
        (1, ""),
        (3, ""),
        (4, "invalid JSON (unexpected character, expected a JSON value at column 10)"),
        (5, "text: required, a non-empty string"),
    ]
    assert from_stream[1].data.text == "Line\u2028separator inside."
    assert from_stream[0].data.source == "mixed.jsonl"


def test_a_line_longer_than_the_limit_rejects_itself_only(tmp_path, monkeypatch):
    import debate.importers as importers

    monkeypatch.setattr(importers, "MAX_JSONL_LINE_BYTES", 64)
    path = tmp_path / "long.jsonl"
    path.write_text(
        json.dumps({"text": "Short."})
        + "\n"
        + json.dumps({"text": "x" * 200})
        + "\n"
        + json.dumps({"text": "After."})
        + "\n"
    )
    with path.open("rb") as stream:
        items = list(read_jsonl_stream(stream, file="long.jsonl"))
    assert [(item.line, item.reason, item.data and item.data.text) for item in items] == [
        (1, "", "Short."),
        (2, "longer than 64 bytes", None),
        (3, "", "After."),
    ]


def test_the_statistics_are_refreshed_as_the_import_doubles(tmp_path, monkeypatch):
    import debate.imports.services as services

    refreshed = []
    monkeypatch.setattr(services, "analyze", lambda model, *names: refreshed.append(names))
    path = _write_jsonl(tmp_path / "a.jsonl", 25)
    with path.open("rb") as stream:
        imported = [
            progress.imported
            for progress in documents_import(
                debate=DebateFactory(),
                items=read_jsonl_stream(stream, file="a.jsonl"),
                batch_documents=3,
            )
        ]
    assert imported == [3, 6, 9, 12, 15, 18, 21, 24, 25]
    # After 3 documents, then once the count doubled: 6, 12 and 24.
    assert refreshed == [("debate", "sha256")] * 4
