"""Reads of one document's review: the aligned units, the decisions taken, the gold layer.

The state of a review is derived, never stored twice: the submitted layers are aligned with
``annotations.review.alignment`` on every read, and each unit's outcome is the latest
``ReviewDecision`` recorded under its key. An annotator's own layer is compared with gold
the same way (``gold_comparison``).
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Q,
    QuerySet,
)

from annotations.models import (
    GOLD,
    Assignment,
    AssignmentStatus,
    DocumentReview,
    Relation,
    ReviewAction,
    ReviewDecision,
    Span,
)
from annotations.review.agreement import (
    AgreementReport,
    AnnotatedDocument,
    AnnotatedRelation,
    document_agreement,
)
from annotations.review.alignment import AlignedUnit, AnnotatedSpan, DocumentAlignment, align_spans
from annotations.selectors import MINE, span_list
from debate.models import Document

ALIGNED_PREFIX = "u-"
GOLD_PREFIX = "g-"

# Actions that decide a unit; the others (link, unlink, finish) concern the whole document.
UNIT_ACTIONS = (ReviewAction.ACCEPT, ReviewAction.EDIT, ReviewAction.REJECT, ReviewAction.ADD)


class UnitState:
    UNDECIDED = "undecided"
    ACCEPTED = "accepted"
    EDITED = "edited"
    REJECTED = "rejected"
    ADDED = "added"


UNIT_STATES = ("undecided", "accepted", "edited", "rejected", "added")


def aligned_unit_key(unit: AlignedUnit) -> str:
    """Return the key of an aligned unit: its annotator span ids, ascending.

    Submitted layers never change, so the same spans align into the same unit on every read
    and the key stays valid for as long as the review lasts.
    """
    return ALIGNED_PREFIX + "-".join(str(pk) for pk in sorted(span.id for span in unit.spans))


def gold_unit_key(span_pk: int) -> str:
    """Return the key of a unit made of one gold span that no aligned unit holds."""
    return f"{GOLD_PREFIX}{span_pk}"


def annotated_span(span: Span, layer: str) -> AnnotatedSpan:
    """Return a span as the pure alignment and agreement modules take it."""
    return AnnotatedSpan(
        id=span.pk,
        annotator=layer,
        start=span.start,
        end=span.end,
        stance=span.stance,
        role=span.role,
        actor=span.actor_id,
        quote=span.quote,
    )


@dataclass
class ReviewUnit:
    """One unit of a review: aligned annotator spans (or one gold-only span) and its outcome."""

    key: str
    start: int
    end: int
    aligned: AlignedUnit | None
    spans: list[Span]
    decision: ReviewDecision | None
    gold: Span | None

    @property
    def kind(self) -> str:
        return "aligned" if self.aligned is not None else "gold"

    @property
    def agreed(self) -> bool:
        return self.aligned is not None and self.aligned.agreed

    @property
    def differing(self) -> tuple[str, ...]:
        return () if self.aligned is None else self.aligned.differing

    @property
    def missing(self) -> tuple[str, ...]:
        return () if self.aligned is None else self.aligned.missing

    @property
    def state(self) -> str:
        """Return what became of the unit: undecided, accepted, edited, rejected or added."""
        if self.decision is None:
            return UnitState.ADDED if self.gold is not None else UnitState.UNDECIDED
        if self.decision.action == ReviewAction.REJECT:
            return UnitState.REJECTED
        if self.gold is None:
            return UnitState.UNDECIDED  # its gold span was deleted outside the review
        return {
            ReviewAction.ACCEPT: UnitState.ACCEPTED,
            ReviewAction.EDIT: UnitState.EDITED,
            ReviewAction.ADD: UnitState.ADDED,
        }[self.decision.action]

    @property
    def decided(self) -> bool:
        return self.state != UnitState.UNDECIDED

    def span(self, pk: int) -> Span | None:
        """Return the annotator span ``pk`` of this unit, or None."""
        return next((span for span in self.spans if span.pk == pk), None)


@dataclass(frozen=True)
class RelationSuggestion:
    """An annotator's relation whose two ends both have a gold span, not yet linked in gold."""

    layer: str
    relation: int
    type: str
    source: int
    target: int


