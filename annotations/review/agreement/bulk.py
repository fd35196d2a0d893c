"""One document's tally from plain rows, as ``document_tally`` gives it, in a fraction of the time.

Counting every document of a large debate afresh (``annotations.review.selectors.tallies``)
spent most of its time building objects: spans, units and an alignment for the document and
one more for each pair of annotators, each scored and sorted on its own. ``rows_tally``
gives exactly what ``document_tally`` gives for the same layers (the same counts inserted in
the same order, so the same stored bytes) from spans and relations as plain tuples:

- The spans are ordered and their candidates scored and sorted once, for the document and
  for every pair. A pair's candidates are the document's candidates between the two layers,
  in the same order: a pair's text order is the document's without the other layers' spans,
  so the positions that break ties compare alike.
- A pair's unit holds at most two spans, one of each layer, and two spans that are a
  candidate overlap; so a pair's alignment is a greedy matching: a candidate joins its spans
  when neither is matched yet (``align_spans``'s rules, which need no checking there).
- A span is a tuple ``(start, end, layer, id, ...)``, ``layer`` its annotator's place
  among the sorted names, so tuples sort in ``align_spans``'s text order.

A document ``document_tally`` refuses (a span of an unlisted annotator, an empty range, a
repeated id, a span past the text, a relation between layers or to a span not compared) is
handed to it, which raises the same error. ``tests/annotations/review/agreement/test_bulk.py``
holds the two to the same bytes over random layers.
"""

from collections.abc import Hashable, Mapping, Sequence
from itertools import combinations
from typing import Any

from annotations.review.agreement.alpha import NOT_MARKED, RELATION, merged_ranges
from annotations.review.agreement.counts import document_tally
from annotations.review.agreement.data import AnnotatedDocument, AnnotatedRelation
from annotations.review.agreement.relations import Links, link_f1, link_values
from annotations.review.agreement.report import PairTally, Tally
from annotations.review.alignment import ACTOR, ROLE, STANCE, AnnotatedSpan

# A span as read: the fields of ``AnnotatedSpan`` up to ``actor``, in its order, but the
# annotator's key (see ``rows_tally``) for their name; any fields after these are ignored.
SpanRow = tuple[Any, ...]
# A relation as read: the fields of ``AnnotatedRelation``, in its order.
RelationRow = tuple[int, int, str]
# (start, end, layer, id, (stance, role, actor), (start, end, stance, role, actor),
# (STANCE, stance), (ROLE, role)): the last two name its labels as ``PairTally.labels`` does.
_Span = tuple[Any, ...]
# What a layer that did not mark a unit gives it, in place of (start, end, stance, role, actor).
_UNMARKED = (None, None, NOT_MARKED, NOT_MARKED, NOT_MARKED)
# A pair's unit: (start, end, its first span's place, left span, right span), None for a
# layer that did not mark it.
_PairUnit = tuple[int, int, int, _Span, _Span | None]


class _Refused(Exception):
    """The layers break a rule ``document_tally`` checks: it is left to raise the error."""


def rows_tally(
    document_id: int,
    text_length: int,
    annotators: Mapping[Hashable, str],
    spans: Sequence[SpanRow],
    relations: Sequence[RelationRow] = (),
) -> Tally:
    """Return ``document_tally`` of the document with these layers, read as plain rows.

    ``annotators`` names each layer compared by the key its spans carry (an annotator id).
    """
    try:
        return _tally(annotators, text_length, spans, relations)
    except _Refused:
        return document_tally(
            AnnotatedDocument(
                id=document_id,
                text_length=text_length,
                annotators=tuple(annotators.values()),
                spans=tuple(
                    AnnotatedSpan(row[0], annotators.get(row[1], row[1]), *row[2:7])
                    for row in spans
                ),
                relations=tuple(AnnotatedRelation(*row) for row in relations),
            )
        )


