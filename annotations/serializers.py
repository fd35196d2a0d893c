"""API shapes of annotations. Server-owned fields (layer, version, created_by) are output only."""

import copy
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from rest_framework import serializers

from annotations.fields import SPAN_API, SPAN_VALUES, span_column
from annotations.models import GOLD, Assignment, Relation, RelationEvent, Span, SpanEvent
from annotations.services import SpanInput
from core.db.timestamps import UtcIsoText
from core.serializers import StrictInputSerializer

MAX_NOTE = 5000


class LayerField(serializers.CharField):
    """The layer a row belongs to: ``gold`` or the annotator's username."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "`gold`, or the username of the annotator.")
        # The whole row, since DRF would print a null annotator as null rather than "gold".
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, row) -> str:
        return GOLD if row.annotator_id is None else row.annotator.get_username()


class SpanSerializer(serializers.ModelSerializer):
    layer = LayerField()
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    client_id = serializers.CharField(read_only=True)

    class Meta:
        model = Span
        fields = list(SPAN_API)
        read_only_fields = fields

    def to_representation(self, span: Span) -> dict[str, Any]:
        # Written out rather than field by field: the annotate page reads thousands of spans in
        # one request, and DRF's per-field machinery was most of its time. The output is
        # exactly that of the fields declared above (test_serializers compares the two).
        values = {
            "id": span.pk,
            "document": span.document_id,
            "layer": GOLD if span.annotator_id is None else _username(span, "annotator"),
            **{name: getattr(span, span_column(name)) for name in SPAN_VALUES},
            "version": span.version,
            "client_id": span.client_id,
            "created_by": _username(span, "created_by"),
            "created_at": self._datetime(span.created_at),
            "updated_at": self._datetime(span.updated_at),
        }
        return {name: values[name] for name in SPAN_API}

    def _datetime(self, value) -> str | None:
        # As DRF's DateTimeField writes it (ISO 8601 in the current time zone, "Z" for UTC),
        # with the zone looked up once per serializer rather than once per value.
        if value is None:
            return None
        if self._zone is None:
            self._zone = timezone.get_current_timezone()
        text = value.astimezone(self._zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    _zone = None


# The columns of a span as the list gives it, in SpanSerializer's order (``fields.SPAN_API``);
# the two usernames are joined in rather than loaded as users, the times written as text.
_SPAN_ROW_COLUMNS = {
    "document": "document_id",
    "layer": "annotator_username",
    "created_by": "created_by_username",
    "created_at": "created",
    "updated_at": "updated",
}
_SPAN_ROW = tuple(_SPAN_ROW_COLUMNS.get(name, span_column(name)) for name in SPAN_API)


def _instant_writer() -> Callable[[str | datetime | None], str | None]:
    """Return a function writing a timestamp of ``span_rows``/``relation_rows`` as DRF would."""
    zone = timezone.get_current_timezone()

    def instant(value: str | datetime | None) -> str | None:
        # As DRF's DateTimeField writes it: ISO 8601 in the current zone, "Z" for UTC, and
        # microseconds only when there are some.
        if value is None:
            return None
        if type(value) is str:
            return value if value[20:26] != "000000" else value[:19] + "Z"
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return instant


def _layer_rows(objects: QuerySet, columns: Sequence[str], **timestamps: str) -> QuerySet:
    """Return named-tuple rows of a layer's objects with both usernames joined in.

    ``timestamps`` name each timestamp column's alias in the rows: text written by the
    database in UTC, or datetimes (converted by ``_instant_writer``) in another zone.
    """
    utc = timezone.get_current_timezone_name() == "UTC"
    return (
        objects.select_related(None)
        .annotate(
            annotator_username=F("annotator__username"),
            created_by_username=F("created_by__username"),
            **{
                alias: UtcIsoText(column, zone="Z") if utc else F(column)
                for alias, column in timestamps.items()
            },
        )
        .values_list(*columns, named=True)
    )


def span_rows(spans: QuerySet[Span]) -> QuerySet:
    """Return the rows ``span_list_payload`` needs of these spans, as named tuples, unread.

    A paginator can slice and filter it like the spans themselves (``row.start`` etc.).
    """
    return _layer_rows(spans, _SPAN_ROW, created="created_at", updated="updated_at")


def span_rows_payload(rows: Iterable[tuple]) -> list[dict[str, Any]]:
    """Return rows of ``span_rows`` as the JSON-ready dicts SpanSerializer gives their spans.

    Written out rather than zipped with ``fields.SPAN_API``: a dict display is several times
    faster for thousands of rows; test_the_span_list_writes_the_declared_fields_in_order holds
    its keys to the declaration.
    """
    instant = _instant_writer()
    return [
        {
            "id": pk,
            "document": document,
            "layer": GOLD if annotator is None else annotator,
            "start": start,
            "end": end,
            "quote": quote,
            "stance": stance,
            "role": role,
            "actor": actor,
            "note": note,
            "version": version,
            "client_id": client_id,
            "created_by": created_by,
            "created_at": instant(created_at),
            "updated_at": instant(updated_at),
        }
        for (
            pk,
            document,
            annotator,
            start,
            end,
            quote,
            stance,
            role,
            actor,
            note,
            version,
            client_id,
            created_by,
            created_at,
            updated_at,
        ) in rows
    ]


def span_list_payload(spans: QuerySet[Span]) -> list[dict[str, Any]]:
    """Return spans (a ``span_list`` queryset) exactly as SpanSerializer gives them, as dicts.

    Read as plain rows: no model instances, no per-field serializer machinery, timestamps
    formatted by the database.
    """
    return span_rows_payload(span_rows(spans))


def _username(span: Span, field: str) -> str:
    # The span list annotates usernames (``<field>_username``) rather than loading two whole
    # users per span; spans from elsewhere carry the user itself.
    name = getattr(span, f"{field}_username", None)
    return name if name is not None else getattr(span, field).get_username()


class SpanWriteFields(StrictInputSerializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # Shallow copies of the declared fields, where DRF deep-copies them: rebuilding each
        # field with its validators was half the validation of a span save. These fields keep
        # no state of their own beyond what bind() sets on each copy
        # (test_span_input_serializers_answer_as_with_drfs_deep_copied_fields).
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    start = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="First code point of the span, inclusive."
    )
    end = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="Code point after the span (exclusive)."
    )
    quote = serializers.CharField(
        trim_whitespace=False,
        max_length=100_000,
        help_text="Exactly text[start:end] of the document, counted in code points.",
    )
    stance = serializers.CharField(max_length=32, help_text="A stance key of the debate's scheme.")
    role = serializers.CharField(max_length=32, help_text="A role key of the debate's scheme.")
    actor = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Id of one of the debate's actors, or null.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=MAX_NOTE
    )


class SpanCreateSerializer(SpanWriteFields):
    client_id = serializers.CharField(
        required=False,
        max_length=64,
        help_text="A key you choose; sending the same key again returns the span created the "
        "first time instead of a second one. Same as the Idempotency-Key header.",
    )


def span_input(data: dict, *, client_id: str = "") -> SpanInput:
    """Return validated span fields as the service's input."""
    return SpanInput(
        **{name: data[name] for name in SPAN_VALUES if name in data}, client_id=client_id
    )


