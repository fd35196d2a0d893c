"""Writes of the review workflow: assigning work, adjudicating into gold, finishing a review.

Every gold write goes through ``annotations.services`` (validation, permissions, history);
this module decides *what* to write for a reviewer's decision, records the decision, and
guards the document's review with a version: each decision names the version it was made
at, the review row is locked while the decision is applied, and a stale version is refused
(``StaleReview``) before anything is written. So of two reviewers who read the same state,
the second is told, not overwritten.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from annotations.models import (
    Assignment,
    DocumentReview,
    Relation,
    ReviewAction,
    ReviewDecision,
    Span,
)
from annotations.review.selectors import (
    ReviewState,
    ReviewUnit,
    annotator_loads,
    gold_unit_key,
    review_state_get,
)
from annotations.services import (
    SpanInput,
    relation_create,
    relation_delete,
    span_create,
    span_delete,
    span_update,
)
from annotations.signals import document_adjudicated
from debate.models import Debate, Document, DocumentStatus, Membership, Role
from debate.selectors import debate_access

REASON_MAX = 200  # SpanEvent.reason


class StaleReview(Exception):
    """The review moved on since the caller read it; nothing was written."""

    def __init__(self, current_version: int, message: str = ""):
        self.current_version = current_version
        super().__init__(
            message
            or f"The review of this document is at version {current_version} now: someone "
            "else decided meanwhile. Read it again and decide again."
        )


class NotReviewable(Exception):
    """The document is not waiting for review (still being annotated, or adjudicated)."""


class ReviewIncomplete(Exception):
    """Units are still undecided, so the review cannot be finished."""


# Actions a client sends; ``accept_agreed`` records one ``accept`` per unit it takes.
ACCEPT_AGREED = "accept_agreed"
DECISION_ACTIONS = (
    ReviewAction.ACCEPT,
    ReviewAction.EDIT,
    ReviewAction.REJECT,
    ReviewAction.ADD,
    ReviewAction.LINK,
    ReviewAction.UNLINK,
    ACCEPT_AGREED,
)


@dataclass(frozen=True)
class DecisionInput:
    """A reviewer's decision as the service takes it; which fields count depends on action.

    - ``accept``: ``unit`` and ``span``, the annotator span whose version becomes gold;
    - ``edit``: ``unit`` and ``values`` (``sources``: the annotator spans it started from);
    - ``reject``: ``unit``;
    - ``add``: ``values``;
    - ``link``: gold span ids ``source`` and ``target`` and a relation ``type``;
    - ``unlink``: ``relation``, a gold relation id;
    - ``accept_agreed``: nothing; accepts every undecided unit all annotators agree on.
    """

    action: str
    unit: str = ""
    span: int | None = None
    sources: tuple[int, ...] = ()
    values: SpanInput | None = None
    source: int | None = None
    target: int | None = None
    type: str = ""
    relation: int | None = None


@dataclass(frozen=True)
class ReviewOutcome:
    """The decisions recorded by one call, and the review's version after it."""

    version: int
    decisions: list[ReviewDecision]


# --- Assignments ----------------------------------------------------------------------------
def _check_manages(*, by: AbstractBaseUser, debate: Debate) -> None:
    if not debate_access(user=by, debate=debate).can_manage:
        raise PermissionDenied("Only managers of this debate assign documents.")


