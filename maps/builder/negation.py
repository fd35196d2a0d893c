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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from maps.builder.similarity import jaccard
from maps.builder.words import STOPWORDS, WORD, TokenStems, ascii_spaces, fold, fold_words

NEGATION_WORDS = frozenset(
    {"not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "cannot", "unable"}
)
NEGATIVE_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")
GUARD_OVERLAP = 0.5

_FAILS_TO = re.compile(r"\bfail(?:s|ed|ing)? to\b")
_SEPARATOR = "\x00"
# Every ASCII character but letters, digits and the separator (which stays between the texts
# it joins) as a space.
_ASCII_SPACES = ascii_spaces(keep=_SEPARATOR)


# The stems the guard compares: content words, negation words left out too.
_GUARD_STEMS = TokenStems(STOPWORDS | NEGATION_WORDS)


@dataclass(frozen=True, slots=True)
class Polarity:
    """What the guard compares: negation parity, content stems, and the plain tokens."""

    negated: bool
    words: frozenset[str]
    tokens: frozenset[str]


def _negated(text: str, tokens: list[str]) -> bool:
    count = sum(map(NEGATION_WORDS.__contains__, tokens))
    if "fail" in text:
        count += len(_FAILS_TO.findall(text))
    return count % 2 == 1


# Bounded small: the semantic search keeps each group's polarities itself
# (``maps.builder.semantic``); this cache serves the pairs of the lexical guard.
@lru_cache(maxsize=16384)
def polarity(text: str) -> Polarity:
    """Return a text's polarity: whether it is negated (odd negation count) and its words."""
    text, tokens = fold_words(text)
    return Polarity(
        negated=_negated(text, tokens),
        words=_GUARD_STEMS.words(tokens),
        tokens=frozenset(tokens),
    )


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
    thousand spans asks ``polarity`` only for the texts of suspect pairs. The texts are folded
    all at once, and those that fold to ASCII are read as one string (``_AsciiWords``), never
    split into a list of words each.
    """
    folded = _folded(texts)
    ascii_rows = [row for row, text in enumerate(folded) if _plain(text)]
    plain = _AsciiWords([folded[row] for row in ascii_rows])
    counts = np.zeros(len(texts), dtype=np.int64)
    counts[ascii_rows] = plain.counts(_NEGATION_WORD)
    vocabulary = plain.vocabulary()
    other_tokens: dict[int, list[str]] = {}
    for row, text in enumerate(folded):
        if "fail" in text:
            counts[row] += len(_FAILS_TO.findall(text))
        if not _plain(text):
            tokens = other_tokens[row] = WORD.findall(text)
            counts[row] += sum(map(NEGATION_WORDS.__contains__, tokens))
            vocabulary.update(tokens)
    negated = counts % 2 == 1
    # Only a prefixed word whose base is a word of the group counts.
    opposed = {token for token in vocabulary if opposite_base(token) in vocabulary}
    prefixed = np.zeros(len(texts), dtype=bool)
    if opposed:
        prefixed[ascii_rows] = plain.counts(_any_word(opposed)) > 0
        for row, tokens in other_tokens.items():
            prefixed[row] = not opposed.isdisjoint(tokens)
    return negated, prefixed


def _plain(text: str) -> bool:
    return text.isascii() and _SEPARATOR not in text


def _folded(texts: Sequence[str]) -> list[str]:
    """Return each text as ``fold`` makes it, all in one string when no text holds
    the separator (NFKC leaves it alone and composes nothing across it)."""
    if not texts:
        return []
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:
        return [fold(text) for text in texts]
    return fold(joined).split(_SEPARATOR)


class _AsciiWords:
    """ASCII texts as one string of their words (``WORD``'s: every other character a space),
    each text between separators: a word is ``" word "``, found by one regular expression."""

    def __init__(self, texts: list[str]) -> None:
        joined = " " + f" {_SEPARATOR} ".join(texts) + " "
        self.text = joined.encode().translate(_ASCII_SPACES).decode()
        # Where each text begins in ``self.text``: translation keeps every length.
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        self.starts = np.cumsum(lengths + 3) - lengths - 3
        self.size = len(texts)

    def counts(self, pattern: re.Pattern[str]) -> np.ndarray:
        """Return how many times each text has a word ``pattern`` matches (with its space)."""
        found = np.fromiter(
            (match.start() for match in pattern.finditer(self.text)), dtype=np.int64
        )
        rows = np.searchsorted(self.starts, found, side="right") - 1
        return np.bincount(rows, minlength=self.size)

    def vocabulary(self) -> set[str]:
        words = set(self.text.split())
        words.discard(_SEPARATOR)
        return words


def _any_word(words: set[str]) -> re.Pattern[str]:
    # A word ends where a space follows it, so the order of the alternatives does not matter.
    alternatives = "|".join(map(re.escape, sorted(words)))
    return re.compile(f" (?:{alternatives})(?= )")


_NEGATION_WORD = _any_word(set(NEGATION_WORDS))


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
