"""When a candidate span counts as a gold span, and span-level counts of hits.

A candidate **hits** a gold span when their overlap is at least half of their union, in code
points (Jaccard index >= ``MIN_OVERLAP``): a sentence holding a one-clause gold span twice
its length does not hit it, its clause does. Hits are one-to-one: the pairs are taken by
decreasing overlap (then by position), each gold span and each candidate at most once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

MIN_OVERLAP = 0.5


class Stretch(Protocol):
    start: int
    end: int


def overlap(a: Stretch, b: Stretch) -> float:
    """Return the Jaccard index of two half-open ranges: intersection over union."""
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def hits_any(candidate: Stretch, gold: Sequence[Stretch]) -> bool:
    """Return whether a candidate hits at least one gold span."""
    return any(overlap(candidate, span) >= MIN_OVERLAP for span in gold)


@dataclass(frozen=True)
class Match:
    """One predicted span that hit one gold span, by their indexes in the lists given."""

    predicted: int
    gold: int


def match_spans(predicted: Sequence[Stretch], gold: Sequence[Stretch]) -> list[Match]:
    """Return the one-to-one hits between predicted and gold spans of one document."""
    pairs = sorted(
        (
            (-overlap(p, g), g.start, p.start, i, j)
            for i, p in enumerate(predicted)
            for j, g in enumerate(gold)
            if overlap(p, g) >= MIN_OVERLAP
        )
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    matches: list[Match] = []
    for _, _, _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        matches.append(Match(i, j))
    return sorted(matches, key=lambda m: m.predicted)
