"""A debate's documents and assignments by status, kept by triggers, equal a count after every
path that writes a status: services, bulk updates, the ORM, SQL by hand, cascades."""

import random

import pytest
from django.db import connection

from annotations.models import Assignment, AssignmentStatus, DebateStatusCount
from annotations.review.selectors import debate_progress
from annotations.review.selectors.status_counts import (
    debate_status_counts,
    debate_status_counts_recount,
)
from annotations.review.services import assignment_create, assignments_spread, review_finish
from annotations.services import SpanInput, assignment_take, document_submit, span_create
from debate.models import Debate, Document, DocumentStatus, Role
from debate.services import DocumentInput, document_create
from tests.factories import DebateFactory, DocumentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def counted(debate) -> dict[str, dict[str, int]]:
    """Return the debate's documents and assignments by status, counted row by row."""
    documents = dict.fromkeys(DocumentStatus.values, 0)
    for status in Document.objects.filter(debate=debate).values_list("status", flat=True):
        documents[status] += 1
    assignments = dict.fromkeys(AssignmentStatus.values, 0)
    for status in Assignment.objects.filter(document__debate=debate).values_list(
        "status", flat=True
    ):
        assignments[status] += 1
    return {"document": documents, "assignment": assignments}


def kept(debate) -> dict[str, dict[str, int]]:
    return debate_status_counts(debate=debate)


def members(debate, role, *names):
    users = [UserFactory(username=name) for name in names]
    for user in users:
        MembershipFactory(debate=debate, user=user, role=role)
    return users


def test_every_path_that_writes_a_status_keeps_the_counts_exact():
    debate = DebateFactory(annotators_per_document=2)
    other = DebateFactory()
    (manager,) = members(debate, Role.MANAGER, "mia")
    (reviewer,) = members(debate, Role.REVIEWER, "rex")
    ann, bob, cy = members(debate, Role.ANNOTATOR, "ann", "bob", "cy")
    DocumentFactory(debate=other)
    # The first read counts afresh: rows for every status, zeros included.
    assert kept(debate) == counted(debate)
    assert DebateStatusCount.objects.filter(debate=debate).count() == 7
    steps = []

    def check(step):
        steps.append(step)
        assert kept(debate) == counted(debate), step

    first = DocumentFactory(debate=debate)
    check("a document saved")
    second, _created = document_create(debate=debate, data=DocumentInput(text="Keys weaken."))
    check("a document created by the service")
    Document.objects.bulk_create(
        [DocumentFactory.build(debate=debate, text=f"Bulk {n}.") for n in range(3)]
    )
    check("documents created in bulk")
    third, fourth, fifth = Document.objects.filter(debate=debate, text__startswith="Bulk")
    assignment_create(document=first, annotator=ann, by=manager)
    check("an assignment by a manager")
    assignments_spread(debate=debate, annotators=[ann, bob], by=manager)
    check("assignments spread")
    assignment_take(document=third, annotator=cy)
    check("a document taken")
    span_create(
        document=second,
        annotator=ann,
        by=ann,
        data=SpanInput(start=0, end=4, quote=second.text[:4], stance="pro", role="claim"),
    )
    check("a first span: assigned to in progress, the document being annotated")
    span_create(
        document=fourth,
        annotator=cy,
        by=cy,
        data=SpanInput(start=0, end=4, quote=fourth.text[:4], stance="pro", role="claim"),
    )
    check("a first span without an assignment: one made in progress")
    document_submit(document=first, annotator=ann)
    check("a submission (of an empty layer, so the review has nothing to decide)")
    document_submit(document=first, annotator=bob)
    check("the last submission: the document ready for review")
    first.refresh_from_db()
    review_finish(document=first, by=reviewer, expected_version=None)
    check("a review finished: the document adjudicated")
    reopened = Assignment.objects.get(document=first, annotator=ann)
    reopened.status = AssignmentStatus.IN_PROGRESS
    reopened.save()
    check("an assignment saved with another status")
    Assignment.objects.filter(document=second).update(status=AssignmentStatus.SUBMITTED)
    Document.objects.filter(pk=second.pk).update(status=DocumentStatus.READY_FOR_REVIEW)
    check("statuses updated in bulk")
    Document.objects.filter(pk=second.pk).update(title="Retitled")
    check("a document updated without changing its status")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Assignment._meta.db_table} SET status = %s WHERE document_id = %s",
            [AssignmentStatus.ASSIGNED, third.pk],
        )
    check("a status changed in SQL by hand")
    moved = DocumentFactory(debate=debate, text="Moved with its assignments.")
    Assignment.objects.create(document=moved, annotator=ann, status=AssignmentStatus.SUBMITTED)
    Assignment.objects.create(document=moved, annotator=bob)
    check("a document and two assignments, to move")
    moved.debate = other
    moved.save()
    check("a document without spans moved to another debate, its assignments with it")
    assert kept(other) == counted(other)
    assert kept(other)["assignment"] == {"assigned": 1, "in_progress": 0, "submitted": 1}
    moved.delete()
    check("the moved document deleted")
    Assignment.objects.filter(document=fourth, annotator=cy).delete()
    check("an assignment deleted")
    fifth.delete()
    check("a document deleted with its assignments")
    Document.objects.filter(pk__in=[third.pk, fourth.pk]).delete()
    check("documents deleted in bulk")
    assert counted(debate)["assignment"][AssignmentStatus.IN_PROGRESS] == 1
    assert kept(debate) == {
        "document": {"new": 0, "annotating": 0, "ready_for_review": 1, "adjudicated": 1},
        "assignment": {"assigned": 0, "in_progress": 1, "submitted": 3},
    }
    # The other debate's counts never moved.
    assert kept(other) == counted(other)
    assert kept(other)["document"]["new"] == 1
    debate.delete()
    assert not DebateStatusCount.objects.filter(debate_id=debate.pk).exists()
    assert kept(other)["document"]["new"] == 1
    assert len(steps) == 21


