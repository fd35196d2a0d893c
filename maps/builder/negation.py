"""The negation guard: a claim and its negation are never one argument.

An embedding scores "encryption protects children" and "encryption does not protect children"
0.97 (the same words, one more), and the Jaccard index 0.75. Two texts contradict each other
when their content words are largely the same (Jaccard at least ``GUARD_OVERLAP`` of their
stems, negation words left out) and their polarity differs: an odd number of negation words in
one and an even number in the other ("not", "never", "cannot", "fails to", ...), or a word in
one whose negative-prefixed form is in the other (safe / unsafe, compatible / incompatible).
The overlap condition keeps a paraphrase that happens to be worded with a negation ("there is
no way to build a backdoor only the good guys can use" / "any access built for the police
will be exploited by hackers") mergeable: it contradicts nothing, it says the same thing in
other words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from maps.builder.similarity import STOPWORDS, jaccard, stem

NEGATION_WORDS = frozenset(
    {"not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "cannot", "unable"}
)
NEGATIVE_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")
GUARD_OVERLAP = 0.5

_TOKEN = re.compile(r"[^\W_]+")
_NOT_CONTRACTION = re.compile(r"n['\u2019]t\b")
_FAILS_TO = re.compile(r"\bfail(?:s|ed|ing)? to\b")


@dataclass(frozen=True, slots=True)
class Polarity:
    """What the guard compares: negation parity, content stems, and the plain tokens."""

    negated: bool
    words: frozenset[str]
    tokens: frozenset[str]


def _tokens(text: str) -> tuple[str, list[str]]:
    text = _NOT_CONTRACTION.sub(" not", unicodedata.normalize("NFKC", text).casefold())
    return text, _TOKEN.findall(text)


def _negated(text: str, tokens: list[str]) -> bool:
    count = sum(map(NEGATION_WORDS.__contains__, tokens))
    if "fail" in text:
        count += len(_FAILS_TO.findall(text))
    return count % 2 == 1


@lru_cache(maxsize=262144)
def polarity(text: str) -> Polarity:
    """Return a text's polarity: whether it is negated (odd negation count) and its words."""
    text, tokens = _tokens(text)
    words = frozenset(
        stem(token)
        for token in tokens
        if token not in STOPWORDS
        and token not in NEGATION_WORDS
        and (len(token) > 1 or token.isdigit())
    )
    return Polarity(negated=_negated(text, tokens), words=words, tokens=frozenset(tokens))


@lru_cache(maxsize=65536)
def opposite_base(token: str) -> str:
    """Return a word without its negative prefix ("unsafe" -> "safe"), or "" if it has none."""
    for prefix in NEGATIVE_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 4:
            return token[len(prefix) :]
    return ""


def negation_marks(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each text, whether it is negated and whether it holds a word whose
    un-prefixed form is a word of another text (unsafe / safe): only a pair that differs in
    the first or has the second can contradict itself, so only those need ``contradicts``.

    Cheaper than ``polarity`` for every text (no stems, no sets kept): a group of a hundred
    thousand spans asks ``polarity`` only for the texts of suspect pairs.
    """
    negated = np.zeros(len(texts), dtype=bool)
    token_lists = []
    for position, text in enumerate(texts):
        folded, tokens = _tokens(text)
        negated[position] = _negated(folded, tokens)
        token_lists.append(tokens)
    vocabulary = {token for tokens in token_lists for token in tokens}
    # Only a prefixed word whose base is a word of the group counts.
    opposed = {token for token in vocabulary if opposite_base(token) in vocabulary}
    prefixed = np.fromiter(
        (not opposed.isdisjoint(tokens) for tokens in token_lists), dtype=bool, count=len(texts)
    )
    return negated, prefixed


def _prefixed_opposite(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(opposite_base(token) in a for token in b - a)


def contradicts(a: Polarity, b: Polarity) -> bool:
    """Return whether two texts say the same thing with opposite polarity."""
    if jaccard(a.words, b.words) < GUARD_OVERLAP:
        return False
    if a.negated != b.negated:
        return True
    return _prefixed_opposite(a.tokens, b.tokens) or _prefixed_opposite(b.tokens, a.tokens)


def negation_guard(text_a: str, text_b: str) -> bool:
    """Return whether one text is the other's negation: such a pair never merges."""
    return contradicts(polarity(text_a), polarity(text_b))
