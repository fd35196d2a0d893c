"""Reads of the review workflow: a document's review state, the review queue, agreement.

The state of a review is derived, never stored twice: the submitted layers are aligned with
``annotations.review.alignment`` on every read, and each unit's outcome is the latest
``ReviewDecision`` recorded under its key. Agreement figures come from the pure
``annotations.review.agreement`` module, fed with spans loaded in bulk.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Length

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
    ConfusionMatrix,
    debate_agreement,
    document_agreement,
)
from annotations.review.alignment import AlignedUnit, AnnotatedSpan, DocumentAlignment, align_spans
from annotations.selectors import MINE, span_list
from debate.models import Debate, Document, DocumentStatus

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


# --- Queue ----------------------------------------------------------------------------------
REVIEW_QUEUE_STATUSES = (DocumentStatus.READY_FOR_REVIEW, DocumentStatus.ADJUDICATED)


def review_queue(
    *, user: AbstractBaseUser, debate: Debate, status: str = DocumentStatus.READY_FOR_REVIEW
) -> QuerySet[Document]:
    """Return the documents of a debate in one review status, with their review's progress.

    Each document carries ``layers_submitted``, ``review_version``, ``decision_count`` and
    ``reviewer`` (who started its review), all read in the same query.
    """
    submitted = (
        Assignment.objects.filter(document=OuterRef("pk"), status=AssignmentStatus.SUBMITTED)
        .order_by()
        .values("document")
        .annotate(n=Count("pk"))
        .values("n")
    )
    decisions = (
        ReviewDecision.objects.filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Document.objects.visible_to(user)
        .filter(debate=debate, status=status)
        .select_related("debate", "review__started_by", "review__finished_by")
        .defer("text")
        .annotate(
            text_length=Length("text"),
            layers_submitted=Coalesce(Subquery(submitted), Value(0), output_field=IntegerField()),
            decision_count=Coalesce(Subquery(decisions), Value(0), output_field=IntegerField()),
        )
        .order_by("id")
    )


# --- Agreement and progress -----------------------------------------------------------------
def annotated_documents(*, debate: Debate) -> list[AnnotatedDocument]:
    """Return every document of a debate with two or more submitted layers, in three queries.

    Spans are read as plain tuples in bulk; the pure agreement module does the rest.
    """
    layers: defaultdict[int, dict[int, str]] = defaultdict(dict)
    for document_id, annotator_id, username in Assignment.objects.filter(
        document__debate=debate, status=AssignmentStatus.SUBMITTED
    ).values_list("document_id", "annotator_id", "annotator__username"):
        layers[document_id][annotator_id] = username
    compared = {pk: names for pk, names in layers.items() if len(names) >= 2}
    if not compared:
        return []
    lengths = dict(
        Document.objects.filter(pk__in=compared)
        .annotate(text_length=Length("text"))
        .values_list("pk", "text_length")
    )
    spans: defaultdict[int, list[AnnotatedSpan]] = defaultdict(list)
    rows = (
        Span.objects.filter(document__debate=debate, annotator__isnull=False)
        .filter(document_id__in=compared)
        .values_list(
            "pk", "document_id", "annotator_id", "start", "end", "stance", "role", "actor_id"
        )
        .order_by()
    )
    for pk, document_id, annotator_id, start, end, stance, role, actor_id in rows.iterator(
        chunk_size=5000
    ):
        name = compared[document_id].get(annotator_id)
        if name is None:
            continue  # a layer that was not submitted is not compared
        spans[document_id].append(
            AnnotatedSpan(
                id=pk,
                annotator=name,
                start=start,
                end=end,
                stance=stance,
                role=role,
                actor=actor_id,
            )
        )
    return [
        AnnotatedDocument(
            id=pk,
            text_length=lengths[pk],
            annotators=tuple(sorted(compared[pk].values())),
            spans=tuple(spans[pk]),
        )
        for pk in sorted(compared)
    ]


def pooled_confusion(report: AgreementReport) -> ConfusionMatrix | None:
    """Return the stance confusion of every annotator pair added up, or None without pairs.

    Rows are the first annotator of each pair (alphabetically), columns the second; the
    labels are the union of the pairs', sorted, then None for "did not mark it".
    """
    if not report.pairs:
        return None
    counts: Counter[tuple[str | None, str | None]] = Counter()
    for pair in report.pairs:
        matrix = pair.stance_confusion
        for i, row in enumerate(matrix.labels):
            for j, column in enumerate(matrix.labels):
                counts[row, column] += matrix.counts[i][j]
    stances = sorted({label for key in counts for label in key if label is not None})
    labels = (*stances, None)
    return ConfusionMatrix(
        annotators=("first annotator", "second annotator"),
        labels=labels,
        counts=tuple(tuple(counts[row, column] for column in labels) for row in labels),
    )


@dataclass(frozen=True)
class DebateAgreement:
    """A debate's pooled agreement, its summed stance confusion and its progress."""

    debate: Debate
    report: AgreementReport
    stance_confusion: ConfusionMatrix | None
    progress: "DebateProgress"


@dataclass(frozen=True)
class DebateProgress:
    """How far annotation and review got: documents by status, assignments by status."""

    documents: dict[str, int]
    assignments: dict[str, int]
    decisions: int
    annotators_per_document: int

    @property
    def total_documents(self) -> int:
        return sum(self.documents.values())


def debate_progress(*, debate: Debate) -> DebateProgress:
    """Return a debate's annotation and review progress, in three queries."""
    documents = dict.fromkeys(DocumentStatus.values, 0)
    for status, n in (
        Document.objects.filter(debate=debate)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    ):
        documents[status] = n
    assignments = dict.fromkeys(AssignmentStatus.values, 0)
    for status, n in (
        Assignment.objects.filter(document__debate=debate)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    ):
        assignments[status] = n
    decisions = ReviewDecision.objects.filter(
        document__debate=debate, action__in=UNIT_ACTIONS
    ).count()
    return DebateProgress(
        documents=documents,
        assignments=assignments,
        decisions=decisions,
        annotators_per_document=debate.annotators_per_document,
    )


def debate_agreement_get(*, debate: Debate) -> DebateAgreement:
    """Return the agreement of every document of a debate with two or more submitted layers."""
    report = debate_agreement(annotated_documents(debate=debate))
    return DebateAgreement(
        debate=debate,
        report=report,
        stance_confusion=pooled_confusion(report),
        progress=debate_progress(debate=debate),
    )


def assignment_list(*, document: Document) -> QuerySet[Assignment]:
    """Return the assignments of a document with their annotators, by username."""
    return (
        Assignment.objects.filter(document=document)
        .select_related("annotator")
        .order_by("annotator__username")
    )


def debate_assignments(*, debate: Debate) -> dict[int, list[Assignment]]:
    """Return every assignment of a debate by document id, in one query."""
    by_document: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(document__debate=debate)
        .select_related("annotator")
        .order_by("document_id", "annotator__username")
    ):
        by_document[assignment.document_id].append(assignment)
    return by_document


def annotator_loads(*, debate: Debate, annotators: Iterable[int]) -> Counter[int]:
    """Return how many documents of a debate each of ``annotators`` is assigned."""
    return Counter(
        dict(
            Assignment.objects.filter(document__debate=debate, annotator_id__in=list(annotators))
            .order_by()
            .values_list("annotator_id")
            .annotate(n=Count("pk"))
        )
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
