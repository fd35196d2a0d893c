"""Optimistic concurrency: a stale write gets 412 and changes nothing; one of two racers wins."""

import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from annotations import services
from annotations.models import Assignment, Span, SpanEvent
from annotations.services import SpanInput, span_create
from annotations.services import spans as span_services
from core.db import is_postgresql
from tests.factories import DocumentFactory, MembershipFactory, UserFactory, api_token


def state(span: Span) -> tuple:
    row = Span.objects.filter(pk=span.pk).values().first()
    return row, SpanEvent.objects.filter(span_pk=span.pk).count()


def test_get_gives_the_etag_of_the_current_version(world):
    response = world.client("ann").get(f"/api/v1/spans/{world.span_ann.pk}/")
    assert response["ETag"] == f'"span-{world.span_ann.pk}-v1"'
    assert response.json()["version"] == 1


def test_patch_with_the_current_etag_succeeds_and_moves_the_etag(world):
    url = f"/api/v1/spans/{world.span_ann.pk}/"
    response = world.client("ann").patch(
        url, {"note": "new"}, format="json", HTTP_IF_MATCH=f'"span-{world.span_ann.pk}-v1"'
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response["ETag"] == f'"span-{world.span_ann.pk}-v2"'


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"HTTP_IF_MATCH": '"span-{pk}-v0"'}, {}),
        ({"HTTP_IF_MATCH": 'W/"span-{pk}-v0"'}, {}),
        ({"HTTP_IF_MATCH": '"span-999-v1"'}, {}),  # another span's tag never matches
        ({"HTTP_IF_MATCH": "garbage"}, {}),
        ({}, {"version": 7}),
        ({"HTTP_IF_MATCH": '"span-{pk}-v1"'}, {"version": 7}),  # both given: both must hold
    ],
)
def test_a_stale_patch_gets_412_and_changes_nothing(world, headers, body):
    span = world.span_ann
    headers = {key: value.format(pk=span.pk) for key, value in headers.items()}
    before = state(span)

    response = world.client("ann").patch(
        f"/api/v1/spans/{span.pk}/", {"note": "lost?", **body}, format="json", **headers
    )

    assert response.status_code == 412
    assert response.json() == {
        "detail": "The span is at version 1 now; read it again and retry.",
        "current_version": 1,
    }
    assert response["ETag"] == f'"span-{span.pk}-v1"'
    assert state(span) == before


def test_a_stale_delete_gets_412_and_the_span_stays(world):
    span = world.span_ann
    world.client("ann").patch(f"/api/v1/spans/{span.pk}/", {"note": "v2", "version": 1})
    before = state(span)

    response = world.client("ann").delete(f"/api/v1/spans/{span.pk}/?version=1")

    assert response.status_code == 412
    assert state(span) == before


def test_writes_without_a_precondition_get_428_and_change_nothing(world):
    span = world.span_ann
    before = state(span)
    client = world.client("ann")
    assert client.patch(f"/api/v1/spans/{span.pk}/", {"note": "x"}).status_code == 428
    assert client.delete(f"/api/v1/spans/{span.pk}/").status_code == 428
    assert state(span) == before


def test_weak_and_wildcard_if_match_are_accepted(world):
    client = world.client("ann")
    url = f"/api/v1/spans/{world.span_ann.pk}/"
    weak = client.patch(
        url, {"note": "a"}, format="json", HTTP_IF_MATCH=f'W/"span-{world.span_ann.pk}-v1"'
    )
    assert weak.status_code == 200
    wildcard = client.patch(url, {"note": "b"}, format="json", HTTP_IF_MATCH="*")
    assert (wildcard.status_code, wildcard.json()["version"]) == (200, 3)


def test_the_second_of_two_writers_who_read_the_same_version_gets_412(world):
    client = world.client("ann")
    url = f"/api/v1/spans/{world.span_ann.pk}/"
    tag = client.get(url)["ETag"]

    first = client.patch(url, {"stance": "contra"}, format="json", HTTP_IF_MATCH=tag)
    second = client.patch(url, {"note": "mine"}, format="json", HTTP_IF_MATCH=tag)

    assert (first.status_code, second.status_code) == (200, 412)
    world.span_ann.refresh_from_db()
    assert (world.span_ann.stance, world.span_ann.note, world.span_ann.version) == (
        "contra",
        "",
        2,
    )


def test_a_change_between_the_check_and_the_row_lock_is_caught(world, monkeypatch):
    # The view saw version 1; another writer commits version 2 before this one locks the row.
    real_lock = span_services.span_lock

    def another_writer_first(**kwargs):
        Span.objects.filter(pk=world.span_ann.pk).update(note="other", version=2)
        return real_lock(**kwargs)

    monkeypatch.setattr(span_services, "span_lock", another_writer_first)

    response = world.client("ann").patch(
        f"/api/v1/spans/{world.span_ann.pk}/", {"note": "mine", "version": 1}, format="json"
    )

    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    # The simulated writer shares the request's transaction, so its change is rolled back
    # with it; what matters is that "mine" was never written.
    world.span_ann.refresh_from_db()
    assert (world.span_ann.note, world.span_ann.version) == ("", 1)


