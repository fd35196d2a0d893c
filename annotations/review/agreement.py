"""Inter-annotator agreement: Krippendorff's alpha, span F1 and the stance confusion matrix.

Pure: plain dataclasses in, plain dataclasses out, no Django. ``document_agreement`` gives the
figures of one document, ``debate_agreement`` the same figures pooled over many; a debate of one
document gives exactly the document's figures.

Choices made once and kept everywhere in this module:

- **Not marking is a value, not a missing value.** Units come from ``align_spans``. In a unit
  that some annotators did not mark, each of them contributes the category "not marked" to the
  stance, role and actor alphas. Leaving a stretch of text untagged is a judgement the scheme
  asks for ("this is not an argument"), not a coder failing to code a unit, which is what
  Krippendorff reserves missing values for. Treated as missing, a unit only one annotator
  marked would have a single value and drop out of alpha altogether, and an annotator who
  tagged only the easy half of the arguments would lose nothing. So alpha here answers "do the
  annotators agree on whether this stretch is an argument and, if so, on its stance/role/actor".
  An annotator who marked a span but named no speaker contributes the actor value ``None``,
  a category of its own, distinct from "not marked".
- **Boundaries use the character-level alpha, not the unitizing u-alpha.** See
  ``boundary_alpha``.
- **Span F1 is pairwise, micro-averaged.** See ``F1Counts`` and ``PairAgreement``.
- **Undefined is None.** Alpha is 0/0 when the pairable values show no variation (all in one
  category, or fewer than two values in every unit); F1 is 0/0 when neither annotator marked
  anything. Both are returned as ``None``, never guessed as 0 or 1.

Alpha pools units across documents: it depends only on the values within each unit, not on
who gave them, so documents coded by different annotators can share one reliability table.
"""

import enum
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from annotations.review.alignment import (
    ACTOR,
    ROLE,
    STANCE,
    AnnotatedSpan,
    DocumentAlignment,
    align_spans,
)

# The attributes compared per unit by alpha, and those broken down per label by F1. Actors are
# open-ended (users add them), so a per-actor F1 table would be mostly empty rows.
ALPHA_ATTRIBUTES = (STANCE, ROLE, ACTOR)
LABEL_ATTRIBUTES = (STANCE, ROLE)


class _Unmarked(enum.Enum):
    # An enum member cannot collide with any label string or actor key a debate may use.
    NOT_MARKED = "not marked"


NOT_MARKED = _Unmarked.NOT_MARKED


@dataclass(frozen=True, slots=True)
class AnnotatedDocument:
    """One document's submitted layers: every annotator compared and all of their spans."""

    id: int
    text_length: int
    annotators: tuple[str, ...]
    spans: tuple[AnnotatedSpan, ...]


@dataclass(frozen=True, slots=True)
class F1Counts:
    """Counts behind a pairwise span F1: ``matched`` span pairs, and each side's span total.

    F1 between two annotators needs no reference: it is 2·matched / (left + right), the same
    whichever annotator is taken as the gold. Counts add up, so the F1 of a sum is the
    micro-average (pooled counts), which weights a document by its number of spans.
    """

    matched: int = 0
    left: int = 0
    right: int = 0

    @property
    def f1(self) -> float | None:
        """Return the F1 score, or None when neither side marked a span."""
        total = self.left + self.right
        return 2 * self.matched / total if total else None

    def __add__(self, other: "F1Counts") -> "F1Counts":
        """Return the pooled counts."""
        return F1Counts(
            self.matched + other.matched, self.left + other.left, self.right + other.right
        )


@dataclass(frozen=True, slots=True)
class LabelF1:
    """Span F1 for one label, e.g. ``attribute="stance", label="pro"``.

    Spans are matched once, ignoring labels (the pairing the review page shows); a matched pair
    counts for a label when both spans carry it, and ``left``/``right`` count each side's spans
    with that label. So ``overlap.matched`` is the diagonal cell of the confusion matrix and
    ``left``/``right`` its row and column totals. ``exact`` counts only pairs with identical
    boundaries.
    """

    attribute: str
    label: str
    exact: F1Counts
    overlap: F1Counts


