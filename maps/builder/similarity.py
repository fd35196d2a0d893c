"""When two spans say the same thing: the ``ClaimSimilarity`` protocol and its default.

``LexicalSimilarity`` scores two spans by the Jaccard index of their stemmed content words and
finds the pairs at or above its threshold through an inverted index over rare words, never by
comparing all pairs. The union-find helpers at the end are shared with the merge step, which
turns the pairs into argument clusters.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol, TypeVar

from maps.builder.words import STOPWORDS, TokenStems, fold_words

if TYPE_CHECKING:
    import numpy as np


class ClaimSimilarity(Protocol):
    """How the builder decides two spans say the same thing; swap in another to change it."""

    method: str
    threshold: float

    def similar_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterable[tuple[int, int, float]]:
        """Yield ``(i, j, score)``, ``i < j``, for pairs scoring at least the threshold.

        Never pair two texts of the same group (one document). Yielding every such pair is
        correct; yielding only enough of them to connect every two texts that a chain of such
        pairs connects (a spanning forest) is correct too, and much faster on popular
        arguments with thousands of paraphrases.
        """
        ...

    def explain(self, text_a: str, text_b: str) -> str:
        """Return a short human-readable reason for the score of two texts."""
        ...


T = TypeVar("T")

# A similarity's pairs as arrays: first texts, second texts (int64), scores (float64); one with
# ``similar_pair_arrays(texts, groups)`` (``similar_pairs``'s, in any order) lets a group no
# reviewer constrains be merged from arrays (``maps.builder.forest``).
PairArrays = tuple["np.ndarray", "np.ndarray", "np.ndarray"]

# How a build explains its merge steps: (matched text, text, the pair's score) -> the step's
# method and basis. A similarity may make its own (``explainer()``), for one group at a time.
StepExplainer = Callable[[str, str, float], tuple[str, str]]


def step_explainer(similarity: ClaimSimilarity) -> StepExplainer:
    """Return how one group's merge steps are explained: the similarity's own ``explainer()``
    when it has one (it may read the pair's score and keep the group's words), else its
    ``method`` and ``explain``."""
    made = getattr(similarity, "explainer", None)
    if made is not None:
        return made()
    return lambda text_a, text_b, score: (similarity.method, similarity.explain(text_a, text_b))


def memo_for_group(cached: Callable[[str], T]) -> Callable[[str], T]:
    """Return a cached pure function of a text (``content_words``, ``polarity``) with a memo
    of its own, for the texts of one group.

    A group of a million-span build has more texts than the shared cache holds, and the cache
    would hold them after the build: the memo computes each text once and goes with the group.
    """
    memo: dict[str, T] = {}
    compute = cached.__wrapped__  # type: ignore[attr-defined]

    def of(text: str) -> T:
        found = memo.get(text)
        if found is None:
            found = memo[text] = compute(text)
        return found

    return of


def shared_stems(a: frozenset[str], b: frozenset[str]) -> str:
    """Return how many content-word stems two texts share of all, and which."""
    shared = sorted(a & b)
    union_size = len(a) + len(b) - len(shared)  # |a | b|, without making the union
    return f"{len(shared)} of {union_size} content-word stems shared: {' '.join(shared)}"


_CONTENT_STEMS = TokenStems(STOPWORDS)


# A pure function of one string: its cache only saves work (a rebuild sees the same texts
# again), never changes a result, and is bounded.
@lru_cache(maxsize=262144)
def content_words(text: str) -> frozenset[str]:
    """Return the set of stemmed content words of a text."""
    return _CONTENT_STEMS.words(fold_words(text)[1])


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the Jaccard index of two word sets (0 when both are empty)."""
    if not a and not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


