"""Relations of many documents counted at once, as ``rows_tally`` counts them (for ``quick_tally``).

A relation joins two spans of one layer; through the alignments the kernel found it is a link
from one unit to another, in the document (for relation alpha) and in each pair of layers
its layer belongs to (for the pair's alpha and relation F1). ``relations_count`` turns every
relation of every document into rows of integers and counts them with NumPy, as
``annotations.review.agreement.relations`` counts one document's links:

- a layer's value for a linked unit pair is ``NOT_LINKED``, its one type, or its types sorted
  as one value of their own;
- typed F1 matches the same type between the same units; untyped F1 counts linked unit pairs.
"""

from collections.abc import Hashable, Sequence

import numpy as np

from annotations.review.agreement.alpha import NOT_LINKED, RELATION
from annotations.review.agreement.bulk import RelationRow
from annotations.review.agreement.coded_rows import NONE, counted_rows, distinct_rows, packed
from annotations.review.agreement.data import F1Counts
from annotations.review.agreement.report import Tally


def relations_count(
    tally: Tally,
    *,
    relations: Sequence[tuple[int, Sequence[RelationRow]]],
    span_id: np.ndarray,
    layer: np.ndarray,
    layer_counts: np.ndarray,
    span_units: np.ndarray,
    pair_rows: np.ndarray,
    pair_codes: np.ndarray,
    pairs: list[tuple[str, str]],
) -> None:
    """Add the links of ``relations`` (document place, its relation rows) to ``tally``.

    The arrays are the kernel's, in its order: each span's id, layer and unit; each
    document's layers; the pair units (document, left layer, right layer, left span, right
    span); ``pair_codes[document, low, high]`` is the pair's place in ``pairs``. Every
    relation's ends are spans of one layer of its document (``quick_tally`` checked).
    """
    document, sources, targets, kinds, types = _flat(relations)
    if not document.size:
        return
    by_id = np.argsort(span_id)
    source = by_id[np.searchsorted(span_id, sources, sorter=by_id)]
    target = by_id[np.searchsorted(span_id, targets, sorter=by_id)]
    own = layer[source]
    values = _Values(types)
    # The document's links: a value per layer of each linked unit pair.
    unit_source, unit_target = span_units[source], span_units[target]
    linked, row, by_layer = values.of(unit_source, unit_target, own, kinds)
    layers = np.empty(linked, dtype=np.int64)
    layers[row] = layer_counts[document]
    matrix = np.full((linked, int(layers.max())), NONE, dtype=np.int64)
    matrix[by_layer[0], by_layer[1]] = by_layer[2]
    for count in np.unique(layers):
        chosen = matrix[layers == count][:, :count]
        for key, n in counted_rows(*(chosen[:, column] for column in range(count))):
            found = tuple(values.value(code) for code in key)
            tally.values[RELATION][found] = tally.values[RELATION].get(found, 0) + n
    # Each pair of layers the relation's layer belongs to: the pair units of its ends.
    most = int(layer_counts.max())
    ends = np.full((span_id.size, most), NONE, dtype=np.int64)
    left, right = pair_rows[:, 3], pair_rows[:, 4]
    has_left, has_right = left >= 0, right >= 0
    ends[left[has_left], pair_rows[has_left, 2]] = np.flatnonzero(has_left)
    ends[right[has_right], pair_rows[has_right, 1]] = np.flatnonzero(has_right)
    relation, other = np.nonzero(np.arange(most)[None, :] < layer_counts[document][:, None])
    keep = other != own[relation]
    relation, other = relation[keep], other[keep]
    mine = own[relation]
    low, high = np.minimum(mine, other), np.maximum(mine, other)
    pair = pair_codes[document[relation], low, high]
    side = (mine != low).astype(np.int64)
    pair_source = ends[source[relation], other]
    pair_target = ends[target[relation], other]
    # A unit pair's key within its pair of layers: (pair, source unit, target unit).
    unit_pair = packed(pair, pair_source, pair_target)
    linked, row, by_side = values.of(unit_pair, np.zeros_like(unit_pair), side, kinds[relation])
    matrix = np.full((linked, 2), NONE, dtype=np.int64)
    matrix[by_side[0], by_side[1]] = by_side[2]
    pair_of = np.empty(linked, dtype=np.int64)
    pair_of[row] = pair
    for (code, left_value, right_value), n in counted_rows(pair_of, matrix[:, 0], matrix[:, 1]):
        pairs_links = tally.pairs[pairs[code]].links
        key = (values.value(left_value), values.value(right_value))
        pairs_links[key] = pairs_links.get(key, 0) + n
    _f1(tally, pairs, pair, unit_pair, side, kinds[relation])


