"""Semantic merging: sentence vectors, the negation guard, and lexical evidence combined.

Three ways to decide that two spans are one argument, named by a debate's ``merge_method``
(``merge_similarity`` makes each):

- ``lexical``: ``LexicalSimilarity`` as it always was (Jaccard of content-word stems).
- ``semantic``: the cosine of the two texts' sentence vectors (``maps.builder.embedding``) at
  or above ``SEMANTIC_THRESHOLD``, unless one text is the other's negation
  (``maps.builder.negation``); pairs are found by ``maps.builder.neighbours``.
- ``combined``: a pair merges on either evidence, each with the negation guard: the lexical
  rule or the semantic one. Each merge step says which evidence merged it.

docs/MERGING.md has the labelled pairs the thresholds were chosen on, how, and the precision
and recall of each method on the held-out half; tests/maps/builder/test_merge_quality.py
recomputes them. A similarity is made for one build (it holds that build's
``EmbeddingTable``) and compares equal to any other with the same settings, so a worker's
``BuildCache`` reuses what an equal one found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from maps.builder.embedding import EmbeddingTable
from maps.builder.negation import negation_guard, negation_marks
from maps.builder.neighbours import EXACT_LIMIT, similar_vector_pairs
from maps.builder.similarity import (
    DEFAULT_SIMILARITY,
    ClaimSimilarity,
    LexicalSimilarity,
    content_words,
    jaccard,
)

LEXICAL, SEMANTIC, COMBINED = "lexical", "semantic", "combined"
MERGE_METHODS = (LEXICAL, SEMANTIC, COMBINED)
SEMANTIC_THRESHOLD = 0.82
COMBINED_SEMANTIC_THRESHOLD = 0.82
COMBINED_LEXICAL_THRESHOLD = 0.75
GUARD_NAME = "negation guard/v1"


def _group_numbers(groups: Sequence[object]) -> np.ndarray:
    """Return each text's group (document) as a small integer."""
    number = {group: n for n, group in enumerate(dict.fromkeys(groups))}
    return np.fromiter(map(number.__getitem__, groups), dtype=np.int64, count=len(groups))


def _allowed(texts: Sequence[str], documents: np.ndarray):
    """Return the mask function of pairs that may merge: other document, no negation."""
    negated, prefixed = negation_marks(texts)

    def allowed(pairs: np.ndarray) -> np.ndarray:
        left, right = pairs[:, 0], pairs[:, 1]
        mask = documents[left] != documents[right]
        # The guard needs a look only where polarity differs or a text has a word whose
        # un-prefixed form is a word of the group: the rest are let through at once.
        suspect = mask & ((negated[left] != negated[right]) | prefixed[left] | prefixed[right])
        for position in np.nonzero(suspect)[0]:
            if negation_guard(texts[left[position]], texts[right[position]]):
                mask[position] = False
        return mask

    return allowed


class SemanticSimilarity:
    """Cosine of sentence vectors at or above a threshold, never a claim and its negation."""

    def __init__(
        self,
        embeddings: EmbeddingTable,
        threshold: float = SEMANTIC_THRESHOLD,
        *,
        exact_limit: int = EXACT_LIMIT,
    ) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        self.embeddings = embeddings
        self.threshold = threshold
        self.exact_limit = exact_limit
        self.method = f"semantic-cosine/v1 ({embeddings.model}, {GUARD_NAME})"

    def _key(self) -> tuple:
        return (type(self), self.method, self.threshold, self.exact_limit)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SemanticSimilarity) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def score(self, text_a: str, text_b: str) -> float:
        """Return the cosine of two texts' vectors, rounded to 4 decimals as pairs are."""
        return self.embeddings.cosine(text_a, text_b)

    def explain(self, text_a: str, text_b: str) -> str:
        """Return the cosine of the two texts and the content words they share."""
        a, b = content_words(text_a), content_words(text_b)
        shared = sorted(a & b)
        return (
            f"cosine {self.score(text_a, text_b):.4f} of sentence vectors; "
            f"{len(shared)} of {len(a | b)} content-word stems shared: {' '.join(shared)}"
        ).rstrip(": ")

    def similar_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterable[tuple[int, int, float]]:
        """Return a maximum spanning forest of the pairs at or above the threshold."""
        if len(texts) < 2:
            return ()
        vectors = self.embeddings.vectors(texts)
        documents = _group_numbers(groups)
        return tuple(
            similar_vector_pairs(
                vectors,
                self.threshold,
                allowed=_allowed(texts, documents),
                documents=documents,
                exact_limit=self.exact_limit,
            )
        )