@dataclass(frozen=True, slots=True)
class ConfusionMatrix:
    """Stance of the row annotator's span against the column annotator's, per matched unit.

    ``labels`` are the stances seen, sorted, then ``None`` for "did not mark it" (kept even
    when empty so the dashboard's table has a stable shape). ``counts[i][j]`` counts units the
    row annotator labelled ``labels[i]`` and the column annotator ``labels[j]``.
    """

    annotators: tuple[str, str]
    labels: tuple[str | None, ...]
    counts: tuple[tuple[int, ...], ...]

    def count(self, row: str | None, column: str | None) -> int:
        """Return the count for a row label and a column label (0 for unseen labels)."""
        if row not in self.labels or column not in self.labels:
            return 0
        return self.counts[self.labels.index(row)][self.labels.index(column)]


@dataclass(frozen=True, slots=True)
class PairAgreement:
    """Span F1 and stance confusion of two annotators over the documents both annotated.

    The pair is aligned on its own (``align_spans`` with just these two layers), so a pair's
    figures do not change when a third annotator joins. ``exact`` matches need identical
    boundaries, ``overlap`` matches any shared character; both ignore labels, ``labels`` breaks
    them down. Summed over documents, so micro-averaged.
    """

    annotators: tuple[str, str]
    documents: int
    exact: F1Counts
    overlap: F1Counts
    labels: tuple[LabelF1, ...]
    stance_confusion: ConfusionMatrix


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement figures of one document or of many pooled together.

    ``units_agreed`` counts units every annotator marked identically. The alphas are None
    where undefined. ``exact``/``overlap``/``labels`` are micro-averaged over every annotator
    pair of every document; ``pairs`` has the same per pair, ordered by names.
    """

    documents: int
    annotators: tuple[str, ...]
    units: int
    units_agreed: int
    stance_alpha: float | None
    role_alpha: float | None
    actor_alpha: float | None
    boundary_alpha: float | None
    exact: F1Counts
    overlap: F1Counts
    labels: tuple[LabelF1, ...]
    pairs: tuple[PairAgreement, ...]


def krippendorff_alpha_nominal(
    reliability_data: Sequence[Sequence[Hashable | None]],
) -> float | None:
    """Return Krippendorff's alpha for nominal values, or None where it is undefined.

    Rows are coders and columns units, as in the ``krippendorff`` package; ``None`` or NaN
    marks a value a coder did not give. Values are compared by equality only. Alpha is
    undefined (None) when the pairable values, those in units with at least two, show no
    variation: all in one category, or none at all.
    """
    rows = [list(row) for row in reliability_data]
    if any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("every coder needs a value (or None) for every unit")
    units = Counter(
        tuple(value for value in column if not _is_missing(value))
        for column in zip(*rows, strict=True)
    )
    return _alpha(units)


def attribute_alpha(alignments: Iterable[DocumentAlignment], attribute: str) -> float | None:
    """Return the nominal alpha of ``stance``, ``role`` or ``actor`` over the aligned units.

    Units of all ``alignments`` are pooled; an annotator who did not mark a unit gives it
    ``NOT_MARKED``, as the module docstring explains.
    """
    if attribute not in ALPHA_ATTRIBUTES:
        raise ValueError(f"no alpha for {attribute!r}; choose from {ALPHA_ATTRIBUTES}")
    units: Counter[tuple[Hashable, ...]] = Counter()
    for alignment in alignments:
        for unit in alignment.units:
            units[_unit_values(unit.spans, alignment.annotators)[attribute]] += 1
    return _alpha(units)


def boundary_alpha(documents: Iterable[AnnotatedDocument]) -> float | None:
    """Return the character-level nominal alpha of "inside a span" versus "outside".

    Every code point of every document is a unit, and each annotator gives it one of two
    values: inside one of their spans or not. We use this rather than Krippendorff's unitizing
    u-alpha because (1) it runs through the same alpha as every other figure here, checked
    against the ``krippendorff`` package, where u-alpha would be a second, separately verified
    formula with few published values to test against; (2) our spans may overlap within one
    layer, which u-alpha's segmentation of the continuum does not allow, while "is this
    character inside any of my spans" is always defined; (3) it is the reading researchers can
    reproduce with any alpha tool from a per-character table. Like u-alpha it counts untagged
    text, so two annotators who mark short spans in a long text agree a lot by leaving the
    rest alone; that is the measure's definition, not a defect. Characters are counted by
    coverage runs, so the cost grows with the number of spans, not the length of the text.
    """
    units: Counter[tuple[Hashable, ...]] = Counter()
    for document in documents:
        units.update(_character_units(document))
    return _alpha(units)


def document_agreement(document: AnnotatedDocument) -> AgreementReport:
    """Return the agreement figures of one document."""
    tally = _Tally()
    tally.add(document)
    return tally.report()


def debate_agreement(documents: Iterable[AnnotatedDocument]) -> AgreementReport:
    """Return the agreement figures of many documents pooled, units and counts alike."""
    tally = _Tally()
    for document in documents:
        tally.add(document)
    return tally.report()


class _PairTally:
    def __init__(self, annotators: tuple[str, str]) -> None:
        self.annotators = annotators
        self.documents = 0
        self.exact = 0
        self.overlap = 0
        self.left = 0
        self.right = 0
        # (attribute, label) -> [exact matched, overlap matched, left, right]
        self.labels: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.confusion: Counter[tuple[str | None, str | None]] = Counter()

    def add(self, spans: list[AnnotatedSpan]) -> None:
        left_name, right_name = self.annotators
        self.documents += 1
        for unit in align_spans(spans, self.annotators).units:
            left, right = unit.span_of(left_name), unit.span_of(right_name)
            self.confusion[
                None if left is None else left.stance, None if right is None else right.stance
            ] += 1
            if left is not None:
                self.left += 1
                for attribute in LABEL_ATTRIBUTES:
                    self.labels[attribute, getattr(left, attribute)][2] += 1
            if right is not None:
                self.right += 1
                for attribute in LABEL_ATTRIBUTES:
                    self.labels[attribute, getattr(right, attribute)][3] += 1
            if left is None or right is None:
                continue
            exact = (left.start, left.end) == (right.start, right.end)
            self.overlap += 1
            self.exact += exact
            for attribute in LABEL_ATTRIBUTES:
                label = getattr(left, attribute)
                if label == getattr(right, attribute):
                    self.labels[attribute, label][0] += exact
                    self.labels[attribute, label][1] += 1

    def result(self) -> PairAgreement:
        stances = sorted({label for pair in self.confusion for label in pair if label is not None})
        labels = (*stances, None)
        return PairAgreement(
            annotators=self.annotators,
            documents=self.documents,
            exact=F1Counts(self.exact, self.left, self.right),
            overlap=F1Counts(self.overlap, self.left, self.right),
            labels=_label_f1(self.labels),
            stance_confusion=ConfusionMatrix(
                annotators=self.annotators,
                labels=labels,
                counts=tuple(
                    tuple(self.confusion[row, column] for column in labels) for row in labels
                ),
            ),
        )


class _Tally:
    """Everything the figures need, accumulated document by document."""

    def __init__(self) -> None:
        self.documents = 0
        self.annotators: set[str] = set()
        self.units = 0
        self.units_agreed = 0
        self.values: dict[str, Counter[tuple[Hashable, ...]]] = {
            attribute: Counter() for attribute in ALPHA_ATTRIBUTES
        }
        self.characters: Counter[tuple[Hashable, ...]] = Counter()
        self.pairs: dict[tuple[str, str], _PairTally] = {}

    def add(self, document: AnnotatedDocument) -> None:
        alignment = align_spans(document.spans, document.annotators)
        names = alignment.annotators
        self.documents += 1
        self.annotators.update(names)
        for unit in alignment.units:
            self.units += 1
            self.units_agreed += unit.agreed
            for attribute, values in _unit_values(unit.spans, names).items():
                self.values[attribute][values] += 1
        self.characters.update(_character_units(document))
        by_annotator: dict[str, list[AnnotatedSpan]] = {name: [] for name in names}
        for span in document.spans:
            by_annotator[span.annotator].append(span)
        for pair in combinations(names, 2):
            if pair not in self.pairs:
                self.pairs[pair] = _PairTally(pair)
            self.pairs[pair].add(by_annotator[pair[0]] + by_annotator[pair[1]])

    def report(self) -> AgreementReport:
        pairs = tuple(self.pairs[key].result() for key in sorted(self.pairs))
        labels: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for pair in self.pairs.values():
            for key, counts in pair.labels.items():
                labels[key] = [
                    total + count for total, count in zip(labels[key], counts, strict=True)
                ]
        return AgreementReport(
            documents=self.documents,
            annotators=tuple(sorted(self.annotators)),
            units=self.units,
            units_agreed=self.units_agreed,
            stance_alpha=_alpha(self.values[STANCE]),
            role_alpha=_alpha(self.values[ROLE]),
            actor_alpha=_alpha(self.values[ACTOR]),
            boundary_alpha=_alpha(self.characters),
            exact=sum((pair.exact for pair in pairs), F1Counts()),
            overlap=sum((pair.overlap for pair in pairs), F1Counts()),
            labels=_label_f1(labels),
            pairs=pairs,
        )


def _label_f1(counts: Mapping[tuple[str, str], list[int]]) -> tuple[LabelF1, ...]:
    ordered = sorted(counts, key=lambda key: (LABEL_ATTRIBUTES.index(key[0]), key[1]))
    return tuple(
        LabelF1(
            attribute=attribute,
            label=label,
            exact=F1Counts(exact, left, right),
            overlap=F1Counts(overlap, left, right),
        )
        for attribute, label in ordered
        for exact, overlap, left, right in [counts[attribute, label]]
    )


def _unit_values(
    spans: Sequence[AnnotatedSpan], annotators: Sequence[str]
) -> dict[str, tuple[Hashable, ...]]:
    by_annotator = {span.annotator: span for span in spans}
    marked = [by_annotator.get(name) for name in annotators]
    return {
        attribute: tuple(
            NOT_MARKED if span is None else getattr(span, attribute) for span in marked
        )
        for attribute in ALPHA_ATTRIBUTES
    }


def _character_units(document: AnnotatedDocument) -> Counter[tuple[bool, ...]]:
    """Count the document's characters by their values: inside (True) or not, per annotator."""
    ranges: dict[str, list[tuple[int, int]]] = {name: [] for name in document.annotators}
    for span in document.spans:
        if span.start < 0 or span.end <= span.start:
            raise ValueError(f"span {span.id} has an empty or negative range")
        if span.annotator not in ranges:
            raise ValueError(f"span {span.id} belongs to unlisted annotator {span.annotator!r}")
        if span.end > document.text_length:
            raise ValueError(f"span {span.id} ends after the text of document {document.id}")
        ranges[span.annotator].append((span.start, span.end))
    changes: Counter[int] = Counter()
    for own in ranges.values():
        # Merge one annotator's own overlapping spans first: a character is inside or not.
        merged: list[list[int]] = []
        for start, end in sorted(own):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            changes[start] += 1
            changes[end] -= 1
    covered: Counter[int] = Counter()
    inside = position = 0
    for boundary in sorted(changes):
        covered[inside] += boundary - position
        inside += changes[boundary]
        position = boundary
    covered[inside] += document.text_length - position
    # Which annotators cover a character does not matter to alpha, only how many do.
    return Counter(
        {
            (True,) * inside + (False,) * (len(ranges) - inside): characters
            for inside, characters in covered.items()
            if characters
        }
    )


