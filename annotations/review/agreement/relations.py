"""Relations between aligned units: each relation read as (source unit, target unit, type).

A relation joins two spans of one layer. Through an alignment (``align_spans``) each span is
in one unit, so a relation becomes a link from one unit to another, and two annotators' links
can be compared although their spans differ in boundaries or labels. A unit holds at most one
span per annotator, so an annotator's relations and their links correspond one to one.
Direction counts: a link from A to B is not one from B to A.
"""

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence

from annotations.review.agreement.alpha import NOT_LINKED
from annotations.review.agreement.data import AnnotatedRelation, F1Counts
from annotations.review.alignment import DocumentAlignment

# (source unit, target unit) -> annotator -> the relation types they gave it.
Links = dict[tuple[int, int], dict[str, set[str]]]


def unit_links(alignment: DocumentAlignment, relations: Sequence[AnnotatedRelation]) -> Links:
    """Return each annotator's relation types per ordered pair of units (by position).

    Raise ValueError for a relation with an end the alignment does not hold, or with its
    ends in two annotators' layers.
    """
    if not relations:
        return {}
    unit_of: dict[int, int] = {}
    annotator_of: dict[int, str] = {}
    for index, unit in enumerate(alignment.units):
        for span in unit.spans:
            unit_of[span.id] = index
            annotator_of[span.id] = span.annotator
    links: defaultdict[tuple[int, int], dict[str, set[str]]] = defaultdict(dict)
    for relation in relations:
        source, target = unit_of.get(relation.source), unit_of.get(relation.target)
        if source is None or target is None:
            raise ValueError(
                f"relation {relation.source}->{relation.target} has an end that is not compared"
            )
        annotator = annotator_of[relation.source]
        if annotator_of[relation.target] != annotator:
            raise ValueError(
                f"relation {relation.source}->{relation.target} joins two annotators' spans"
            )
        links[source, target].setdefault(annotator, set()).add(relation.type)
    return dict(links)


def link_values(links: Links, annotators: Sequence[str]) -> Counter[tuple[Hashable, ...]]:
    """Return the values of every linked unit pair for alpha, one per annotator (in order).

    An annotator who did not link the pair gives ``NOT_LINKED``; one who gave it two types
    gives both, sorted, as one value of its own.
    """
    values: Counter[tuple[Hashable, ...]] = Counter()
    for by_annotator in links.values():
        values[tuple(_link_value(by_annotator.get(name)) for name in annotators)] += 1
    return values


def link_f1(links: Links, left: str, right: str) -> tuple[F1Counts, F1Counts]:
    """Return the relation F1 counts of two annotators: typed, then ignoring the type.

    Typed, a relation is matched when the other annotator has one of the same type from the
    same unit to the same unit; ignoring the type, the counts are of linked unit pairs.
    """
    typed = [0, 0, 0]
    untyped = [0, 0, 0]
    for by_annotator in links.values():
        mine, theirs = by_annotator.get(left, set()), by_annotator.get(right, set())
        typed[0] += len(mine & theirs)
        typed[1] += len(mine)
        typed[2] += len(theirs)
        untyped[0] += bool(mine and theirs)
        untyped[1] += bool(mine)
        untyped[2] += bool(theirs)
    return F1Counts(*typed), F1Counts(*untyped)


def _link_value(types: set[str] | None) -> Hashable:
    if not types:
        return NOT_LINKED
    if len(types) == 1:
        return next(iter(types))
    return tuple(sorted(types))