def _annotator_ids(debate: Debate, users: Sequence[AbstractBaseUser]) -> set[int]:
    return set(
        Membership.objects.filter(
            debate=debate, role=Role.ANNOTATOR, user__in=[user.pk for user in users]
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def assignment_create(
    *, document: Document, annotator: AbstractBaseUser, by: AbstractBaseUser
) -> tuple[Assignment, bool]:
    """Assign a document to an annotator of its debate; return it and whether it is new."""
    _check_manages(by=by, debate=document.debate)
    if not _annotator_ids(document.debate, [annotator]):
        raise ValidationError(
            {"annotator": [f"{annotator.get_username()} is not an annotator of this debate."]}
        )
    return Assignment.objects.get_or_create(document=document, annotator=annotator)


@transaction.atomic
def assignments_spread(
    *, debate: Debate, annotators: Sequence[AbstractBaseUser], by: AbstractBaseUser
) -> list[Assignment]:
    """Spread the documents that still need annotators evenly over ``annotators``.

    Each document not yet in review gets annotators until it has the debate's
    ``annotators_per_document``; each place goes to the least loaded of ``annotators``
    (fewest documents of this debate already), ties by username, never twice the same
    annotator on one document. Running it again assigns nothing new.
    """
    _check_manages(by=by, debate=debate)
    if not annotators:
        raise ValidationError({"annotators": ["Name at least one annotator."]})
    known = _annotator_ids(debate, annotators)
    strangers = [user.get_username() for user in annotators if user.pk not in known]
    if strangers:
        raise ValidationError(
            {"annotators": [f"Not annotators of this debate: {', '.join(sorted(strangers))}."]}
        )
    # One spread at a time per debate, so two managers clicking at once do not overfill.
    Debate.objects.select_for_update().filter(pk=debate.pk).first()
    needed = debate.annotators_per_document
    assigned: dict[int, set[int]] = {}
    for document_id in (
        Document.objects.filter(
            debate=debate, status__in=[DocumentStatus.NEW, DocumentStatus.ANNOTATING]
        )
        .order_by("id")
        .values_list("id", flat=True)
    ):
        assigned[document_id] = set()
    for document_id, annotator_id in Assignment.objects.filter(
        document_id__in=assigned
    ).values_list("document_id", "annotator_id"):
        assigned[document_id].add(annotator_id)
    load = annotator_loads(debate=debate, annotators=known)
    people = sorted(annotators, key=lambda user: user.get_username())
    created: list[Assignment] = []
    for document_id, holders in assigned.items():
        for _ in range(needed - len(holders)):
            free = [user for user in people if user.pk not in holders]
            if not free:
                break
            # sorted() is stable, so equal loads keep the username order.
            chosen = sorted(free, key=lambda user: load[user.pk])[0]
            holders.add(chosen.pk)
            load[chosen.pk] += 1
            created.append(Assignment(document_id=document_id, annotator=chosen))
    return Assignment.objects.bulk_create(created)


# --- Review ---------------------------------------------------------------------------------
def _lock_review(
    *, document: Document, by: AbstractBaseUser, expected_version: int | None
) -> DocumentReview:
    """Lock the document's review, then check who decides, the version and the status."""
    if not debate_access(user=by, debate=document.debate).writes_gold:
        raise PermissionDenied("Only reviewers of this debate adjudicate documents.")
    review, _created = DocumentReview.objects.select_for_update().get_or_create(document=document)
    if expected_version is not None and review.version != expected_version:
        raise StaleReview(review.version)
    status = Document.objects.filter(pk=document.pk).values_list("status", flat=True).get()
    document.status = status
    if status != DocumentStatus.READY_FOR_REVIEW:
        raise NotReviewable(
            "This document is adjudicated; its review is closed."
            if status == DocumentStatus.ADJUDICATED
            else "This document is still being annotated: not every layer is submitted."
        )
    return review


def _bump(review: DocumentReview, by: AbstractBaseUser) -> int:
    review.version += 1
    if review.started_by_id is None:
        review.started_by = by
    review.save(update_fields=["version", "started_by", "updated_at"])
    return review.version


def _reason(decision: ReviewDecision, text: str) -> str:
    return f"review decision {decision.pk}: {text}"[:REASON_MAX]


def _values_of(span: Span) -> SpanInput:
    return SpanInput(
        start=span.start,
        end=span.end,
        quote=span.quote,
        stance=span.stance,
        role=span.role,
        actor=span.actor_id,
        note=span.note,
    )


def _write_gold(
    *,
    document: Document,
    by: AbstractBaseUser,
    existing: Span | None,
    values: SpanInput,
    reason: str,
) -> Span:
    """Create the unit's gold span, or change the one it has, through the span services."""
    if existing is None:
        return span_create(
            document=document, annotator=None, by=by, data=values, reason=reason
        ).span
    changes = {
        "start": values.start,
        "end": values.end,
        "quote": values.quote,
        "stance": values.stance,
        "role": values.role,
        "actor": values.actor,
        "note": values.note,
    }
    # The review version already guards this unit; the row lock in span_update does the rest.
    return span_update(span=existing, by=by, expected_version=None, changes=changes, reason=reason)


def _record(
    *,
    document: Document,
    by: AbstractBaseUser,
    version: int,
    action: str,
    unit: str = "",
    sources: Sequence[int] = (),
) -> ReviewDecision:
    return ReviewDecision.objects.create(
        document=document,
        reviewer=by,
        action=action,
        unit_key=unit,
        source_span_ids=list(sources),
        review_version=version,
    )


def _unit(state: ReviewState, key: str) -> ReviewUnit:
    unit = state.unit(key) if key else None
    if unit is None:
        raise ValidationError({"unit": [f"No unit {key!r} in this document's review."]})
    return unit


def _accept(
    state: ReviewState, unit: ReviewUnit, span: Span, *, by, version: int
) -> ReviewDecision:
    decision = _record(
        document=state.document,
        by=by,
        version=version,
        action=ReviewAction.ACCEPT,
        unit=unit.key,
        sources=[span.pk],
    )
    gold = _write_gold(
        document=state.document,
        by=by,
        existing=unit.gold,
        values=_values_of(span),
        reason=_reason(
            decision,
            f"accepted {state.layers[span.annotator_id]}'s span {span.pk} (unit {unit.key})",
        ),
    )
    decision.gold_span_pk = gold.pk
    decision.save(update_fields=["gold_span_pk"])
    return decision


def _decide_one(
    state: ReviewState, data: DecisionInput, *, by: AbstractBaseUser, version: int
) -> ReviewDecision:
    document = state.document
    if data.action == ReviewAction.ACCEPT:
        unit = _unit(state, data.unit)
        span = unit.span(data.span) if data.span is not None else None
        if span is None:
            raise ValidationError(
                {
                    "span": [
                        f"Name one of this unit's annotator spans: {[s.pk for s in unit.spans]}."
                    ]
                }
            )
        return _accept(state, unit, span, by=by, version=version)

    if data.action == ReviewAction.EDIT:
        unit = _unit(state, data.unit)
        if data.values is None:
            raise ValidationError({"non_field_errors": ["An edit needs the span's values."]})
        strangers = [pk for pk in data.sources if unit.span(pk) is None]
        if strangers:
            raise ValidationError({"sources": [f"Not spans of this unit: {strangers}."]})
        decision = _record(
            document=document,
            by=by,
            version=version,
            action=ReviewAction.EDIT,
            unit=unit.key,
            sources=data.sources,
        )
        started = ", from " + ", ".join(f"span {pk}" for pk in data.sources) if data.sources else ""
        gold = _write_gold(
            document=document,
            by=by,
            existing=unit.gold,
            values=data.values,
            reason=_reason(decision, f"edited by the reviewer (unit {unit.key}{started})"),
        )
        decision.gold_span_pk = gold.pk
        decision.save(update_fields=["gold_span_pk"])
        return decision

    if data.action == ReviewAction.REJECT:
        unit = _unit(state, data.unit)
        decision = _record(
            document=document,
            by=by,
            version=version,
            action=ReviewAction.REJECT,
            unit=unit.key,
            sources=[span.pk for span in unit.spans],
        )
        if unit.gold is not None:
            span_delete(
                span=unit.gold,
                by=by,
                expected_version=None,
                reason=_reason(decision, f"rejected (unit {unit.key})"),
            )
            decision.gold_span_pk = unit.gold.pk
            decision.save(update_fields=["gold_span_pk"])
        return decision

    if data.action == ReviewAction.ADD:
        if data.values is None:
            raise ValidationError({"non_field_errors": ["Adding a span needs its values."]})
        decision = _record(document=document, by=by, version=version, action=ReviewAction.ADD)
        gold = span_create(
            document=document,
            annotator=None,
            by=by,
            data=data.values,
            reason=_reason(decision, "added by the reviewer"),
        ).span
        decision.gold_span_pk = gold.pk
        decision.unit_key = gold_unit_key(gold.pk)
        decision.save(update_fields=["gold_span_pk", "unit_key"])
        return decision

    if data.action == ReviewAction.LINK:
        ends = {}
        for name in ("source", "target"):
            pk = getattr(data, name)
            ends[name] = state.gold_span(pk) if pk is not None else None
            if ends[name] is None:
                raise ValidationError({name: [f"No gold span {pk} in this document."]})
        relation = relation_create(document=document, by=by, type=data.type, **ends)
        decision = _record(document=document, by=by, version=version, action=ReviewAction.LINK)
        decision.gold_relation_pk = relation.pk
        decision.save(update_fields=["gold_relation_pk"])
        return decision

    if data.action == ReviewAction.UNLINK:
        relation: Relation | None = (
            state.gold_relation(data.relation) if data.relation is not None else None
        )
        if relation is None:
            raise ValidationError({"relation": [f"No gold relation {data.relation} here."]})
        relation_delete(relation=relation, by=by)
        decision = _record(document=document, by=by, version=version, action=ReviewAction.UNLINK)
        decision.gold_relation_pk = relation.pk
        decision.save(update_fields=["gold_relation_pk"])
        return decision

    raise ValidationError({"action": [f"Unknown action {data.action!r}."]})


@transaction.atomic
def review_decide(
    *,
    document: Document,
    by: AbstractBaseUser,
    expected_version: int | None,
    decision: DecisionInput,
) -> ReviewOutcome:
    """Apply one reviewer decision to the gold layer and record it, at ``expected_version``.

    Raises StaleReview (someone decided since), NotReviewable, PermissionDenied, or
    ValidationError naming the field; in every case nothing is written. ``accept_agreed``
    records an ``accept`` for each undecided unit that every annotator marked identically,
    and changes nothing (not even the version) when there is none.
    """
    review = _lock_review(document=document, by=by, expected_version=expected_version)
    state = review_state_get(document=document)
    if decision.action == ACCEPT_AGREED:
        units = state.agreed_undecided
        if not units:
            return ReviewOutcome(version=review.version, decisions=[])
        version = _bump(review, by)
        return ReviewOutcome(
            version=version,
            decisions=[
                _accept(state, unit, unit.spans[0], by=by, version=version) for unit in units
            ],
        )
    version = _bump(review, by)
    return ReviewOutcome(
        version=version, decisions=[_decide_one(state, decision, by=by, version=version)]
    )


@transaction.atomic
def review_finish(
    *, document: Document, by: AbstractBaseUser, expected_version: int | None
) -> ReviewOutcome:
    """Mark a document adjudicated once every unit is decided; its gold layer is then final.

    Annotators who submitted the document can read its gold layer from then on.
    """
    review = _lock_review(document=document, by=by, expected_version=expected_version)
    state = review_state_get(document=document)
    if state.undecided:
        raise ReviewIncomplete(
            f"{state.undecided} unit(s) are still undecided: accept, edit or reject each first."
        )
    version = _bump(review, by)
    decision = _record(document=document, by=by, version=version, action=ReviewAction.FINISH)
    now = timezone.now()
    review.finished_by = by
    review.finished_at = now
    review.save(update_fields=["finished_by", "finished_at", "updated_at"])
    Document.objects.filter(pk=document.pk).update(
        status=DocumentStatus.ADJUDICATED, updated_at=now
    )
    document.status = DocumentStatus.ADJUDICATED
    document_adjudicated.send(sender=Document, document=document, by=by)
    return ReviewOutcome(version=version, decisions=[decision])


__all__ = [
    "ACCEPT_AGREED",
    "DECISION_ACTIONS",
    "DecisionInput",
    "NotReviewable",
    "ReviewIncomplete",
    "ReviewOutcome",
    "StaleReview",
    "assignment_create",
    "assignments_spread",
    "review_decide",
    "review_finish",
]
