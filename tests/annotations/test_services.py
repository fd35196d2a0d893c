"""The span and relation services of paths other than the API: batches, changed relations, rules.

The API's use of them is in tests/api/ (spans, relations, concurrency), the review's in
tests/annotations/review/.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations.models import (
    AssignmentStatus,
    Relation,
    RelationEvent,
    Span,
    SpanEvent,
)
from annotations.permissions import import_refusal, layer_repair_refusal
from annotations.services import (
    BulkValidationError,
    LayerSubmitted,
    Link,
    SpanInput,
    relation_create,
    relation_update,
    relations_create_many,
    span_create,
    spans_create_many,
)
from debate.models import Role
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEXT = "Our own words 🔐 on x\u0301 marks and “quotes”."


@pytest.fixture
def world():
    debate = DebateFactory()
    users = {name: UserFactory(username=name) for name in ("ann", "rev", "man")}
    for name, role in (("ann", Role.ANNOTATOR), ("rev", Role.REVIEWER), ("man", Role.MANAGER)):
        MembershipFactory(debate=debate, user=users[name], role=role)
    document = DocumentFactory(debate=debate, text=TEXT)
    assignment = AssignmentFactory(document=document, annotator=users["ann"])
    return debate, document, users, assignment


def item(needle: str, **values) -> SpanInput:
    start = TEXT.index(needle)
    labels = {"stance": "pro", "role": "claim", **values}
    return SpanInput(start=start, end=start + len(needle), quote=needle, **labels)


def test_a_batch_of_spans_is_written_with_its_history_in_the_layer(world):
    debate, document, users, assignment = world
    actor = ActorFactory(debate=debate)

    spans = spans_create_many(
        document=document,
        annotator=users["ann"],
        by=users["man"],
        items=[item("Our", actor=actor.pk), item("🔐"), item("“quotes”", note="n")],
        reason="imported from a test",
        permission=import_refusal,
    )

    assert [(s.quote, s.actor_id, s.note) for s in Span.objects.order_by("start")] == [
        ("Our", actor.pk, ""),
        ("🔐", None, ""),
        ("“quotes”", None, "n"),
    ]
    events = SpanEvent.objects.filter(span_pk__in=[span.pk for span in spans])
    assert sorted((e.action, e.by.username, e.reason, e.after["quote"]) for e in events) == [
        ("created", "man", "imported from a test", quote) for quote in ("Our", "“quotes”", "🔐")
    ]
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS


def test_a_batch_keeps_the_rules_of_one_span_and_writes_nothing_when_one_breaks_them(world):
    _debate, document, users, _assignment = world
    on, split = TEXT.index("on"), TEXT.index("x\u0301") + 1  # between x and its accent
    bad_offset = SpanInput(start=on, end=split, quote=TEXT[on:split], stance="pro", role="claim")

    with pytest.raises(BulkValidationError) as refused:
        spans_create_many(
            document=document,
            annotator=None,
            by=users["man"],
            items=[item("Our"), bad_offset, item("🔐", stance="maybe"), item("on", actor=999)],
            reason="",
            permission=import_refusal,
        )

    assert sorted(refused.value.errors) == [1, 2, 3]
    assert refused.value.errors[1]["end"][0].startswith(f"Offset {split} falls inside")
    assert list(refused.value.errors[2]) == ["stance"]
    assert refused.value.errors[3] == {"actor": ["No actor 999 in this debate."]}
    assert not Span.objects.exists()


def test_a_batch_is_refused_to_who_the_rule_of_its_path_refuses(world):
    _debate, document, users, assignment = world
    with pytest.raises(PermissionDenied, match="Reviewers import into the gold layer only"):
        spans_create_many(
            document=document,
            annotator=users["ann"],
            by=users["rev"],
            items=[item("Our")],
            reason="",
            permission=import_refusal,
        )
    # The layer's own writer may write it under the default rule, not into a submitted layer.
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.save()
    with pytest.raises(LayerSubmitted):
        spans_create_many(
            document=document,
            annotator=users["ann"],
            by=users["ann"],
            items=[item("Our")],
            reason="",
        )
    assert not Span.objects.exists()


def test_a_batch_of_relations_is_written_with_its_history(world):
    _debate, document, users, _assignment = world
    spans = spans_create_many(
        document=document,
        annotator=None,
        by=users["rev"],
        items=[item("Our"), item("🔐"), item("marks")],
        reason="",
    )

    relations = relations_create_many(
        document=document,
        annotator=None,
        by=users["rev"],
        links=[Link(spans[0], spans[1], "supports"), Link(spans[2], spans[1], "attacks")],
        reason="imported from a test",
    )

    assert sorted((r.source_id, r.target_id, r.type) for r in Relation.objects.all()) == [
        (spans[0].pk, spans[1].pk, "supports"),
        (spans[2].pk, spans[1].pk, "attacks"),
    ]
    events = RelationEvent.objects.filter(relation_pk__in=[r.pk for r in relations])
    assert sorted((e.action, e.reason, e.after["type"]) for e in events) == [
        ("created", "imported from a test", "attacks"),
        ("created", "imported from a test", "supports"),
    ]
    with pytest.raises(ValidationError, match="A span cannot be related to itself"):
        relations_create_many(
            document=document,
            annotator=None,
            by=users["rev"],
            links=[Link(spans[0], spans[0], "supports")],
            reason="",
        )


def test_a_changed_relation_keeps_the_rules_and_records_before_and_after(world):
    _debate, document, users, _assignment = world
    ann = users["ann"]
    first, second, third = (
        span_create(document=document, annotator=ann, by=ann, data=item(needle)).span
        for needle in ("Our", "🔐", "marks")
    )
    gold = span_create(document=document, annotator=None, by=users["rev"], data=item("on")).span
    relation = relation_create(
        document=document, by=ann, source=first, target=second, type="supports"
    )

    changed = relation_update(
        relation=relation, by=users["man"], source=third, target=second, type="attacks",
        reason="repaired", permission=layer_repair_refusal,
    )  # fmt: skip

    assert (changed.source, changed.target, changed.type) == (third, second, "attacks")
    event = RelationEvent.objects.get(relation_pk=relation.pk, action="updated")
    assert (event.by, event.reason) == (users["man"], "repaired")
    assert (event.before["source"], event.after["source"]) == (first.pk, third.pk)
    with pytest.raises(ValidationError, match="Must be in the same layer as the source"):
        relation_update(relation=relation, by=ann, source=third, target=gold, type="attacks")
    with pytest.raises(PermissionDenied, match="You can write only your own layer"):
        relation_update(
            relation=relation, by=users["man"], source=first, target=second, type="supports"
        )
    assert RelationEvent.objects.filter(relation_pk=relation.pk).count() == 2
