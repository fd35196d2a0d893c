"""The span serializer's written-out output, and the span list's rows, equal what its declared
fields produce."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework import serializers

from annotations.models import Span
from annotations.selectors import ALL, span_list
from annotations.serializers import SpanSerializer, span_list_payload
from tests.factories import ActorFactory, DocumentFactory, SpanFactory, UserFactory


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