def _tally(
    annotators: Mapping[Hashable, str],
    text_length: int,
    rows: Sequence[SpanRow],
    relations: Sequence[RelationRow],
) -> Tally:
    names = tuple(sorted(set(annotators.values())))
    layer_of = {key: names.index(name) for key, name in annotators.items()}
    layers = len(names)
    if len({row[0] for row in rows}) != len(rows):
        raise _Refused  # a repeated span id
    ordered: list[_Span] = []
    for span_id, key, start, end, stance, role, actor, *_rest in rows:
        layer = layer_of.get(key)
        if layer is None or start < 0 or end <= start or end > text_length:
            raise _Refused
        marks = (stance, role, actor)
        ordered.append(
            (
                start,
                end,
                layer,
                span_id,
                marks,
                (start, end, *marks),
                (STANCE, stance),
                (ROLE, role),
            )
        )
    # Ids are unique, so tuples never compare their labels.
    ordered.sort()
    count = len(ordered)
    candidates = []
    for i in range(count):
        left_start, left_end, left_layer = ordered[i][0], ordered[i][1], ordered[i][2]
        for j in range(i + 1, count):
            right = ordered[j]
            right_start = right[0]
            if right_start >= left_end:
                break
            if right[2] == left_layer:
                continue
            right_end = right[1]
            shared = (left_end if left_end < right_end else right_end) - right_start
            either = (left_end if left_end > right_end else right_end) - left_start
            candidates.append((-shared / either, -shared, i, j))
    candidates.sort()
    unit_of, units = _units(ordered, candidates, layers)
    name_of: dict[int, str] = {}
    relations_of: list[list[RelationRow]] = [[] for _ in names]
    if relations:
        span_layer = {span[3]: span[2] for span in ordered}
        name_of = {span_id: names[layer] for span_id, layer in span_layer.items()}
        for relation in relations:
            source, target = span_layer.get(relation[0]), span_layer.get(relation[1])
            if source is None or target is None or source != target:
                raise _Refused
            relations_of[source].append(relation)

    tally = Tally()
    tally.documents = 1
    tally.annotators.update(names)
    # Each unit's values, counted at the end by Counter.update (in C, in the units' order).
    stances, roles, actors = [], [], []
    for _start, _end, _first, row in units:
        # Each span's (start, end, stance, role, actor); NOT_MARKED where a layer has none.
        marked = [_UNMARKED if span is None else span[5] for span in row]
        # All marked alike: every layer marked it (_UNMARKED cannot be the first of all).
        tally.units_agreed += marked.count(marked[0]) == layers
        _starts, _ends, stance, role, actor = zip(*marked, strict=True)
        stances.append(stance)
        roles.append(role)
        actors.append(actor)
    tally.units = len(units)
    tally.values[STANCE].update(stances)
    tally.values[ROLE].update(roles)
    tally.values[ACTOR].update(actors)
    if relations:
        tally.values[RELATION].update(link_values(_links(relations, unit_of, name_of), names))
    tally.characters.update(_characters(ordered, layers, text_length))
    by_layer: list[list[int]] = [[] for _ in names]
    for index, span in enumerate(ordered):
        by_layer[span[2]].append(index)
    matched: dict[tuple[int, int], list[tuple[int, int]]] = {
        pair: [] for pair in combinations(range(layers), 2)
    }
    for _score, _shared, i, j in candidates:
        left, right = ordered[i][2], ordered[j][2]
        matched[(left, right) if left < right else (right, left)].append((i, j))
    for (left, right), pair_candidates in matched.items():
        pair = PairTally((names[left], names[right]))
        pair_units = _pair_add(pair, ordered, by_layer[left], by_layer[right], pair_candidates)
        if relations:
            pair_relations = relations_of[left] + relations_of[right]
            _pair_links(pair, pair_units, pair_relations, name_of)
        tally.pairs[pair.annotators] = pair
    return tally


def _units(
    ordered: list[_Span], candidates: list[tuple[float, int, int, int]], layers: int
) -> tuple[dict[int, int], list[tuple[int, int, int, list[_Span | None]]]]:
    """Return the unit of each span id and the units as ``align_spans`` orders them.

    A unit is (start, end, its first span's place, its spans by layer or None).
    """
    unit_of = list(range(len(ordered)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(ordered))}
    for _score, _shared, i, j in candidates:
        first, second = unit_of[i], unit_of[j]
        if first == second:
            continue
        kept, joined = members[first], members[second]
        # Two lone spans of a candidate are of two layers and overlap: they may always join.
        if (len(kept) > 1 or len(joined) > 1) and not _can_join(ordered, kept, joined):
            continue
        if len(kept) < len(joined):
            first, second, kept, joined = second, first, joined, kept
        for index in joined:
            unit_of[index] = first
        kept.extend(joined)
        del members[second]
    units = []
    for indexes in members.values():
        row: list[_Span | None] = [None] * layers
        end = 0
        for index in indexes:
            span = ordered[index]
            row[span[2]] = span
            end = max(end, span[1])
        first = min(indexes)
        units.append((ordered[first][0], end, first, row))
    units.sort()
    span_units = {
        span[3]: position
        for position, (_start, _end, _first, row) in enumerate(units)
        for span in row
        if span is not None
    }
    return span_units, units


def _can_join(ordered: list[_Span], kept: list[int], joined: list[int]) -> bool:
    if {ordered[i][2] for i in kept} & {ordered[j][2] for j in joined}:
        return False
    return all(
        ordered[i][0] < ordered[j][1] and ordered[j][0] < ordered[i][1]
        for i in kept
        for j in joined
    )


