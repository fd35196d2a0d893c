"""Every list of a span's fields follows the one declaration in annotations/fields.py."""

import csv
import io
import json
from dataclasses import fields

from annotations.admin import SpanAdminForm
from annotations.exports.selectors import ExportFilters
from annotations.fields import (
    SPAN_API,
    SPAN_CSV_COLUMNS,
    SPAN_EXPORT,
    SPAN_REQUIRED,
    SPAN_SNAPSHOT,
    SPAN_VALUES,
    SpanValues,
)
from annotations.formats.csv import CSV_COLUMNS
from annotations.formats.drafts import SpanDraft
from annotations.formats.rows import ExportSpan
from annotations.formats.xmi.types import SPAN_FEATURES
from annotations.models import Span
from annotations.serializers import (
    SpanCreateSerializer,
    SpanSerializer,
    SpanUpdateSerializer,
    span_list_payload,
)
from annotations.services import SpanInput, span_snapshot
from tests.annotations.export_corpus import export


def test_the_declaration_orders_the_values_once():
    assert SPAN_VALUES == ("start", "end", "quote", "stance", "role", "actor", "note")
    assert dict(SPAN_REQUIRED) == {
        "start": int,
        "end": int,
        "quote": str,
        "stance": str,
        "role": str,
    }
    for order in (SPAN_SNAPSHOT, SPAN_API, SPAN_EXPORT):
        at = order.index("start")
        assert order[at : at + len(SPAN_VALUES)] == SPAN_VALUES


def test_writers_inputs_and_forms_take_the_declared_values():
    assert [field.name for field in fields(SpanInput)] == [*SPAN_VALUES, "client_id"]
    assert issubclass(SpanInput, SpanValues)
    for serializer in (SpanCreateSerializer, SpanUpdateSerializer):
        declared = [name for name in serializer().fields if name in SPAN_VALUES]
        assert declared == list(SPAN_VALUES)
    assert SpanAdminForm._meta.fields == ["document", "annotator", *SPAN_VALUES]
    assert [field.name for field in fields(SpanDraft)] == ["key", "line", *SPAN_VALUES]
    # An XMI span's features are its values but the offsets and quote, which it covers.
    assert tuple(n for n in SPAN_VALUES if n not in ("start", "end", "quote")) == SPAN_FEATURES


def test_answers_history_and_exports_write_the_declared_fields(corpus):
    span = corpus.spans["a_firms"]
    assert list(SpanSerializer(span).data) == list(SPAN_API) == SpanSerializer.Meta.fields
    assert tuple(span_snapshot(span)) == SPAN_SNAPSHOT
    export_fields = [field.name for field in fields(ExportSpan)]
    # The export's row holds the document itself (its id and hash) and its relations last.
    assert export_fields[-1] == "relations"
    assert [n for n in SPAN_EXPORT if n in export_fields[:-1]] == export_fields[:-1]
    lines = [json.loads(line) for line in export(corpus, "jsonl").splitlines()]
    span_line = next(line for line in lines if line["type"] == "span")
    assert tuple(span_line)[1:] == SPAN_EXPORT
    header = next(csv.reader(io.StringIO(export(corpus, "csv", ExportFilters()).decode())))
    assert tuple(header) == CSV_COLUMNS == SPAN_CSV_COLUMNS


def test_the_span_list_writes_the_declared_fields_in_order(corpus):
    span = corpus.spans["a_firms"]
    [listed] = span_list_payload(Span.objects.filter(pk=span.pk))
    assert tuple(listed) == SPAN_API
    assert listed == SpanSerializer(span).data
