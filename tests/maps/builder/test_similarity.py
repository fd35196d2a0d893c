"""When two spans are paraphrases: content words, the lexical score and its pairs."""

import random

from maps.builder import (
    LexicalSimilarity,
    content_words,
    jaccard,
)
from tests.maps.seed import (
    BACKDOOR_000,
    BACKDOOR_004,
    HOLES_004,
    PROTECTION_000,
    PROTECTION_004,
    RULES_000,
    SAFETY_NET_004,
    SMOKESCREEN_004,
    SOLUTIONS_004,
    TRADE_OFF_004,
    node_of,
)


def test_seed_paraphrases_score_above_and_different_claims_below_the_threshold():
    similarity = LexicalSimilarity()
    assert similarity.threshold == 0.5
    assert similarity.score(BACKDOOR_000, BACKDOOR_004) == 0.75
    assert similarity.score(PROTECTION_000, PROTECTION_004) == 0.5625
    assert similarity.score(SMOKESCREEN_004, TRADE_OFF_004) == 0.0
    different = [BACKDOOR_000, RULES_000, HOLES_004, SAFETY_NET_004, TRADE_OFF_004]
    different += [SOLUTIONS_004, SMOKESCREEN_004, PROTECTION_000]
    scores = [similarity.score(a, b) for i, a in enumerate(different) for b in different[i + 1 :]]
    # The closest two different claims: Robertson's safety net and Govender's trade-off share
    # only "privacy" and "safety", 2 of 10 words.
    assert max(scores) == similarity.score(SAFETY_NET_004, TRADE_OFF_004) == 0.2


def test_smokescreen_and_trade_off_claims_stay_apart(seed_map):
    smokescreen = node_of(seed_map, SMOKESCREEN_004)
    trade_off = node_of(seed_map, TRADE_OFF_004)
    assert smokescreen.id != trade_off.id
    assert len(smokescreen.sources) == len(trade_off.sources) == 1
    assert smokescreen.merges == trade_off.merges == ()


def test_content_words_drop_function_words_and_reporting_verbs_and_keep_negation():
    assert content_words("They also say that they build in a backdoor") == {"build", "backdoor"}
    assert content_words("Platforms don\u2019t scan messages") == {
        "platform",
        "not",
        "scan",
        "messag",
    }
    assert content_words("Encrypted ENCRYPTION encrypting") == {"encrypt"}


def test_short_claims_sharing_two_words_do_not_merge():
    similarity = LexicalSimilarity()
    texts = ["Encryption protects privacy.", "Encryption protects children."]
    assert similarity.score(*texts) == 0.5
    assert list(similarity.similar_pairs(texts, [1, 2])) == []
    same = ["Encryption protects.", "encryption PROTECTS"]
    assert list(similarity.similar_pairs(same, [1, 2])) == [(0, 1, 1.0)]
    assert list(similarity.similar_pairs(same, [1, 1])) == []


def _components(count, pairs):
    parent = list(range(count))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j, _score in pairs:
        parent[find(max(i, j))] = find(min(i, j))
    return {frozenset(k for k in range(count) if find(k) == root) for root in range(count)} - {
        frozenset()
    }


def test_similar_pairs_connects_exactly_what_an_all_pairs_scan_connects():
    rng = random.Random(7)
    vocabulary = [f"word{i}" for i in range(40)]
    texts = [" ".join(rng.sample(vocabulary, rng.randint(3, 9))) for _ in range(300)]
    groups = [i // 3 for i in range(len(texts))]
    similarity = LexicalSimilarity(threshold=0.4)
    expected = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = content_words(texts[i]), content_words(texts[j])
            score = jaccard(a, b)
            if groups[i] != groups[j] and score >= 0.4 and (len(a & b) >= 3 or a == b):
                expected.append((i, j, score))
    found = list(similarity.similar_pairs(texts, groups))
    assert len(expected) > len(found) > 100
    assert set(found) <= set(expected)
    assert _components(len(texts), found) == _components(len(texts), expected)


def test_token_stems_leave_out_what_is_no_content_word_and_keep_stemming_when_full(monkeypatch):
    from maps.builder import words

    stems = words.TokenStems(frozenset({"the", "not"}))
    tokens = ["the", "backdoors", "x", "7", "not", "scanning", "backdoors"]

    assert stems.words(tokens) == frozenset({"backdoor", "7", "scan"})
    assert stems.words(["the", "x"]) == frozenset()
    assert dict(stems) == {
        "the": "",
        "backdoors": "backdoor",
        "x": "",
        "7": "7",
        "not": "",
        "scanning": "scan",
    }
    # Full: a new token is stemmed each time and not kept.
    monkeypatch.setattr(words, "_TOKENS_KEPT", len(stems))
    assert stems.words(["encrypted", "messages"]) == frozenset({"encrypt", "messag"})
    assert "encrypted" not in stems and len(stems) == 6
