"""The two endpoints span creation is measured beside (bench/urls.py): the bare endpoint does
no work, and the database floor does exactly span creation's database work."""

import json

import pytest

from annotations.models import AssignmentStatus, Span, SpanEvent
from tests.factories import (
    AssignmentFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
    api_token,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

TEXT = "The forum said client-side scanning breaks the promise of end-to-end encryption."


def test_the_bare_endpoint_answers_the_body_keys_and_writes_nothing(client):
    response = client.post(
        "/bench/bare/", json.dumps({"start": 0, "quote": "x"}), content_type="application/json"
    )

    assert (response.status_code, response.json()) == (201, {"received": ["quote", "start"]})
    assert Span.objects.count() == 0


def test_the_floor_writes_the_span_and_its_history_as_span_creation_does(client):
    document = DocumentFactory(text=TEXT)
    annotator = UserFactory(username="ann")
    MembershipFactory(debate=document.debate, user=annotator, role="annotator")
    assignment = AssignmentFactory(document=document, annotator=annotator)
    token = api_token(annotator)
    start = TEXT.index("client-side scanning")
    body = {
        "start": start,
        "end": start + 20,
        "quote": "client-side scanning",
        "stance": "contra",
        "role": "claim",
        "client_id": "c-1",
    }

    def post():
        return client.post(
            f"/bench/floor/{document.pk}/",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )

    first, again = post(), post()  # the same client_id: replayed, not written twice

    span = Span.objects.get()
    assert (first.status_code, first.json()) == (201, {"id": span.pk})
    assert (again.status_code, again.json()) == (201, {"id": span.pk})
    assert (span.start, span.end, span.quote, span.annotator, span.created_by) == (
        start,
        start + 20,
        "client-side scanning",
        annotator,
        annotator,
    )
    assert list(SpanEvent.objects.values_list("span_pk", "action")) == [(span.pk, "created")]
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS
