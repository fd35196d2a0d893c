"""Align the spans that several annotators marked on one document into comparable units.

Pure: plain dataclasses in, plain dataclasses out, no Django. The review page shows the units
side by side and the agreement module (``annotations.review.agreement``) measures them.

How spans become units:

1. Every pair of overlapping spans from different annotators is a candidate, scored by the
   Jaccard index of their character ranges (shared characters / characters in either).
   Identical ranges score exactly 1 and no other pair can, so exact matches are always taken
   before any partial overlap.
2. Candidates are taken best first. Equal scores prefer the larger shared stretch, then the
   earlier position in the text (spans ordered by start, end, annotator, id), so the result
   never depends on the order the spans arrive in.
3. A candidate joins the two spans' units unless that would put two spans of one annotator in
   a unit, or put two spans that do not overlap each other in a unit. The second rule stops a
   chain of partial overlaps from gluing unrelated stretches of text together.
4. Every span ends in exactly one unit; a span nobody else overlapped is a unit on its own,
   with the other annotators recorded as missing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

BOUNDARIES = "boundaries"
STANCE = "stance"
ROLE = "role"
ACTOR = "actor"
# The order in which differing attributes are named, everywhere.
ATTRIBUTES = (BOUNDARIES, STANCE, ROLE, ACTOR)


@dataclass(frozen=True, slots=True)
class AnnotatedSpan:
    """One annotator's span: half-open code-point range ``[start, end)`` and its labels.

    ``actor`` is any hashable key of the speaker (an actor id or name), ``None`` when the
    annotator named no speaker. ``quote`` is carried for display only and never compared.
    """

    id: int
    annotator: str
    start: int
    end: int
    stance: str
    role: str
    actor: int | str | None = None
    quote: str = ""


@dataclass(frozen=True, slots=True)
class AlignedUnit:
    """Spans of different annotators that mark the same stretch of text.

    ``start``/``end`` cover every span in the unit. ``spans`` holds at most one span per
    annotator, ordered by annotator; ``missing`` names the annotators who marked nothing here.
    ``differing`` names, in ``ATTRIBUTES`` order, what the present spans disagree on; it is
    empty when only one annotator marked the unit, since there is nothing to compare.
    """

    start: int
    end: int
    spans: tuple[AnnotatedSpan, ...]
    missing: tuple[str, ...]
    differing: tuple[str, ...]

    @property
    def annotators(self) -> tuple[str, ...]:
        """Return the annotators who marked this unit."""
        return tuple(span.annotator for span in self.spans)

    @property
    def agreed(self) -> bool:
        """Return whether every annotator marked this unit identically."""
        return not self.missing and not self.differing

    def span_of(self, annotator: str) -> AnnotatedSpan | None:
        """Return ``annotator``'s span in this unit, or None if they did not mark it."""
        for span in self.spans:
            if span.annotator == annotator:
                return span
        return None


@dataclass(frozen=True, slots=True)
class DocumentAlignment:
    """The units of one document, ordered by ``(start, end)``, and the annotators compared."""

    annotators: tuple[str, ...]
    units: tuple[AlignedUnit, ...]


def align_spans(spans: Iterable[AnnotatedSpan], annotators: Iterable[str]) -> DocumentAlignment:
    """Align the spans of ``annotators`` on one document into units.

    ``annotators`` lists every layer being compared, including one that marked nothing: such
    an annotator is missing from every unit rather than silently left out. Raise ValueError on
    a span with an empty or negative range, a repeated span id, or an unlisted annotator.
    """
    names = tuple(sorted(set(annotators)))
    ordered = sorted(spans, key=_text_order)
    _check(ordered, names)

    candidates = []
    for i, left in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            right = ordered[j]
            # Sorted by start: once a span starts at or after left's end, none later overlaps.
            if right.start >= left.end:
                break
            if right.annotator == left.annotator:
                continue
            shared = min(left.end, right.end) - right.start
            either = max(left.end, right.end) - left.start
            # Negated so that one ascending sort puts the best candidate first; i and j break
            # remaining ties by text position.
            candidates.append((-shared / either, -shared, i, j))
    candidates.sort()

    unit_of = list(range(len(ordered)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(ordered))}
    for _, _, i, j in candidates:
        first, second = unit_of[i], unit_of[j]
        if first == second or not _can_join(ordered, members[first], members[second]):
            continue
        if len(members[first]) < len(members[second]):
            first, second = second, first
        for index in members[second]:
            unit_of[index] = first
        members[first].extend(members.pop(second))

    # A unit's smallest index is a unique, input-order-independent last tie-breaker.
    units = sorted(
        ((_unit(ordered, indexes, names), min(indexes)) for indexes in members.values()),
        key=lambda pair: (pair[0].start, pair[0].end, pair[1]),
    )
    return DocumentAlignment(annotators=names, units=tuple(unit for unit, _ in units))


def _text_order(span: AnnotatedSpan) -> tuple[int, int, str, int]:
    return (span.start, span.end, span.annotator, span.id)


def _check(spans: list[AnnotatedSpan], annotators: tuple[str, ...]) -> None:
    known = set(annotators)
    seen: set[int] = set()
    for span in spans:
        if span.start < 0 or span.end <= span.start:
            raise ValueError(f"span {span.id} has an empty or negative range")
        if span.annotator not in known:
            raise ValueError(f"span {span.id} belongs to unlisted annotator {span.annotator!r}")
        if span.id in seen:
            raise ValueError(f"span id {span.id} appears twice")
        seen.add(span.id)


def _can_join(spans: list[AnnotatedSpan], first: list[int], second: list[int]) -> bool:
    if {spans[i].annotator for i in first} & {spans[j].annotator for j in second}:
        return False
    return all(
        spans[i].start < spans[j].end and spans[j].start < spans[i].end
        for i in first
        for j in second
    )


def _unit(
    spans: list[AnnotatedSpan], indexes: list[int], annotators: tuple[str, ...]
) -> AlignedUnit:
    chosen = sorted((spans[i] for i in indexes), key=lambda span: span.annotator)
    present = {span.annotator for span in chosen}
    return AlignedUnit(
        start=min(span.start for span in chosen),
        end=max(span.end for span in chosen),
        spans=tuple(chosen),
        missing=tuple(name for name in annotators if name not in present),
        differing=_differing(chosen),
    )


def _differing(spans: list[AnnotatedSpan]) -> tuple[str, ...]:
    values = {
        BOUNDARIES: {(span.start, span.end) for span in spans},
        STANCE: {span.stance for span in spans},
        ROLE: {span.role for span in spans},
        ACTOR: {span.actor for span in spans},
    }
    return tuple(attribute for attribute in ATTRIBUTES if len(values[attribute]) > 1)
