"""Agreement counts kept per document: the debate's figures summed from them equal a full count."""

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from annotations.models import (
    Assignment,
    AssignmentStatus,
    DebateAgreementTotal,
    DocumentAgreement,
    Span,
)
from annotations.review.agreement import debate_agreement
from annotations.review.selectors import annotated_documents, debate_agreement_get
from annotations.review.selectors.layers import annotated_rows
from annotations.review.selectors.tallies import FULL_CHECK_EVERY, MARGIN
from annotations.services import document_submit
from debate.models import Role
from tests.annotations.review.selectors.rows import assert_rows_are_the_documents


def full_count(debate):
    """Return the figures counted from scratch, as the endpoint did before counts were kept."""
    return debate_agreement(annotated_documents(debate=debate))


def kept(debate):
    return debate_agreement_get(debate=debate).report


def revisions(debate) -> dict[int, int]:
    return dict(
        DocumentAgreement.objects.filter(debate=debate).values_list("document_id", "revision")
    )


def test_kept_counts_give_exactly_the_full_count_after_submissions(world):
    debate = world["debate"]
    report = kept(debate)
    assert report == full_count(debate)
    # Every compared document has its row, filled by the submissions themselves.
    assert len(revisions(debate)) == 7
    assert report.documents == 7
    assert report.annotators == ("ann", "bea", "cid", "dee")
    assert [pair.annotators for pair in report.pairs] == [
        ("ann", "bea"),
        ("ann", "cid"),
        ("ann", "dee"),
        ("bea", "cid"),
        ("bea", "dee"),
        ("cid", "dee"),
    ]
    # The figures are real ones, not all undefined: the test would see a wrong sum.
    assert None not in (report.stance_alpha, report.role_alpha, report.actor_alpha)
    assert None not in (report.boundary_alpha, report.relation_alpha)
    assert report.relations.left > 0 and report.linked_unit_pairs > 0


def test_annotated_rows_read_the_layers_annotated_documents_reads(world):
    """Plain rows, as a count reads them: the same documents, layers, spans and relations."""
    debate = world["debate"]
    documents = annotated_documents(debate=debate)
    rows = annotated_rows(debate=debate, document_ids=[d.pk for d in world["documents"]])
    assert len(documents) >= 2
    assert_rows_are_the_documents(rows, documents)


def test_cold_counts_every_document_and_a_second_read_counts_none(world, django_assert_num_queries):
    debate = world["debate"]
    DocumentAgreement.objects.all().delete()
    DebateAgreementTotal.objects.all().delete()
    assert kept(debate) == full_count(debate)
    assert len(revisions(debate)) == 7
    expected = full_count(debate)
    # Later, with nothing changed: the total, the rows' check, renamed annotators, assignments
    # changed since the last read (none), gone rows; progress: the kept status counts, the
    # review decisions.
    DebateAgreementTotal.objects.update(
        changes_seen_until=timezone.now(), checked_at=timezone.now()
    )
    with django_assert_num_queries(7):
        assert kept(debate) == expected


def test_a_submission_counts_only_its_document_again(world):
    debate, documents, annotators = world["debate"], world["documents"], world["annotators"]
    before = revisions(debate)
    document_submit(document=documents[7], annotator=annotators[2])
    after = revisions(debate)
    changed = {pk for pk in after if after[pk] != before.get(pk)}
    assert changed == {documents[7].pk}
    # The first layer of a document only becomes compared with a second one.
    document_submit(document=documents[5], annotator=annotators[1])
    assert set(revisions(debate)) - set(after) == {documents[5].pk}
    assert kept(debate) == full_count(debate)


def test_reopen_edit_and_resubmission_are_counted_again(world):
    debate, documents, annotators = world["debate"], world["documents"], world["annotators"]
    document, annotator = documents[1], annotators[1]
    kept(debate)
    before = revisions(debate)
    # Reopened (as the admin does it): the layer is out of the comparison until resubmitted.
    assignment = Assignment.objects.get(document=document, annotator=annotator)
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.save()
    reopened = kept(debate)
    assert reopened == full_count(debate)
    after = revisions(debate)
    assert {pk for pk in after if after[pk] != before[pk]} == {document.pk}
    # Edited while open, then submitted again.
    span = Span.objects.filter(document=document, annotator=annotator).order_by("start").first()
    span.stance = "neutral" if span.stance != "neutral" else "pro"
    span.save()
    document_submit(document=document, annotator=annotator)
    assert kept(debate) == full_count(debate)
    assert kept(debate) != reopened


def test_a_reopened_layer_that_leaves_one_takes_the_document_out(world):
    debate, documents, annotators = world["debate"], world["documents"], world["annotators"]
    kept(debate)
    assignment = Assignment.objects.get(document=documents[2], annotator=annotators[0])
    assignment.status = AssignmentStatus.IN_PROGRESS
    assignment.save()
    report = kept(debate)
    assert report == full_count(debate)
    assert report.documents == 6
    assert documents[2].pk not in revisions(debate)


