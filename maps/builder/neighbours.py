"""Pairs of unit vectors at or above a cosine threshold, without comparing all pairs at scale,
and the maximum spanning forest of such pairs, both with numpy.

Up to ``EXACT_LIMIT`` vectors every pair is compared, in blocks. Above it the vectors are
partitioned by spherical k-means (an inverted file: ``4 * sqrt(n)`` lists, centroids started
from evenly spaced rows and refined for a fixed number of rounds on an evenly spaced sample),
each vector is put in the lists of its ``PROBES`` nearest centroids, and only vectors sharing a
list are compared. Two vectors close enough to merge (cosine 0.8 and more) nearly always share
their nearest centroid; tests/maps/builder/test_semantic.py checks the partitioned search finds
the clusters the exact one finds. Everything depends only on the vectors and their order, so
the same input gives the same pairs.

Candidate scores come from float32 matrix products, whose last bits depend on the BLAS and the
block shapes; a candidate is kept within ``MARGIN`` below the threshold and then scored again
exactly, in float64 from the float16-exact vectors, rounded to 4 decimals, before it is
compared with the threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

EXACT_LIMIT = 4096
PROBES = 2
KMEANS_ROUNDS = 6
MARGIN = 0.01
_BLOCK = 2048


def _block_pairs(
    rows: np.ndarray, vectors: np.ndarray, floor: float, found: list[np.ndarray]
) -> None:
    """Append the index pairs (i < j) of ``rows`` whose float32 cosine is at least ``floor``."""
    count = len(rows)
    for start in range(0, count, _BLOCK):
        left = rows[start : start + _BLOCK]
        # Only the columns from this block on: each pair once.
        right = rows[start:]
        scores = vectors[left] @ vectors[right].T
        a, b = np.nonzero(scores >= floor)
        keep = b > a
        if keep.any():
            i, j = left[a[keep]], right[b[keep]]
            found.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))


def _centroids(vectors: np.ndarray, lists: int) -> np.ndarray:
    sample = vectors[np.linspace(0, len(vectors) - 1, min(len(vectors), 64 * lists)).astype(int)]
    centroids = sample[np.linspace(0, len(sample) - 1, lists).astype(int)].copy()
    for _ in range(KMEANS_ROUNDS):
        nearest = np.argmax(sample @ centroids.T, axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, sample)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        moved = norms[:, 0] > 0
        centroids[moved] = sums[moved] / norms[moved]
    return centroids


def candidate_pairs(
    vectors: np.ndarray, threshold: float, *, exact_limit: int = EXACT_LIMIT
) -> np.ndarray:
    """Return the distinct pairs ``(i, j)``, ``i < j``, whose cosine may reach the threshold."""
    count = len(vectors)
    floor = threshold - MARGIN
    found: list[np.ndarray] = []
    if count <= exact_limit:
        _block_pairs(np.arange(count), vectors, floor, found)
    else:
        lists = max(2, int(4 * math.sqrt(count)))
        centroids = _centroids(vectors, lists)
        probes = min(PROBES, lists)
        members: list[list[np.ndarray]] = [[] for _ in range(lists)]
        for start in range(0, count, 8192):
            scores = vectors[start : start + 8192] @ centroids.T
            nearest = np.argpartition(-scores, probes - 1, axis=1)[:, :probes]
            rows = np.arange(start, start + len(scores))
            for probe in range(probes):
                order = np.argsort(nearest[:, probe], kind="stable")
                bounds = np.searchsorted(nearest[order, probe], np.arange(lists + 1))
                for list_id in np.nonzero(np.diff(bounds))[0]:
                    members[list_id].append(rows[order[bounds[list_id] : bounds[list_id + 1]]])
        for parts in members:
            if parts:
                _block_pairs(np.sort(np.concatenate(parts)), vectors, floor, found)
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    codes = np.unique(pairs[:, 0] * count + pairs[:, 1])
    return np.stack([codes // count, codes % count], axis=1)


def exact_scores(vectors: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Return the cosine of each pair in float64, rounded to 4 decimals."""
    if not len(pairs):
        return np.zeros(0)
    left = vectors[pairs[:, 0]].astype(np.float64)
    right = vectors[pairs[:, 1]].astype(np.float64)
    return np.round(np.einsum("ij,ij->i", left, right), 4)


def maximum_spanning_forest(
    count: int, pairs: np.ndarray, scores: np.ndarray
) -> list[tuple[int, int, float]]:
    """Return the maximum spanning forest of a weighted graph (Boruvka, vectorised).

    Ties are broken by ``(i, j)``, so the forest is the one Kruskal's algorithm finds taking
    pairs by ``(-score, i, j)``: unique, whatever order the pairs come in.
    """
    if not len(pairs):
        return []
    order = np.lexsort((pairs[:, 1], pairs[:, 0], -scores))
    left, right = pairs[order, 0], pairs[order, 1]
    rank = np.arange(len(order))
    component = np.arange(count)
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
        picked = np.unique(best[best < len(order)])
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
    chosen.sort()
    return [
        (int(pairs[order[r], 0]), int(pairs[order[r], 1]), float(scores[order[r]])) for r in chosen
    ]


def similar_vector_pairs(
    vectors: np.ndarray,
    threshold: float,
    *,
    allowed: Callable[[np.ndarray], np.ndarray],
    exact_limit: int = EXACT_LIMIT,
) -> list[tuple[int, int, float]]:
    """Return a maximum spanning forest of the pairs scoring at least the threshold.

    ``allowed(pairs)`` returns a boolean mask of the candidate pairs that may merge at all
    (not the same document, not a claim and its negation).
    """
    pairs = candidate_pairs(vectors, threshold, exact_limit=exact_limit)
    if not len(pairs):
        return []
    scores = exact_scores(vectors, pairs)
    keep = scores >= threshold
    pairs, scores = pairs[keep], scores[keep]
    if len(pairs):
        keep = allowed(pairs)
        pairs, scores = pairs[keep], scores[keep]
    return maximum_spanning_forest(len(vectors), pairs, scores)