def _is_missing(value: object) -> bool:
    # NaN is the one value unequal to itself; it is how numpy tables mark a missing value.
    return value is None or value != value


def _alpha(units: Mapping[tuple[Hashable, ...], int]) -> float | None:
    """Return nominal alpha from units (each a tuple of the values given) and their counts.

    Identical units are grouped before the coincidence matrix is built, so the work grows with
    the number of distinct value patterns, not the number of units; and the matrix is summed
    in exact fractions so the result is the correctly rounded alpha.
    """
    # Pairs of values within units, grouped by unit size m, since each is weighted 1/(m - 1).
    pairs_by_size: defaultdict[int, Counter[tuple[Hashable, Hashable]]] = defaultdict(Counter)
    for values, weight in units.items():
        if len(values) < 2:
            continue  # a lone value has nothing to be paired with
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    pairs_by_size[len(values)][c, k] += weight * pairs
    coincidences: defaultdict[tuple[Hashable, Hashable], Fraction] = defaultdict(Fraction)
    for size, pairs in pairs_by_size.items():
        for pair, count in pairs.items():
            coincidences[pair] += Fraction(count, size - 1)

    totals: defaultdict[Hashable, Fraction] = defaultdict(Fraction)
    for (c, _), coincidence in coincidences.items():
        totals[c] += coincidence
    n = sum(totals.values(), Fraction())
    expected = n * n - sum(total * total for total in totals.values())
    if expected == 0:
        return None
    observed = sum(
        (coincidence for (c, k), coincidence in coincidences.items() if c != k), Fraction()
    )
    return float(1 - (n - 1) * observed / expected)
