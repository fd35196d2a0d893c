"""Candidate spans: sentences and clauses at exact code point offsets."""

from suggestions.learn import Candidate, candidate_spans
from suggestions.learn.segment import clauses, sentences


def quotes(text, found):
    return [text[c.start : c.end] for c in found]


def test_sentences_end_after_their_mark_and_are_trimmed():
    text = "  Critics warn it fails.  Does it?\nYes! Last one"

    assert sentences(text) == [
        Candidate(2, 24),
        Candidate(26, 34),
        Candidate(35, 39),
        Candidate(40, 48),
    ]
    assert quotes(text, sentences(text)) == [
        "Critics warn it fails.",
        "Does it?",
        "Yes!",
        "Last one",
    ]


def test_a_closing_quote_stays_with_its_sentence():
    text = 'He said "scanning is wrong." Then he left.'

    assert quotes(text, sentences(text)) == ['He said "scanning is wrong."', "Then he left."]


def test_clauses_split_at_semicolons_and_before_but_because():
    text = (
        "The hearing lasted three hours, but critics warn that a backdoor would weaken "
        "security; the minister disagreed with every single word."
    )
    sentence = sentences(text)[0]

    assert quotes(text, clauses(text, sentence)) == [
        "The hearing lasted three hours",
        "but critics warn that a backdoor would weaken security",
        "the minister disagreed with every single word.",
    ]
    assert [(c.start, c.end) for c in clauses(text, sentence)] == [(0, 30), (32, 86), (88, 134)]


def test_a_short_clause_is_no_candidate_and_a_single_clause_sentence_has_none():
    text = "It fails, but why? A backdoor weakens security for everyone."

    found = candidate_spans(text)

    assert quotes(text, found) == [
        "It fails, but why?",
        "A backdoor weakens security for everyone.",
    ]


def test_offsets_are_code_points_past_astral_characters():
    text = "Emoji 😀 first. Then a backdoor would weaken security."

    found = candidate_spans(text)

    # The emoji is one code point (two UTF-16 units): the second sentence starts at 15.
    assert found == [Candidate(0, 14), Candidate(15, 53)]
    assert text[15:53] == "Then a backdoor would weaken security."
