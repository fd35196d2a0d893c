"""What a classifier sees of a candidate: its words, and counts of argument cues.

The cues are small closed lists written for English news text: verbs of reported speech
("said", "warned", "argues"), argument markers ("because", "therefore") and modal verbs
("would", "should"). ``cue_counts`` is a plain function of the texts, so a fitted pipeline
that uses it pickles by reference to this module.
"""

import re
from collections.abc import Sequence

import numpy as np

REPORTING_VERBS = frozenset(
    [
        "said",
        "say",
        "says",
        "argued",
        "argue",
        "argues",
        "warned",
        "warn",
        "warns",
        "claimed",
        "claim",
        "claims",
        "insisted",
        "insist",
        "insists",
        "told",
        "believe",
        "believes",
        "believed",
        "concluded",
        "concludes",
        "according",
        "stated",
        "states",
        "added",
        "admitted",
        "denied",
        "maintain",
        "maintains",
        "suggested",
        "suggests",
        "noted",
        "notes",
    ]
)
ARGUMENT_MARKERS = frozenset(
    [
        "because",
        "therefore",
        "thus",
        "hence",
        "since",
        "so",
        "consequently",
        "however",
        "but",
        "although",
        "whereas",
        "if",
        "unless",
        "despite",
        "instead",
        "doubt",
        "evidence",
        "shows",
        "means",
    ]
)
MODALS = frozenset(["would", "should", "could", "must", "will", "might", "may", "cannot", "can"])
NEGATIONS = frozenset(["not", "never", "no", "nor", "none"])

_WORD = re.compile(r"[a-z']+")
CUE_NAMES = ("reporting", "markers", "modals", "negations", "quotes", "words", "digits")


def cue_counts(texts: Sequence[str]) -> np.ndarray:
    """Return one row of cue counts per text (columns in CUE_NAMES' order), scaled to ~1."""
    rows = []
    for text in texts:
        words = _WORD.findall(text.lower())
        rows.append(
            (
                sum(word in REPORTING_VERBS for word in words),
                sum(word in ARGUMENT_MARKERS for word in words),
                sum(word in MODALS for word in words),
                sum(word in NEGATIONS for word in words),
                sum(text.count(mark) for mark in '"“”') / 2,
                len(words) / 20,
                sum(ch.isdigit() for ch in text) / 4,
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(CUE_NAMES))
