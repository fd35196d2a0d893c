"""A span's fields, declared once.

Everything that lists a span's fields reads them here: the services' input and history, the
API's serializers, the admin's form, the importers and the export formats. Adding a field to
a span is adding it to ``SpanValues`` (and the model), and every list below follows.
``tests/annotations/test_fields.py`` holds each consumer to this declaration.
"""

from dataclasses import MISSING, dataclass, fields


@dataclass(frozen=True)
class SpanValues:
    """What a writer gives for a span: its place in the text and its labels."""

    start: int  # first code point, inclusive
    end: int  # code point after the span
    quote: str  # exactly text[start:end]
    stance: str
    role: str
    actor: int | None = None  # an actor of the debate, by id
    note: str = ""


# The values in the order every list, form, history record and export writes them.
SPAN_VALUES = tuple(field.name for field in fields(SpanValues))
# The values a writer must always give, with their types (the JSON Lines reader checks them).
SPAN_REQUIRED = {field.name: field.type for field in fields(SpanValues) if field.default is MISSING}

# The model attribute of a value whose name differs from it.
_COLUMNS = {"actor": "actor_id"}


def span_column(name: str) -> str:
    """Return the Span model attribute that holds the field ``name``."""
    return _COLUMNS.get(name, name)


# What a span's history records before and after each change.
SPAN_SNAPSHOT = ("document", "layer", *SPAN_VALUES, "version")

# A span as the API answers it (the actor by id).
SPAN_API = (
    "id",
    "document",
    "layer",
    *SPAN_VALUES,
    "version",
    "client_id",
    "created_by",
    "created_at",
    "updated_at",
)

# A span as the exports write it: the JSON Lines keys after ``type`` (the actor as
# ``{"id", "name"}``) and, with the actor in two columns, the CSV columns.
SPAN_EXPORT = (
    "id",
    "document",
    "document_sha256",
    "layer",
    "annotator",
    *SPAN_VALUES,
    "relations",
    "version",
    "created_by",
    "created_at",
    "updated_at",
)
SPAN_CSV_COLUMNS = tuple(
    column
    for name in SPAN_EXPORT
    for column in (("actor_id", "actor") if name == "actor" else (name,))
)
