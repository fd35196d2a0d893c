"""The agreement report of one document or of many: alphas, span and relation F1, pairs.

``document_agreement`` gives the figures of one document, ``debate_agreement`` the same
figures pooled over many; a debate of one document gives exactly the document's figures. The
package docstring (``annotations.review.agreement``) has the coding choices.
"""

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from annotations.review.agreement.alpha import (
    ALPHA_ATTRIBUTES,
    NOT_MARKED,
    RELATION,
    AlphaFigure,
    alpha_figure,
    character_units,
    unit_alpha,
    unit_values,
)
from annotations.review.agreement.data import AnnotatedDocument, AnnotatedRelation, F1Counts
from annotations.review.agreement.relations import link_f1, link_values, unit_links
from annotations.review.alignment import ACTOR, ROLE, STANCE, AnnotatedSpan, align_spans

# The attributes broken down per label by F1. Actors are open-ended (users add them), so a
# per-actor F1 table would be mostly empty rows.
LABEL_ATTRIBUTES = (STANCE, ROLE)
# The dimensions of each pair's alphas, in the order the API lists them.
PAIR_ALPHA_DIMENSIONS = (*ALPHA_ATTRIBUTES, RELATION)


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
    """Span and relation F1, alphas and stance confusion of two annotators.

    Over the documents both annotated. The pair is aligned on its own (``align_spans`` with
    just these two layers), so a pair's figures do not change when a third annotator joins.
    ``exact`` matches need identical boundaries, ``overlap`` matches any shared character;
    both ignore labels, ``labels`` breaks them down. ``relations`` counts relations of the
    same type between the same units, ``relations_untyped`` linked unit pairs whatever the
    type. ``alphas`` has one alpha per dimension (``PAIR_ALPHA_DIMENSIONS``) with its number
    of units (for relations: unit pairs either of them linked). Summed over documents, so
    micro-averaged.
    """

    annotators: tuple[str, str]
    documents: int
    exact: F1Counts
    overlap: F1Counts
    labels: tuple[LabelF1, ...]
    stance_confusion: ConfusionMatrix
    relations: F1Counts
    relations_untyped: F1Counts
    alphas: tuple[AlphaFigure, ...]


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement figures of one document or of many pooled together.

    ``units_agreed`` counts units every annotator marked identically. The alphas are None
    where undefined; ``relation_alpha`` is over the ``linked_unit_pairs`` any annotator
    linked. ``exact``/``overlap``/``labels`` and ``relations``/``relations_untyped`` are
    micro-averaged over every annotator pair of every document; ``pairs`` has the same per
    pair, ordered by names.
    """

    documents: int
    annotators: tuple[str, ...]
    units: int
    units_agreed: int
    stance_alpha: float | None
    role_alpha: float | None
    actor_alpha: float | None
    boundary_alpha: float | None
    relation_alpha: float | None
    linked_unit_pairs: int
    exact: F1Counts
    overlap: F1Counts
    labels: tuple[LabelF1, ...]
    relations: F1Counts
    relations_untyped: F1Counts
    pairs: tuple[PairAgreement, ...]


def document_agreement(document: AnnotatedDocument) -> AgreementReport:
    """Return the agreement figures of one document."""
    tally = Tally()
    tally.add(document)
    return tally.report()


def debate_agreement(documents: Iterable[AnnotatedDocument]) -> AgreementReport:
    """Return the agreement figures of many documents pooled, units and counts alike."""
    tally = Tally()
    for document in documents:
        tally.add(document)
    return tally.report()


class PairTally:
    """Everything one annotator pair's figures need, accumulated document by document."""

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
        self.relations = F1Counts()
        self.relations_untyped = F1Counts()
        # Units by what each side marked, (stance, role, actor) or None, counted once per unit
        # and split per attribute for the alphas at the end (one count per unit, not three).
        self.marks: Counter[tuple[tuple[Hashable, ...] | None, ...]] = Counter()
        self.links: Counter[tuple[Hashable, ...]] = Counter()

    def add(self, spans: list[AnnotatedSpan], relations: list[AnnotatedRelation]) -> None:
        left_name, right_name = self.annotators
        self.documents += 1
        alignment = align_spans(spans, self.annotators)
        for unit in alignment.units:
            left, right = unit.span_of(left_name), unit.span_of(right_name)
            self.marks[_marks(left), _marks(right)] += 1
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
        links = unit_links(alignment, relations)
        self.links.update(link_values(links, self.annotators))
        typed, untyped = link_f1(links, left_name, right_name)
        self.relations += typed
        self.relations_untyped += untyped

    def result(self) -> PairAgreement:
        stances = sorted({label for pair in self.confusion for label in pair if label is not None})
        labels = (*stances, None)
        return PairAgreement(
            annotators=self.annotators,
            documents=self.documents,
            exact=F1Counts(self.exact, self.left, self.right),
            overlap=F1Counts(self.overlap, self.left, self.right),
            labels=label_f1(self.labels),
            stance_confusion=ConfusionMatrix(
                annotators=self.annotators,
                labels=labels,
                counts=tuple(
                    tuple(self.confusion[row, column] for column in labels) for row in labels
                ),
            ),
            relations=self.relations,
            relations_untyped=self.relations_untyped,
            alphas=(
                *(
                    alpha_figure(attribute, self.values(position))
                    for position, attribute in enumerate(ALPHA_ATTRIBUTES)
                ),
                alpha_figure(RELATION, self.links),
            ),
        )

    def values(self, position: int) -> Counter[tuple[Hashable, ...]]:
        """Return the pair's units by the values of the attribute at ``position``."""
        values: Counter[tuple[Hashable, ...]] = Counter()
        for sides, units in self.marks.items():
            values[tuple(NOT_MARKED if side is None else side[position] for side in sides)] += units
        return values