def test_the_update_itself_is_conditional_on_the_version(world, monkeypatch):
    # Where no row lock exists (SQLite), a writer could slip in after the check; the
    # UPDATE ... WHERE version = n then matches no row and the write is refused.
    real_open = span_services.layer_open

    def slip_in(**kwargs):
        Span.objects.filter(pk=world.span_ann.pk).update(note="other", version=2)
        return real_open(**kwargs)

    monkeypatch.setattr(span_services, "layer_open", slip_in)
    events = SpanEvent.objects.count()

    response = world.client("ann").patch(
        f"/api/v1/spans/{world.span_ann.pk}/", {"note": "mine", "version": 1}, format="json"
    )

    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    world.span_ann.refresh_from_db()
    assert (world.span_ann.note, world.span_ann.version) == ("", 1)
    assert SpanEvent.objects.count() == events


def test_an_invalid_version_query_is_a_field_error(world):
    response = world.client("ann").delete(f"/api/v1/spans/{world.span_ann.pk}/?version=abc")
    assert response.status_code == 400
    assert response.json() == {"version": ["A valid integer is required."]}


def at_once(token: str, writers: int, request) -> list[int]:
    """Send ``request(client, index)`` from ``writers`` threads at the same moment; statuses."""
    barrier = threading.Barrier(writers)
    statuses: list[int] = []

    def write(index: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        try:
            statuses.append(request(client, index).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(index,)) for index in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_version_exactly_one_wins():
    """Eight threads PATCH the same span with the same If-Match at the same moment."""
    user = UserFactory(username="racer")
    document = DocumentFactory(text="Tech firms say a backdoor weakens security.")
    MembershipFactory(debate=document.debate, user=user, role="annotator")
    span = span_create(
        document=document,
        annotator=user,
        by=user,
        data=SpanInput(start=0, end=10, quote="Tech firms", stance="pro", role="claim"),
    ).span
    token = api_token(user)
    writers = 8

    def write(client: APIClient, index: int):
        return client.patch(
            f"/api/v1/spans/{span.pk}/",
            {"note": f"writer {index}"},
            format="json",
            HTTP_IF_MATCH=f'"span-{span.pk}-v1"',
        )

    statuses = at_once(token, writers, write)

    # PostgreSQL queues the losers on the row lock and answers 412; SQLite's in-memory test
    # database may refuse a locked table at once instead, which the API answers with 503.
    losers = {412} if is_postgresql(connection) else {412, 503}
    assert len(statuses) == writers
    assert statuses.count(200) == 1
    assert set(statuses) - {200} <= losers
    span.refresh_from_db()
    assert span.version == 2
    assert SpanEvent.objects.filter(span_pk=span.pk, action="updated").count() == 1
    winner = SpanEvent.objects.get(span_pk=span.pk, action="updated")
    assert winner.after["note"] == span.note


@pytest.mark.django_db(transaction=True)
def test_a_save_during_a_submit_waits_for_it_and_is_refused():
    """A submit holds the assignment's row lock; a save meanwhile waits, then sees it."""
    user = UserFactory(username="saver")
    document = DocumentFactory(text="Tech firms say a backdoor weakens security.")
    MembershipFactory(debate=document.debate, user=user, role="annotator")
    span_create(  # the layer is in progress: the next save takes the one-statement path
        document=document,
        annotator=user,
        by=user,
        data=SpanInput(start=0, end=4, quote="Tech", stance="pro", role="claim"),
    )
    token = api_token(user)
    locked, answered = threading.Event(), []

    def save() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        locked.wait()
        try:
            body = {"start": 5, "end": 10, "quote": "firms", "stance": "pro", "role": "claim"}
            answered.append(client.post(f"/api/v1/documents/{document.pk}/spans/", body))
        finally:
            connection.close()

    saver = threading.Thread(target=save)
    saver.start()
    with transaction.atomic():
        services.document_submit(document=document, annotator=user)
        locked.set()
        saver.join(timeout=0.5)
        waited = saver.is_alive()
    saver.join(timeout=10)

    statuses = [response.status_code for response in answered]
    if is_postgresql(connection):
        # It waited on the row lock, then saw the submission.
        assert (waited, statuses) == (True, [409])
    else:
        # SQLite's in-memory test database may refuse the locked table at once (503).
        assert statuses in ([409], [503])
    assert Span.objects.filter(document=document).count() == 1
    assert SpanEvent.objects.filter(document=document).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_writes_to_a_new_layer_are_all_stored():
    """Sixteen first saves to a layer nobody opened yet: each opens it or joins the opener."""
    user = UserFactory(username="opener")
    document = DocumentFactory(text="Tech firms say a backdoor weakens security for all of us.")
    MembershipFactory(debate=document.debate, user=user, role="annotator")
    token = api_token(user)
    writers = 16

    def write(client: APIClient, index: int):
        body = {"start": index, "end": index + 1, "quote": document.text[index]}
        return client.post(
            f"/api/v1/documents/{document.pk}/spans/",
            {**body, "stance": "pro", "role": "claim"},
            format="json",
        )

    statuses = at_once(token, writers, write)

    # SQLite's test database may refuse a locked table at once (503, Retry-After); PostgreSQL
    # queues the writers, and none of them may lose its span to the race to open the layer.
    allowed = {201} if is_postgresql(connection) else {201, 503}
    assert len(statuses) == writers
    assert set(statuses) <= allowed
    assert Span.objects.filter(document=document).count() == statuses.count(201)
    assert Assignment.objects.filter(document=document, annotator=user).count() == 1