class SpanUpdateSerializer(SpanWriteFields):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version you read; instead of the If-Match header.",
    )


class SpanEventSerializer(serializers.ModelSerializer):
    span = serializers.IntegerField(source="span_pk", read_only=True)
    by = serializers.CharField(source="by.username", read_only=True)
    before = serializers.JSONField(
        read_only=True, allow_null=True, help_text="The span before the change; null if created."
    )
    after = serializers.JSONField(
        read_only=True, allow_null=True, help_text="The span after the change; null if deleted."
    )

    class Meta:
        model = SpanEvent
        fields = ["id", "span", "action", "by", "at", "before", "after", "reason"]
        read_only_fields = fields


class RelationEventSerializer(serializers.ModelSerializer):
    relation = serializers.IntegerField(source="relation_pk", read_only=True)
    by = serializers.CharField(source="by.username", read_only=True)
    before = serializers.JSONField(
        read_only=True, allow_null=True, help_text="The relation before; null if created."
    )
    after = serializers.JSONField(
        read_only=True, allow_null=True, help_text="The relation after; null if deleted."
    )

    class Meta:
        model = RelationEvent
        fields = ["id", "relation", "action", "by", "at", "before", "after", "reason"]
        read_only_fields = fields


class RelationSerializer(serializers.ModelSerializer):
    layer = LayerField()
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    source = serializers.IntegerField(source="source_id", read_only=True)
    target = serializers.IntegerField(source="target_id", read_only=True)

    class Meta:
        model = Relation
        fields = ["id", "document", "layer", "source", "target", "type", "created_by", "created_at"]
        read_only_fields = fields


# The columns of a relation as the list gives it, in RelationSerializer's order.
_RELATION_ROW = (
    "id",
    "document_id",
    "annotator_username",
    "source_id",
    "target_id",
    "type",
    "created_by_username",
    "created",
)


def relation_rows(relations: QuerySet[Relation]) -> QuerySet:
    """Return the rows ``relation_list_payload`` needs of these relations, as named tuples, unread.

    A paginator can slice and filter it like the relations themselves (``row.id``).
    """
    return _layer_rows(relations, _RELATION_ROW, created="created_at")


def relation_rows_payload(rows: Iterable[tuple]) -> list[dict[str, Any]]:
    """Return rows of ``relation_rows`` as the dicts RelationSerializer gives their relations."""
    instant = _instant_writer()
    return [
        {
            "id": pk,
            "document": document,
            "layer": GOLD if annotator is None else annotator,
            "source": source,
            "target": target,
            "type": type_,
            "created_by": created_by,
            "created_at": instant(created_at),
        }
        for (pk, document, annotator, source, target, type_, created_by, created_at) in rows
    ]


def relation_list_payload(relations: QuerySet[Relation]) -> list[dict[str, Any]]:
    """Return relations (a ``relation_list`` queryset) exactly as RelationSerializer gives them.

    Read as plain rows, like ``span_list_payload``: no model instances, no per-field
    serializer machinery, timestamps formatted by the database.
    """
    return relation_rows_payload(relation_rows(relations))


class RelationCreateSerializer(StrictInputSerializer):
    source = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="Id of the span the relation starts from."
    )
    target = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="Id of a span in the same layer."
    )
    type = serializers.CharField(
        max_length=32, help_text="A relation type key of the debate's scheme."
    )


class AssignmentSerializer(serializers.ModelSerializer):
    annotator = serializers.CharField(source="annotator.username", read_only=True)

    class Meta:
        model = Assignment
        fields = ["document", "annotator", "status", "submitted_at"]
        read_only_fields = fields
