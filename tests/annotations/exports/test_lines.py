"""The JSON Lines body written by the database: byte for byte the portable writer's."""

import json
import threading
from datetime import UTC, date, datetime

import psycopg
import pytest
from django.db import connection

import annotations.exports.selectors as selectors
from annotations.exports.selectors import (
    ExportFilters,
    export_actors,
    export_jsonl_body,
    export_span_chunks,
)
from annotations.formats.jsonl import jsonl_body
from annotations.models import Span
from bench.management.commands.generate_bench_data import bench_data_generate
from core.db import is_postgresql, json_lines
from tests.annotations.export_corpus import (
    READER,
    TRICKY_NOTE,
    TRICKY_TEXT,
    export,
    make_tricky,
)


def _jsonl_bodies(
    debate, filters: ExportFilters, documents_per_batch: int = 50
) -> tuple[bytes, bytes]:
    """Return the export's document and span lines from the database path and from Python."""
    actors = export_actors(debate=debate)
    selection = {"access": READER, "debate": debate, "filters": filters, "actors": actors}
    database = b"".join(
        export_jsonl_body(**selection, chunk_size=2, documents_per_batch=documents_per_batch)
    )
    portable = b"".join(jsonl_body(export_span_chunks(**selection, with_text=True, chunk_size=2)))
    return database, portable


@pytest.mark.parametrize(
    "filters",
    [
        ExportFilters(),
        ExportFilters(layer="gold"),
        ExportFilters(layer='o"neil\\x'),
        ExportFilters(layer="plain"),
        ExportFilters(published_after=date(2024, 1, 1)),
        ExportFilters(published_before=date(2024, 12, 31), layer="gold"),
        ExportFilters(updated_since=datetime(2030, 1, 1, tzinfo=UTC)),
        ExportFilters(documents=(-1,)),
    ],
    ids=["all", "gold", "quoted-layer", "plain", "after", "before-gold", "updated", "none"],
)
def test_jsonl_lines_written_by_the_database_equal_the_portable_ones(tricky, filters):
    debate, _ = tricky
    database, portable = _jsonl_bodies(debate, filters)
    assert database == portable
    lines = [json.loads(line) for line in portable.decode("utf-8").split("\n")[:-1]]
    assert portable.endswith(b"\n") or portable == b""
    # Each line is one JSON text: no raw line break inside (U+2028 is not one in JSON).
    assert len(lines) == portable.count(b"\n")
    span_lines = {line["id"]: line for line in lines if line["type"] == "span"}
    expected = {
        span.pk
        for span in Span.objects.filter(document__debate=debate)
        if (filters.layer == "all" or span.layer == filters.layer)
        and (not filters.documents or span.document_id in filters.documents)
        and (
            filters.published_after is None
            or (span.document.published and span.document.published >= filters.published_after)
        )
        and (
            filters.published_before is None
            or (span.document.published and span.document.published <= filters.published_before)
        )
        and (filters.updated_since is None or span.updated_at >= filters.updated_since)
    }
    assert set(span_lines) == expected


def test_jsonl_lines_keep_tricky_text_exact(tricky):
    debate, spans = tricky
    database, portable = _jsonl_bodies(debate, ExportFilters())
    assert database == portable
    lines = [json.loads(line) for line in database.decode("utf-8").split("\n")[:-1]]
    assert [line["type"] for line in lines] == [
        "document",
        *["span"] * 4,
        "document",
        "span",
        "span",
    ]
    assert lines[0]["text"] == TRICKY_TEXT
    assert lines[0]["title"] == 'Title "one"\t\\'
    assert (lines[0]["published"], lines[5]["published"]) == (None, "2024-02-29")
    by_id = {line["id"]: line for line in lines if line["type"] == "span"}
    quoted = by_id[spans["quoted"].pk]
    controls = spans["controls"]
    assert quoted["quote"] == 'said "no" \\ then\ttabbed,\nnext'
    assert quoted["note"] == TRICKY_NOTE
    assert (quoted["layer"], quoted["annotator"], quoted["created_by"]) == ('o"neil\\x',) * 3
    assert quoted["actor"]["name"] == 'The "firm" \\ 🔐\u2028'
    assert [(r["type"], r["target"]) for r in quoted["relations"]] == [
        ("supports", controls.pk),
        ("attacks", controls.pk),
    ]
    assert quoted["created_at"] == "2024-01-02T03:04:05.000000+00:00"
    assert quoted["updated_at"] == "2024-01-02T03:04:05.120000+00:00"
    gold = by_id[spans["gold"].pk]
    assert (gold["layer"], gold["annotator"], gold["actor"], gold["note"]) == (
        "gold",
        None,
        None,
        "",
    )
    # Raw in the file, as orjson writes them: U+2028, emoji; escaped: controls, quotes.
    assert "separators \u2028 and \u2029".encode() in database
    assert b"\\u0001\\u001f\x7f controls" in database
    assert b'\\"no\\" \\\\ then\\ttabbed,\\nnext' in database


