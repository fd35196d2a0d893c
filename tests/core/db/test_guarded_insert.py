"""insert_guarded: the one statement and the ORM's transaction write the same rows and answer alike.

Each case runs both paths on the same data, one after the other in savepoints rolled back
between them, and compares what each answered and what each wrote. On SQLite only the ORM
path exists, and ``insert_guarded`` must be it.
"""

import pytest
from django.db import connection, transaction

from annotations.models import Assignment, AssignmentStatus, Span, SpanEvent
from core.db import is_postgresql
from core.db.guarded_insert import (
    Guard,
    insert_guarded,
    insert_guarded_by_orm,
    insert_guarded_by_statement,
)
from tests.factories import AssignmentFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "A text of our own, with an emoji 🔐 and curly “quotes”."


@pytest.fixture
def layer():
    document = DocumentFactory(text=TEXT)
    annotator = UserFactory(username="ann")
    AssignmentFactory(document=document, annotator=annotator, status=AssignmentStatus.IN_PROGRESS)
    return document, annotator


def _guard(layer) -> Guard:
    document, annotator = layer
    return Guard(
        model=Assignment,
        where={"document": document.pk, "annotator": annotator.pk},
        field="status",
        allowed=AssignmentStatus.IN_PROGRESS,
    )


def _rows(document, annotator, *, client_id="", actor=None):
    span = Span(
        document=document,
        annotator=annotator,
        start=33,
        end=34,
        quote="🔐",
        stance="pro",
        role="claim",
        actor=actor,
        client_id=client_id,
        created_by=annotator,
    )
    event = SpanEvent(
        document=document,
        annotator=annotator,
        action="created",
        by=annotator,
        after={"quote": "🔐", "nested": ["a", 1, None]},
        reason="a reason",
    )
    return span, event


def _written(document):
    """Return the spans and events of a document, without keys and times."""
    spans = list(
        Span.objects.filter(document=document)
        .order_by("id")
        .values(
            "annotator_id", "start", "end", "quote", "stance", "role", "actor_id", "note",
            "version", "client_id", "created_by_id",
        )
    )  # fmt: skip
    events = [
        (event["span_pk"] is not None, event["action"], event["after"], event["reason"])
        for event in SpanEvent.objects.filter(document=document)
        .order_by("id")
        .values("span_pk", "action", "after", "reason")
    ]
    return spans, events


def _both(run):
    """Return what each path answered and wrote, each on the same starting data."""
    paths = [insert_guarded_by_orm]
    if is_postgresql(connection):
        paths.append(insert_guarded_by_statement)
    outcomes = []
    for path in paths:
        with transaction.atomic():
            outcomes.append(run(path))
            transaction.set_rollback(True)
    return outcomes


def test_the_dispatcher_takes_the_statement_on_postgresql_and_the_orm_elsewhere(layer):
    document, annotator = layer
    span, event = _rows(document, annotator)
    calls = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: calls.append(sql) or execute(sql, *args)
    ):
        outcome = insert_guarded(
            row=span,
            follower=event,
            link="span_pk",
            guard=_guard(layer),
        )
    assert outcome.pk == span.pk == event.span_pk
    inserts = [sql for sql in calls if "INSERT" in sql]
    assert len(inserts) == (1 if is_postgresql(connection) else 2)


@pytest.mark.parametrize(
    ("status", "guarded", "inserted"),
    [
        (AssignmentStatus.IN_PROGRESS, True, True),
        (AssignmentStatus.SUBMITTED, True, False),
        (AssignmentStatus.ASSIGNED, True, False),
        (None, True, False),  # no guard row at all
        (None, False, True),  # no guard asked for
    ],
)
def test_both_paths_answer_and_write_alike(layer, status, guarded, inserted):
    document, annotator = layer
    if status is None:
        document.assignments.all().delete()
    else:
        document.assignments.update(status=status)

    def run(path):
        span, event = _rows(document, annotator)
        outcome = path(
            row=span,
            follower=event,
            link="span_pk",
            guard=_guard(layer) if guarded else None,
        )
        return outcome.guard, outcome.pk is not None, span.pk == outcome.pk, _written(document)

    outcomes = _both(run)

    assert all(outcome == outcomes[0] for outcome in outcomes)
    guard, did_insert, _, (spans, events) = outcomes[0]
    assert (guard, did_insert) == (status, inserted)
    assert (len(spans), len(events)) == ((1, 1) if inserted else (0, 0))
    if inserted:
        assert spans[0]["quote"] == "🔐"
        assert events[0] == (True, "created", {"quote": "🔐", "nested": ["a", 1, None]}, "a reason")


def test_a_row_a_unique_constraint_refuses_inserts_nothing_on_both_paths(layer):
    document, annotator = layer
    first, first_event = _rows(document, annotator, client_id="key-1")
    insert_guarded_by_orm(row=first, follower=first_event, link="span_pk", guard=None)

    def run(path):
        span, event = _rows(document, annotator, client_id="key-1")
        outcome = path(
            row=span,
            follower=event,
            link="span_pk",
            guard=_guard(layer),
        )
        return outcome.guard, outcome.pk, span.pk, _written(document)

    outcomes = _both(run)

    assert all(outcome == outcomes[0] for outcome in outcomes)
    guard, pk, span_pk, (spans, events) = outcomes[0]
    assert (guard, pk, span_pk, len(spans), len(events)) == (
        AssignmentStatus.IN_PROGRESS,
        None,
        None,
        1,
        1,
    )


def test_the_rows_carry_the_time_of_their_insert_one_moment_in_the_statement(layer):
    document, annotator = layer
    span, event = _rows(document, annotator)

    insert_guarded(row=span, follower=event, link="span_pk", guard=_guard(layer))

    stored = Span.objects.get(pk=span.pk)
    recorded = SpanEvent.objects.get(span_pk=span.pk)
    assert (stored.created_at, stored.updated_at) == (span.created_at, span.updated_at)
    assert recorded.at == event.at
    if is_postgresql(connection):  # the ORM times each field as it prepares it
        assert stored.created_at == stored.updated_at == recorded.at
