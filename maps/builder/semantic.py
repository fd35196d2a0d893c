"""Semantic merging: sentence vectors, the negation guard, and lexical evidence combined.

Three ways to decide that two spans are one argument, named by a debate's ``merge_method``
(``merge_similarity`` makes each):

- ``lexical``: ``LexicalSimilarity`` as it always was (Jaccard of content-word stems).
- ``semantic``: the cosine of the two texts' sentence vectors (``maps.builder.embedding``) at
  or above ``SEMANTIC_THRESHOLD``, unless one text is the other's negation
  (``maps.builder.negation``), with the node's leader: a group's distinct wordings, most
  spans first, each join the best earlier leader within the threshold or lead a node
  themselves (``maps.builder.neighbours.leader_pairs``), so a node never chains from one
  argument to the next.
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
from maps.builder.negation import (
    contradicts,
    negation_guard,
    negation_marks,
    polarity,
)
from maps.builder.neighbours import EXACT_LIMIT, exact_scores, leader_pairs
from maps.builder.similarity import (
    DEFAULT_SIMILARITY,
    ClaimSimilarity,
    LexicalSimilarity,
    PairArrays,
    StepExplainer,
    content_words,
    jaccard,
    memo_for_group,
    pair_tuples,
    shared_stems,
)

LEXICAL, SEMANTIC, COMBINED = "lexical", "semantic", "combined"
MERGE_METHODS = (LEXICAL, SEMANTIC, COMBINED)
SEMANTIC_THRESHOLD = 0.82
COMBINED_SEMANTIC_THRESHOLD = 0.82
COMBINED_LEXICAL_THRESHOLD = 0.75
GUARD_NAME = "negation guard/v1"
# How pairs become nodes: every wording within the threshold of its node's leader
# (``maps.builder.neighbours.leader_pairs``); a method without it chained them (single linkage).
LINKAGE_NAME = "leader linkage/v1"


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
        polarity_of = memo_for_group(polarity)
        for position in np.flatnonzero(suspect).tolist():
            if contradicts(polarity_of(texts[left[position]]), polarity_of(texts[right[position]])):
                mask[position] = False
        return mask

    return allowed


class _Wordings:
    """A group's distinct texts, most spans first (ties by text), with the spans of each.

    Leaders are found among wordings, not spans: a wording's spans are one argument when they
    are in two documents or more (an identical text scores 1 with itself), and the order of
    the wordings depends only on the texts and how often they occur, never on the order the
    spans come in.
    """

    def __init__(self, texts: Sequence[str], documents: np.ndarray) -> None:
        number: dict[str, int] = {}
        first_seen = np.fromiter(
            (number.setdefault(text, len(number)) for text in texts), np.int64, len(texts)
        )
        distinct = list(number)
        by_text = np.empty(len(distinct), dtype=np.int64)
        by_text[sorted(range(len(distinct)), key=distinct.__getitem__)] = np.arange(len(distinct))
        spans_of = np.bincount(first_seen)
        order = np.lexsort((by_text, -spans_of))
        self.texts = [distinct[n] for n in order.tolist()]
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        wording = rank[first_seen]
        # Each wording's spans, by position; its first span and document.
        self.spans = np.argsort(wording, kind="stable")
        self.bounds = np.searchsorted(wording[self.spans], np.arange(len(order) + 1))
        self.span_documents = documents
        self.first = self.spans[self.bounds[:-1]]
        first_document = documents[self.first]
        # Its first span in another document than its first span's, or -1.
        elsewhere = np.where(
            documents[self.spans] != np.repeat(first_document, np.diff(self.bounds)),
            self.spans,
            len(texts),
        )
        other = np.minimum.reduceat(elsewhere, self.bounds[:-1])
        self.other = np.where(other < len(texts), other, -1)
        # A wording in one document may not merge with another of that document only; one
        # in several may merge with any (some pair of its spans and theirs is across documents).
        self.documents = np.where(
            self.other < 0, first_document, len(texts) + np.arange(len(order))
        ).astype(np.int64)

    def _partners(self, wordings: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Return a span of each wording in another document than each position's, or -1."""
        documents = self.span_documents
        first = self.first[wordings]
        return np.where(documents[first] != documents[positions], first, self.other[wordings])

    def span_pairs(
        self, found: list[tuple[int, int, float]], self_scores: np.ndarray
    ) -> PairArrays:
        """Return span pairs that connect each wording's spans of different documents and each
        member wording's spans to a span of its leader in another document, by (i, j)."""
        sizes = np.diff(self.bounds)
        # Every span but a wording's first, with a partner of the same text elsewhere.
        not_first = np.ones(len(self.spans), dtype=bool)
        not_first[self.bounds[:-1]] = False
        same = np.repeat(np.arange(len(sizes)), sizes)[not_first]
        left = self.spans[not_first]
        right = self._partners(same, left)
        scores = self_scores[same]
        if found:
            leaders, members, cosines = (np.array(column) for column in zip(*found, strict=True))
            member_spans = np.repeat(np.arange(len(found)), sizes[members])
            starts = np.repeat(self.bounds[members], sizes[members])
            offsets = np.arange(len(member_spans)) - np.repeat(
                np.cumsum(sizes[members]) - sizes[members], sizes[members]
            )
            positions = self.spans[starts + offsets]
            left = np.concatenate((left, positions))
            right = np.concatenate((right, self._partners(leaders[member_spans], positions)))
            scores = np.concatenate((scores, cosines[member_spans]))
        keep = right >= 0
        left, right, scores = left[keep], right[keep], scores[keep]
        i, j = np.minimum(left, right), np.maximum(left, right)
        order = np.lexsort((j, i))
        return i[order], j[order], scores[order]


