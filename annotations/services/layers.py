"""Layers: who may write one, its state while it is worked on, and its submission.

A layer is one annotator's spans and relations on one document, or the gold layer
(``annotator`` None). An annotator's layer is assigned, then in progress from its first
write, then submitted, after which it never changes.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations.models import Assignment, AssignmentStatus
from annotations.permissions import LayerRule, layer_write_refusal
from annotations.review.selectors.tallies import document_tally_refresh
from debate.models import Document, DocumentStatus
from debate.permissions import DebateAccess
from debate.selectors import debate_access


class LayerSubmitted(Exception):
    """The annotator submitted this document; their layer of it no longer changes."""


def layer_write_check(
    *,
    by: AbstractBaseUser,
    document: Document,
    annotator: AbstractBaseUser | None,
    access: DebateAccess | None = None,
    permission: LayerRule = layer_write_refusal,
) -> None:
    """Raise PermissionDenied unless ``by`` may write the layer under the rule ``permission``.

    ``access`` is ``by``'s access to the document's debate if the caller read it already;
    it is trusted only when it was read for this user and this debate.
    """
    if access is None or access.user_id != by.pk or access.debate_id != document.debate_id:
        access = debate_access(user=by, debate=document.debate)
    refusal = permission(access=access, annotator_id=None if annotator is None else annotator.pk)
    if refusal:
        raise PermissionDenied(refusal)


def layer_submitted(*, document: Document, annotator: AbstractBaseUser | None) -> bool:
    """Return whether an annotator's layer of a document is submitted (gold never is)."""
    return annotator is not None and (
        Assignment.objects.filter(
            document=document, annotator=annotator, status=AssignmentStatus.SUBMITTED
        ).exists()
    )


def layer_open(*, document: Document, annotator: AbstractBaseUser | None) -> None:
    """Refuse writes to a submitted layer; mark the layer and document as being worked on.

    The assignment row is locked so a concurrent submit waits for this write, or this write
    sees the submission: a submitted layer never changes afterwards.
    """
    if annotator is None:
        return
    assignment = (
        Assignment.objects.select_for_update()
        .filter(document=document, annotator=annotator)
        .first()
    )
    if assignment is None:
        assignment = _assignment_start(document=document, annotator=annotator)
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise LayerSubmitted("You submitted this document; your layer of it is final.")
    elif assignment.status == AssignmentStatus.ASSIGNED:
        assignment.status = AssignmentStatus.IN_PROGRESS
        assignment.save(update_fields=["status", "updated_at"])
    if document.status == DocumentStatus.NEW:
        Document.objects.filter(pk=document.pk, status=DocumentStatus.NEW).update(
            status=DocumentStatus.ANNOTATING
        )


class DocumentClosed(Exception):
    """The document is adjudicated: its gold layer is final and nobody starts on it anew."""


@transaction.atomic
def assignment_take(*, document: Document, annotator: AbstractBaseUser) -> Assignment:
    """Put a document in an annotator's own queue, at their explicit request.

    Taking a document one already has changes nothing. An adjudicated document is refused
    (DocumentClosed): its gold layer is final.
    """
    if not debate_access(user=annotator, debate=document.debate).annotates:
        raise PermissionDenied("Only annotators of this debate annotate its documents.")
    existing = Assignment.objects.filter(document=document, annotator=annotator).first()
    if existing is not None:
        return existing
    if document.status == DocumentStatus.ADJUDICATED:
        raise DocumentClosed("This document is adjudicated; its gold layer is final.")
    assignment, _created = Assignment.objects.get_or_create(document=document, annotator=annotator)
    return assignment


def _assignment_start(*, document: Document, annotator: AbstractBaseUser) -> Assignment:
    # Working on a document one was not assigned still counts; managers see it as taken.
    try:
        with transaction.atomic():
            return Assignment.objects.create(
                document=document, annotator=annotator, status=AssignmentStatus.IN_PROGRESS
            )
    except IntegrityError:
        # A concurrent first write opened the layer meanwhile: this one joins it
        # (test_concurrent_first_writes_to_a_new_layer_are_all_stored).
        return Assignment.objects.select_for_update().get(document=document, annotator=annotator)


@transaction.atomic
def document_submit(*, document: Document, annotator: AbstractBaseUser) -> Assignment:
    """Mark an annotator's layer of a document as finished; submitting again changes nothing.

    Once as many layers as the debate needs are submitted, the document is ready for review.
    """
    access = debate_access(user=annotator, debate=document.debate)
    if not access.annotates:
        raise PermissionDenied("Only annotators of this debate submit documents.")
    assignment, _created = Assignment.objects.select_for_update().get_or_create(
        document=document, annotator=annotator
    )
    if assignment.status == AssignmentStatus.SUBMITTED:
        return assignment
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["status", "submitted_at", "updated_at"])
    submitted = Assignment.objects.filter(
        document=document, status=AssignmentStatus.SUBMITTED
    ).count()
    if submitted >= document.debate.annotators_per_document:
        Document.objects.filter(
            pk=document.pk, status__in=[DocumentStatus.NEW, DocumentStatus.ANNOTATING]
        ).update(status=DocumentStatus.READY_FOR_REVIEW)
    # The document's agreement counts change with its submitted layers: counted again here,
    # so the debate's figures after a submission cost one document's count.
    document_tally_refresh(document=document)
    return assignment
