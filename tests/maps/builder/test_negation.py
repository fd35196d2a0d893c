"""Which texts the guard must look at, and the guard on them."""

import random

from maps.builder import EmbeddingTable, SemanticSimilarity, WordLlamaEncoder
from maps.builder.negation import negation_marks
from maps.builder.words import WORD, fold, fold_words

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


def _marks_one_text_at_a_time(texts):
    """negation_marks as it was: every text's word list by the regular expression."""
    from maps.builder.negation import _negated, opposite_base

    lists = [(fold(text), WORD.findall(fold(text))) for text in texts]
    vocabulary = {token for _, tokens in lists for token in tokens}
    opposed = {token for token in vocabulary if opposite_base(token) in vocabulary}
    return (
        [_negated(folded, tokens) for folded, tokens in lists],
        [not opposed.isdisjoint(tokens) for _, tokens in lists],
    )


def test_negation_marks_read_all_texts_at_once_as_one_at_a_time():
    pieces = [
        "not",
        "no",
        "Never",
        "NOBODY",
        "can't",
        "won\u2019t",
        "fails to",
        "failed  to",
        "fail_to",
        "not_safe",
        "safe",
        "unsafe",
        "secure",
        "insecure",
        "Ünsafe",
        "café",
        "non",
        "none",
        "nothing-else",
        "x",
        "42",
        "n't",
        "_",
        "\u2014",
        "ﬁne",
        "fine",
        "e\u0301",
        "\u0301",
        "\x00",
        "\t",
        "",
        "encryption",
        "protects",
        "children",
    ]
    rng = random.Random(3)
    texts = [" ".join(rng.choices(pieces, k=rng.randrange(0, 9))) for _ in range(3000)]
    texts += ["".join(rng.choices(pieces, k=rng.randrange(0, 9))) for _ in range(3000)]
    without_separator = [text for text in texts if "\x00" not in text]

    # Each text's folded form and words, ASCII ones without the regular expression.
    for text in texts:
        assert fold_words(text) == (fold(text), WORD.findall(fold(text)))
    assert sum(text.isascii() for text in texts) > 1000

    for group in (texts, without_separator, without_separator[:1], []):
        negated, prefixed = negation_marks(group)
        expected_negated, expected_prefixed = _marks_one_text_at_a_time(group)
        assert negated.tolist() == expected_negated
        assert prefixed.tolist() == expected_prefixed
    assert sum(_marks_one_text_at_a_time(without_separator)[1]) > 100