@dataclass
class ReviewState:
    """Everything the review of one document shows, read in a fixed number of queries."""

    document: Document
    review: DocumentReview | None
    layers: dict[int, str]
    alignment: DocumentAlignment
    annotator_spans: list[Span]
    gold_spans: list[Span]
    gold_relations: list[Relation]
    annotator_relations: list[Relation]
    decisions: list[ReviewDecision]
    units: list[ReviewUnit] = field(default_factory=list)

    @property
    def annotators(self) -> tuple[str, ...]:
        """Return the submitted layers compared, by name."""
        return self.alignment.annotators

    @property
    def version(self) -> int:
        return 0 if self.review is None else self.review.version

    @property
    def status(self) -> str:
        return self.document.status

    @property
    def undecided(self) -> int:
        return sum(1 for unit in self.units if not unit.decided)

    @property
    def agreed_undecided(self) -> list[ReviewUnit]:
        """Return the units every annotator marked identically that nobody decided yet."""
        return [unit for unit in self.units if unit.agreed and not unit.decided]

    def unit(self, key: str) -> ReviewUnit | None:
        return next((unit for unit in self.units if unit.key == key), None)

    def gold_span(self, pk: int) -> Span | None:
        return next((span for span in self.gold_spans if span.pk == pk), None)

    def gold_relation(self, pk: int) -> Relation | None:
        return next((relation for relation in self.gold_relations if relation.pk == pk), None)

    @cached_property
    def agreement(self) -> AgreementReport:
        """Return the agreement figures of the submitted layers of this document."""
        return document_agreement(
            AnnotatedDocument(
                id=self.document.pk,
                text_length=len(self.document.text),
                annotators=self.annotators,
                spans=tuple(
                    annotated_span(span, self.layers[span.annotator_id])
                    for span in self.annotator_spans
                ),
                relations=tuple(
                    AnnotatedRelation(relation.source_id, relation.target_id, relation.type)
                    for relation in self.annotator_relations
                ),
            )
        )

    @cached_property
    def relation_suggestions(self) -> list[RelationSuggestion]:
        """Return annotators' relations that could be copied to gold as they are."""
        gold_of: dict[int, int] = {}
        for unit in self.units:
            if unit.gold is not None:
                for span in unit.spans:
                    gold_of[span.pk] = unit.gold.pk
        linked = {(r.source_id, r.target_id, r.type) for r in self.gold_relations}
        suggestions: dict[tuple[int, int, str], RelationSuggestion] = {}
        for relation in self.annotator_relations:
            source, target = gold_of.get(relation.source_id), gold_of.get(relation.target_id)
            if source is None or target is None or source == target:
                continue
            key = (source, target, relation.type)
            if key in linked or key in suggestions:
                continue
            suggestions[key] = RelationSuggestion(
                layer=relation.annotator.get_username(),
                relation=relation.pk,
                type=relation.type,
                source=source,
                target=target,
            )
        return list(suggestions.values())


def submitted_layers(*, document: Document) -> dict[int, str]:
    """Return the annotators who submitted a document: user id -> username, by username."""
    rows = (
        Assignment.objects.filter(document=document, status=AssignmentStatus.SUBMITTED)
        .order_by("annotator__username")
        .values_list("annotator_id", "annotator__username")
    )
    return dict(rows)


def review_state_get(*, document: Document) -> ReviewState:
    """Return the review state of a document: aligned units, decisions, gold, in 6 queries.

    Only submitted layers are compared, every one of them (an empty layer included), so a
    layer still being written never shifts units under the reviewer.
    """
    layers = submitted_layers(document=document)
    spans = list(
        Span.objects.filter(document=document)
        .filter(Q(annotator__isnull=True) | Q(annotator_id__in=layers))
        .select_related("annotator", "created_by")
        .order_by("start", "end", "id")
    )
    relations = list(
        Relation.objects.filter(document=document)
        .filter(Q(annotator__isnull=True) | Q(annotator_id__in=layers))
        .select_related("annotator", "created_by")
        .order_by("id")
    )
    decisions = list(
        ReviewDecision.objects.filter(document=document).select_related("reviewer").order_by("id")
    )
    review = DocumentReview.objects.filter(document=document).first()
    annotator_spans = [span for span in spans if span.annotator_id is not None]
    gold_spans = [span for span in spans if span.annotator_id is None]
    alignment = align_spans(
        (annotated_span(span, layers[span.annotator_id]) for span in annotator_spans),
        layers.values(),
    )
    state = ReviewState(
        document=document,
        review=review,
        layers=layers,
        alignment=alignment,
        annotator_spans=annotator_spans,
        gold_spans=gold_spans,
        gold_relations=[r for r in relations if r.annotator_id is None],
        annotator_relations=[r for r in relations if r.annotator_id is not None],
        decisions=decisions,
    )
    state.units = _units(state)
    return state