class _Values:
    """A layer's value for a linked unit pair, as codes: a type, or types sorted as one."""

    def __init__(self, types: list[str]) -> None:
        self.types = types
        self.combined: dict[tuple[str, ...], int] = {}

    def value(self, code: int) -> Hashable:
        if code == NONE:
            return NOT_LINKED
        if code < len(self.types):
            return self.types[code]
        return list(self.combined)[code - len(self.types)]

    def of(
        self, first: np.ndarray, second: np.ndarray, place: np.ndarray, kinds: np.ndarray
    ) -> tuple[int, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Return how many keys (first, second) are linked, each relation's key's row, and
        the values: (row, place, value code) for each place a key has a relation at.

        A place (a layer, or a side) with two or more distinct kinds gets their combined
        value.
        """
        keys = packed(first, second)
        linked, row = np.unique(keys, return_inverse=True)
        distinct, _counts = distinct_rows(row, place, kinds)
        group = packed(distinct[:, 0], distinct[:, 1])
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        sizes = np.diff(np.r_[starts, group.size])
        codes = distinct[starts, 2].copy()
        for index in np.flatnonzero(sizes > 1).tolist():
            start = starts[index]
            kinds_found = distinct[start : start + sizes[index], 2].tolist()
            combined = tuple(sorted(self.types[kind] for kind in kinds_found))
            codes[index] = len(self.types) + self.combined.setdefault(combined, len(self.combined))
        return linked.size, row, (distinct[starts, 0], distinct[starts, 1], codes)


def _f1(
    tally: Tally,
    pairs: list[tuple[str, str]],
    pair: np.ndarray,
    unit_pair: np.ndarray,
    side: np.ndarray,
    kinds: np.ndarray,
) -> None:
    """Add each pair's relation F1 counts, typed and untyped."""
    typed, _counts = distinct_rows(unit_pair, kinds, side, pair)
    untyped, _counts = distinct_rows(unit_pair, side, pair)
    size = len(pairs)
    for table, kept in ((typed, "relations"), (untyped, "relations_untyped")):
        key = table[:, :-2]
        same = np.r_[(key[1:] == key[:-1]).all(axis=1), False]
        # Sorted by key then side: a key given by both sides has its two rows together.
        matched = np.bincount(table[:-1, -1][same[:-1]], minlength=size)
        sides = [np.bincount(table[table[:, -2] == s, -1], minlength=size) for s in (0, 1)]
        for code, name in enumerate(pairs):
            counts = F1Counts(int(matched[code]), int(sides[0][code]), int(sides[1][code]))
            if counts.matched or counts.left or counts.right:
                found = tally.pairs[name]
                setattr(found, kept, getattr(found, kept) + counts)


def _flat(
    relations: Sequence[tuple[int, Sequence[RelationRow]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Return every relation as columns: document place, source id, target id, type code."""
    codes: dict[str, int] = {}
    document, sources, targets, kinds = [], [], [], []
    for place, rows in relations:
        for source, target, type_ in rows:
            document.append(place)
            sources.append(source)
            targets.append(target)
            kinds.append(codes.setdefault(type_, len(codes)))

    def column(values: list[int]) -> np.ndarray:
        return np.array(values, dtype=np.int64)

    return column(document), column(sources), column(targets), column(kinds), list(codes)
