"""Which texts the guard must look at, and the guard on them."""

from maps.builder import EmbeddingTable, SemanticSimilarity, WordLlamaEncoder
from maps.builder.negation import negation_marks

TEXTS = [
    "Scanning on the device is safe.",
    "Scanning on the device is unsafe.",
    "The bill fails to respect privacy.",
    "The bill respects privacy.",
    "It is not never illegal.",
    "Information wants to be free.",
]


def test_negation_marks_flag_odd_negations_and_prefixed_words_of_the_group():
    negated, prefixed = negation_marks(TEXTS)
    assert negated.tolist() == [False, False, True, False, False, False]
    # "unsafe" has "safe" in the group; "illegal" has no "legal", "information" no "formation".
    assert prefixed.tolist() == [False, True, False, False, False, False]
    assert negation_marks([*TEXTS, "It is legal."])[1].tolist() == [
        False,
        True,
        False,
        False,
        True,
        False,
        False,
    ]


def test_a_prefixed_opposite_never_merges_a_plain_paraphrase_does():
    similarity = SemanticSimilarity(EmbeddingTable(WordLlamaEncoder()))
    assert similarity.similar_pairs(TEXTS[:2], [1, 2]) == ()
    assert similarity.similar_pairs(TEXTS[2:4], [1, 2]) == ()
    same = [TEXTS[0], "Scanning on the device is safe!"]
    assert [(i, j) for i, j, _ in similarity.similar_pairs(same, [1, 2])] == [(0, 1)]