def test_renamed_annotator_and_deleted_document_are_counted_again(world):
    debate, documents, annotators = world["debate"], world["documents"], world["annotators"]
    kept(debate)
    annotators[0].username = "zed"
    annotators[0].save()
    documents[0].delete()
    report = kept(debate)
    assert report == full_count(debate)
    assert report.annotators == ("bea", "cid", "dee", "zed")
    assert report.documents == 6
    assert DocumentAgreement.objects.filter(document__isnull=True).count() == 0


def test_rows_changed_behind_the_totals_back_are_summed_again(world):
    debate = world["debate"]
    kept(debate)
    DocumentAgreement.objects.filter(document=world["documents"][3]).delete()
    assert kept(debate) == full_count(debate)
    total = DebateAgreementTotal.objects.get(debate=debate)
    assert total.rows == 7
    assert total.revisions == sum(revisions(debate).values())


def test_count_agreement_counts_what_is_missing_then_nothing(world, run_command):
    debate = world["debate"]
    DocumentAgreement.objects.all().delete()
    DebateAgreementTotal.objects.all().delete()
    out, _err = run_command("count_agreement", "--debate", debate.slug)
    assert out.splitlines() == [
        f"{debate.slug}: 7 of 7 documents counted",
        f"{debate.slug}: 7 documents compared of 8, " + out.splitlines()[1].rsplit(", ", 1)[1],
        "Agreement counts are up to date.",
    ]
    assert len(revisions(debate)) == 7
    before = revisions(debate)
    out, _err = run_command("count_agreement")
    assert out.splitlines()[0].startswith(f"{debate.slug}: 7 documents compared of ")
    assert revisions(debate) == before
    assert kept(debate) == full_count(debate)


def test_count_agreement_names_a_debate_that_does_not_exist(db, run_command):
    with pytest.raises(CommandError, match=r"No debate nowhere\."):
        run_command("count_agreement", "--debate", "nowhere")


def test_a_change_committed_late_is_seen_by_the_next_read(world):
    """A read looks back MARGIN before it began, for changes saved then and committed later."""
    debate, documents, annotators = world["debate"], world["documents"], world["annotators"]
    kept(debate)
    now = timezone.now()
    DebateAgreementTotal.objects.update(changes_seen_until=now - MARGIN, checked_at=now)
    Assignment.objects.filter(document=documents[1], annotator=annotators[1]).update(
        status=AssignmentStatus.IN_PROGRESS, updated_at=now - MARGIN / 2
    )
    assert kept(debate) == full_count(debate)
    assert kept(debate).documents == 7


def test_a_change_that_saved_no_time_waits_for_the_full_check(world, run_command):
    debate, documents, annotators = world["debate"], world["documents"], world["annotators"]
    kept(debate)
    before = kept(debate)
    now = timezone.now()
    DebateAgreementTotal.objects.update(changes_seen_until=now, checked_at=now)
    # A bulk update leaves updated_at alone: the quick check cannot see it.
    Assignment.objects.filter(document=documents[2], annotator=annotators[0]).update(
        status=AssignmentStatus.IN_PROGRESS
    )
    assert kept(debate) == before
    assert kept(debate) != full_count(debate)
    # The hourly full check, or count_agreement, finds it.
    DebateAgreementTotal.objects.update(checked_at=now - FULL_CHECK_EVERY - MARGIN)
    assert kept(debate) == full_count(debate)
    assert kept(debate).documents == 6
    Assignment.objects.filter(document=documents[3], annotator=annotators[0]).update(
        status=AssignmentStatus.IN_PROGRESS
    )
    DebateAgreementTotal.objects.update(changes_seen_until=timezone.now())
    run_command("count_agreement")
    assert kept(debate) == full_count(debate)
    assert kept(debate).documents == 5


def test_a_deleted_annotator_is_found_by_a_full_check_and_forgotten(world, member):
    debate, documents = world["debate"], world["documents"]
    # An annotator who submitted an empty layer (one with spans cannot be deleted).
    eve = member(Role.ANNOTATOR, username="eve")
    document_submit(document=documents[5], annotator=eve)
    assert kept(debate).annotators == ("ann", "bea", "cid", "dee", "eve")
    now = timezone.now()
    DebateAgreementTotal.objects.update(changes_seen_until=now, checked_at=now)
    eve.delete()
    report = kept(debate)
    assert report == full_count(debate)
    assert report.annotators == ("ann", "bea", "cid", "dee")
    assert report.documents == 7
    total = DebateAgreementTotal.objects.get(debate=debate)
    assert sorted(total.annotators.values()) == ["ann", "bea", "cid", "dee"]