def test_recounting_repairs_counts_changed_behind_the_triggers_back():
    debate = DebateFactory()
    (ann,) = members(debate, Role.ANNOTATOR, "ann")
    document = DocumentFactory(debate=debate)
    Assignment.objects.create(document=document, annotator=ann)
    assert kept(debate) == counted(debate)
    DebateStatusCount.objects.filter(debate=debate, kind="document", status="new").update(n=40)
    assert kept(debate)["document"]["new"] == 40
    assert debate_status_counts_recount(debate=debate) == counted(debate)
    assert kept(debate)["document"]["new"] == 1
    assert kept(debate)["assignment"]["assigned"] == 1


def test_a_debate_counted_before_its_documents_existed_counts_them_as_they_come():
    debate = DebateFactory()
    assert kept(debate) == counted(debate)
    assert sum(kept(debate)["document"].values()) == 0
    DocumentFactory.create_batch(3, debate=debate)
    progress = debate_progress(debate=debate)
    assert progress.documents == {
        "new": 3,
        "annotating": 0,
        "ready_for_review": 0,
        "adjudicated": 0,
    }
    assert progress.total_documents == 3


def test_the_triggers_are_installed_again_without_losing_a_count():
    from annotations.review.selectors.status_counts import status_counts_install

    debate = DebateFactory()
    DocumentFactory(debate=debate)
    assert kept(debate)["document"]["new"] == 1
    status_counts_install(connection=connection)
    DocumentFactory(debate=debate)
    assert kept(debate) == counted(debate)
    assert kept(debate)["document"]["new"] == 2
    assert Debate.objects.filter(pk=debate.pk).exists()


def test_count_agreement_repairs_the_status_counts(run_command):
    debate = DebateFactory(slug="repaired")
    DocumentFactory.create_batch(2, debate=debate)
    DebateStatusCount.objects.filter(debate=debate, kind="document", status="new").update(n=0)
    assert kept(debate)["document"]["new"] == 0
    out, _err = run_command("count_agreement", "--debate", "repaired")
    assert out.splitlines()[0].startswith("repaired: 0 documents compared of 2, ")
    assert kept(debate) == counted(debate)
    assert kept(debate)["document"]["new"] == 2


def test_random_writes_over_two_debates_keep_both_counts_exact():
    """Seeded random inserts, status changes and deletes, single and in bulk, in two debates."""
    rng = random.Random(17)
    debates = [DebateFactory(), DebateFactory()]
    users = [UserFactory(username=f"writer{n}") for n in range(4)]
    made = 0
    peak = [0, 0]
    for step in range(120):
        debate = rng.choice(debates)
        documents = list(
            Document.objects.filter(debate=debate).order_by("pk").values_list("pk", flat=True)
        )
        action = rng.randrange(6)
        if action == 0 or not documents:
            made += 1
            Document.objects.bulk_create(
                DocumentFactory.build(
                    debate=debate,
                    text=f"Random {made} {n}.",
                    status=rng.choice(DocumentStatus.values),
                )
                for n in range(rng.randint(1, 4))
            )
        elif action == 1:
            chosen = rng.sample(documents, rng.randint(1, len(documents)))
            Document.objects.filter(pk__in=chosen).update(status=rng.choice(DocumentStatus.values))
        elif action == 2:
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        document_id=rng.choice(documents),
                        annotator=user,
                        status=rng.choice(AssignmentStatus.values),
                    )
                    for user in rng.sample(users, rng.randint(1, 3))
                ],
                ignore_conflicts=True,
            )
        elif action == 3:
            Assignment.objects.filter(document_id__in=rng.sample(documents, 1)).update(
                status=rng.choice(AssignmentStatus.values)
            )
        elif action == 4:
            Assignment.objects.filter(document__debate=debate, annotator=rng.choice(users)).delete()
        else:
            Document.objects.filter(pk=rng.choice(documents)).delete()
        for each in debates:
            assert kept(each) == counted(each), step
        peak = [max(peak[0], Document.objects.count()), max(peak[1], Assignment.objects.count())]
    # The walk wrote enough of both to mean something.
    assert peak[0] >= 20 and peak[1] >= 10, peak
