"""Reads of a debate's review: the queue, agreement and progress, and the assignments.

Agreement figures come from the pure ``annotations.review.agreement`` module, summed from the
counts kept per document (``tallies``), which are counted from the submitted layers read in
bulk (``layers``).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

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
    Assignment,
    AssignmentStatus,
    ReviewDecision,
)
from annotations.review.agreement import AgreementReport, ConfusionMatrix
from annotations.review.selectors.state import UNIT_ACTIONS
from annotations.review.selectors.status_counts import ASSIGNMENT, DOCUMENT, debate_status_counts
from annotations.review.selectors.tallies import debate_tally_get
from debate.models import Debate, Document, DocumentStatus

# --- Queue ----------------------------------------------------------------------------------
REVIEW_QUEUE_STATUSES = (DocumentStatus.READY_FOR_REVIEW, DocumentStatus.ADJUDICATED)
# Two counts of a review, the same on the queue and the dashboard: every decision recorded
# (accept, edit, reject, add, link, unlink, finish; a changed mind counts again), and the
# units decided, those with an accept, edit, reject or add. Unit keys name span ids, which no
# two documents share, so counting distinct keys over a debate counts its units.
UNIT_DECISIONS = {"action__in": UNIT_ACTIONS, "unit_key__gt": ""}


def review_queue(
    *, user: AbstractBaseUser, debate: Debate, status: str = DocumentStatus.READY_FOR_REVIEW
) -> QuerySet[Document]:
    """Return the documents of a debate in one review status, with their review's progress.

    Each document carries ``layers_submitted``, ``decision_count`` (every decision recorded,
    as ``debate_progress`` counts them), ``units_decided`` and its review (with who started
    and finished it), all read in the same query.
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
    units = (
        ReviewDecision.objects.filter(document=OuterRef("pk"), **UNIT_DECISIONS)
        .order_by()
        .values("document")
        .annotate(n=Count("unit_key", distinct=True))
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
            units_decided=Coalesce(Subquery(units), Value(0), output_field=IntegerField()),
        )
        .order_by("id")
    )


# --- Agreement and progress -----------------------------------------------------------------
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
    units_decided: int
    annotators_per_document: int

    @property
    def total_documents(self) -> int:
        return sum(self.documents.values())


def debate_progress(*, debate: Debate) -> DebateProgress:
    """Return a debate's annotation and review progress, in two queries.

    Documents and assignments by status come from the counts the database keeps
    (``status_counts``), not from counting them.
    """
    counts = debate_status_counts(debate=debate)
    decided = ReviewDecision.objects.filter(document__debate=debate).aggregate(
        decisions=Count("pk"),
        units=Count("unit_key", distinct=True, filter=Q(**UNIT_DECISIONS)),
    )
    return DebateProgress(
        documents=counts[DOCUMENT],
        assignments=counts[ASSIGNMENT],
        decisions=decided["decisions"],
        units_decided=decided["units"],
        annotators_per_document=debate.annotators_per_document,
    )


def debate_agreement_get(*, debate: Debate) -> DebateAgreement:
    """Return the agreement of every document of a debate with two or more submitted layers.

    The figures are summed from each document's kept counts (``tallies``), counting first the
    documents whose counts are missing or stale; they equal ``debate_agreement`` of every
    such document's layers.
    """
    report = debate_tally_get(debate=debate, fill_later=True).report()
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