class LexicalSimilarity:
    """Jaccard index of stemmed content-word sets, found without comparing all pairs.

    Threshold 0.5 (half of the two spans' distinct content words shared) and at least
    ``min_shared`` (3) shared words, so two short claims that share a topic word or two
    ("encryption protects privacy" / "encryption protects children", 0.5 with 2 shared) stay
    apart, unless their word sets are identical. In the seed corpus the tech firms' backdoor
    claim in articles 000 and 004 scores 0.75 (6 of 8 words); the highest score between two
    different claims there is 0.2 (Robertson's and Govender's, sharing "privacy" and "safety").
    tests/maps/builder/test_similarity.py holds these figures. The score uses no corpus
    statistics, so adding an unrelated span never changes whether two others merge.

    Candidates come from prefix filtering (Bayardo et al., WWW 2007): with words ordered
    rarest first, two sets with Jaccard >= t must share a word among the first
    ``|x| - ceil(t * |x|) + 1`` of each, so an inverted index over those prefixes misses no
    qualifying pair, and pairs sharing only common words are never compared. A text is not
    compared with texts it is already connected to, so the pairs yielded are a spanning forest:
    the nodes are exactly the connected components of all qualifying pairs (single linkage),
    found without the all-pairs cost inside a popular argument.

    ``guard(text_a, text_b)``, when given, vetoes a pair before it counts (the negation guard
    of ``maps.builder.negation``); ``guard_name`` names it in ``method``, so a guarded
    similarity never shares an input hash with an unguarded one.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        min_shared: int = 3,
        *,
        guard: Callable[[str, str], bool] | None = None,
        guard_name: str = "",
    ) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.min_shared = min_shared
        self.guard = guard
        self.method = f"lexical-jaccard/v1 (min_shared={min_shared})"
        if guard is not None:
            self.method = f"lexical-jaccard/v1 (min_shared={min_shared}, {guard_name or 'guard'})"

    def score(self, text_a: str, text_b: str) -> float:
        """Return the similarity of two texts."""
        return jaccard(content_words(text_a), content_words(text_b))

    def explain(self, text_a: str, text_b: str) -> str:
        """Return the shared content words of two texts and how many there are of all."""
        return shared_stems(content_words(text_a), content_words(text_b))

    def explainer(self) -> StepExplainer:
        """Return ``explain`` as one group's merge steps use it, with its ``method``."""
        words, method = memo_for_group(content_words), self.method
        return lambda text_a, text_b, score: (method, shared_stems(words(text_a), words(text_b)))

    def similar_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterable[tuple[int, int, float]]:
        """Return a spanning forest of the pairs at or above the threshold, never within a group.

        Without a guard, by the compiled kernel (``forest_kernel``: the pairs of
        ``_spanning_pairs``, in the same order); the guard is a Python function of two texts.
        """
        if self.guard is None:
            return pair_tuples(_compiled_pairs(texts, groups, self.threshold, self.min_shared))
        return tuple(self._spanning_pairs(texts, groups))

    def similar_pair_arrays(self, texts: Sequence[str], groups: Sequence[object]) -> PairArrays:
        """Return ``similar_pairs``'s pairs as arrays: the first texts, the second, the scores."""
        if self.guard is None:
            return _compiled_pairs(texts, groups, self.threshold, self.min_shared)
        return pair_arrays(self._spanning_pairs(texts, groups))

    def _spanning_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterator[tuple[int, int, float]]:
        sets, rank = _ranked(texts)
        threshold, min_shared, guard = self.threshold, self.min_shared, self.guard
        parent = list(range(len(sets)))
        # Prefix posting lists, grouped by the component their members belonged to when they
        # were added: a text skips a whole group it is already connected to in one step, so a
        # popular argument's thousands of paraphrases are not compared with each other.
        postings: dict[int, dict[int, list[int]]] = defaultdict(dict)
        # The words of each component so far: a text sharing too few of them with a component
        # cannot reach the threshold with any of its members, so the group is skipped unread.
        component_words: dict[int, set[str]] = {}
        order = sorted(
            (index for index, words in enumerate(sets) if words),
            key=lambda index: (len(sets[index]), index),
        )
        for x in order:
            words, group = sets[x], groups[x]
            size = len(words)
            ordered = sorted(map(rank.__getitem__, words))
            smallest = threshold * size - 1e-9
            # Texts come smallest first, so every indexed text is at most as long as this one:
            # a match needs t * |x| shared words from this text's side and 2t / (1 + t) * |y|
            # from the indexed text's side, and each prefix only has to be long enough for its
            # own bound (All-Pairs, Bayardo et al.).
            needed = max(math.ceil(smallest), min(min_shared, size))
            needed_indexed = max(
                math.ceil(2 * threshold / (1 + threshold) * size - 1e-9), min(min_shared, size)
            )
            own = x
            for word in ordered[: size - needed + 1]:
                by_component = postings.get(word)
                if by_component is None:
                    continue
                for component, members in tuple(by_component.items()):
                    count = len(members)
                    root = (
                        component
                        if parent[component] == component
                        else find_root(parent, component)
                    )
                    if root != component:
                        _regroup(by_component, component, root)
                    if root == own or len(words & component_words[root]) < needed:
                        continue
                    for y in members[:count]:
                        other = sets[y]
                        if len(other) < smallest or groups[y] == group:
                            continue
                        shared = len(words & other)
                        score = shared / (size + len(other) - shared)
                        if (
                            score >= threshold
                            and (shared >= min_shared or words == other)
                            and (guard is None or not guard(texts[x], texts[y]))
                        ):
                            own = _join(parent, component_words, x, y)
                            yield (min(x, y), max(x, y), score)
                            break
            component_words.setdefault(own, set()).update(words)
            for word in ordered[: size - needed_indexed + 1]:
                postings[word].setdefault(own, []).append(x)


DEFAULT_SIMILARITY = LexicalSimilarity()


def _ranked(texts: Sequence[str]) -> tuple[list[frozenset[str]], dict[str, int]]:
    """Return each text's content words, and each word's rank: rarest first, then by word."""
    sets = [content_words(text) for text in texts]
    frequency = Counter(word for words in sets for word in words)
    # Words as integer ranks, rarest first, so a text's prefix is a plain integer sort.
    rank = {
        word: position
        for position, word in enumerate(sorted(frequency, key=lambda w: (frequency[w], w)))
    }
    return sets, rank


