"""The endpoints the API is measured beside (bench/urls.py): the bare endpoint does no work, the
database floor does exactly span creation's database work, the fetch floor reads what a
document's GET with its layer reads, and the import floor stores documents as they come."""

import json

import pytest

from annotations.models import AssignmentStatus, Relation, Span, SpanEvent
from debate.models import Document
from tests.factories import (
    AssignmentFactory,
    DocumentFactory,
    MembershipFactory,
    RelationFactory,
    SpanFactory,
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


def test_the_fetch_floor_answers_the_callers_layer_as_the_api_lists_it(client):
    document = DocumentFactory(text=TEXT)
    annotator, other = UserFactory(username="ann"), UserFactory(username="other")
    for user in (annotator, other):
        MembershipFactory(debate=document.debate, user=user, role="annotator")
    claim = SpanFactory(document=document, annotator=annotator, start=4, end=9)
    premise = SpanFactory(document=document, annotator=annotator, start=10, end=14)
    SpanFactory(document=document, annotator=other, start=0, end=3)
    RelationFactory(source=premise, target=claim, annotator=annotator)
    token = api_token(annotator)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}

    floor = client.get(f"/bench/fetch-floor/{document.pk}/", **auth).json()
    api = client.get(f"/api/v1/documents/{document.pk}/?include=spans,relations", **auth).json()

    assert (floor["id"], floor["title"], floor["text"]) == (document.pk, document.title, TEXT)
    assert [span["id"] for span in floor["spans"]] == [claim.pk, premise.pk]
    assert floor["spans"] == api["spans"] and floor["relations"] == api["relations"]
    assert len(floor["relations"]) == 1 == Relation.objects.count()


def test_the_import_floor_stores_the_list_as_it_comes(client):
    manager = UserFactory(username="mgr")
    debate = DocumentFactory(text=TEXT).debate
    MembershipFactory(debate=debate, user=manager, role="manager")
    items = [{"title": f"bench {i}", "text": f"  Text {i}\r\n", "source": "s"} for i in range(3)]

    response = client.post(
        f"/bench/import-floor/{debate.slug}/",
        json.dumps(items),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {api_token(manager)}",
    )

    assert (response.status_code, response.json()) == (200, {"imported": 3})
    stored = Document.objects.filter(debate=debate, title__startswith="bench ").order_by("title")
    # As sent: no normalisation (the API would strip the spaces and the carriage return).
    assert [d.text for d in stored] == ["  Text 0\r\n", "  Text 1\r\n", "  Text 2\r\n"]
