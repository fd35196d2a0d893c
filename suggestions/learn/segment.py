"""Candidate spans of a text: its sentences, and the clauses of sentences that join two.

Offsets are code points into the text, half-open, as everywhere in Debatemap. A candidate is
trimmed of the whitespace around it, so its quote is ``text[start:end]`` with no blank edges.
"""

import re
from dataclasses import dataclass

# A sentence ends after . ! ? (and any closing quotes or brackets) before whitespace, or at a
# line break; the rest of the text is one last sentence.
_SENTENCE_END = re.compile("[.!?]+[\"'\u201d\u2019)\\]]*(?=\\s)|\n+")
# Where a sentence splits into clauses that can each carry an argument of their own.
_CLAUSE_BREAK = re.compile(
    ";\\s+|,\\s+(?=(?:but|because|while|although|whereas|since|so)\\b)|\\s+[\u2014\u2013]\\s+"
)
# A clause shorter than this many words is no argument on its own.
MIN_CLAUSE_WORDS = 4


@dataclass(frozen=True, order=True)
class Candidate:
    """A stretch of text that may carry an argument: code points, half-open."""

    start: int
    end: int


def _trimmed(text: str, start: int, end: int) -> Candidate | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Candidate(start, end) if end > start else None


def sentences(text: str) -> list[Candidate]:
    """Return the text's sentences in order, trimmed."""
    found: list[Candidate] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        candidate = _trimmed(text, start, end)
        if candidate:
            found.append(candidate)
        start = match.end()
    candidate = _trimmed(text, start, len(text))
    if candidate:
        found.append(candidate)
    return found


def clauses(text: str, sentence: Candidate) -> list[Candidate]:
    """Return a sentence's clauses of at least MIN_CLAUSE_WORDS words, or [] if it has one."""
    parts: list[Candidate] = []
    start = sentence.start
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        parts.append(Candidate(start, match.start()))
        start = match.end()
    if not parts:
        return []
    parts.append(Candidate(start, sentence.end))
    trimmed = [_trimmed(text, part.start, part.end) for part in parts]
    return [
        part
        for part in trimmed
        if part and len(text[part.start : part.end].split()) >= MIN_CLAUSE_WORDS
    ]


def candidate_spans(text: str) -> list[Candidate]:
    """Return every candidate span of a text: each sentence, then its clauses, in text order."""
    found: list[Candidate] = []
    for sentence in sentences(text):
        found.append(sentence)
        found.extend(part for part in clauses(text, sentence) if part != sentence)
    return sorted(set(found))
