"""Pairs of unit vectors at or above a cosine threshold, and their maximum spanning forest,
with a bounded amount of work per vector, in numpy.

Up to ``EXACT_LIMIT`` vectors every vector is compared with every other. Above it the vectors
are partitioned by spherical k-means (an inverted file of ``PROBES * n / LIST_SIZE`` lists,
centroids started from evenly spaced rows and refined for a fixed number of rounds on an evenly
spaced sample of 16 rows a list), each vector is put in the lists of its ``PROBES`` nearest
centroids, and only vectors sharing a list are compared. This misses some pairs: on
bench/claims_text.py's English claims the lists connect a few percent fewer of the vectors that
all pairs connect (docs/MERGING.md has the figure); larger lists and more probes miss fewer.

Within a list, a vector keeps only its ``NEIGHBOURS`` best candidates (of other documents), not
every vector above the threshold: a popular argument's thousands of paraphrases would otherwise
give millions of pairs. What only matters is which vectors end up connected, and the forest
that explains it. A vector with more candidates than it keeps is searched again, leaving out
the vectors already connected to it, until a round connects nothing new (at most
``REPAIR_ROUNDS``): a tight group of near-copies larger than ``NEIGHBOURS`` still
finds its way to the rest. The components are those of all pairs that share a list, except
where a vector has more than ``NEIGHBOURS`` candidates outside its component that the guard
refuses (negations) and an allowed one ranks below them; tests/maps/builder/test_neighbours.py
checks them against the search of all pairs.

Candidate scores come from float32 matrix products, whose last bits depend on the BLAS and the
block shapes; a candidate is kept within ``MARGIN`` below the threshold and then scored again
exactly, in float64 from the float16-exact vectors, rounded to 4 decimals, before it is
compared with the threshold. Everything depends only on the vectors, their documents and their
order, so the same input gives the same pairs. Memory: the vectors of one list in float32 and
one block of scores (``_BLOCK_CELLS``); pairs are only ever the candidates of one round and the
forest so far.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

EXACT_LIMIT = 4096
LIST_SIZE = 512
PROBES = 3
KMEANS_ROUNDS = 6
MARGIN = 0.01
NEIGHBOURS = 16
# Leaders need less: a row only looks for an earlier leader, among its best earlier candidates
# in its two nearest lists (bench/notes/semantic1m.md has what fewer lists and candidates cost).
LEADER_PROBES = 2
LEADER_NEIGHBOURS = 8
REPAIR_ROUNDS = 8
_BLOCK_CELLS = 1 << 21  # scores per block: 8 MB of float32
_RESCORE_ROWS = 4096  # pairs scored exactly at a time: in the processor's cache
_NO_PAIRS = np.zeros((0, 2), dtype=np.int64)

Allowed = Callable[[np.ndarray], np.ndarray]


def _float32_rows(vectors: np.ndarray, rows: np.ndarray | slice) -> np.ndarray:
    return np.asarray(vectors[rows], dtype=np.float32)


def _centroids(vectors: np.ndarray, lists: int) -> np.ndarray:
    sample_rows = np.linspace(0, len(vectors) - 1, min(len(vectors), 16 * lists)).astype(int)
    sample = _float32_rows(vectors, sample_rows)
    centroids = sample[np.linspace(0, len(sample) - 1, lists).astype(int)].copy()
    for _ in range(KMEANS_ROUNDS):
        nearest = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, sample)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        moved = norms[:, 0] > 0
        centroids[moved] = sums[moved] / norms[moved]
    return centroids


def _nearest(scores: np.ndarray, probes: int) -> np.ndarray:
    """Return each row's ``probes`` best columns, best first, ties to the lowest column (an
    argmax a probe: partitioning every row cost more than the products); ``scores`` is spent."""
    picked = np.empty((len(scores), probes), dtype=np.int64)
    rows = np.arange(len(scores))
    for probe in range(probes):
        picked[:, probe] = best = np.argmax(scores, axis=1)
        scores[rows, best] = -np.inf
    return picked


def inverted_lists(
    vectors: np.ndarray, *, exact_limit: int = EXACT_LIMIT, probes: int = PROBES
) -> list[np.ndarray]:
    """Return the lists of vectors compared with each other: one of all, or the k-means lists
    of each vector's ``probes`` nearest centroids (sorted rows)."""
    count = len(vectors)
    if count <= exact_limit:
        return [np.arange(count)]
    lists = max(2, math.ceil(probes * count / LIST_SIZE))
    centroids = _centroids(vectors, lists)
    probes = min(probes, lists)
    assigned = np.empty((count, probes), dtype=np.int64)
    for start in range(0, count, 8192):
        scores = _float32_rows(vectors, slice(start, start + 8192)) @ centroids.T
        assigned[start : start + len(scores)] = _nearest(scores, probes)
    rows = np.repeat(np.arange(count), probes)
    by_list = assigned.ravel()
    order = np.lexsort((rows, by_list))
    bounds = np.searchsorted(by_list[order], np.arange(lists + 1))
    return [
        rows[order[bounds[i] : bounds[i + 1]]] for i in range(lists) if bounds[i + 1] > bounds[i]
    ]