class CombinedSimilarity:
    """Lexical or semantic evidence, each with the negation guard; each merge names its own."""

    def __init__(
        self,
        embeddings: EmbeddingTable,
        semantic_threshold: float = COMBINED_SEMANTIC_THRESHOLD,
        lexical_threshold: float = COMBINED_LEXICAL_THRESHOLD,
        *,
        exact_limit: int = EXACT_LIMIT,
    ) -> None:
        self.lexical = LexicalSimilarity(
            lexical_threshold, guard=negation_guard, guard_name=GUARD_NAME
        )
        self.semantic = SemanticSimilarity(embeddings, semantic_threshold, exact_limit=exact_limit)
        # The input hash reads ``threshold``: the semantic one, the lexical one is in ``method``.
        self.threshold = semantic_threshold
        self.method = (
            f"combined/v1 (lexical jaccard>={lexical_threshold} or semantic cosine>="
            f"{semantic_threshold}; {embeddings.model}; {GUARD_NAME})"
        )

    def _key(self) -> tuple:
        return (type(self), self.method, self.semantic.exact_limit)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CombinedSimilarity) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def evidence(self, text_a: str, text_b: str) -> tuple[str, float]:
        """Return which evidence merges two texts ("lexical", "semantic", both or none) and
        its score (the Jaccard index when the lexical rule holds, else the cosine)."""
        a, b = content_words(text_a), content_words(text_b)
        lexical = jaccard(a, b)
        lexical_holds = lexical >= self.lexical.threshold and (
            len(a & b) >= self.lexical.min_shared or (a == b and bool(a))
        )
        cosine = self.semantic.score(text_a, text_b)
        semantic_holds = cosine >= self.semantic.threshold
        if negation_guard(text_a, text_b):
            return "none", 0.0
        if lexical_holds and semantic_holds:
            return "lexical+semantic", lexical
        if lexical_holds:
            return LEXICAL, lexical
        return (SEMANTIC, cosine) if semantic_holds else ("none", 0.0)

    def describe(self, text_a: str, text_b: str) -> tuple[str, str]:
        """Return the method and basis of one merge step: the evidence that merged it."""
        kind, _ = self.evidence(text_a, text_b)
        method = {
            LEXICAL: self.lexical.method,
            SEMANTIC: self.semantic.method,
        }.get(kind, f"{self.lexical.method} + {self.semantic.method}")
        return method, f"{kind} evidence: {self.semantic.explain(text_a, text_b)}"

    def explain(self, text_a: str, text_b: str) -> str:
        """Return the evidence of a merge with both scores."""
        return self.describe(text_a, text_b)[1]

    def similar_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterable[tuple[int, int, float]]:
        """Return the guarded lexical forest and the guarded semantic forest, each pair once
        with its best score."""
        found: dict[tuple[int, int], float] = {}
        # Lexical first: a pair both find keeps its Jaccard index, as ``evidence`` reports it.
        for source in (self.lexical, self.semantic):
            for i, j, score in source.similar_pairs(texts, groups):
                found.setdefault((i, j), score)
        return tuple((i, j, score) for (i, j), score in sorted(found.items()))


def merge_similarity(
    method: str, embeddings: EmbeddingTable | None = None, **settings: float
) -> ClaimSimilarity:
    """Return the similarity a debate's ``merge_method`` names, with this build's vectors."""
    if method == LEXICAL:
        # The one shared instance unless asked otherwise: a worker's BuildCache knows it.
        return LexicalSimilarity(**settings) if settings else DEFAULT_SIMILARITY
    if embeddings is None:
        raise ValueError(f"merge method {method!r} needs sentence vectors (an EmbeddingTable)")
    if method == SEMANTIC:
        return SemanticSimilarity(embeddings, **settings)
    if method == COMBINED:
        return CombinedSimilarity(embeddings, **settings)
    raise ValueError(f"unknown merge method {method!r}; one of {', '.join(MERGE_METHODS)}")
