"""A group's spanning forest: which pairs join its spans into arguments, and the arguments.

Kruskal's algorithm over the group's pairs, strongest first, ties by position: each pair
that joins two components is a merge, and each component (its root: its smallest position)
is an argument. ``Constraints`` is the Python union-find that also refuses unions across a
reviewer's split; a group no reviewer constrains takes ``unconstrained_forest``, the same
merges from the pairs as arrays (``kruskal``: SciPy's spanning forest of the pairs weighted
by their places in Kruskal's order), and its clusters as ``Forest.clusters`` orders them
(tests/maps/builder/test_merge_forest.py holds both to the same map).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from maps.builder.hashing import id_key
from maps.builder.model import MergeStep
from maps.builder.similarity import PairArrays, find_root, pair_tuples

# The digits an id may have to be read as an int64 (19 may not fit).
_DIGITS = 18


class Constraints:
    """Union-find over a group's positions that refuses unions across a reviewer's split."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        # root -> {split number: the sides ("a", "b") of that split the component holds}
        self.sides: dict[int, dict[int, set[str]]] = {}

    def root(self, i: int) -> int:
        return find_root(self.parent, i)

    def conflict(self, ri: int, rj: int) -> bool:
        left, right = self.sides.get(ri), self.sides.get(rj)
        if not left or not right:
            return False
        return any(len(left[k] | right[k]) == 2 for k in left.keys() & right.keys())

    def join(self, i: int, j: int) -> bool:
        """Union the components of i and j unless they are one or a split forbids it."""
        parent, sides = self.parent, self.sides
        ri, rj = find_root(parent, i), find_root(parent, j)
        if ri == rj or (sides and self.conflict(ri, rj)):
            return False
        # As ``union`` does: the smaller root index becomes the root.
        root, child = (ri, rj) if ri < rj else (rj, ri)
        parent[child] = root
        if sides:
            merged: dict[int, set[str]] = {}
            for old in (ri, rj):
                for k, held in sides.pop(old, {}).items():
                    merged.setdefault(k, set()).update(held)
            if merged:
                sides[root] = merged
        return True

    def forbid(self, number: int, first: Sequence[int], second: Sequence[int]) -> None:
        """Keep the components of ``first`` apart from those of ``second`` from now on."""
        for positions, side in ((first, "a"), (second, "b")):
            for i in positions:
                self.sides.setdefault(self.root(i), {}).setdefault(number, set()).add(side)


@dataclass(frozen=True, slots=True)
class Forest:
    """The accepted pairs of a group, in the order taken, and each member's root."""

    first: np.ndarray  # each accepted pair's positions
    second: np.ndarray
    scores: np.ndarray
    roots: np.ndarray

    @property
    def accepted(self) -> tuple[tuple[int, int, float], ...]:
        """The accepted pairs as ``(i, j, score)``."""
        return pair_tuples((self.first, self.second, self.scores))

    def clusters(
        self, span_ids: Sequence[str], steps: Sequence[MergeStep]
    ) -> tuple[tuple[tuple[int, ...], tuple[MergeStep, ...], tuple[()]], ...]:
        """Return each argument's member positions, ascending, with its merges (``steps``, one
        an accepted pair) by (matched span id, span id) in ``id_key`` order, by root."""
        members = np.argsort(self.roots, kind="stable")
        roots = self.roots[members]
        starts = np.flatnonzero(np.concatenate(([True], roots[1:] != roots[:-1])))
        ends = np.append(starts[1:], len(roots))
        rank = id_ranks(span_ids)
        step_roots = self.roots[self.first]
        order = np.lexsort((rank[self.second], rank[self.first], step_roots))
        step_roots = step_roots[order]
        firsts = np.searchsorted(step_roots, roots[starts], side="left").tolist()
        lasts = np.searchsorted(step_roots, roots[starts], side="right").tolist()
        positions = members.tolist()
        ordered = [steps[k] for k in order.tolist()]
        return tuple(
            (tuple(positions[start:end]), tuple(ordered[first:last]), ())
            for start, end, first, last in zip(
                starts.tolist(), ends.tolist(), firsts, lasts, strict=True
            )
        )


def unconstrained_forest(
    found: PairArrays, documents: Sequence[str], duplicates: set[tuple[int, int]]
) -> Forest:
    """Return the pairs Kruskal's algorithm accepts, in the order it takes them, and each
    member's root, for a group no reviewer constrains: what ``Constraints`` finds.

    The pairs of one document are left out, the duplicates' pairs added with score 1.0, and
    all taken strongest first, ties by position, as ``merge_group``'s two stable sorts take
    them (a pair equal in score and positions to another is the same pair).
    """
    first, second, scores = found
    number: dict[str, int] = {}
    codes = np.fromiter(
        (number.setdefault(document, len(number)) for document in documents),
        dtype=np.int64,
        count=len(documents),
    )
    across = codes[first] != codes[second]
    doubled = sorted(duplicates)
    left = np.concatenate((first[across], np.array([i for i, _ in doubled], dtype=np.int64)))
    right = np.concatenate((second[across], np.array([j for _, j in doubled], dtype=np.int64)))
    score = np.concatenate((scores[across], np.ones(len(doubled))))
    order = np.lexsort((right, left, -score))
    chosen, roots = kruskal(len(documents), left, right, order)
    return Forest(left[chosen], right[chosen], score[chosen], roots)


def kruskal(
    count: int, left: np.ndarray, right: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Take the pairs ``(left[p], right[p])`` in ``order`` and keep each that joins two
    components, as the union-find does; return the kept pairs' positions, in the order
    taken, and each vertex's root: the smallest vertex of its component.

    The pairs kept are the minimum spanning forest of the pairs weighted by their places in
    ``order``: distinct weights, so one forest, Kruskal's (a pair given again keeps its first
    place; a later one never joins anything). SciPy finds it in compiled code.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

    vertices = np.arange(count)
    ordered_left, ordered_right = left[order], right[order]
    # Each pair's first place (a loop, i == j, never joins two components).
    codes = np.where(ordered_left != ordered_right, ordered_left * count + ordered_right, -1)
    _, places = np.unique(codes, return_index=True)
    places = places[codes[places] >= 0]
    graph = coo_matrix(
        (places + 1.0, (ordered_left[places], ordered_right[places])), shape=(count, count)
    ).tocsr()
    forest = minimum_spanning_tree(graph)
    chosen = order[np.sort(forest.data).astype(np.int64) - 1]
    _, labels = connected_components(forest, directed=False)
    # A component's smallest vertex is where its label first appears.
    _, smallest = np.unique(labels, return_index=True)
    return chosen, vertices[smallest][labels]


def id_ranks(ids: Sequence[str]) -> np.ndarray:
    """Return each id's place in ``id_key`` order (distinct ids: distinct places)."""
    if ids and all(0 < len(value) <= _DIGITS for value in ids):
        joined = "".join(ids)
        if joined.isascii() and joined.isdigit():
            # Database ids: their integers are their order, unless two are one number.
            values = np.fromiter(map(int, ids), dtype=np.int64, count=len(ids))
            if len(np.unique(values)) == len(values):
                return values
    rank = np.empty(len(ids), dtype=np.int64)
    rank[sorted(range(len(ids)), key=lambda k: id_key(ids[k]))] = np.arange(len(ids))
    return rank