def _list_candidates(
    vectors: np.ndarray,
    members: np.ndarray,
    searching: np.ndarray,
    documents: np.ndarray,
    component: np.ndarray | None,
    floor: float,
    pairs: list[np.ndarray],
    saturated: np.ndarray,
    *,
    earlier: bool = False,
    neighbours: int = NEIGHBOURS,
) -> None:
    """Add each searching member's best candidates in the list (other documents, and outside
    its component when ``component`` is given; only rows before its own when ``earlier``)
    scoring at least ``floor``; mark the members that have more than they keep."""
    positions = np.flatnonzero(searching[members])
    if not len(positions):
        return
    count = len(members)
    keep = min(neighbours, count - 1)
    columns = _float32_rows(vectors, members)
    column_documents = documents[members]
    column_components = None if component is None else component[members]
    block = max(1, min(len(positions), _BLOCK_CELLS // count))
    if earlier:
        # Only the columns before a block's last row are read: blocks of a quarter of the
        # list compute five eighths of the products.
        block = min(block, max(64, -(-count // 4)))
    for start in range(0, len(positions), block):
        rows = positions[start : start + block]
        width = int(rows[-1]) if earlier else count
        if width == 0:
            continue
        scores = columns[rows] @ columns[:width].T
        # The same document (the vector itself too) and, when searching again, the vectors
        # already connected to it are never candidates.
        np.putmask(scores, column_documents[rows][:, None] == column_documents[:width], -np.inf)
        if column_components is not None:
            np.putmask(scores, column_components[rows][:, None] == column_components, -np.inf)
        if earlier:
            np.putmask(scores, rows[:, None] <= np.arange(width), -np.inf)
        # Most vectors have few candidates: all of theirs are kept, and only a vector with
        # more than it keeps has them ranked (and is searched again next round).
        above = scores >= floor
        many = np.flatnonzero(above.sum(axis=1) > keep)
        if len(many):
            above[many] = False
            saturated[members[rows[many]]] = True
        row_index, column = np.nonzero(above)
        if len(many):
            best = np.argpartition(scores[many], width - keep, axis=1)[:, width - keep :]
            row_index = np.concatenate((row_index, np.repeat(many, keep)))
            column = np.concatenate((column, best.ravel()))
        if len(row_index):
            i = members[rows[row_index]]
            j = members[column]
            pairs.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))


def _distinct(pairs: list[np.ndarray], count: int) -> np.ndarray:
    if not pairs:
        return _NO_PAIRS
    codes = sorted_unique(np.concatenate([p[:, 0] * count + p[:, 1] for p in pairs]))
    return np.stack([codes // count, codes % count], axis=1)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Return ``np.unique(values)`` of a 1-d array, sorted in place (``values`` is spent).

    NumPy 2.4's ``np.unique`` finds distinct integers by a hash table and then sorts them,
    several times slower than one sort and one comparison on millions of candidate codes
    (test_neighbours.py holds that both give the same).
    """
    values.sort()
    if len(values) < 2:
        return values
    first = np.empty(len(values), dtype=bool)
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


def exact_scores(vectors: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Return the cosine of each pair in float64, rounded to 4 decimals."""
    scores = np.zeros(len(pairs))
    for start in range(0, len(pairs), _RESCORE_ROWS):
        part = pairs[start : start + _RESCORE_ROWS]
        left = vectors[part[:, 0]].astype(np.float64)
        right = vectors[part[:, 1]].astype(np.float64)
        scores[start : start + len(part)] = np.einsum("ij,ij->i", left, right)
    return np.round(scores, 4)


def _spanning_forest(
    count: int, pairs: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the positions of the maximum spanning forest's pairs, in Kruskal's order
    ``(-score, i, j)``, and each vertex's component (its smallest member)."""
    component = np.arange(count)
    if not len(pairs):
        return np.zeros(0, dtype=np.int64), component
    order = np.lexsort((pairs[:, 1], pairs[:, 0], -scores))
    left, right = pairs[order, 0], pairs[order, 1]
    rank = np.arange(len(order))
    parent = np.arange(count)

    def root(i: int) -> int:
        while parent[i] != i:
            i = int(parent[i])
        return i

    chosen: list[int] = []
    while len(rank):
        a, b = component[left], component[right]
        live = a != b
        left, right, rank, a, b = (x[live] for x in (left, right, rank, a, b))
        if not len(rank):
            break
        # The best edge leaving each component: the lowest rank touching it.
        best = np.full(count, len(order), dtype=np.int64)
        np.minimum.at(best, a, rank)
        np.minimum.at(best, b, rank)
        picked = sorted_unique(best[best < len(order)])
        for position in np.searchsorted(rank, picked):
            i, j = root(int(a[position])), root(int(b[position]))
            if i != j:
                parent[max(i, j)] = min(i, j)
                chosen.append(int(rank[position]))
        # Every member straight under its root, then each edge end relabelled by it.
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        component = parent[component]
    return order[np.sort(np.array(chosen, dtype=np.int64))], component


def maximum_spanning_forest(
    count: int, pairs: np.ndarray, scores: np.ndarray
) -> list[tuple[int, int, float]]:
    """Return the maximum spanning forest of a weighted graph (Boruvka, vectorised).

    Ties are broken by ``(i, j)``, so the forest is the one Kruskal's algorithm finds taking
    pairs by ``(-score, i, j)``: unique, whatever order the pairs come in.
    """
    chosen, _ = _spanning_forest(count, pairs, scores)
    return [(int(pairs[r, 0]), int(pairs[r, 1]), float(scores[r])) for r in chosen]


def similar_vector_pairs(
    vectors: np.ndarray,
    threshold: float,
    *,
    allowed: Allowed,
    documents: np.ndarray | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> list[tuple[int, int, float]]:
    """Return a maximum spanning forest of the pairs scoring at least the threshold.

    ``documents`` numbers each vector's document (pairs of one document never merge; none:
    all different); ``allowed(pairs)`` returns a boolean mask of the candidate pairs that may
    merge at all (not a claim and its negation).
    """
    count = len(vectors)
    if documents is None:
        documents = np.arange(count)
    floor = threshold - MARGIN
    lists = inverted_lists(vectors, exact_limit=exact_limit)
    forest_pairs, forest_scores = _NO_PAIRS, np.zeros(0)
    component = None
    searching = np.ones(count, dtype=bool)
    for _ in range(1 + REPAIR_ROUNDS):
        found: list[np.ndarray] = []
        saturated = np.zeros(count, dtype=bool)
        for members in lists:
            _list_candidates(
                vectors, members, searching, documents, component, floor, found, saturated
            )
        pairs = _distinct(found, count)
        del found
        scores = exact_scores(vectors, pairs)
        keep = scores >= threshold
        pairs, scores = pairs[keep], scores[keep]
        if len(pairs):
            keep = allowed(pairs)
            pairs, scores = pairs[keep], scores[keep]
        # The forest of everything accepted so far is the forest of the last forest and the
        # new pairs: a pair left out of a forest is never in the forest of more pairs.
        pairs = np.concatenate((forest_pairs, pairs))
        scores = np.concatenate((forest_scores, scores))
        chosen, labels = _spanning_forest(count, pairs, scores)
        joined = len(chosen) > len(forest_pairs)
        forest_pairs, forest_scores, component = pairs[chosen], scores[chosen], labels
        searching = saturated
        if not joined or not searching.any():
            break
    return [
        (int(i), int(j), float(s))
        for (i, j), s in zip(forest_pairs.tolist(), forest_scores.tolist(), strict=True)
    ]


def leader_pairs(
    vectors: np.ndarray,
    threshold: float,
    *,
    allowed: Allowed,
    documents: np.ndarray | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> list[tuple[int, int, float]]:
    """Return ``(leader, member, score)`` for every vector that joins a leader: leader clusters.

    Rows come in priority order (the first is the most popular wording). A row is a leader
    unless an earlier leader scores at least the threshold with it and may merge with it;
    then it joins the best such leader (ties: the earliest). Every member is within the
    threshold of its node's leader, so a node never chains from one argument to another, as
    the components of ``similar_vector_pairs`` do once enough claims fill the space between
    two arguments. A row looks only at its ``LEADER_NEIGHBOURS`` best earlier candidates in
    its ``LEADER_PROBES`` lists (one round, no repair): a row whose best are all members, not
    leaders, leads a node of its own. Everything depends only on the vectors, their
    documents and their order.
    """
    count = len(vectors)
    if documents is None:
        documents = np.arange(count)
    found: list[np.ndarray] = []
    saturated = np.zeros(count, dtype=bool)
    searching = np.ones(count, dtype=bool)
    for members in inverted_lists(vectors, exact_limit=exact_limit, probes=LEADER_PROBES):
        _list_candidates(
            vectors,
            members,
            searching,
            documents,
            None,
            threshold - MARGIN,
            found,
            saturated,
            earlier=True,
            neighbours=LEADER_NEIGHBOURS,
        )
    pairs = _distinct(found, count)
    del found
    scores = exact_scores(vectors, pairs)
    keep = scores >= threshold
    pairs, scores = pairs[keep], scores[keep]
    if len(pairs):
        keep = allowed(pairs)
        pairs, scores = pairs[keep], scores[keep]
    # Each row's earlier candidates, best first, ties to the earliest.
    order = np.lexsort((pairs[:, 0], -scores, pairs[:, 1]))
    earlier = pairs[order, 0].tolist()
    bounds = np.searchsorted(pairs[order, 1], np.arange(count + 1)).tolist()
    leader = bytearray(count)
    chosen: list[int] = []
    for row in range(count):
        for position in range(bounds[row], bounds[row + 1]):
            if leader[earlier[position]]:
                chosen.append(position)
                break
        else:
            leader[row] = 1
    picked = order[np.array(chosen, dtype=np.int64)]
    return [
        (int(i), int(j), float(s))
        for (i, j), s in zip(pairs[picked].tolist(), scores[picked].tolist(), strict=True)
    ]