def _matching(pair_candidates: list[tuple[int, int]]) -> dict[int, int]:
    """Return each matched span's partner: a pair's alignment (see the module docstring)."""
    partner: dict[int, int] = {}
    for i, j in pair_candidates:
        if i not in partner and j not in partner:
            partner[i] = j
            partner[j] = i
    return partner


def _pair_add(
    pair: PairTally,
    ordered: list[_Span],
    lefts: list[int],
    rights: list[int],
    candidates: list[tuple[int, int]],
) -> list[_PairUnit]:
    """Do what ``PairTally.add`` does but for the relations; return the pair's units.

    ``lefts`` and ``rights`` are the places of each layer's spans, ``candidates`` those
    between them. A unit is (start, end, its first span's place, left span, right span), a
    span None where its layer marked nothing.
    """
    partner = _matching(candidates)
    units: list[_PairUnit] = []
    for index in lefts:
        span = ordered[index]
        other = partner.get(index)
        if other is None:
            units.append((span[0], span[1], index, span, None))
            continue
        with_ = ordered[other]
        end = max(span[1], with_[1])
        if other < index:
            units.append((with_[0], end, other, span, with_))
        else:
            units.append((span[0], end, index, span, with_))
    for index in rights:
        if index not in partner:
            span = ordered[index]
            units.append((span[0], span[1], index, None, span))
    units.sort()
    labels = pair.labels
    # Each unit's marks and stances, counted at the end by Counter.update (in C, in order).
    marks: list[tuple] = []
    confusion: list[tuple] = []
    left_units = right_units = exact_units = overlap_units = 0
    for _start, _end, _first, left, right in units:
        if right is None:
            marks.append((left[4], None))
            confusion.append((left[4][0], None))
            left_units += 1
            labels[left[6]][2] += 1
            labels[left[7]][2] += 1
            continue
        if left is None:
            marks.append((None, right[4]))
            confusion.append((None, right[4][0]))
            right_units += 1
            labels[right[6]][3] += 1
            labels[right[7]][3] += 1
            continue
        marks.append((left[4], right[4]))
        confusion.append((left[4][0], right[4][0]))
        left_units += 1
        right_units += 1
        labels[left[6]][2] += 1
        labels[left[7]][2] += 1
        labels[right[6]][3] += 1
        labels[right[7]][3] += 1
        exact = left[0] == right[0] and left[1] == right[1]
        overlap_units += 1
        exact_units += exact
        if left[6] == right[6]:
            counts = labels[left[6]]
            counts[0] += exact
            counts[1] += 1
        if left[7] == right[7]:
            counts = labels[left[7]]
            counts[0] += exact
            counts[1] += 1
    pair.marks.update(marks)
    pair.confusion.update(confusion)
    pair.documents = 1
    pair.left, pair.right = left_units, right_units
    pair.exact, pair.overlap = exact_units, overlap_units
    return units


def _pair_links(
    pair: PairTally,
    units: list[_PairUnit],
    relations: list[RelationRow],
    name_of: dict[int, str],
) -> None:
    """Do what ``PairTally.add`` does with the relations of the pair's layers."""
    unit_of = {
        span[3]: position
        for position, (_start, _end, _first, *spans) in enumerate(units)
        for span in spans
        if span is not None
    }
    links = _links(relations, unit_of, name_of)
    pair.links.update(link_values(links, pair.annotators))
    typed, untyped = link_f1(links, *pair.annotators)
    pair.relations += typed
    pair.relations_untyped += untyped


def _links(
    relations: Sequence[RelationRow], unit_of: dict[int, int], name_of: dict[int, str]
) -> Links:
    """Return ``unit_links`` of relations already checked, given the unit of each span id."""
    links: Links = {}
    for source, target, type_ in relations:
        links.setdefault((unit_of[source], unit_of[target]), {}).setdefault(
            name_of[source], set()
        ).add(type_)
    return links


def _characters(ordered: list[_Span], layers: int, text_length: int) -> dict[tuple[bool, ...], int]:
    """Return ``character_units`` of the document, counted in the same order."""
    ranges: list[list[tuple[int, int]]] = [[] for _ in range(layers)]
    for span in ordered:
        ranges[span[2]].append((span[0], span[1]))
    changes: dict[int, int] = {}
    for own in ranges:
        for start, end in merged_ranges(own):
            changes[start] = changes.get(start, 0) + 1
            changes[end] = changes.get(end, 0) - 1
    covered: dict[int, int] = {}
    inside = position = 0
    for boundary in sorted(changes):
        covered[inside] = covered.get(inside, 0) + boundary - position
        inside += changes[boundary]
        position = boundary
    covered[inside] = covered.get(inside, 0) + text_length - position
    return {
        (True,) * inside + (False,) * (layers - inside): characters
        for inside, characters in covered.items()
        if characters
    }
