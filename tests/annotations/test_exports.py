"""Span exports: each format's exact shape, third-party readers, order, and flat memory."""

import csv
import gc
import io
import json
import re
import threading
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest
from pybrat.parser import BratParser
from pyld import jsonld

from annotations.export_selectors import (
    ExportFilters,
    export_actors,
    export_jsonl_body,
    export_provenance,
    export_span_chunks,
    export_spans,
    iso_time,
)
from annotations.exports import (
    ANNO_CONTEXT_URL,
    CSV_COLUMNS,
    annotation_conf,
    brat_export,
    brat_fragments,
    csv_export,
    jsonl_body,
    jsonl_export,
    local_document_loader,
    webanno_export,
)
from annotations.models import Span
from annotations.services import relation_create
from bench.management.commands.generate_bench_data import bench_data_generate
from debate.models import Role
from debate.permissions import DebateAccess
from tests.annotations.export_corpus import TEXT_A, add_span, find, make_corpus
from tests.factories import (
    ActorFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
READER = DebateAccess(user_id=0, role="researcher")
OA = "http://www.w3.org/ns/oa#"


@pytest.fixture
def corpus(db):
    return make_corpus()


def export(corpus, format: str, filters: ExportFilters | None = None) -> bytes:
    filters = filters or ExportFilters()
    actors = export_actors(debate=corpus.debate)
    provenance = export_provenance(
        debate=corpus.debate, filters=filters, format=format, by="res", now=NOW
    )
    if format == "jsonl":
        # Two spans a chunk for the portable writer, so documents and relations cross
        # chunk boundaries; PostgreSQL writes the lines itself.
        body = export_jsonl_body(
            access=READER, debate=corpus.debate, filters=filters, actors=actors, chunk_size=2
        )
        return b"".join(jsonl_export(provenance=provenance, actors=actors, body=body))
    spans = export_spans(
        access=READER,
        debate=corpus.debate,
        filters=filters,
        actors=actors,
        with_text=format != "csv",
    )
    if format == "csv":
        stream = csv_export(spans=spans)
    elif format == "webanno":
        stream = webanno_export(
            provenance=provenance,
            spans=spans,
            base_url="https://debatemap.test/",
            collection_id="https://debatemap.test/export",
            label="spans",
        )
    else:
        stream = brat_export(
            provenance=provenance,
            scheme=corpus.debate.scheme,
            actors=actors,
            spans=spans,
            now=NOW,
        )
    return b"".join(stream)


# --- JSON Lines -----------------------------------------------------------------------------
def test_jsonl_starts_with_provenance_then_actors_then_documents_with_their_spans(corpus):
    lines = [json.loads(line) for line in export(corpus, "jsonl").decode().splitlines()]
    provenance = lines[0]
    assert provenance["type"] == "provenance"
    assert provenance["software"] == {"name": "Debatemap", "version": "0.1.0"}
    assert provenance["debate"]["slug"] == "encryption"
    assert provenance["filters"] == {
        "layer": "all",
        "documents": [],
        "published_after": None,
        "published_before": None,
        "updated_since": None,
    }
    assert provenance["exported_at"] == "2025-01-02T03:04:05+00:00"
    assert provenance["exported_by"] == "res"
    assert [line["type"] for line in lines[1:3]] == ["actor", "actor"]
    assert [line["name"] for line in lines[1:3]] == ["Rani Govender", "the tech firms"]
    kinds = [(line["type"], line.get("document", line.get("id"))) for line in lines[3:]]
    a, b, c = corpus.doc_a.pk, corpus.doc_b.pk, corpus.doc_c.pk
    assert kinds == [
        ("document", a), *[("span", a)] * 6,
        ("document", b), *[("span", b)] * 2,
        ("document", c), ("span", c),
    ]  # fmt: skip
    document = lines[3]
    assert document["text"] == TEXT_A
    assert document["sha256"] == corpus.doc_a.sha256


def test_jsonl_span_line_holds_every_field(corpus):
    lines = [json.loads(line) for line in export(corpus, "jsonl").decode().splitlines()]
    spans = {line["id"]: line for line in lines if line["type"] == "span"}
    firms, backdoor = corpus.spans["a_firms"], corpus.spans["a_backdoor"]
    start, end = find(TEXT_A, "a “backdoor” weakens security")
    line = spans[backdoor.pk]
    relation = corpus.relations[0]
    assert line == {
        "type": "span",
        "id": backdoor.pk,
        "document": corpus.doc_a.pk,
        "document_sha256": corpus.doc_a.sha256,
        "layer": "ann",
        "annotator": "ann",
        "start": start,
        "end": end,
        "quote": "a “backdoor” weakens security",
        "stance": "contra",
        "role": "premise",
        "actor": None,
        "note": "",
        "relations": [{"id": relation.pk, "type": "supports", "target": firms.pk}],
        "version": 1,
        "created_by": "ann",
        "created_at": iso_time(backdoor.created_at),
        "updated_at": iso_time(backdoor.updated_at),
    }
    # Offsets are code points: the emoji before the quote counts once.
    assert (start, end) == (17, 46)
    assert spans[firms.pk]["actor"] == {"id": corpus.firms.pk, "name": "the tech firms"}
    gold = spans[corpus.spans["gold_a"].pk]
    assert (gold["layer"], gold["annotator"], gold["created_by"]) == ("gold", None, "rev")


TRICKY_TEXT = (
    'He said "no" \\ then\ttabbed,\nnext line and \x01\x1f\x7f controls; '
    "emoji 🔐🧪, separators \u2028 and \u2029, NEL \x85, no-break\u00a0space."
)
TRICKY_NOTE = 'line one\nline "two"\t\\ \x01\x1b \u2028 🔐 \r end'


@pytest.fixture
def tricky(db):
    return make_tricky()


def make_tricky():
    """Return a debate whose spans hold every character JSON escapes or leaves raw."""
    debate = DebateFactory(slug="tricky", title='Tricky "quotes" \\ and\nlines')
    quoted = UserFactory(username='o"neil\\x')
    plain = UserFactory(username="plain")
    reviewer = UserFactory(username="rev")
    MembershipFactory(debate=debate, user=quoted, role=Role.ANNOTATOR)
    MembershipFactory(debate=debate, user=plain, role=Role.ANNOTATOR)
    MembershipFactory(debate=debate, user=reviewer, role=Role.REVIEWER)
    first = DocumentFactory(
        debate=debate, text=TRICKY_TEXT, title='Title "one"\t\\', source="src\n2", published=None
    )
    second = DocumentFactory(
        debate=debate,
        text="Second text 🧪 with a \u2028 separator.",
        title="Zweite \u00fcbersicht",
        url='https://example.org/?q="x"&y=\\',
        published=date(2024, 2, 29),
    )
    actor = ActorFactory(debate=debate, name='The "firm" \\ 🔐\u2028')
    spans = {
        "quoted": add_span(
            first,
            quoted,
            quoted,
            'said "no" \\ then\ttabbed,\nnext',
            actor=actor,
            note=TRICKY_NOTE,
        ),
        "controls": add_span(first, quoted, quoted, "\x01\x1f\x7f controls"),
        "gold": add_span(first, None, reviewer, "emoji 🔐🧪, separators \u2028 and \u2029"),
        "gold_nel": add_span(first, None, reviewer, "NEL \x85, no-break\u00a0space", note="\u2029"),
        "plain": add_span(second, plain, plain, "Second text 🧪", stance="contra"),
        "second_gold": add_span(second, None, reviewer, "with a \u2028 separator", role="premise"),
    }
    for source, target, kind in [
        ("quoted", "controls", "supports"),
        ("controls", "quoted", "attacks"),
        ("gold", "gold_nel", "attacks"),
        ("gold_nel", "gold", "supports"),
    ]:
        by = reviewer if spans[source].annotator_id is None else spans[source].annotator
        relation_create(
            document=spans[source].document,
            by=by,
            source=spans[source],
            target=spans[target],
            type=kind,
        )
    # A second relation of the same span, so the order of relations inside a line counts.
    relation_create(
        document=first, by=quoted, source=spans["quoted"], target=spans["controls"], type="attacks"
    )
    # Timestamps whose microseconds end in zeros or are zero: written with six digits.
    Span.objects.filter(pk=spans["quoted"].pk).update(
        created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC),
    )
    Span.objects.filter(pk=spans["plain"].pk).update(
        updated_at=datetime(2030, 6, 7, 8, 9, 10, 1, tzinfo=UTC)
    )
    return debate, spans


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
    return [thread for thread in threading.enumerate() if thread.name == "export-helper"]


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
    from django.db import connection

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
    assert len(_helper_threads()) == (1 if connection.vendor == "postgresql" else 0)
    body.close()  # the client went away
    assert _helper_threads() == []
    assert not connection.in_atomic_block
    # The connection is ready for the next request, and a full export still works.
    database, portable = _jsonl_bodies(debate, ExportFilters(), documents_per_batch=7)
    assert database == portable
    assert database.count(b"\n") == 60 + 6000