def _helper_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == json_lines.HELPER_THREAD]


@pytest.mark.parametrize(
    "filters",
    [ExportFilters(), ExportFilters(layer="gold"), ExportFilters(documents=(-1,))],
    ids=["all", "gold", "none"],
)
def test_jsonl_lines_from_two_connections_equal_the_portable_ones(transactional_db, filters):
    # Committed data and the export's own transaction: on PostgreSQL a second connection on
    # the same snapshot writes every other document (one document a batch here).
    debate, spans = make_tricky()
    second = spans["plain"].document
    Span.objects.filter(pk=spans["plain"].pk).update(note="changed before the export")
    database, portable = _jsonl_bodies(debate, filters, documents_per_batch=1)
    assert database == portable
    if filters == ExportFilters():
        assert b"changed before the export" in database
        assert database.count(b'{"type":"document"') == 2
        assert database.index(f'"document":{second.pk},'.encode()) > database.index(b'"quote":"NEL')
    assert _helper_threads() == []


def test_jsonl_export_closed_early_stops_the_second_connection(transactional_db):

    debate = bench_data_generate(slug="closed-early", spans=6000, documents=60, annotators=2)
    body = export_jsonl_body(
        access=READER,
        debate=debate,
        filters=ExportFilters(),
        actors=export_actors(debate=debate),
        documents_per_batch=2,
    )
    first = next(body)
    assert first.startswith(b'{"type":"document"')
    assert len(_helper_threads()) == (1 if is_postgresql(connection) else 0)
    body.close()  # the client went away
    assert _helper_threads() == []
    assert not connection.in_atomic_block
    # The connection is ready for the next request, and a full export still works.
    database, portable = _jsonl_bodies(debate, ExportFilters(), documents_per_batch=7)
    assert database == portable
    assert database.count(b"\n") == 60 + 6000


def test_jsonl_body_is_written_by_postgresql_itself(corpus, monkeypatch):

    calls = []
    original = selectors.export_span_chunks
    monkeypatch.setattr(
        selectors, "export_span_chunks", lambda **kwargs: calls.append(1) or original(**kwargs)
    )
    lines = export(corpus, "jsonl").splitlines()
    assert len(lines) == 1 + 2 + 3 + 9
    # PostgreSQL writes the lines (no span is read into Python); elsewhere Python does.
    assert calls == ([] if is_postgresql(connection) else [1])


def test_jsonl_export_goes_on_with_one_connection_when_a_second_is_refused(
    transactional_db, monkeypatch, caplog
):

    debate = bench_data_generate(slug="one-connection", spans=600, documents=6, annotators=2)
    refused = []

    def refuse(**options):
        refused.append(options["dbname"])
        raise psycopg.OperationalError("too many clients already")

    monkeypatch.setattr(json_lines.psycopg, "connect", refuse)
    database, portable = _jsonl_bodies(debate, ExportFilters(), documents_per_batch=1)
    # Every document is there, in order, written by the first connection alone.
    assert database == portable
    assert database.count(b'{"type":"document"') == 6
    assert database.count(b"\n") == 6 + 600
    assert _helper_threads() == []
    if is_postgresql(connection):
        assert refused == [connection.settings_dict["NAME"]]
        assert "Export goes on with one database connection" in caplog.text
    else:
        assert refused == []
