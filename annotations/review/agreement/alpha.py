"""Krippendorff's alpha for nominal values, of labels over aligned units and of boundaries.

The package docstring (``annotations.review.agreement``) has the coding choices.
"""

import enum
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from annotations.review.agreement.data import AnnotatedDocument
from annotations.review.alignment import ACTOR, ROLE, STANCE, AnnotatedSpan, DocumentAlignment

# The span attributes compared per unit by alpha; relation types are compared per unit pair
# (``annotations.review.agreement.relations``) under the name RELATION.
ALPHA_ATTRIBUTES = (STANCE, ROLE, ACTOR)
RELATION = "relation"


class _Unmarked(enum.Enum):
    # Enum members cannot collide with any label string, relation type or actor key a debate
    # may use.
    NOT_MARKED = "not marked"
    NOT_LINKED = "not linked"

    # Hashed as they compare, by identity: Enum's own hash is a call in Python, made each
    # time a tuple of values holding one is hashed (millions of times in a debate's count).
    __hash__ = object.__hash__


NOT_MARKED = _Unmarked.NOT_MARKED
NOT_LINKED = _Unmarked.NOT_LINKED

# Each distinct tuple of values one unit got, with how many units got it.
Units = Mapping[tuple[Hashable, ...], int]


@dataclass(frozen=True, slots=True)
class AlphaFigure:
    """Alpha of one attribute and the number of units it was computed over (None: undefined)."""

    attribute: str
    alpha: float | None
    units: int


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
    return unit_alpha(units)


def attribute_alpha(alignments: Iterable[DocumentAlignment], attribute: str) -> float | None:
    """Return the nominal alpha of ``stance``, ``role`` or ``actor`` over the aligned units.

    Units of all ``alignments`` are pooled; an annotator who did not mark a unit gives it
    ``NOT_MARKED``, as the package docstring explains.
    """
    if attribute not in ALPHA_ATTRIBUTES:
        raise ValueError(f"no alpha for {attribute!r}; choose from {ALPHA_ATTRIBUTES}")
    units: Counter[tuple[Hashable, ...]] = Counter()
    for alignment in alignments:
        for unit in alignment.units:
            units[unit_values(unit.spans, alignment.annotators)[attribute]] += 1
    return unit_alpha(units)


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
        units.update(character_units(document))
    return unit_alpha(units)


def alpha_figure(attribute: str, units: Units) -> AlphaFigure:
    """Return the alpha of ``units`` with the number of units that have two or more values."""
    counted = sum(weight for values, weight in units.items() if len(values) >= 2)
    return AlphaFigure(attribute=attribute, alpha=unit_alpha(units), units=counted)


def unit_values(
    spans: Sequence[AnnotatedSpan], annotators: Sequence[str]
) -> dict[str, tuple[Hashable, ...]]:
    """Return, per attribute, the values the annotators (in order) gave one aligned unit."""
    by_annotator = {span.annotator: span for span in spans}
    marked = [by_annotator.get(name) for name in annotators]
    return {
        attribute: tuple(
            NOT_MARKED if span is None else getattr(span, attribute) for span in marked
        )
        for attribute in ALPHA_ATTRIBUTES
    }


def merged_ranges(ranges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Return half-open ranges with the overlapping and touching ones joined, in order."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def character_units(document: AnnotatedDocument) -> Counter[tuple[bool, ...]]:
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
        for start, end in merged_ranges(own):
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


def unit_alpha(units: Units) -> float | None:
    """Return nominal alpha from units (each a tuple of the values given) and their counts.

    Identical units are grouped before the coincidence matrix is built, so the work grows with
    the number of distinct value patterns, not the number of units.
    """
    return pairs_alpha(unit_pairs(units))


def unit_pairs(units: Units) -> dict[int, Counter[tuple[Hashable, Hashable]]]:
    """Return the ordered pairs of values within units, counted per unit size.

    This is the coincidence matrix before each pair is weighted by 1/(size - 1): integers, so
    the pairs of many documents add up exactly and ``pairs_alpha`` of their sum is the alpha
    of all their units together.
    """
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
    return dict(pairs_by_size)


def pairs_alpha(
    pairs_by_size: Mapping[int, Mapping[tuple[Hashable, Hashable], int]],
) -> float | None:
    """Return nominal alpha from the pairs of values within units, counted per unit size.

    The coincidence matrix is summed in exact fractions, so the result is the correctly
    rounded alpha whatever order the pairs come in.
    """
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