# Every content word met so far, by a number of its own (``_word_codes``); the numbers only name
# words, their order means nothing. Guarded so two builds in threads never give one number twice.
_WORDS: list[str] = []
_CODES: dict[str, int] = {}
_CODES_LOCK = threading.Lock()


@lru_cache(maxsize=262144)
def _word_codes(text: str) -> bytes:
    """Return the numbers of a text's content words, as int32 bytes (few bytes a text kept)."""
    import numpy as np

    words = content_words(text)
    if not all(word in _CODES for word in words):
        with _CODES_LOCK:
            for word in words:
                if word not in _CODES:
                    _CODES[word] = len(_WORDS)
                    _WORDS.append(word)
    return np.fromiter(map(_CODES.__getitem__, words), dtype=np.int32, count=len(words)).tobytes()


def _compiled_pairs(
    texts: Sequence[str], groups: Sequence[object], threshold: float, min_shared: int
) -> PairArrays:
    """Return ``_spanning_pairs``'s pairs by the compiled kernel, as arrays.

    Its input is ``_ranked``'s, made by NumPy from each text's cached word numbers: a word's
    rank is its place among the group's words by (texts that have it, word), and each text's
    ranks are sorted.
    """
    # Imported here: Numba loads LLVM, which a build without lexical merging never needs.
    import numpy as np

    from maps.builder.forest_kernel import spanning_pairs

    blobs = [_word_codes(text) for text in texts]
    sizes = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // 4
    word_ptr = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum(sizes, out=word_ptr[1:])
    codes = np.frombuffer(b"".join(blobs), dtype=np.int32)
    # Counted by word number: every number is below len(_WORDS).
    counts = np.bincount(codes, minlength=len(_WORDS))
    present = np.flatnonzero(counts)
    frequency = counts[present]
    place = np.empty(len(counts), dtype=np.int64)
    place[present] = np.arange(len(present))
    where = place[codes]
    by_word = sorted(
        range(len(present)), key=[_WORDS[code] for code in present.tolist()].__getitem__
    )
    alphabetical = np.empty(len(present), dtype=np.int64)
    alphabetical[by_word] = np.arange(len(present))
    rank = np.empty(len(present), dtype=np.int64)
    rank[np.lexsort((alphabetical, frequency))] = np.arange(len(present))
    # Each text's ranks sorted: one sort of (text, rank) packed into one integer.
    width = max(len(present), 1)
    words = np.sort(np.repeat(np.arange(len(blobs)), sizes) * width + rank[where]) % width
    order = np.argsort(sizes, kind="stable")
    order = order[sizes[order] > 0]
    numbers: dict[object, int] = {}
    group_codes = np.fromiter(
        (numbers.setdefault(group, len(numbers)) for group in groups),
        dtype=np.int64,
        count=len(blobs),
    )
    return spanning_pairs(
        order, word_ptr, words, group_codes, float(threshold), int(min_shared), max(len(present), 1)
    )


def pair_arrays(pairs: Iterable[tuple[int, int, float]]) -> PairArrays:
    """Return pairs ``(i, j, score)`` as three arrays (int64, int64, float64)."""
    import numpy as np

    first, second, scores = tuple(zip(*pairs, strict=True)) or ((), (), ())
    return np.array(first, np.int64), np.array(second, np.int64), np.array(scores, np.float64)


def pair_tuples(pairs: PairArrays) -> tuple[tuple[int, int, float], ...]:
    """Return pairs as three arrays as ``(i, j, score)`` tuples (``pair_arrays`` undone)."""
    return tuple(zip(*(column.tolist() for column in pairs), strict=True))


def find_root(parent: list[int], i: int) -> int:
    """Return the root of ``i`` in a union-find forest, halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def union(parent: list[int], a: int, b: int) -> None:
    """Join the trees of ``a`` and ``b``; the smaller root index becomes the root."""
    root_a, root_b = find_root(parent, a), find_root(parent, b)
    # So the forest does not depend on the order of unions.
    parent[max(root_a, root_b)] = min(root_a, root_b)


def _join(parent: list[int], words: dict[int, set[str]], a: int, b: int) -> int:
    root_a, root_b = find_root(parent, a), find_root(parent, b)
    union(parent, a, b)
    root, other = min(root_a, root_b), max(root_a, root_b)
    merged, extra = words.pop(root, set()), words.pop(other, set())
    # Add the smaller set to the larger: each word is copied O(log n) times in all.
    if len(merged) < len(extra):
        merged, extra = extra, merged
    merged.update(extra)
    words[root] = merged
    return root


def _regroup(by_component: dict[int, list[int]], component: int, root: int) -> None:
    """Move a posting-list group whose component was merged under its current root."""
    members = by_component.pop(component)
    present = by_component.get(root)
    if present is None:
        by_component[root] = members
    elif len(present) >= len(members):
        present.extend(members)
    else:
        # The longer list is kept and extended; its first items stay where they were.
        members.extend(present)
        by_component[root] = members