def _units(state: ReviewState) -> list[ReviewUnit]:
    latest: dict[str, ReviewDecision] = {}
    for decision in state.decisions:
        if decision.action in UNIT_ACTIONS and decision.unit_key:
            latest[decision.unit_key] = decision
    by_pk = {span.pk: span for span in state.annotator_spans}
    gold_by_pk = {span.pk: span for span in state.gold_spans}
    units: list[ReviewUnit] = []
    claimed: set[int] = set()
    for aligned in state.alignment.units:
        key = aligned_unit_key(aligned)
        decision = latest.get(key)
        gold = None
        if decision is not None and decision.action != ReviewAction.REJECT:
            gold = gold_by_pk.get(decision.gold_span_pk)
        if gold is not None:
            claimed.add(gold.pk)
        units.append(
            ReviewUnit(
                key=key,
                start=aligned.start,
                end=aligned.end,
                aligned=aligned,
                spans=[by_pk[span.id] for span in aligned.spans],
                decision=decision,
                gold=gold,
            )
        )
    for gold in state.gold_spans:
        if gold.pk in claimed:
            continue
        key = gold_unit_key(gold.pk)
        units.append(
            ReviewUnit(
                key=key,
                start=gold.start,
                end=gold.end,
                aligned=None,
                spans=[],
                decision=latest.get(key),
                gold=gold,
            )
        )
    units.sort(key=lambda unit: (unit.start, unit.end, unit.kind != "aligned", unit.key))
    return units


def review_decision_list(*, user: AbstractBaseUser, document: Document) -> QuerySet:
    """Return the review decisions of a document the user may see, oldest first."""
    return (
        ReviewDecision.objects.visible_to(user)
        .filter(document=document)
        .select_related("reviewer")
        .order_by("id")
    )


# --- An annotator's layer against gold ------------------------------------------------------
GOLD_KEY = "\x00gold"  # no username can be this, so the gold layer never merges with one


@dataclass(frozen=True)
class GoldComparison:
    """One gold span (or one of the reader's spans gold lacks) and how the reader's compares."""

    gold: Span | None
    mine: Span | None
    differing: tuple[str, ...]

    @property
    def outcome(self) -> str:
        """Return ``same``, ``differs``, ``missed`` (not in my layer) or ``extra`` (not gold)."""
        if self.gold is None:
            return "extra"
        if self.mine is None:
            return "missed"
        return "differs" if self.differing else "same"


def gold_comparison(
    *, user: AbstractBaseUser, document: Document
) -> tuple[list[Span], list[GoldComparison]]:
    """Return the gold spans the user may read and, unit by unit, how the user's layer compares.

    Both come through ``span_list``, so an annotator sees gold only once the document is
    adjudicated and they submitted it; before that the lists are empty.
    """
    gold = list(span_list(user=user, document=document, layer=GOLD).select_related("actor"))
    mine = (
        list(span_list(user=user, document=document, layer=MINE).select_related("actor"))
        if gold
        else []
    )
    by_pk = {span.pk: span for span in [*gold, *mine]}
    name = user.get_username()
    alignment = align_spans(
        [annotated_span(span, GOLD_KEY) for span in gold]
        + [annotated_span(span, name) for span in mine],
        [GOLD_KEY, name],
    )
    rows = []
    for unit in alignment.units:
        gold_span, my_span = unit.span_of(GOLD_KEY), unit.span_of(name)
        rows.append(
            GoldComparison(
                gold=None if gold_span is None else by_pk[gold_span.id],
                mine=None if my_span is None else by_pk[my_span.id],
                differing=unit.differing,
            )
        )
    return gold, rows