def test_jsonl_body_is_written_by_postgresql_itself(corpus, monkeypatch):
    from django.db import connection

    import annotations.export_selectors as selectors

    calls = []
    original = selectors.export_span_chunks
    monkeypatch.setattr(
        selectors, "export_span_chunks", lambda **kwargs: calls.append(1) or original(**kwargs)
    )
    lines = export(corpus, "jsonl").splitlines()
    assert len(lines) == 1 + 2 + 3 + 9
    # PostgreSQL writes the lines (no span is read into Python); elsewhere Python does.
    assert calls == ([] if connection.vendor == "postgresql" else [1])


def test_spans_come_by_document_then_gold_first_then_text_order(corpus):
    spans = list(
        export_spans(
            access=READER,
            debate=corpus.debate,
            filters=ExportFilters(),
            actors=export_actors(debate=corpus.debate),
            with_text=False,
        )
    )
    a, b, c = corpus.doc_a.pk, corpus.doc_b.pk, corpus.doc_c.pk
    order = [(span.document.id, span.layer, span.quote) for span in spans]
    assert order == [
        (a, "gold", "a “backdoor” weakens security"),
        (a, "gold", "scanning is needed"),
        (a, "ann", "Tech firms 🔐 say"),
        (a, "ann", "a “backdoor” weakens security"),
        (a, "ann", "for all.\nThe NSPCC"),
        (a, "ann", "x\u0301 marks\u00a0the"),
        (b, "gold", "scanning protects children"),
        (b, "gold", "Kate Robertson disagreed"),
        (c, "ann2", "encryption keeps everyone safe"),
    ]