def _semantic_basis(cosine: float, a: frozenset[str], b: frozenset[str]) -> str:
    return f"cosine {cosine:.4f} of sentence vectors; {shared_stems(a, b)}".rstrip(": ")


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
        self.method = f"semantic-cosine/v1 ({embeddings.model}, {GUARD_NAME}, {LINKAGE_NAME})"

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
        return _semantic_basis(
            self.score(text_a, text_b), content_words(text_a), content_words(text_b)
        )

    def explainer(self) -> StepExplainer:
        """Return ``explain`` as one group's merge steps use it: the cosine is the pair's
        score, computed as ``score`` computes it, not again."""
        words, method = memo_for_group(content_words), self.method
        return lambda text_a, text_b, score: (
            method,
            _semantic_basis(score, words(text_a), words(text_b)),
        )

    def similar_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterable[tuple[int, int, float]]:
        """Return span pairs whose components are the leader clusters of the texts."""
        return pair_tuples(self.similar_pair_arrays(texts, groups))

    def similar_pair_arrays(self, texts: Sequence[str], groups: Sequence[object]) -> PairArrays:
        """Return ``similar_pairs``'s pairs as arrays, by (i, j)."""
        if len(texts) < 2:
            return _NO_PAIRS
        documents = _group_numbers(groups)
        wordings = _Wordings(texts, documents)
        vectors = self.embeddings.vectors(wordings.texts)
        found = leader_pairs(
            vectors,
            self.threshold,
            allowed=_allowed(wordings.texts, wordings.documents),
            documents=wordings.documents,
            exact_limit=self.exact_limit,
        )
        rows = np.arange(len(vectors))
        return wordings.span_pairs(found, exact_scores(vectors, np.stack([rows, rows], axis=1)))


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
            f"{semantic_threshold}; {embeddings.model}; {GUARD_NAME}; {LINKAGE_NAME})"
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

    def explainer(self) -> StepExplainer:
        """Return ``describe`` as one group's merge steps use it."""
        return lambda text_a, text_b, score: self.describe(text_a, text_b)

    def similar_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterable[tuple[int, int, float]]:
        """Return the guarded lexical forest and the guarded semantic forest, each pair once
        with the score of the first that found it, by (i, j)."""
        return pair_tuples(self.similar_pair_arrays(texts, groups))

    def similar_pair_arrays(self, texts: Sequence[str], groups: Sequence[object]) -> PairArrays:
        """Return ``similar_pairs``'s pairs as arrays, by (i, j)."""
        # Lexical first: a pair both find keeps its Jaccard index, as ``evidence`` reports it.
        found = [
            source.similar_pair_arrays(texts, groups) for source in (self.lexical, self.semantic)
        ]
        first, second, scores = (np.concatenate(column) for column in zip(*found, strict=True))
        # The first of each pair (``np.unique`` gives each code's first place), by code.
        _, places = np.unique(first * max(len(texts), 1) + second, return_index=True)
        return first[places], second[places], scores[places]


_NO_PAIRS: PairArrays = (
    np.zeros(0, dtype=np.int64),
    np.zeros(0, dtype=np.int64),
    np.zeros(0, dtype=np.float64),
)


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