class Tally:
    """Everything the figures need, accumulated document by document."""

    def __init__(self) -> None:
        self.documents = 0
        # Documents per annotator, so that taking a document's tally away can drop a name.
        self.annotators: Counter[str] = Counter()
        self.units = 0
        self.units_agreed = 0
        self.values: dict[str, Counter[tuple[Hashable, ...]]] = {
            dimension: Counter() for dimension in PAIR_ALPHA_DIMENSIONS
        }
        self.characters: Counter[tuple[Hashable, ...]] = Counter()
        self.pairs: dict[tuple[str, str], PairTally] = {}

    def add(self, document: AnnotatedDocument) -> None:
        alignment = align_spans(document.spans, document.annotators)
        names = alignment.annotators
        self.documents += 1
        self.annotators.update(names)
        for unit in alignment.units:
            self.units += 1
            self.units_agreed += unit.agreed
            for attribute, values in unit_values(unit.spans, names).items():
                self.values[attribute][values] += 1
        self.values[RELATION].update(link_values(unit_links(alignment, document.relations), names))
        self.characters.update(character_units(document))
        spans_of: dict[str, list[AnnotatedSpan]] = {name: [] for name in names}
        for span in document.spans:
            spans_of[span.annotator].append(span)
        # unit_links above has checked that every relation joins two spans of one layer.
        relations_of: dict[str, list[AnnotatedRelation]] = {name: [] for name in names}
        if document.relations:
            annotator_of = {span.id: span.annotator for span in document.spans}
            for relation in document.relations:
                relations_of[annotator_of[relation.source]].append(relation)
        for pair in combinations(names, 2):
            if pair not in self.pairs:
                self.pairs[pair] = PairTally(pair)
            self.pairs[pair].add(
                spans_of[pair[0]] + spans_of[pair[1]],
                relations_of[pair[0]] + relations_of[pair[1]],
            )

    def report(self) -> AgreementReport:
        pairs = tuple(self.pairs[key].result() for key in sorted(self.pairs))
        labels: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for pair in self.pairs.values():
            for key, counts in pair.labels.items():
                labels[key] = [
                    total + count for total, count in zip(labels[key], counts, strict=True)
                ]
        relation = alpha_figure(RELATION, self.values[RELATION])
        return AgreementReport(
            documents=self.documents,
            annotators=tuple(sorted(self.annotators)),
            units=self.units,
            units_agreed=self.units_agreed,
            stance_alpha=unit_alpha(self.values[STANCE]),
            role_alpha=unit_alpha(self.values[ROLE]),
            actor_alpha=unit_alpha(self.values[ACTOR]),
            boundary_alpha=unit_alpha(self.characters),
            relation_alpha=relation.alpha,
            linked_unit_pairs=relation.units,
            exact=sum((pair.exact for pair in pairs), F1Counts()),
            overlap=sum((pair.overlap for pair in pairs), F1Counts()),
            labels=label_f1(labels),
            relations=sum((pair.relations for pair in pairs), F1Counts()),
            relations_untyped=sum((pair.relations_untyped for pair in pairs), F1Counts()),
            pairs=pairs,
        )


def _marks(span: AnnotatedSpan | None) -> tuple[Hashable, ...] | None:
    return None if span is None else (span.stance, span.role, span.actor)


def label_f1(counts: Mapping[tuple[str, str], list[int]]) -> tuple[LabelF1, ...]:
    """Return per-label F1 from [exact matched, overlap matched, left, right] by label."""
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
