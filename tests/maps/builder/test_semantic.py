"""Semantic merging: the packaged model offline, merges and splits, the negation guard, the
pair search against all pairs, determinism, and the table of vectors a build is handed."""

import random
import socket
from dataclasses import replace

import numpy as np
import pytest

from maps.builder import (
    CombinedSimilarity,
    EmbeddingTable,
    SemanticSimilarity,
    WordLlamaEncoder,
    build_map,
    input_hash,
    map_to_json,
    merge_similarity,
    negation_guard,
)
from maps.builder.embedding import load_wordllama
from maps.builder.neighbours import maximum_spanning_forest
from maps.builder.similarity import find_root, union
from tests.maps.seed import BACKDOOR_000, BACKDOOR_004, seed_map_input

BACKDOOR = "A backdoor would make messaging services less secure for everyone."
DISSIDENTS = "Scanning private messages would let governments spy on dissidents."
FALSE_REPORTS = "Scanning private messages would flood police with false reports."
PROTECTS = "Encryption protects children."
DOES_NOT = "Encryption does not protect children."


@pytest.fixture(scope="module")
def table():
    return EmbeddingTable(WordLlamaEncoder())


class CountingEncoder:
    """WordLlama, counting the texts it is asked to encode."""

    name = WordLlamaEncoder.name

    def __init__(self):
        self.texts = 0

    def encode(self, texts):
        self.texts += len(texts)
        return WordLlamaEncoder().encode(texts)


def clusters(pairs, count):
    parent = list(range(count))
    for i, j, _ in pairs:
        union(parent, i, j)
    return sorted({tuple(k for k in range(count) if find_root(parent, k) == r) for r in parent})


