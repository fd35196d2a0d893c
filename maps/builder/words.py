"""How the builder reads a text as words: folded, split into tokens, and stemmed.

``fold`` and ``fold_words`` read a text as its words are compared (NFKC, case-folded, "n't"
as " not"), ``stem`` takes a light stem off a word, and ``TokenStems`` keeps each token's stem
(or "" for a word that carries no content: a stopword, or one of the words a caller leaves
out), so a text's content words are a look-up a token. ``maps.builder.similarity`` makes its
content words with them, ``maps.builder.negation`` its guard's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

# Function words, and reporting verbs: "X says that ..." and "X argues ..." attribute a claim
# rather than state it, so they must not make two different claims look alike. Negations and
# comparatives (not, no, never, without, less, more) are kept because they change a claim.
_STOPWORD_TEXT = """
    a about above after again against also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me my myself now of off on once only or other ought our ours ourselves out over own same
    she should so some such than that the their theirs them themselves then there these they this
    those through to too under until up very was we were what when where which while who whom why
    will with would you your yours yourself yourselves all us
    re s t ll ve d m
    say says said saying argue argues argued arguing claim claims claimed warn warns warned
    tell tells told add adds added according believe believes believed insist insists insisted
    state states stated suggest suggests suggested note notes noted explain explains explained
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# A word: letters and digits (any script); texts are compared as ``fold`` makes them.
WORD = re.compile(r"[^\W_]+")
_NOT_CONTRACTION = re.compile(r"n['\u2019]t\b")


def fold(text: str) -> str:
    """Return a text as its words are compared: NFKC, case-folded, "n't" as " not"."""
    return _NOT_CONTRACTION.sub(" not", unicodedata.normalize("NFKC", text).casefold())


def ascii_spaces(keep: str = "") -> bytes:
    """Return a ``bytes.translate`` table that makes every ASCII character but letters, digits
    and ``keep`` a space: ``WORD``'s words of an ASCII text are the words ``split`` finds in its
    translation. (Encoded, translated by a byte table and decoded, an ASCII text is translated
    several times faster than by the mapping ``str.translate`` takes.)"""
    return bytes(
        32 if c < 128 and not chr(c).isalnum() and chr(c) not in keep else c for c in range(256)
    )


_ASCII_NON_WORD = ascii_spaces()


def fold_words(text: str) -> tuple[str, list[str]]:
    """Return ``fold(text)`` and its words (``WORD.findall``): an ASCII text is only
    lower-cased (NFKC changes no ASCII character) and split, without the regular expression."""
    if text.isascii():
        folded = text.lower()
        if "'" in folded:
            folded = _NOT_CONTRACTION.sub(" not", folded)
        return folded, folded.encode().translate(_ASCII_NON_WORD).decode().split()
    folded = fold(text)
    return folded, WORD.findall(folded)


# Longest first; a suffix comes off only if at least three letters stay.
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ities",
    "ity",
    "ings",
    "ing",
    "ions",
    "ion",
    "ness",
    "ers",
    "er",
    "ed",
    "ly",
)


# ``stem`` is a pure function of one string: its cache only saves work (a rebuild sees the
# same words again), never changes a result, and is bounded.
@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return a light stem: plural, one common suffix and a final "e" removed."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


# Distinct tokens a ``TokenStems`` remembers; past it, a new token is stemmed each time it comes.
_TOKENS_KEPT = 1 << 18
_LEFT_OUT = frozenset({""})


class TokenStems(dict[str, str]):
    """Each token's stem, or "" for a token that is no content word: one of ``left_out``, or a
    single character other than a digit. Filled as tokens come, so a text's words are a
    look-up a token at C speed (``words``), not a Python test and a call to ``stem`` each."""

    def __init__(self, left_out: frozenset[str]) -> None:
        super().__init__()
        self.left_out = left_out

    def __missing__(self, token: str) -> str:
        kept = token not in self.left_out and (len(token) > 1 or token.isdigit())
        found = stem(token) if kept else ""
        if len(self) < _TOKENS_KEPT:
            self[token] = found
        return found

    def words(self, tokens: Sequence[str]) -> frozenset[str]:
        """Return the stems of the tokens that are content words."""
        # Known tokens by ``dict.get`` (no Python call a token); a new one gives None, and
        # the tokens are then read again, filling in the new ones.
        found = frozenset(map(self.get, tokens))
        if None in found:
            found = frozenset(map(self.__getitem__, tokens))
        return found - _LEFT_OUT if "" in found else found
