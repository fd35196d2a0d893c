"""The span serializer's written-out output, and the span and relation lists' rows, equal what
their serializers' declared fields produce."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework import serializers

from annotations.models import Relation, Span
from annotations.selectors import ALL, relation_list, span_list
from annotations.serializers import (
    RelationSerializer,
    SpanCreateSerializer,
    SpanSerializer,
    SpanUpdateSerializer,
    relation_list_payload,
    span_list_payload,
)
from tests.factories import (
    ActorFactory,
    DocumentFactory,
    RelationFactory,
    SpanFactory,
    UserFactory,
)


@pytest.mark.django_db
def test_span_serializer_gives_exactly_what_its_declared_fields_give():
    document = DocumentFactory(text="Tech firms 🔐 say a backdoor weakens “security” for all.")
    annotator = UserFactory(username="ann")
    actor = ActorFactory(debate=document.debate, name="Tech firms")
    SpanFactory(document=document, annotator=annotator, start=0, end=10, actor=actor)
    SpanFactory(document=document, annotator=None, created_by=annotator, start=11, end=12, note="n")
    SpanFactory(document=document, annotator=annotator, start=35, end=45, client_id="key-1")
    reader = UserFactory(is_superuser=True)

    spans = list(span_list(user=reader, document=document, layer=ALL))
    fast = SpanSerializer(spans, many=True).data
    # The generic path, field by field, as DRF would do it without the override.
    generic = [serializers.ModelSerializer.to_representation(SpanSerializer(), s) for s in spans]

    assert [dict(item) for item in fast] == [dict(item) for item in generic]
    assert [item["layer"] for item in fast] == ["ann", "gold", "ann"]
    assert fast[0]["actor"] == actor.pk and fast[1]["actor"] is None
    assert fast[0]["created_at"].endswith("Z")
    assert list(fast[0]) == SpanSerializer.Meta.fields


def _varied_spans():
    document = DocumentFactory(text="Tech firms 🔐 say a backdoor weakens “security” for all.")
    annotator = UserFactory(username="ann")
    reviewer = UserFactory(username="rev")
    actor = ActorFactory(debate=document.debate, name="Tech firms")
    SpanFactory(document=document, annotator=annotator, start=0, end=10, actor=actor)
    SpanFactory(
        document=document, annotator=None, created_by=reviewer, start=11, end=12, note="ünï 🔐\n"
    )
    edited = SpanFactory(document=document, annotator=annotator, start=35, end=45, client_id="k")
    # Created on a whole second (no microseconds to write), changed later: version 3.
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    Span.objects.filter(pk=edited.pk).update(
        version=3, created_at=created, updated_at=created + timedelta(seconds=90, microseconds=7)
    )
    SpanFactory(document=document, annotator=annotator, start=13, end=16, note="\u2028")
    return document, UserFactory(is_superuser=True)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "America/Sao_Paulo"])
def test_span_list_payload_gives_exactly_what_span_serializer_gives(zone):
    document, reader = _varied_spans()
    with timezone.override(zone):
        spans = span_list(user=reader, document=document, layer=ALL)
        payload = span_list_payload(spans)
        generic = [
            dict(serializers.ModelSerializer.to_representation(SpanSerializer(), span))
            for span in spans
        ]

    assert payload == generic
    assert [list(item) for item in payload] == [SpanSerializer.Meta.fields] * 4
    assert [(item["layer"], item["start"]) for item in payload] == [
        ("ann", 0),
        ("gold", 11),
        ("ann", 13),
        ("ann", 35),
    ]
    assert payload[0]["actor"] is not None and payload[1]["actor"] is None
    assert payload[1]["created_by"] == "rev" and payload[1]["note"] == "ünï 🔐\n"
    if zone == "UTC":
        assert payload[3]["created_at"] == "2026-01-02T03:04:05Z"
        assert payload[3]["updated_at"] == "2026-01-02T03:05:35.000007Z"
    else:
        assert payload[3]["created_at"] == "2026-01-02T00:04:05-03:00"
    assert payload[3]["version"] == 3 and payload[3]["client_id"] == "k"
    utc = zone == "UTC"
    assert payload[0]["created_at"].endswith("Z") is utc


@pytest.mark.django_db
def test_span_list_payload_of_an_empty_layer_is_empty():
    document, _reader = _varied_spans()
    stranger = UserFactory()
    assert span_list_payload(span_list(user=stranger, document=document, layer=ALL)) == []


def _varied_relations():
    document = DocumentFactory(text="Tech firms say a backdoor weakens security for all of us.")
    ann = UserFactory(username="ann")
    reviewer = UserFactory(username="rev")

    def span(annotator, start, end, by=None):
        return SpanFactory(
            document=document, annotator=annotator, created_by=by or ann, start=start, end=end
        )

    a, b, c = span(ann, 0, 10), span(ann, 11, 14), span(ann, 17, 25)
    gold_a, gold_b = span(None, 0, 10, reviewer), span(None, 26, 42, reviewer)
    first = RelationFactory(source=a, target=b, type="supports")
    # Created by the reviewer in the gold layer, on a whole second (no microseconds to write).
    gold = RelationFactory(source=gold_b, target=gold_a, type="attacks", created_by=reviewer)
    Relation.objects.filter(pk=gold.pk).update(created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    late = RelationFactory(source=c, target=a, type="attacks")
    Relation.objects.filter(pk=late.pk).update(
        created_at=datetime(2026, 7, 8, 23, 59, 59, 120, tzinfo=UTC)
    )
    RelationFactory(source=b, target=a, type="attacks")
    # Another document's relation stays out of this one's list.
    RelationFactory(source=SpanFactory(annotator=ann))
    return document, UserFactory(is_superuser=True), (first, gold, late)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "America/Sao_Paulo"])
def test_relation_list_payload_gives_exactly_what_relation_serializer_gives(
    zone, django_assert_num_queries
):
    document, reader, (first, gold, late) = _varied_relations()
    with timezone.override(zone):
        relations = relation_list(user=reader, document=document, layer=ALL)
        with django_assert_num_queries(1):
            payload = relation_list_payload(relations)
        expected = [dict(item) for item in RelationSerializer(relations, many=True).data]

    assert payload == expected
    assert [list(item) for item in payload] == [RelationSerializer.Meta.fields] * 4
    assert [(item["id"], item["layer"], item["type"]) for item in payload] == [
        (first.pk, "ann", "supports"),
        (gold.pk, "gold", "attacks"),
        (late.pk, "ann", "attacks"),
        (payload[3]["id"], "ann", "attacks"),
    ]
    assert payload[1]["created_by"] == "rev" and payload[0]["created_by"] == "ann"
    assert (payload[0]["document"], payload[0]["source"], payload[0]["target"]) == (
        document.pk,
        first.source_id,
        first.target_id,
    )
    if zone == "UTC":
        assert payload[1]["created_at"] == "2026-01-02T03:04:05Z"
        assert payload[2]["created_at"] == "2026-07-08T23:59:59.000120Z"
    else:
        assert payload[1]["created_at"] == "2026-01-02T00:04:05-03:00"
        assert payload[2]["created_at"] == "2026-07-08T20:59:59.000120-03:00"
    assert payload[0]["created_at"].endswith("Z") is (zone == "UTC")


@pytest.mark.django_db
def test_relation_list_payload_follows_the_layer_and_is_empty_when_hidden():
    document, reader, (_first, gold, _late) = _varied_relations()
    gold_only = relation_list_payload(relation_list(user=reader, document=document, layer="gold"))
    assert [item["id"] for item in gold_only] == [gold.pk]
    stranger = UserFactory()
    assert relation_list_payload(relation_list(user=stranger, document=document, layer=ALL)) == []


class DeepCopied:
    """DRF's own field copies, to hold the shallow ones of the span input serializers to."""

    def get_fields(self):
        return serializers.Serializer.get_fields(self)


class DeepSpanCreateSerializer(DeepCopied, SpanCreateSerializer):
    pass


class DeepSpanUpdateSerializer(DeepCopied, SpanUpdateSerializer):
    pass


SPAN_INPUTS = [
    {"start": 0, "end": 4, "quote": "Tech", "stance": "pro", "role": "claim"},
    {"start": 0, "end": 4, "quote": " Te ", "stance": " pro ", "role": "claim\t", "note": " n "},
    {"start": 3, "end": 9, "quote": "x", "stance": "pro", "role": "claim", "actor": None},
    {"start": 3, "end": 9, "quote": "x", "stance": "pro", "role": "claim", "actor": 7},
    {"start": 3, "end": 9, "quote": "x", "stance": "pro", "role": "claim", "client_id": " k "},
    {"start": 3, "end": 9, "quote": "x", "stance": "pro", "role": "claim", "client_id": ""},
    {"start": 3, "end": 9, "quote": "x", "stance": "pro", "role": "claim", "version": 2},
    {"start": -1, "end": 0, "quote": "", "stance": "", "role": "   "},
    {"start": 2**31, "end": "4", "quote": 5, "stance": None, "role": ["claim"]},
    {"start": True, "end": 4.0, "quote": "q\x00", "stance": "p" * 33, "role": "\ud800"},
    {
        "start": 1,
        "end": 2,
        "quote": "q" * 100_001,
        "stance": "pro",
        "role": "claim",
        "note": "n" * 5001,
    },
    {"start": 1, "end": 2, "quote": "q", "stance": "pro", "role": "claim", "actor": 0},
    {"start": 1, "end": 2, "quote": "q", "stance": "pro", "role": "claim", "layer": "gold"},
    {"end": 2, "quote": "q"},
    {},
    [],
    "span",
    None,
]


@pytest.mark.parametrize(
    ("shallow", "deep", "options"),
    [
        (SpanCreateSerializer, DeepSpanCreateSerializer, {}),
        (SpanCreateSerializer, DeepSpanCreateSerializer, {"many": True}),
        (SpanUpdateSerializer, DeepSpanUpdateSerializer, {"partial": True}),
    ],
)
def test_span_input_serializers_answer_as_with_drfs_deep_copied_fields(shallow, deep, options):
    inputs = SPAN_INPUTS if "many" not in options else [SPAN_INPUTS[:3], SPAN_INPUTS[6:10], []]
    for data in inputs:
        ours, drfs = shallow(data=data, **options), deep(data=data, **options)
        assert ours.is_valid() == drfs.is_valid(), data
        assert ours.errors == drfs.errors, data
        if not ours.errors:
            assert ours.validated_data == drfs.validated_data, data


def test_span_input_serializers_bind_their_own_copies_and_leave_the_declared_fields_alone():
    first, second = SpanCreateSerializer(), SpanCreateSerializer()
    for name, field in first.fields.items():
        assert field is not second.fields[name]
        assert field.parent is first and second.fields[name].parent is second
        declared = SpanCreateSerializer._declared_fields[name]
        assert declared.field_name is None and declared.parent is None
