"""The admin writes through the services: their rules, the layer's state and full history.

Its other behaviour (scoping to managed debates, the form's messages, stale forms) is in
tests/debate/test_admin.py.
"""

from types import SimpleNamespace

import pytest
from django.test import Client

from annotations.admin import ADMIN_REASON
from annotations.models import (
    Assignment,
    AssignmentStatus,
    Relation,
    RelationEvent,
    Span,
    SpanEvent,
)
from annotations.services import SpanInput, relation_create, span_create
from debate.models import Role
from tests.factories import (
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# A family emoji joined by zero-width joiners, then an accent that combines with its letter
# (x + U+0301 has no precomposed form, so the stored text keeps both code points).
TEXT = "Our own text: 👩\u200d👩\u200d👧 go, and x\u0301 marks."
FAMILY = TEXT.index("👩")
ACCENT = TEXT.index("x\u0301")


@pytest.fixture
def world():
    debate = DebateFactory(slug="alpha")
    manager = UserFactory(username="manager", is_staff=True)
    MembershipFactory(debate=debate, user=manager, role=Role.MANAGER)
    annotator = UserFactory(username="annotator")
    MembershipFactory(debate=debate, user=annotator, role=Role.ANNOTATOR)
    document = DocumentFactory(debate=debate, text=TEXT)
    assignment = AssignmentFactory(document=document, annotator=annotator)
    first = span_create(
        document=document,
        annotator=annotator,
        by=annotator,
        data=SpanInput(start=0, end=3, quote="Our", stance="pro", role="claim"),
    ).span
    second = span_create(
        document=document,
        annotator=annotator,
        by=annotator,
        data=SpanInput(start=4, end=7, quote="own", stance="pro", role="claim"),
    ).span
    client = Client()
    client.force_login(manager)
    return SimpleNamespace(**locals())


def _span_form(world, **values) -> dict:
    return {
        "document": world.document.pk,
        "annotator": world.annotator.pk,
        "stance": "pro",
        "role": "claim",
        "note": "",
        **values,
    }


def test_a_span_whose_offsets_split_a_character_is_refused(world):
    inside_family = FAMILY + 2  # between the first 👩 and its joiner
    refused = world.client.post(
        "/admin/annotations/span/add/",
        _span_form(
            world,
            start=inside_family,
            end=ACCENT + 1,  # between x and its combining accent
            quote=TEXT[inside_family : ACCENT + 1],
        ),
    )

    errors = refused.context["adminform"].form.errors
    assert refused.status_code == 200
    assert errors["start"][0].startswith(f"Offset {inside_family} falls inside the character")
    assert errors["end"][0].startswith(f"Offset {ACCENT + 1} falls inside the character")
    assert Span.objects.count() == 2


def test_a_span_added_in_the_admin_opens_the_layer_and_records_its_history(world):
    Assignment.objects.filter(pk=world.assignment.pk).update(status=AssignmentStatus.ASSIGNED)
    start = TEXT.index("go")

    added = world.client.post(
        "/admin/annotations/span/add/", _span_form(world, start=start, end=start + 2, quote="go")
    )

    assert added.status_code == 302
    span = Span.objects.get(quote="go")
    assert (span.created_by, span.version) == (world.manager, 1)
    event = SpanEvent.objects.get(span_pk=span.pk)
    assert (event.action, event.by, event.reason) == ("created", world.manager, ADMIN_REASON)
    world.assignment.refresh_from_db()
    assert world.assignment.status == AssignmentStatus.IN_PROGRESS


def test_relations_made_changed_and_removed_in_the_admin_are_recorded(world):
    third = span_create(
        document=world.document,
        annotator=world.annotator,
        by=world.annotator,
        data=SpanInput(start=8, end=12, quote="text", stance="pro", role="claim"),
    ).span
    form = {
        "document": world.document.pk,
        "annotator": world.annotator.pk,
        "source": world.first.pk,
        "target": world.second.pk,
        "type": "supports",
    }

    added = world.client.post("/admin/annotations/relation/add/", form)
    relation = Relation.objects.get()
    changed = world.client.post(
        f"/admin/annotations/relation/{relation.pk}/change/",
        {**form, "target": third.pk, "type": "attacks"},
    )
    removed = world.client.post(
        f"/admin/annotations/relation/{relation.pk}/delete/", {"post": "yes"}
    )

    assert (added.status_code, changed.status_code, removed.status_code) == (302, 302, 302)
    assert not Relation.objects.exists()
    events = list(RelationEvent.objects.filter(relation_pk=relation.pk).order_by("id"))
    assert [(e.action, e.by, e.reason) for e in events] == [
        ("created", world.manager, ADMIN_REASON),
        ("updated", world.manager, ADMIN_REASON),
        ("deleted", world.manager, ADMIN_REASON),
    ]
    assert (events[1].before["target"], events[1].after["target"]) == (world.second.pk, third.pk)
    assert (events[1].before["type"], events[1].after["type"]) == ("supports", "attacks")
    assert events[2].before["type"] == "attacks"


def test_a_span_deleted_in_the_admin_records_the_relations_that_went_with_it(world):
    relation = relation_create(
        document=world.document,
        by=world.annotator,
        source=world.first,
        target=world.second,
        type="supports",
    )

    response = world.client.post(
        f"/admin/annotations/span/{world.first.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    gone = RelationEvent.objects.get(relation_pk=relation.pk, action="deleted")
    assert (gone.by, gone.reason) == (world.manager, f"span {world.first.pk} was deleted")


def test_a_submitted_layer_is_read_only_in_the_admin(world):
    Assignment.objects.filter(pk=world.assignment.pk).update(status=AssignmentStatus.SUBMITTED)
    span_url = f"/admin/annotations/span/{world.first.pk}/"
    start = TEXT.index("go")

    page = world.client.get(f"{span_url}change/")
    changed = world.client.post(
        f"{span_url}change/",
        {"start": 0, "end": 3, "quote": "Our", "stance": "contra", "role": "claim"},
    )
    deleted = world.client.post(f"{span_url}delete/", {"post": "yes"})
    added = world.client.post(
        "/admin/annotations/span/add/", _span_form(world, start=start, end=start + 2, quote="go")
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert added.status_code == 200
    assert added.context["adminform"].form.errors == {
        "annotator": ["The annotator submitted this document; their layer of it no longer changes."]
    }
    world.first.refresh_from_db()
    assert (world.first.stance, Span.objects.count()) == ("pro", 2)


def test_the_gold_layer_is_read_only_in_the_admin(world):
    # The API lets no one write gold but the review; the admin holds to the same rule.
    reviewer = UserFactory(username="reviewer")
    MembershipFactory(debate=world.debate, user=reviewer, role=Role.REVIEWER)
    gold = span_create(
        document=world.document,
        annotator=None,
        by=reviewer,
        data=SpanInput(start=0, end=3, quote="Our", stance="pro", role="claim"),
    ).span
    span_url = f"/admin/annotations/span/{gold.pk}/"
    start = TEXT.index("go")

    page = world.client.get(f"{span_url}change/")
    changed = world.client.post(
        f"{span_url}change/",
        {"start": 0, "end": 3, "quote": "Our", "stance": "contra", "role": "claim"},
    )
    deleted = world.client.post(f"{span_url}delete/", {"post": "yes"})
    added = world.client.post(
        "/admin/annotations/span/add/",
        _span_form(world, annotator="", start=start, end=start + 2, quote="go"),
    )

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert added.status_code == 200
    assert added.context["adminform"].form.errors == {
        "annotator": ["The gold layer is made by adjudication in the review, not in the admin."]
    }
    gold.refresh_from_db()
    assert (gold.stance, Span.objects.filter(annotator__isnull=True).count()) == ("pro", 1)
