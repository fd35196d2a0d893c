"""What the agreement figures are computed from and counted in: documents, relations, F1 counts."""

from dataclasses import dataclass

from annotations.review.alignment import AnnotatedSpan


@dataclass(frozen=True, slots=True)
class AnnotatedRelation:
    """One annotator's relation: ``source`` and ``target`` are ids of spans in their layer."""

    source: int
    target: int
    type: str


@dataclass(frozen=True, slots=True)
class AnnotatedDocument:
    """One document's submitted layers: every annotator compared, their spans and relations."""

    id: int
    text_length: int
    annotators: tuple[str, ...]
    spans: tuple[AnnotatedSpan, ...]
    relations: tuple[AnnotatedRelation, ...] = ()


@dataclass(frozen=True, slots=True)
class F1Counts:
    """Counts behind a pairwise F1: ``matched`` pairs, and each side's total.

    F1 between two annotators needs no reference: it is 2·matched / (left + right), the same
    whichever annotator is taken as the gold. Counts add up, so the F1 of a sum is the
    micro-average (pooled counts), which weights a document by its number of spans (or
    relations).
    """

    matched: int = 0
    left: int = 0
    right: int = 0

    @property
    def f1(self) -> float | None:
        """Return the F1 score, or None when neither side marked anything."""
        total = self.left + self.right
        return 2 * self.matched / total if total else None

    def __add__(self, other: "F1Counts") -> "F1Counts":
        """Return the pooled counts."""
        return F1Counts(
            self.matched + other.matched, self.left + other.left, self.right + other.right
        )
