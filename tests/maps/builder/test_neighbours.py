"""The bounded pair search connects exactly what all pairs connect, deterministically; leader
clusters keep every member within the threshold of its leader."""

import json
from pathlib import Path

import numpy as np

from bench.claims_text import generate_claims
from maps.builder import EmbeddingTable, WordLlamaEncoder, negation_guard
from maps.builder.neighbours import (
    NEIGHBOURS,
    exact_scores,
    leader_pairs,
    similar_vector_pairs,
    sorted_unique,
)
from maps.builder.similarity import find_root, union

PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "claim_pairs.json"
THRESHOLD = 0.82


def everything(pairs):
    return np.ones(len(pairs), dtype=bool)


def components(count, pairs):
    parent = list(range(count))
    for i, j, *_ in pairs:
        union(parent, int(i), int(j))
    return [find_root(parent, i) for i in range(count)]


def all_pairs(vectors, threshold, documents, allowed=everything):
    """Every pair of other documents at or above the threshold, by brute force."""
    floats = vectors.astype(np.float64)
    i, j = np.nonzero(np.triu(floats @ floats.T >= threshold - 0.01, k=1))
    pairs = np.stack([i, j], axis=1)
    pairs = pairs[documents[pairs[:, 0]] != documents[pairs[:, 1]]]
    pairs = pairs[exact_scores(vectors, pairs) >= threshold]
    return pairs[allowed(pairs)]


def unit(rows):
    rows = np.asarray(rows, dtype=np.float64)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float16)


def test_a_tight_group_larger_than_the_neighbours_kept_still_joins_the_rest():
    # 20 copies of X, 20 of Z and one Y: Y is 25 degrees from X (cosine 0.906) and 15 from Z
    # (0.966); X and Z are 40 apart (0.766). Y's best 16 are all Z, X's best 16 are all X:
    # only searching X again outside its own component finds Y.
    angles = np.radians([0] * 20 + [40] * 20 + [25])
    vectors = unit(np.stack([np.cos(angles), np.sin(angles), np.zeros_like(angles)], axis=1))
    documents = np.arange(len(vectors))
    assert NEIGHBOURS < 20
    forest = similar_vector_pairs(vectors, THRESHOLD, allowed=everything, documents=documents)
    assert set(components(41, forest)) == {0}
    assert len(forest) == 40
    assert components(41, forest) == components(41, all_pairs(vectors, THRESHOLD, documents))


def test_on_the_labelled_claims_the_components_are_those_of_all_pairs():
    texts = sorted(
        {text for pair in json.loads(PAIRS.read_text())["pairs"] for text in (pair["a"], pair["b"])}
    )
    # Each claim three times, in three documents: copies compete with paraphrases.
    texts = texts * 3
    documents = np.arange(len(texts))
    table = EmbeddingTable(WordLlamaEncoder())

    def guarded(pairs):
        return np.array([not negation_guard(texts[i], texts[j]) for i, j in pairs], dtype=bool)

    vectors = table.vectors(texts)
    forest = similar_vector_pairs(vectors, THRESHOLD, allowed=guarded, documents=documents)
    expected = all_pairs(vectors, THRESHOLD, documents, guarded)
    assert components(len(texts), forest) == components(len(texts), expected)
    assert len(set(components(len(texts), forest))) == 380


def test_on_generated_english_claims_the_components_are_those_of_all_pairs():
    data, _ = generate_claims(spans=3000, documents=300, arguments=120, actors=30, seed=4)
    spans = [s for s in data.spans if (s.role, s.stance) == ("claim", "pro")]
    texts = [s.quote for s in spans]
    documents = np.array([s.document_id for s in spans])
    vectors = EmbeddingTable(WordLlamaEncoder()).vectors(texts)
    forest = similar_vector_pairs(vectors, THRESHOLD, allowed=everything, documents=documents)
    expected = all_pairs(vectors, THRESHOLD, documents)
    found = components(len(texts), forest)
    assert found == components(len(texts), expected)
    assert (len(texts), len(set(found)), len(forest)) == (1213, 493, 720)
    # The same pairs again, and a forest: one pair fewer than members in each component.
    assert similar_vector_pairs(
        vectors, THRESHOLD, allowed=everything, documents=documents
    ) == list(forest)
    assert all(score >= THRESHOLD for _, _, score in forest)


def test_a_leader_keeps_its_members_within_the_threshold_where_single_linkage_chains():
    # Four claims 20 degrees apart (cosine 0.94 to the next, 0.77 to the one after): single
    # linkage makes one node of them, leaders two (0 leads 1; 2 is too far from 0 and leads 3).
    angles = np.radians([0, 20, 40, 60])
    vectors = unit(np.stack([np.cos(angles), np.sin(angles), np.zeros_like(angles)], axis=1))
    chained = similar_vector_pairs(vectors, THRESHOLD, allowed=everything)
    assert set(components(4, chained)) == {0}
    found = leader_pairs(vectors, THRESHOLD, allowed=everything)
    assert [(i, j) for i, j, _ in found] == [(0, 1), (2, 3)]
    assert [s for *_, s in found] == exact_scores(vectors, np.array([[0, 1], [2, 3]])).tolist()
    # 0 and 1 in one document: 1 may not join 0 and leads; 2 joins 1; 3 is 40 degrees from
    # 1 and 60 from 0, and leads.
    one_document = leader_pairs(
        vectors, THRESHOLD, allowed=everything, documents=np.array([0, 0, 1, 2])
    )
    assert [(i, j) for i, j, _ in one_document] == [(1, 2)]


def test_on_the_labelled_claims_leaders_split_only_what_single_linkage_joins():
    texts = sorted(
        {text for pair in json.loads(PAIRS.read_text())["pairs"] for text in (pair["a"], pair["b"])}
    )
    documents = np.arange(len(texts))
    table = EmbeddingTable(WordLlamaEncoder())

    def guarded(pairs):
        return np.array([not negation_guard(texts[i], texts[j]) for i, j in pairs], dtype=bool)

    vectors = table.vectors(texts)
    found = leader_pairs(vectors, THRESHOLD, allowed=guarded, documents=documents)
    chained = components(
        len(texts), similar_vector_pairs(vectors, THRESHOLD, allowed=guarded, documents=documents)
    )
    nodes = components(len(texts), found)
    # Every member is within the threshold of its leader, and no two share a document.
    assert all(s >= THRESHOLD and documents[i] != documents[j] for i, j, s in found)
    assert all(chained[i] == chained[j] for i, j, _ in found)
    assert (len(texts), len(set(chained)), len(set(nodes))) == (426, 380, 384)


def test_sorted_unique_is_numpy_s_unique():
    rng = np.random.default_rng(7)
    many = rng.integers(0, 5_000, 20_000)
    for values in (many, many[:1], many[:0], np.array([3, 3, 3]), np.array([9, -2, 9, 0])):
        expected = np.unique(values)
        found = sorted_unique(values.copy())
        assert found.tolist() == expected.tolist()
        assert found.dtype == expected.dtype
