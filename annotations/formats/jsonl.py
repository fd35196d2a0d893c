"""Debatemap's own JSON Lines: written by the export, read back by the import.

Line 1 is ``{"type": "provenance", ...}``; then one ``{"type": "actor", ...}`` line per actor
of the debate; then per document one ``{"type": "document", ...}`` line (with its text)
followed by one ``{"type": "span", ...}`` line per span, with the keys of
``fields.SPAN_EXPORT``. The file is self-contained: an import loads it into any debate,
creating the documents and actors it lacks.

On PostgreSQL the export's document and span lines are written by the database
(``annotations.exports.lines``); ``tests/annotations/exports/test_lines.py`` holds both
writers to the same bytes.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

import orjson

from annotations.fields import SPAN_EXPORT, SPAN_REQUIRED
from annotations.formats.drafts import DocumentDraft, RelationDraft, SpanDraft
from annotations.formats.rows import ExportActor, ExportDocument, ExportSpan
from annotations.models import GOLD
from core.memory import collector_paused


# --- Writing --------------------------------------------------------------------------------
def _line(value: dict[str, Any]) -> bytes:
    """Return one JSON Lines line: compact UTF-8 JSON (orjson, in C) and a line end."""
    return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)


def actor_json(actor: ExportActor) -> dict[str, Any]:
    """Return an actor as the JSON Lines export writes it."""
    return {
        "type": "actor",
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "affiliation": actor.affiliation,
        "aliases": actor.aliases,
    }


def document_json(document: ExportDocument) -> dict[str, Any]:
    """Return a document (with its text) as the JSON Lines export writes it."""
    return {
        "type": "document",
        "id": document.id,
        "sha256": document.sha256,
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "published": None if document.published is None else document.published.isoformat(),
        "text": document.text,
    }


def _actor_value(span: ExportSpan) -> dict[str, Any] | None:
    actor = span.actor
    return None if actor is None else {"id": actor.id, "name": actor.name}


def _relations_value(span: ExportSpan) -> list[dict[str, Any]]:
    return [
        {"id": relation.id, "type": relation.type, "target": relation.target}
        for relation in span.relations
    ]


# How each key of a span line is read from its row; the keys are ``fields.SPAN_EXPORT``.
_SPAN_VALUES = {
    "document": attrgetter("document.id"),
    "document_sha256": attrgetter("document.sha256"),
    "actor": _actor_value,
    "relations": _relations_value,
}
_SPAN_GETTERS = tuple((name, _SPAN_VALUES.get(name) or attrgetter(name)) for name in SPAN_EXPORT)


def span_json(span: ExportSpan) -> dict[str, Any]:
    """Return a span as the JSON Lines export writes it."""
    return {"type": "span", **{name: get(span) for name, get in _SPAN_GETTERS}}


def jsonl_export(
    *,
    provenance: dict[str, Any],
    actors: Iterable[ExportActor],
    body: Iterable[bytes],
) -> Iterator[bytes]:
    """Yield the JSON Lines export: provenance, actors, then the document and span lines.

    ``body`` is the rest of the file in blocks: ``jsonl_body`` writes it from spans, and
    on PostgreSQL ``annotations.exports.export_jsonl_body`` has the database write them.
    """
    yield _line({"type": "provenance", **provenance})
    yield b"".join(_line(actor_json(actor)) for actor in actors)
    yield from body


def jsonl_body(chunks: Iterable[list[ExportSpan]]) -> Iterator[bytes]:
    """Yield each document's line followed by its spans' lines, one block per chunk.

    A generator step per span would cost more than writing its line.
    """
    current = None
    for chunk in chunks:
        lines = []
        with collector_paused():  # thousands of short-lived objects, no cycles
            for span in chunk:
                if span.document is not current:
                    current = span.document
                    lines.append(_line(document_json(current)))
                lines.append(_line(span_json(span)))
        yield b"".join(lines)


# --- Reading --------------------------------------------------------------------------------
JSONL_CONTENT_TYPES = frozenset(
    {
        "application/x-ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/json",
        "text/plain",
        "application/octet-stream",
    }
)


def _span_from_record(record: dict[str, Any], number: int, draft: DocumentDraft) -> None:
    for name, kind in SPAN_REQUIRED.items():
        value = record.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            draft.problem(number, f"{name}: required, a {kind.__name__}")
            return
    actor = record.get("actor")
    if actor is not None and not (isinstance(actor, dict) and isinstance(actor.get("name"), str)):
        draft.problem(number, 'actor: null or an object with a name ({"id": 4, "name": "..."})')
        return
    note = record.get("note") or ""
    if not isinstance(note, str):
        draft.problem(number, "note: must be a string")
        return
    key = str(record.get("id", f"line{number}"))
    draft.spans.append(
        SpanDraft(
            key=key,
            line=number,
            **{name: record[name] for name in SPAN_REQUIRED},
            actor=None if actor is None else actor["name"],
            note=note,
        )
    )
    relations = record.get("relations") or []
    if not isinstance(relations, list):
        draft.problem(number, "relations: must be a list")
        return
    for relation in relations:
        if not isinstance(relation, dict) or not isinstance(relation.get("type"), str):
            draft.problem(number, 'relations: each is {"type": ..., "target": <span id>}')
            continue
        draft.relations.append(
            RelationDraft(
                line=number, source=key, target=str(relation.get("target")), type=relation["type"]
            )
        )


def _document_record(
    record: dict[str, Any], number: int, file: str
) -> tuple[DocumentDraft, str | None]:
    """Return a draft for a document line (no layer yet) and its id in the file."""
    draft = DocumentDraft(name="", file=file)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        draft.problem(number, "document: text is required, a non-empty string")
    else:
        draft.text = text
    for name in ("title", "source", "url"):
        value = record.get(name) or ""
        if not isinstance(value, str):
            draft.problem(number, f"document: {name} must be a string")
        else:
            setattr(draft, name, value)
    published = record.get("published")
    if published:
        try:
            draft.published = date.fromisoformat(str(published))
        except ValueError:
            draft.problem(number, f"document: published {published!r} is not an ISO date")
    return draft, None if record.get("id") is None else str(record["id"])


@dataclass
class _JsonlGroup:
    draft: DocumentDraft
    document_key: str


def jsonl_drafts(
    lines: Iterable[bytes | str], *, file: str, source_layer: str | None = None
) -> Iterator[DocumentDraft]:
    """Yield one draft per document and layer of a JSON Lines span export, as they end.

    Lines are read one at a time: spans of one document and layer must follow each other,
    as the export writes them. Actor lines travel with every draft so import can create
    missing actors. ``source_layer`` keeps only that layer of the file.
    """
    actors: dict[str, dict[str, Any]] = {}
    documents: dict[str, DocumentDraft] = {}  # the latest document line (text kept once)
    group: _JsonlGroup | None = None
    done: set[tuple[str, str]] = set()
    loose = DocumentDraft(name="(file)", file=file)

    def close() -> Iterator[DocumentDraft]:
        nonlocal group
        if group is not None:
            done.add((group.document_key, group.draft.layer))
            yield group.draft
            group = None

    for number, raw in enumerate(lines, start=1):
        line = raw.decode("utf-8", errors="strict") if isinstance(raw, bytes) else raw
        line = line.strip()
        if not line:
            continue
        try:
            record = orjson.loads(line)
        except json.JSONDecodeError as exc:
            (group.draft if group else loose).problem(
                number, f"invalid JSON ({exc.msg} at column {exc.colno})"
            )
            continue
        kind = record.get("type") if isinstance(record, dict) else None
        if kind == "provenance":
            continue
        if kind == "actor":
            if isinstance(record.get("name"), str):
                actors[record["name"]] = record
            continue
        if kind == "document":
            yield from close()
            draft, key = _document_record(record, number, file)
            documents = {key or f"line{number}": draft}  # one document's text at a time
            continue
        if kind != "span":
            (group.draft if group else loose).problem(
                number, "each line is an object whose type is provenance, actor, document or span"
            )
            continue
        layer = record.get("layer")
        if not isinstance(layer, str) or not layer:
            layer = GOLD
        if source_layer is not None and layer != source_layer:
            continue
        document_key = str(record.get("document"))
        if group is None or (group.document_key, group.draft.layer) != (document_key, layer):
            yield from close()
            if (document_key, layer) in done:
                loose.problem(
                    number,
                    f"spans of document {document_key} in layer {layer} appear again; spans of "
                    "one document and layer must follow each other, as the export writes them",
                )
                continue
            known = documents.get(document_key)
            draft = DocumentDraft(
                name=f"document {document_key} ({layer})",
                file=file,
                text=None if known is None else known.text,
                title="" if known is None else known.title,
                source="" if known is None else known.source,
                url="" if known is None else known.url,
                published=None if known is None else known.published,
                sha256=str(record.get("document_sha256") or ""),
                layer=layer,
                actors=actors,
                problems=[] if known is None else list(known.problems),
            )
            group = _JsonlGroup(draft=draft, document_key=document_key)
        _span_from_record(record, number, group.draft)
    yield from close()
    if loose.problems:
        yield loose
