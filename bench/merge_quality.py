"""Precision, recall and F1 of merging on our labelled claim pairs, for each merge method.

    .venv/bin/python bench/merge_quality.py                      # lexical, semantic, combined
    .venv/bin/python bench/merge_quality.py --vectors minilm.npz # and a model's own vectors

tests/maps/fixtures/claim_pairs.json holds pairs of claims on the encryption debate that we
wrote ourselves: paraphrases (should merge), same topic but a different argument (should not)
and a claim with its negation (should not), each in the development or the held-out half.

A pair counts as merged when the builder would put both claims in one node: all claims of a
half are merged together, each as its own document, through the similarity's own
``similar_pairs`` and single linkage, as ``maps.builder.merge`` does; so a threshold that chains
unrelated claims through a third is punished as it would be in a map. Thresholds are chosen
on the development half (highest F1 among those with a development precision of at least 0.9,
then highest precision, then the highest threshold) and the figures reported on the held-out
half. docs/MERGING.md has the results;
tests/maps/builder/test_merge_quality.py recomputes them.

``--vectors`` reads the vectors of another model (``bench/minilm_vectors.py`` writes
all-MiniLM-L6-v2's, in a virtualenv of its own with torch) and scores it as a semantic
similarity with the same guard and search.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from maps.builder import (
    ClaimSimilarity,
    CombinedSimilarity,
    EmbeddingTable,
    LexicalSimilarity,
    SemanticSimilarity,
    WordLlamaEncoder,
    negation_guard,
    normalise_text,
)
from maps.builder.similarity import find_root, union

FIXTURE = Path(__file__).resolve().parents[1] / "tests/maps/fixtures/claim_pairs.json"
SPLITS = ("dev", "test")
# Cosine thresholds tried on the development half.
GRID = tuple(round(0.70 + 0.01 * step, 2) for step in range(29))
# Combined: (lexical Jaccard, semantic cosine) pairs.
LEXICAL_GRID = tuple(round(0.5 + 0.05 * step, 2) for step in range(7))
COMBINED_GRID = tuple((lexical, cosine) for lexical in LEXICAL_GRID for cosine in GRID)
# A wrong merge costs a reviewer a split of every span it pulled in; a missed one, a join.
# So a threshold must first be precise on the development half (docs/MERGING.md, "Protocol").
PRECISION_FLOOR = 0.9


def _tuple(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


@dataclass(frozen=True)
class Counts:
    """Merges against labels: true and false positives, false negatives, true negatives."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_pairs(path: Path = FIXTURE) -> list[dict[str, str]]:
    """Return the labelled pairs of the fixture."""
    return json.loads(path.read_text(encoding="utf-8"))["pairs"]


def evaluate(similarity: ClaimSimilarity, pairs: Sequence[dict[str, str]], split: str) -> Counts:
    """Return how the similarity's merges of one half's claims, pooled, match the labels."""
    chosen = [pair for pair in pairs if pair["split"] == split]
    texts = sorted({text for pair in chosen for text in (pair["a"], pair["b"])})
    position = {text: index for index, text in enumerate(texts)}
    parent = list(range(len(texts)))
    for i, j, _ in similarity.similar_pairs(texts, list(range(len(texts)))):
        union(parent, i, j)
    tp = fp = fn = tn = 0
    for pair in chosen:
        merged = find_root(parent, position[pair["a"]]) == find_root(parent, position[pair["b"]])
        should = pair["label"] == "paraphrase"
        tp += merged and should
        fp += merged and not should
        fn += should and not merged
        tn += not should and not merged
    return Counts(tp, fp, fn, tn)


class GuardedLexical(LexicalSimilarity):
    """The shipped lexical rule with the negation guard: what the guard alone is worth."""

    def __init__(self) -> None:
        super().__init__(guard=negation_guard, guard_name="negation guard/v1")


class VectorFile:
    """An encoder whose vectors were computed elsewhere (``--vectors``), by exact text."""

    def __init__(self, path: Path) -> None:
        data = np.load(path, allow_pickle=False)
        self.name = str(data["model"])
        texts = (normalise_text(text) for text in data["texts"].tolist())
        self._vectors = dict(zip(texts, data["vectors"], strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vectors[text] for text in texts]).astype(np.float32)


def choose_threshold(
    make: Callable[..., ClaimSimilarity],
    pairs: Sequence[dict[str, str]],
    grid: Sequence = GRID,
) -> tuple:
    """Return the grid threshold with the highest development F1 among those whose
    development precision reaches ``PRECISION_FLOOR`` (all of them when none does); among
    equals, the highest development precision, then the highest threshold (the most
    cautious)."""
    scored = [(evaluate(make(*_tuple(t)), pairs, "dev"), t) for t in grid]
    precise = [item for item in scored if item[0].precision >= PRECISION_FLOOR] or scored
    return max(precise, key=lambda item: (item[0].f1, item[0].precision, item[1]))[1]


def methods(
    pairs: Sequence[dict[str, str]], table: EmbeddingTable, other: EmbeddingTable | None = None
) -> dict[str, tuple[str, ClaimSimilarity]]:
    """Return each method with its chosen threshold, as (how chosen, similarity)."""
    chosen: dict[str, tuple[str, ClaimSimilarity]] = {
        "lexical (as shipped)": ("jaccard 0.5, 3 shared words (fixed)", LexicalSimilarity()),
        "lexical + negation guard": ("jaccard 0.5, 3 shared words (fixed)", GuardedLexical()),
    }
    make = lambda t: SemanticSimilarity(table, t)  # noqa: E731
    threshold = choose_threshold(make, pairs)
    chosen["semantic (wordllama)"] = (f"cosine {threshold:.2f} (chosen on dev)", make(threshold))
    combine = lambda lexical, cosine: CombinedSimilarity(table, cosine, lexical)  # noqa: E731
    lexical, cosine = choose_threshold(combine, pairs, COMBINED_GRID)
    chosen["combined (lexical or wordllama)"] = (
        f"jaccard {lexical:.2f} or cosine {cosine:.2f} (chosen on dev)",
        combine(lexical, cosine),
    )
    if other is not None:
        make = lambda t: SemanticSimilarity(other, t)  # noqa: E731
        threshold = choose_threshold(make, pairs)
        chosen[f"semantic ({other.model})"] = (
            f"cosine {threshold:.2f} (chosen on dev)",
            make(threshold),
        )
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vectors", type=Path, help="an .npz of another model's vectors")
    options = parser.parse_args()
    pairs = load_pairs()
    table = EmbeddingTable(WordLlamaEncoder())
    other = EmbeddingTable(VectorFile(options.vectors)) if options.vectors else None
    started = time.perf_counter()
    print(f"{len(pairs)} pairs; thresholds chosen on dev, figures on the held-out test half")
    print("| method | threshold | dev F1 | test P | test R | test F1 | test TP/FP/FN |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, (how, similarity) in methods(pairs, table, other).items():
        dev, test = (evaluate(similarity, pairs, split) for split in SPLITS)
        print(
            f"| {name} | {how} | {dev.f1:.3f} | {test.precision:.3f} | {test.recall:.3f} | "
            f"{test.f1:.3f} | {test.tp}/{test.fp}/{test.fn} |"
        )
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