def test_export_spans_refuses_who_does_not_read_every_layer(corpus):
    from django.core.exceptions import PermissionDenied

    spans = export_spans(
        access=DebateAccess(user_id=corpus.users["ann"].pk, role="annotator"),
        debate=corpus.debate,
        filters=ExportFilters(),
        actors=[],
        with_text=False,
    )
    with pytest.raises(PermissionDenied):
        next(spans)


# --- CSV ------------------------------------------------------------------------------------
def test_csv_has_a_header_and_one_row_per_span_with_compact_relations(corpus):
    rows = list(csv.reader(io.StringIO(export(corpus, "csv").decode("utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 9
    by_id = {int(row[0]): dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    firms, multiline = corpus.spans["a_firms"], corpus.spans["a_multiline"]
    row = by_id[multiline.pk]
    assert row["quote"] == "for all.\nThe NSPCC"
    assert row["note"] == "crosses\na line"
    assert row["relations"] == f"attacks:{firms.pk}"
    assert (row["layer"], row["annotator"], row["stance"], row["role"]) == (
        "ann",
        "ann",
        "neutral",
        "claim",
    )
    assert (by_id[firms.pk]["actor_id"], by_id[firms.pk]["actor"]) == (
        str(corpus.firms.pk),
        "the tech firms",
    )
    gold = by_id[corpus.spans["gold_a"].pk]
    assert (gold["layer"], gold["annotator"], gold["relations"]) == ("gold", "", "")


# --- W3C Web Annotation ---------------------------------------------------------------------
def _expanded(corpus, filters=None) -> list[dict]:
    document = json.loads(export(corpus, "webanno", filters))
    return jsonld.expand(document, {"documentLoader": local_document_loader})


def _first(node: dict, key: str):
    return node[key][0]


def test_webanno_is_an_annotation_collection_pyld_expands_offline(corpus):
    document = json.loads(export(corpus, "webanno"))
    assert document["@context"][0] == ANNO_CONTEXT_URL
    assert document["type"] == "AnnotationCollection"
    assert document["provenance"]["software"]["version"] == "0.1.0"
    items = document["first"]["items"]
    assert len(items) == 9
    expanded = jsonld.expand(document, {"documentLoader": local_document_loader})
    collection = expanded[0]
    assert collection["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    page = _first(collection, "http://www.w3.org/ns/activitystreams#first")
    annotations = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(annotations) == 9
    assert all(item["@type"] == [f"{OA}Annotation"] for item in annotations)


def test_webanno_annotation_has_quote_and_position_selectors(corpus):
    expanded = _expanded(corpus)
    page = _first(expanded[0], "http://www.w3.org/ns/activitystreams#first")
    annotations = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    backdoor = corpus.spans["a_backdoor"]
    annotation = next(
        item for item in annotations if item["@id"].endswith(f"/spans/{backdoor.pk}/")
    )
    assert annotation["@id"] == f"https://debatemap.test/api/v1/spans/{backdoor.pk}/"
    target = _first(annotation, f"{OA}hasTarget")
    assert _first(target, f"{OA}hasSource")["@id"] == (
        f"https://debatemap.test/api/v1/documents/{corpus.doc_a.pk}/"
    )
    selectors = {item["@type"][0]: item for item in target[f"{OA}hasSelector"]}
    quote = selectors[f"{OA}TextQuoteSelector"]
    start, end = find(TEXT_A, "a “backdoor” weakens security")
    assert _first(quote, f"{OA}exact")["@value"] == "a “backdoor” weakens security"
    assert _first(quote, f"{OA}prefix")["@value"] == TEXT_A[max(0, start - 32) : start]
    assert _first(quote, f"{OA}suffix")["@value"] == TEXT_A[end : end + 32]
    position = selectors[f"{OA}TextPositionSelector"]
    assert int(_first(position, f"{OA}start")["@value"]) == start
    assert int(_first(position, f"{OA}end")["@value"]) == end
    bodies = {
        _first(body, "urn:debatemap:field")["@value"]: _first(
            body, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
        )["@value"]
        for body in annotation[f"{OA}hasBody"]
    }
    assert bodies == {"stance": "contra", "role": "premise"}
    relation = _first(annotation, "urn:debatemap:relation")
    assert _first(relation, "urn:debatemap:relationType")["@value"] == "supports"
    firms = corpus.spans["a_firms"]
    assert _first(relation, "urn:debatemap:relatedTo")["@id"].endswith(f"/spans/{firms.pk}/")


def test_local_document_loader_refuses_other_contexts():
    with pytest.raises(ValueError, match=r"Only http://www\.w3\.org/ns/anno\.jsonld"):
        local_document_loader("https://example.org/other.jsonld")
    assert local_document_loader("https://www.w3.org/ns/anno.jsonld")["document"]["@context"]


# --- brat -----------------------------------------------------------------------------------
def _unzip(data: bytes, folder) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    archive.extractall(folder)
    return archive


def test_brat_zip_holds_provenance_conf_and_a_txt_ann_pair_per_document_and_layer(corpus, tmp_path):
    archive = _unzip(export(corpus, "brat"), tmp_path)
    a, b, c = corpus.doc_a.pk, corpus.doc_b.pk, corpus.doc_c.pk
    assert archive.namelist() == [
        "provenance.json",
        "annotation.conf",
        f"gold/doc-{a}.txt",
        f"gold/doc-{a}.ann",
        f"annotators/ann/doc-{a}.txt",
        f"annotators/ann/doc-{a}.ann",
        f"gold/doc-{b}.txt",
        f"gold/doc-{b}.ann",
        f"annotators/ann2/doc-{c}.txt",
        f"annotators/ann2/doc-{c}.ann",
    ]
    assert json.loads(archive.read("provenance.json"))["format"] == "brat"
    assert archive.read(f"gold/doc-{a}.txt").decode("utf-8") == TEXT_A
    assert archive.read("annotation.conf").decode() == (
        "# Debatemap label scheme: entity types are roles.\n"
        "[entities]\nclaim\npremise\n\n"
        "[relations]\n"
        "supports\tArg1:<ENTITY>, Arg2:<ENTITY>\n"
        "attacks\tArg1:<ENTITY>, Arg2:<ENTITY>\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n"
        "[events]\n\n"
        "[attributes]\n"
        "Stance\tArg:<ENTITY>, Value:pro|contra|neutral\n"
        "Actor\tArg:<ENTITY>, Value:Rani_Govender|the_tech_firms\n"
    )


def test_brat_ann_lines_are_exact(corpus, tmp_path):
    archive = _unzip(export(corpus, "brat"), tmp_path)
    ann = archive.read(f"annotators/ann/doc-{corpus.doc_a.pk}.ann").decode("utf-8")
    firms = find(TEXT_A, "Tech firms 🔐 say")
    backdoor = find(TEXT_A, "a “backdoor” weakens security")
    multiline = find(TEXT_A, "for all.\nThe NSPCC")
    accent = find(TEXT_A, "x\u0301 marks\u00a0the")
    newline = TEXT_A.index("\n")
    assert ann.splitlines() == [
        f"T1\tclaim {firms[0]} {firms[1]}\tTech firms 🔐 say",
        "A1\tStance T1 contra",
        "A2\tActor T1 the_tech_firms",
        f"T2\tpremise {backdoor[0]} {backdoor[1]}\ta “backdoor” weakens security",
        "A3\tStance T2 contra",
        f"T3\tclaim {multiline[0]} {newline};{newline + 1} {multiline[1]}\tfor all. The NSPCC",
        "A4\tStance T3 neutral",
        "#3\tAnnotatorNotes T3\tcrosses a line",
        f"T4\tclaim {accent[0]} {accent[1]}\tx\u0301 marks\u00a0the",
        "A5\tStance T4 neutral",
        "R1\tsupports Arg1:T2 Arg2:T1",
        "R2\tattacks Arg1:T3 Arg2:T1",
    ]


def test_pybrat_parses_the_brat_export(corpus, tmp_path):
    _unzip(export(corpus, "brat"), tmp_path)
    examples = {
        example.id: example
        for folder in ("gold", "annotators/ann", "annotators/ann2")
        for example in BratParser(error="raise").parse(tmp_path / folder)
    }
    a = examples[f"doc-{corpus.doc_a.pk}"]  # the annotator's layer (parsed last)
    assert a.text == TEXT_A
    by_mention = {entity.mention: entity for entity in a.entities}
    assert set(by_mention) == {
        "Tech firms 🔐 say",
        "a “backdoor” weakens security",
        "for all. The NSPCC",
        "x\u0301 marks\u00a0the",
    }
    for entity in a.entities:
        assert " ".join(a.text[span.start : span.end] for span in entity.spans) == entity.mention
    multiline = by_mention["for all. The NSPCC"]
    newline = TEXT_A.index("\n")
    assert [(span.start, span.end) for span in multiline.spans] == [
        (TEXT_A.index("for all."), newline),
        (newline + 1, TEXT_A.index("The NSPCC") + len("The NSPCC")),
    ]
    relations = sorted((r.type, r.arg1.mention, r.arg2.mention) for r in a.relations)
    assert relations == [
        ("attacks", "for all. The NSPCC", "Tech firms 🔐 say"),
        ("supports", "a “backdoor” weakens security", "Tech firms 🔐 say"),
    ]
    b = examples[f"doc-{corpus.doc_b.pk}"]
    assert [(e.type, e.mention) for e in b.entities] == [
        ("claim", "scanning protects children"),
        ("premise", "Kate Robertson disagreed"),
    ]


def test_pybrat_refuses_two_entities_on_one_span_which_brat_allows(tmp_path):
    # Why the export keeps each layer in its own folder: pybrat 0.1.7 raises on two entities
    # with identical offsets (_check_entities), although brat itself allows it.
    (tmp_path / "d.txt").write_text("abc def", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tclaim 0 3\tabc\nT2\tpremise 0 3\tabc\n")
    with pytest.raises(RuntimeError, match="identical span"):
        BratParser(error="raise").parse(tmp_path)


def test_brat_export_leaves_out_relations_to_spans_filtered_away(corpus, tmp_path):
    corpus.spans["a_firms"].__class__.objects.filter(pk=corpus.spans["a_firms"].pk).update(
        updated_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    filters = ExportFilters(layer="ann", updated_since=datetime(2021, 1, 1, tzinfo=UTC))
    archive = zipfile.ZipFile(io.BytesIO(export(corpus, "brat", filters)))
    ann = archive.read(f"annotators/ann/doc-{corpus.doc_a.pk}.ann").decode()
    assert "Tech firms" not in ann
    assert not [line for line in ann.splitlines() if line.startswith("R")]


@pytest.mark.parametrize(
    ("text", "start", "end", "fragments"),
    [
        ("abc\ndef", 0, 7, [(0, 3), (4, 7)]),
        ("abc\n\n\ndef", 1, 8, [(1, 3), (6, 8)]),
        ("abc\r\ndef", 0, 8, [(0, 3), (5, 8)]),
        ("abc\u2028def", 0, 7, [(0, 3), (4, 7)]),
        ("\nabc\n", 0, 5, [(1, 4)]),
        ("abc", 0, 3, [(0, 3)]),
    ],
)
def test_brat_fragments_split_at_line_breaks(text, start, end, fragments):
    assert brat_fragments(text, start, end) == fragments


def test_annotation_conf_names_labels_brat_can_read():
    scheme = {
        "stances": [{"key": "for it", "side": "pro"}],
        "roles": [{"key": "major claim"}],
        "relation_types": [{"key": "supports", "polarity": "support"}],
    }
    conf = annotation_conf(scheme=scheme, actors=[])
    assert "major_claim\n" in conf
    assert "Stance\tArg:<ENTITY>, Value:for_it\n" in conf
    assert "Actor" not in conf  # brat refuses an attribute without values


# --- Streaming ------------------------------------------------------------------------------
def _rss_kib(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB$", status, re.MULTILINE)[1])


def _peak_growth_while_exporting(debate, format: str) -> tuple[int, int]:
    """Return (bytes written, growth of peak RSS in bytes) over a whole export.

    The kernel's high-water mark of resident memory (VmHWM) is reset first, so the peak is
    the export's own; nothing is traced, so the export runs at full speed.
    """
    actors = export_actors(debate=debate)
    filters = ExportFilters()
    provenance = export_provenance(debate=debate, filters=filters, format=format, by="x")
    selection = {
        "access": READER,
        "debate": debate,
        "filters": filters,
        "actors": actors,
        "with_text": True,
    }
    if format == "jsonl":
        body = export_jsonl_body(access=READER, debate=debate, filters=filters, actors=actors)
        stream = jsonl_export(provenance=provenance, actors=actors, body=body)
    else:
        spans = export_spans(**selection)
        stream = brat_export(
            provenance=provenance, scheme=debate.scheme, actors=actors, spans=spans, now=NOW
        )
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _rss_kib("VmRSS")
    written = sum(len(block) for block in stream)
    return written, (_rss_kib("VmHWM") - before) * 1024


@pytest.mark.django_db(transaction=True)
def test_export_memory_stays_flat_from_50k_to_200k_spans():
    small = bench_data_generate(slug="flat-50k", spans=50_000, documents=500, annotators=2)
    large = bench_data_generate(slug="flat-200k", spans=200_000, documents=2000, annotators=2)
    small_bytes, small_growth = _peak_growth_while_exporting(small, "jsonl")
    large_bytes, large_growth = _peak_growth_while_exporting(large, "jsonl")
    assert large_bytes > 3.5 * small_bytes > 90 * 2**20  # four times the data went out...
    # ...in the same memory: a chunk of rows at a time. Holding the export would add its
    # size (over 100 MB); the allowance is a few MB of allocator noise.
    assert large_growth < small_growth + 4 * 2**20, (small_growth, large_growth)
    assert large_growth < 16 * 2**20, large_growth


@pytest.mark.django_db(transaction=True)
def test_brat_export_memory_grows_with_documents_not_spans():
    # A zip ends with a directory of its entries, so the writer keeps one small record per
    # file (about 0.5 KB); spans are held one document's layer at a time.
    small = bench_data_generate(slug="brat-50k", spans=50_000, documents=400, annotators=2)
    large = bench_data_generate(slug="brat-200k", spans=200_000, documents=400, annotators=2)
    small_bytes, small_growth = _peak_growth_while_exporting(small, "brat")
    large_bytes, large_growth = _peak_growth_while_exporting(large, "brat")
    assert large_bytes > 2 * small_bytes > 3 * 2**20  # the .ann files grow four times
    assert large_growth < small_growth + 4 * 2**20, (small_growth, large_growth)
    assert large_growth < 16 * 2**20, large_growth


def test_jsonl_export_goes_on_with_one_connection_when_a_second_is_refused(
    transactional_db, monkeypatch, caplog
):
    from django.db import connection

    import annotations.export_selectors as selectors

    debate = bench_data_generate(slug="one-connection", spans=600, documents=6, annotators=2)
    refused = []

    def refuse(**options):
        refused.append(options["dbname"])
        raise psycopg.OperationalError("too many clients already")

    monkeypatch.setattr(selectors.psycopg, "connect", refuse)
    database, portable = _jsonl_bodies(debate, ExportFilters(), documents_per_batch=1)
    # Every document is there, in order, written by the first connection alone.
    assert database == portable
    assert database.count(b'{"type":"document"') == 6
    assert database.count(b"\n") == 6 + 600
    assert _helper_threads() == []
    if connection.vendor == "postgresql":
        assert refused == [connection.settings_dict["NAME"]]
        assert "Export goes on with one database connection" in caplog.text
    else:
        assert refused == []
