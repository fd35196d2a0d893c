"""The span serializer's written-out output equals what its declared fields produce."""

import pytest
from rest_framework import serializers

from annotations.selectors import ALL, span_list
from annotations.serializers import SpanSerializer
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
