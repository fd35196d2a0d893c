"""A group no reviewer constrains is merged from its pairs as arrays (``forest.kruskal``): the
same merges, in the same order, as the Python union-find over the pairs as tuples."""

import random
from dataclasses import replace

import numpy as np
import pytest

from bench.map_build_bench import generate
from maps.builder import build_map
from maps.builder.cache import BuildCache
from maps.builder.forest import id_ranks, kruskal
from maps.builder.hashing import id_key
from maps.builder.semantic import CombinedSimilarity
from maps.builder.serialise import map_to_json_bytes
from maps.builder.similarity import DEFAULT_SIMILARITY, find_root, pair_arrays, union


def union_find(count, pairs, order):
    """The Python union-find: the pairs taken in ``order`` that join two components."""
    parent = list(range(count))
    chosen = []
    for position in order:
        i, j = pairs[position]
        if find_root(parent, i) != find_root(parent, j):
            union(parent, i, j)
            chosen.append(position)
    return chosen, [find_root(parent, vertex) for vertex in range(count)]


@pytest.mark.parametrize("seed", range(6))
def test_kruskal_keeps_the_pairs_the_python_union_find_keeps(seed):
    rng = random.Random(seed)
    count = rng.randint(2, 300)
    pairs = []
    for _ in range(rng.randint(0, 3 * count)):
        i, j = sorted(rng.sample(range(count), 2))
        pairs.append((i, j))
    order = list(range(len(pairs)))
    rng.shuffle(order)
    chosen, roots = kruskal(
        count,
        np.array([i for i, _ in pairs], dtype=np.int64),
        np.array([j for _, j in pairs], dtype=np.int64),
        np.array(order, dtype=np.int64),
    )
    expected_chosen, expected_roots = union_find(count, pairs, order)
    assert chosen.tolist() == expected_chosen
    assert roots.tolist() == expected_roots
    # Each root is the smallest member of its component.
    assert all(root <= vertex for vertex, root in enumerate(roots.tolist()))


def test_kruskal_of_no_pairs_leaves_every_vertex_its_own_root():
    empty = np.zeros(0, dtype=np.int64)
    chosen, roots = kruskal(4, empty, empty, empty)
    assert chosen.tolist() == []
    assert roots.tolist() == [0, 1, 2, 3]


class RandomPairs:
    """Pairs drawn from the texts themselves, scores from three values (ties everywhere), some
    of one document, some given twice: ``similar_pairs`` as tuples, and as arrays when
    ``arrays`` is set."""

    threshold = 0.5

    def __init__(self, arrays: bool) -> None:
        self.method = "test/random pairs"
        if arrays:
            self.similar_pair_arrays = lambda texts, groups: pair_arrays(
                self.similar_pairs(texts, groups)
            )

    def similar_pairs(self, texts, groups):
        rng = random.Random("\n".join(texts))
        found = []
        for _ in range(2 * len(texts)):
            i, j = sorted(rng.sample(range(len(texts)), 2))
            found.append((i, j, rng.choice((0.5, 0.75, 1.0))))
        found.extend(rng.sample(found, len(found) // 10))
        return found

    def explain(self, text_a, text_b):
        return "random"


def spans_twice(data, every=7):
    """The input with every ``every``th span annotated twice (same document and offsets)."""
    doubled = [replace(span, id=f"{span.id}-again") for span in data.spans[::every] if span.quote]
    return replace(data, spans=[*data.spans, *doubled])


@pytest.mark.parametrize("seed", range(4))
def test_a_group_merged_from_arrays_is_the_group_merged_from_tuples(seed):
    data, _ = generate(spans=900, documents=60, arguments=25, actors=12, seed=seed)
    data = spans_twice(data)
    from_tuples = build_map(data, similarity=RandomPairs(arrays=False))
    from_arrays = build_map(data, similarity=RandomPairs(arrays=True))
    assert map_to_json_bytes(from_arrays) == map_to_json_bytes(from_tuples)
    steps = [step for node in from_arrays.arguments for step in node.merges]
    # The groups did merge, across documents and by the doubled spans.
    assert len(steps) > 300
    assert any(step.method == "same-offsets" for step in steps)


def test_the_default_similarity_merges_the_same_from_arrays_with_and_without_a_cache():
    data, _ = generate(spans=1200, documents=80, arguments=30, actors=12, seed=9)
    data = spans_twice(data, every=11)

    class TuplesOnly:
        method, threshold = DEFAULT_SIMILARITY.method, DEFAULT_SIMILARITY.threshold
        similar_pairs = staticmethod(DEFAULT_SIMILARITY.similar_pairs)
        explain = staticmethod(DEFAULT_SIMILARITY.explain)
        explainer = staticmethod(DEFAULT_SIMILARITY.explainer)

    expected = map_to_json_bytes(build_map(data, similarity=TuplesOnly()))
    assert map_to_json_bytes(build_map(data)) == expected
    cache = BuildCache()
    assert map_to_json_bytes(build_map(data, cache=cache)) == expected
    assert map_to_json_bytes(build_map(data, cache=cache)) == expected


def test_combined_pairs_as_arrays_keep_the_first_evidence_of_each_pair():
    class Fixed:
        def __init__(self, pairs):
            self.pairs = pairs

        def similar_pair_arrays(self, texts, groups):
            return pair_arrays(self.pairs)

    combined = CombinedSimilarity.__new__(CombinedSimilarity)
    combined.lexical = Fixed([(2, 5, 0.75), (0, 1, 1.0)])
    combined.semantic = Fixed([(0, 1, 0.9), (1, 3, 0.85), (0, 4, 0.83)])
    first, second, scores = combined.similar_pair_arrays(["t"] * 6, list(range(6)))
    assert list(zip(first.tolist(), second.tolist(), scores.tolist(), strict=True)) == [
        (0, 1, 1.0),
        (0, 4, 0.83),
        (1, 3, 0.85),
        (2, 5, 0.75),
    ]
    assert combined.similar_pairs(["t"] * 6, list(range(6))) == (
        (0, 1, 1.0),
        (0, 4, 0.83),
        (1, 3, 0.85),
        (2, 5, 0.75),
    )


@pytest.mark.parametrize(
    "ids",
    [
        ["10", "9", "100", "1"],
        ["012", "12", "3"],  # one number twice: by id_key, "012" before "12"
        ["12345678901234567890", "2", "99999999999999999999"],  # past int64
        ["b", "10", "a", "9", "", "٣"],  # not all decimal ASCII digits
        [],
    ],
)
def test_id_ranks_are_the_places_of_id_key_order(ids):
    ranks = id_ranks(ids).tolist()
    by_rank = [value for _, value in sorted(zip(ranks, ids, strict=True))]
    assert by_rank == sorted(ids, key=id_key)
    assert len(set(ranks)) == len(ids)