def test_the_model_loads_from_the_package_with_the_network_cut(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    load_wordllama.cache_clear()
    vectors = WordLlamaEncoder().encode([PROTECTS, "Backdoors weaken security."])
    assert vectors.shape == (2, 256)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_reordered_paraphrase_merges_and_a_shared_phrase_does_not(table):
    similarity = SemanticSimilarity(table)
    reordered = "Everyone would be less safe online if encryption were weakened."
    texts = ["Weakening encryption makes everyone less safe online.", reordered]
    assert [(i, j) for i, j, _ in similarity.similar_pairs(texts, [1, 2])] == [(0, 1)]
    # Same opening, different argument: 0.50 cosine, far below the threshold.
    assert similarity.score(DISSIDENTS, FALSE_REPORTS) < similarity.threshold
    assert similarity.similar_pairs([DISSIDENTS, FALSE_REPORTS], [1, 2]) == ()


def test_a_claim_never_merges_with_its_negation(table):
    for similarity in (SemanticSimilarity(table), CombinedSimilarity(table)):
        # The vectors say they are the same (0.97), the guard says they are opposites.
        assert SemanticSimilarity(table).score(PROTECTS, DOES_NOT) > 0.95
        assert similarity.similar_pairs([PROTECTS, DOES_NOT], [1, 2]) == ()
    assert negation_guard("Scanning on the device is safe.", "Scanning on the device is unsafe.")
    assert negation_guard("The bill respects privacy.", "The bill fails to respect privacy.")
    # Worded with a negation, but not the same words: a paraphrase may still merge.
    assert not negation_guard(
        "There is no way to build a backdoor that only the good guys can use.",
        "Any access built for law enforcement will eventually be exploited by hackers too.",
    )


def test_combined_names_the_evidence_of_each_merge(table):
    combined = CombinedSimilarity(table)
    # The seed's backdoor claims: 6 of 8 stems (0.75), cosine 0.74: lexical evidence.
    assert combined.evidence(BACKDOOR_000, BACKDOOR_004) == ("lexical", 0.75)
    method, basis = combined.describe(BACKDOOR_000, BACKDOOR_004)
    assert method == combined.lexical.method and basis.startswith("lexical evidence: cosine")
    reworded = "Scanning people's private messages amounts to mass surveillance."
    kind, score = combined.evidence("Scanning private messages is mass surveillance.", reworded)
    assert kind in {"semantic", "lexical+semantic"} and score >= 0.82
    built = build_map(seed_map_input(), similarity=combined)
    methods = sorted(step.method for node in built.arguments for step in node.merges)
    assert methods == sorted([combined.lexical.method, combined.semantic.method])


def test_the_pair_search_finds_the_clusters_all_pairs_find():
    rng = np.random.default_rng(7)
    # 60 arguments, each voiced 1-12 times with a little noise, plus unrelated claims.
    centres = rng.standard_normal((60, 64)).astype(np.float32)
    rows = [c + 0.25 * rng.standard_normal(64) for c in centres for _ in range(rng.integers(1, 13))]
    rows += list(rng.standard_normal((200, 64)))
    vectors = np.array(rows, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors.astype(np.float16).astype(np.float32)
    from maps.builder.neighbours import similar_vector_pairs

    def everything(pairs):
        return np.ones(len(pairs), dtype=bool)

    exact = similar_vector_pairs(vectors, 0.8, allowed=everything)
    blocked = similar_vector_pairs(vectors, 0.8, allowed=everything, exact_limit=0)
    assert len(exact) > 300
    assert clusters(blocked, len(vectors)) == clusters(exact, len(vectors))
    # Every pair at or above the threshold, scored by brute force, joins nothing the forest
    # leaves apart.
    scores = np.round(vectors.astype(np.float64) @ vectors.T.astype(np.float64), 4)
    i, j = np.nonzero(np.triu(scores >= 0.8, k=1))
    brute = [(a, b, 0.0) for a, b in zip(i.tolist(), j.tolist(), strict=True)]
    assert clusters(brute, len(vectors)) == clusters(exact, len(vectors))


def test_the_spanning_forest_is_kruskals_whatever_the_order():
    rng = random.Random(3)
    pairs = sorted({tuple(sorted(rng.sample(range(40), 2))) for _ in range(150)})
    scores = [round(rng.choice([0.9, 0.85, 0.8, rng.random()]), 4) for _ in pairs]
    parent = list(range(40))
    kruskal = []
    for (i, j), s in sorted(zip(pairs, scores, strict=True), key=lambda p: (-p[1], p[0])):
        if find_root(parent, i) != find_root(parent, j):
            union(parent, i, j)
            kruskal.append((i, j, s))
    shuffled = list(zip(pairs, scores, strict=True))
    rng.shuffle(shuffled)
    forest = maximum_spanning_forest(
        40, np.array([p for p, _ in shuffled]), np.array([s for _, s in shuffled])
    )
    assert sorted(forest) == sorted(kruskal)


def test_the_same_input_in_any_order_with_stored_or_fresh_vectors_gives_the_same_bytes():
    data = seed_map_input()
    fresh = EmbeddingTable(WordLlamaEncoder())
    first = map_to_json(build_map(data, similarity=merge_similarity("combined", fresh)))
    stored = dict(fresh.new)
    encoder = CountingEncoder()
    warm = EmbeddingTable(encoder, lambda keys: {k: stored[k] for k in keys if k in stored})
    spans = list(data.spans)
    random.Random(5).shuffle(spans)
    again = map_to_json(
        build_map(replace(data, spans=spans), similarity=merge_similarity("combined", warm))
    )
    assert again == first
    # Every text came from the stored vectors: nothing was encoded again.
    assert (encoder.texts, warm.encoded, warm.new) == (0, 0, {})


def test_a_table_encodes_each_new_text_once_and_hands_it_back():
    encoder = CountingEncoder()
    table = EmbeddingTable(encoder)
    table.vectors([PROTECTS, DOES_NOT, PROTECTS, " Encryption  protects children. "])
    assert (encoder.texts, len(table.new)) == (2, 2)  # whitespace is normalised away
    assert all(len(data) == 512 for data in table.new.values())  # 256 float16
    table.vectors([PROTECTS])
    assert encoder.texts == 2


def test_the_merge_method_is_part_of_the_input_hash_and_the_map(table):
    data = seed_map_input()
    built = {m: build_map(data, similarity=merge_similarity(m, table)) for m in MERGE_METHODS}
    hashes = {input_hash(data, similarity=merge_similarity(m, table)) for m in MERGE_METHODS}
    assert len(hashes) == 3
    assert len({b.input_hash for b in built.values()}) == 3
    assert built["semantic"].similarity["method"].startswith("semantic-cosine/v1")
    assert built["combined"].similarity["method"].startswith("combined/v1")
    # The seed's two paraphrase pairs: lexical and combined merge both, semantic only one.
    assert [len(built[m].arguments) for m in MERGE_METHODS] == [8, 9, 8]


MERGE_METHODS = ("lexical", "semantic", "combined")


class AngleEncoder:
    """Texts "a<degrees>" as unit vectors at that angle in a plane: cosines chosen by hand."""

    name = "angles"

    def encode(self, texts):
        angles = np.radians([float(text[1:]) for text in texts])
        return np.stack([np.cos(angles), np.sin(angles), *[angles * 0] * 254], axis=1)


def test_the_most_spans_lead_whatever_the_order_of_the_spans():
    similarity = SemanticSimilarity(EmbeddingTable(AngleEncoder()))
    # a20 is 20 degrees from a0 and a40 (cosine 0.94), which are 40 apart (0.77): one node
    # for a20 and the wording with more spans, whichever comes first; a90 twice in one
    # document merges with nothing.
    texts = ["a20", "a0", "a0", "a40", "a40", "a40", "a90", "a90"]
    documents = [1, 2, 3, 4, 5, 6, 7, 7]
    found = similarity.similar_pairs(texts, documents)
    assert clusters(found, 8) == [(0, 3, 4, 5), (1, 2), (6,), (7,)]
    assert all(score >= similarity.threshold for *_, score in found)
    order = [7, 5, 3, 1, 0, 2, 4, 6]
    shuffled = similarity.similar_pairs([texts[k] for k in order], [documents[k] for k in order])
    assert sorted(
        tuple(sorted(order[k] for k in cluster)) for cluster in clusters(shuffled, 8)
    ) == [(0, 3, 4, 5), (1, 2), (6,), (7,)]
    # With a0 the most frequent, a20 joins it instead.
    texts = ["a20", "a0", "a0", "a0", "a40", "a40"]
    found = similarity.similar_pairs(texts, [1, 2, 3, 4, 5, 6])
    assert clusters(found, 6) == [(0, 1, 2, 3), (4, 5)]


def test_leaders_give_the_same_bytes_for_spans_in_any_order(table):
    from bench.claims_text import generate_claims

    data, _ = generate_claims(spans=3000, documents=300, arguments=120, actors=30, seed=4)
    first = map_to_json(build_map(data, similarity=merge_similarity("semantic", table)))
    spans = list(data.spans)
    random.Random(9).shuffle(spans)
    again = map_to_json(
        build_map(replace(data, spans=spans), similarity=merge_similarity("semantic", table))
    )
    assert again == first
    built = build_map(data, similarity=merge_similarity("semantic", table))
    assert (len(data.spans), len(built.arguments)) == (3000, 1866)
