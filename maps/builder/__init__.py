"""Build a pro/contra argument map from the gold layer: plain data in, graph out, no ORM.

The map has one proposition node, argument nodes (gold claims and premises, with paraphrases
across documents merged into one node that keeps every source span), actor nodes, and edges:
``support`` and ``attack`` between arguments (from gold relations), from each pro claim to the
proposition (support) and each contra claim (attack), and ``voiced`` from an actor to every
argument they voiced.

Merging. Claims merge only with claims and premises only with premises, of the same side, and
a pair of spans is only ever compared across documents (the same span annotated twice, with
the same document and offsets, is one argument too). Two spans are paraphrases when a
pluggable ``ClaimSimilarity`` scores them at or above its threshold; the default,
``LexicalSimilarity``, is the Jaccard index of their stemmed content words (see its docstring
for the threshold and why). Nodes are the connected components of the paraphrase graph (single
linkage), which do not depend on the order the spans come in. Each node records a spanning tree
of its component as ``MergeStep``s, strongest pairs first, so every source but the first is
explained by a score, a method and the words it shares with the source it matched.

Speed. Candidates come from an inverted index over rare words (prefix filtering), never from
all pairs; a 100k-span build takes a few seconds (``bench/map_build_bench.py``). The cyclic
garbage collector is paused during a build, and ``LexicalSimilarity`` keeps the pairs, and the
builder the clusters with their explanations, of the last few (kind, side) groups, so a
rebuild after one more decision in the same process only recomputes the group that changed.

Ids. An argument's id is a hash of its anchor, its first source in (document, start, end)
order, together with its kind and side; an edge's id is a hash of its ends and kind. Adding an
unrelated span changes no existing id; a new paraphrase changes its node's id only when it
precedes the anchor in that order.

Strength. Every argument and the proposition get a DF-QuAD strength (Rago et al., KR 2016):
with base score ``b``, attackers' aggregate ``va = 1 - prod(1 - s(a))`` and supporters'
aggregate ``vs`` likewise (0 when there are none), the strength is ``b - b * (va - vs)`` when
``va >= vs`` and ``b + (1 - b) * (vs - va)`` otherwise. Strongly connected components are
evaluated in influence order: an argument outside any cycle gets its exact value in one step,
and a cycle (mutual attacks) is iterated synchronously (Jacobi) from the base scores to its
fixed point; after ``DFQUAD_PLAIN_ROUNDS`` rounds without convergence the updates are damped
(the mean of the old and the new value), which keeps the fixed points and stops oscillation.
``StrengthReport`` records the most rounds a cycle took and whether every cycle converged.

Versions. ``input_hash`` is the SHA-256 of a canonical serialisation of the input and the
builder's settings, so a job can refuse to create a second version for the same input;
``map_to_json`` is byte-identical for the same input in any order.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import unicodedata
import weakref
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Protocol

import orjson

from core.memory import collector_paused

# Part of every input hash: bump it with any change that changes a built map, so that the same
# gold layer then makes a new version instead of matching one built by the old code.
BUILDER_VERSION = "argmap/1"
SIDES = ("pro", "contra", "neutral")
POLARITIES = ("support", "attack")
PROPOSITION_ID = "proposition"
CLAIM = "claim"
PREMISE = "premise"
DEFAULT_BASE_SCORE = 0.5
DFQUAD_TOLERANCE = 1e-9
DFQUAD_PLAIN_ROUNDS = 100
DFQUAD_MAX_ROUNDS = 1000
RECENT_GROUPS = 32
SAME_OFFSETS = "same-offsets"

Id = int | str


class MapInputError(ValueError):
    """The input of a map build is inconsistent; ``problems`` names every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


# --- input ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MapScheme:
    """The parts of a debate's label scheme the builder needs."""

    stance_sides: Mapping[str, str]
    relation_polarities: Mapping[str, str]
    claim_roles: frozenset[str] = frozenset({CLAIM})

    @classmethod
    def from_dict(cls, scheme: Mapping[str, Any]) -> MapScheme:
        """Return the scheme of a debate's stored label scheme (stances, roles, relation types)."""
        return cls(
            stance_sides={item["key"]: item["side"] for item in scheme.get("stances", [])},
            relation_polarities={
                item["key"]: item["polarity"] for item in scheme.get("relation_types", [])
            },
        )


@dataclass(frozen=True, slots=True)
class MapActor:
    """Who holds a position: a person, an organisation or a collective."""

    id: Id
    name: str
    kind: str = "person"
    affiliation: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MapDocument:
    """A document the gold spans point into; its title goes into every provenance record."""

    id: Id
    title: str


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """An adjudicated span: ``quote`` is exactly ``text[start:end]`` in code points."""

    id: Id
    document_id: Id
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor_id: Id | None = None


@dataclass(frozen=True, slots=True)
class GoldRelation:
    """A gold relation between two spans, typed by a key of the scheme's relation types."""

    source_id: Id
    target_id: Id
    type: str


@dataclass(frozen=True, slots=True)
class MapInput:
    """Everything a build reads: the debate's proposition, scheme, actors and gold layer."""

    proposition: str
    scheme: MapScheme
    actors: Sequence[MapActor]
    documents: Sequence[MapDocument]
    spans: Sequence[GoldSpan]
    relations: Sequence[GoldRelation] = ()


# --- output -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """One gold span an argument node came from: its provenance."""

    span_id: str
    document_id: str
    document_title: str
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor_id: str | None


@dataclass(frozen=True, slots=True)
class MergeStep:
    """Why two sources are one argument: the similarity that joined them."""

    span_id: str
    matched_span_id: str
    score: float
    method: str
    basis: str


@dataclass(frozen=True, slots=True)
class PropositionNode:
    """The claim both sides argue about, with its DF-QuAD strength."""

    id: str
    text: str
    strength: float


@dataclass(frozen=True, slots=True)
class ArgumentNode:
    """A claim or premise: one or more paraphrased source spans of one side."""

    id: str
    kind: str
    side: str
    text: str
    sources: tuple[SourceSpan, ...]
    merges: tuple[MergeStep, ...]
    actors: tuple[str, ...]
    documents: tuple[str, ...]
    strength: float


@dataclass(frozen=True, slots=True)
class ActorNode:
    """An actor who voiced at least one argument, with their overall position."""

    id: str
    actor_id: str
    name: str
    kind: str
    affiliation: str
    aliases: tuple[str, ...]
    position: str
    span_count: int
    argument_count: int
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RelationSource:
    """One gold relation behind an argument-to-argument edge."""

    source_span_id: str
    target_span_id: str
    type: str


@dataclass(frozen=True, slots=True)
class MapEdge:
    """A support, attack or voiced edge, made by a relation, a stance or a speaker (origin)."""

    id: str
    kind: str
    source: str
    target: str
    origin: str
    count: int
    documents: tuple[str, ...]
    relations: tuple[RelationSource, ...] = ()


@dataclass(frozen=True, slots=True)
class ActorPosition:
    """One row of the actor x position matrix."""

    actor: str
    name: str
    position: str
    sides: Mapping[str, int]
    arguments: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class StrengthReport:
    """How the strengths were computed and whether the iteration converged."""

    semantics: str
    base_score: float
    rounds: int
    converged: bool


@dataclass(frozen=True, slots=True)
class ArgumentMap:
    """The built map: nodes and edges sorted by id, plus the actor x position matrix."""

    builder: str
    input_hash: str
    similarity: Mapping[str, Any]
    strength: StrengthReport
    proposition: PropositionNode
    arguments: tuple[ArgumentNode, ...]
    actors: tuple[ActorNode, ...]
    edges: tuple[MapEdge, ...]
    positions: tuple[ActorPosition, ...]
    notes: tuple[str, ...] = field(default=())

    def argument(self, node_id: str) -> ArgumentNode:
        """Return the argument node with this id."""
        for node in self.arguments:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


# --- similarity -------------------------------------------------------------------------------


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

_TOKEN = re.compile(r"[^\W_]+")
_NOT_CONTRACTION = re.compile(r"n['\u2019]t\b")
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


@lru_cache(maxsize=262144)
def content_words(text: str) -> frozenset[str]:
    """Return the set of stemmed content words of a text."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NOT_CONTRACTION.sub(" not", text)
    return frozenset(
        stem(token)
        for token in _TOKEN.findall(text)
        if token not in STOPWORDS and (len(token) > 1 or token.isdigit())
    )


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
    The score uses no corpus statistics, so adding an unrelated span never changes whether two
    others merge.

    Candidates come from prefix filtering (Bayardo et al., WWW 2007): with words ordered
    rarest first, two sets with Jaccard >= t must share a word among the first
    ``|x| - ceil(t * |x|) + 1`` of each, so an inverted index over those prefixes misses no
    qualifying pair, and pairs sharing only common words are never compared. A text is not
    compared with texts it is already connected to, so the pairs yielded are a spanning forest:
    the nodes are exactly the connected components of all qualifying pairs (single linkage),
    found without the all-pairs cost inside a popular argument.
    """

    def __init__(self, threshold: float = 0.5, min_shared: int = 3) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.min_shared = min_shared
        self.method = f"lexical-jaccard/v1 (min_shared={min_shared})"
        # The pairs of the last few groups of texts: a rebuild after one reviewer decision
        # changes one (kind, side) group, and the others are answered from here.
        self._recent: OrderedDict[tuple[tuple[str, ...], tuple[object, ...]], tuple] = OrderedDict()
        self._recent_lock = threading.Lock()

    def score(self, text_a: str, text_b: str) -> float:
        """Return the similarity of two texts."""
        return jaccard(content_words(text_a), content_words(text_b))

    def explain(self, text_a: str, text_b: str) -> str:
        """Return the shared content words of two texts and how many there are of all."""
        a, b = content_words(text_a), content_words(text_b)
        shared = sorted(a & b)
        return f"{len(shared)} of {len(a | b)} content-word stems shared: {' '.join(shared)}"

    def similar_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterable[tuple[int, int, float]]:
        """Return a spanning forest of the pairs at or above the threshold, never within a group."""
        key = (tuple(texts), tuple(groups))
        with self._recent_lock:
            pairs = self._recent.get(key)
            if pairs is not None:
                self._recent.move_to_end(key)
                return pairs
        pairs = tuple(self._spanning_pairs(texts, groups))
        with self._recent_lock:
            self._recent[key] = pairs
            if len(self._recent) > RECENT_GROUPS:
                self._recent.popitem(last=False)
        return pairs

    def _spanning_pairs(
        self, texts: Sequence[str], groups: Sequence[object]
    ) -> Iterator[tuple[int, int, float]]:
        sets = [content_words(text) for text in texts]
        frequency = Counter(word for words in sets for word in words)
        # Words as integer ranks, rarest first, so a text's prefix is a plain integer sort.
        rank = {
            word: position
            for position, word in enumerate(sorted(frequency, key=lambda w: (frequency[w], w)))
        }
        threshold, min_shared = self.threshold, self.min_shared
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
                    root = component if parent[component] == component else _find(parent, component)
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
                        if score >= threshold and (shared >= min_shared or words == other):
                            own = _join(parent, component_words, x, y)
                            yield (min(x, y), max(x, y), score)
                            break
            component_words.setdefault(own, set()).update(words)
            for word in ordered[: size - needed_indexed + 1]:
                postings[word].setdefault(own, []).append(x)


DEFAULT_SIMILARITY = LexicalSimilarity()


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    root_a, root_b = _find(parent, a), _find(parent, b)
    # The smaller index becomes the root, so the forest does not depend on the order of unions.
    parent[max(root_a, root_b)] = min(root_a, root_b)


def _join(parent: list[int], words: dict[int, set[str]], a: int, b: int) -> int:
    root_a, root_b = _find(parent, a), _find(parent, b)
    _union(parent, a, b)
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


# --- DF-QuAD ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StrengthResult:
    """DF-QuAD strengths by node, with the rounds taken and whether they converged."""

    strengths: dict[str, float]
    rounds: int
    converged: bool


def _aggregate(values: Iterable[float]) -> float:
    remainder = 1.0
    for value in values:
        remainder *= 1.0 - value
    return 1.0 - remainder


def dfquad_combine(base: float, attack: float, support: float) -> float:
    """Return the DF-QuAD strength of an argument from its base score and aggregates."""
    if attack >= support:
        return base - base * (attack - support)
    return base + (1.0 - base) * (support - attack)


def dfquad_strengths(
    base: Mapping[str, float],
    supports: Iterable[tuple[str, str]],
    attacks: Iterable[tuple[str, str]],
    *,
    tolerance: float = DFQUAD_TOLERANCE,
    max_rounds: int = DFQUAD_MAX_ROUNDS,
) -> StrengthResult:
    """Return DF-QuAD strengths of a support/attack graph given as (source, target) pairs."""
    supporters: dict[str, set[str]] = defaultdict(set)
    attackers: dict[str, set[str]] = defaultdict(set)
    for edges, into in ((supports, supporters), (attacks, attackers)):
        for source, target in edges:
            if source not in base or target not in base:
                raise ValueError(f"edge {source} -> {target} joins a node without a base score")
            into[target].add(source)
    # Sorted so the floating-point products are taken in one order whatever the input order.
    plan = {
        node: (sorted(attackers.get(node, ())), sorted(supporters.get(node, ()))) for node in base
    }
    strengths: dict[str, float] = {}
    rounds, converged = 1, True
    # Strongly connected components, each after every argument that attacks or supports it:
    # an acyclic part is computed exactly in one pass, and only cycles are iterated.
    for component in _influence_order(plan):
        if len(component) == 1 and component[0] not in _influencers(plan, component[0]):
            node = component[0]
            node_attackers, node_supporters = plan[node]
            strengths[node] = dfquad_combine(
                base[node],
                _aggregate(strengths[a] for a in node_attackers),
                _aggregate(strengths[s] for s in node_supporters),
            )
            continue
        current = {node: base[node] for node in component}
        for round_number in range(1, max_rounds + 1):
            damped = round_number > DFQUAD_PLAIN_ROUNDS
            updated: dict[str, float] = {}
            change = 0.0
            for node in component:
                node_attackers, node_supporters = plan[node]
                # Influencers outside the cycle are final already; those inside are not yet.
                value = dfquad_combine(
                    base[node],
                    _aggregate(
                        current[a] if a in current else strengths[a] for a in node_attackers
                    ),
                    _aggregate(
                        current[s] if s in current else strengths[s] for s in node_supporters
                    ),
                )
                if damped:
                    value = (value + current[node]) / 2.0
                change = max(change, abs(value - current[node]))
                updated[node] = value
            current = updated
            if change <= tolerance:
                rounds = max(rounds, round_number)
                break
        else:
            rounds, converged = max_rounds, False
        strengths.update(current)
    return StrengthResult(strengths, rounds, converged)


def _influencers(plan: Mapping[str, tuple[list[str], list[str]]], node: str) -> list[str]:
    node_attackers, node_supporters = plan[node]
    return node_attackers + node_supporters


def _influence_order(plan: Mapping[str, tuple[list[str], list[str]]]) -> list[list[str]]:
    """Return the strongly connected components, each after all that influence it (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    order: list[list[str]] = []
    for root in sorted(plan):
        if root in index:
            continue
        # Iterative, so a long support chain cannot exhaust the recursion limit.
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work[-1]
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            influencers = _influencers(plan, node)
            if position < len(influencers):
                work[-1] = (node, position + 1)
                other = influencers[position]
                if other not in index:
                    work.append((other, 0))
                elif other in on_stack:
                    low[node] = min(low[node], index[other])
                continue
            work.pop()
            if work:
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                order.append(sorted(component))
    return order


# --- hashing and ids --------------------------------------------------------------------------


@lru_cache(maxsize=1 << 18)
def _id_key(value: str) -> tuple[int, int, str]:
    # Database ids are integers: order them as numbers so "10" follows "9".
    if value.isascii() and value.isdigit():
        return (0, int(value), value)
    return (1, 0, value)


# Typed: 1 and 1.0 are different parts ("1" and "1.0").
@lru_cache(maxsize=1 << 18, typed=True)
def _digest(*parts: object) -> str:
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _same(value: float) -> float:
    return value


def _reference_json(value: Any) -> str:
    """The canonical JSON text of maps and inputs; ``_orjson_or_none`` writes the same bytes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _json_float(value: float) -> float | orjson.Fragment:
    # orjson and json write the same shortest digits, but below 1e-4 (and from 1e16) orjson
    # writes "2.9e-5" or "0.000029" where json writes "2.9e-05", and NaN as null; small
    # DF-QuAD strengths are common. Those go in as json's own text, so the bytes stay equal.
    if value == 0.0 or 1e-4 <= abs(value) < 1e16:
        return value
    return orjson.Fragment(json.dumps(value))


def _orjson_or_none(make: Callable[[], Any]) -> bytes | None:
    """Return ``_reference_json(make())`` as UTF-8, written by orjson (in C, about 4x faster
    than json), when its floats went through ``_json_float``; None for a value orjson refuses
    (an integer beyond 64 bits, a lone surrogate, a key that is not a string), which the
    caller then writes with json."""
    try:
        return orjson.dumps(make(), option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        return None


def _canonical_input(
    data: MapInput,
    similarity: ClaimSimilarity,
    base_score: float,
    number: Callable[[float], Any] = _same,
) -> dict[str, Any]:
    scheme = data.scheme
    return {
        "builder": BUILDER_VERSION,
        "similarity": {"method": similarity.method, "threshold": number(similarity.threshold)},
        "base_score": number(base_score),
        "proposition": data.proposition,
        "scheme": {
            "stance_sides": dict(sorted(scheme.stance_sides.items())),
            "relation_polarities": dict(sorted(scheme.relation_polarities.items())),
            "claim_roles": sorted(scheme.claim_roles),
        },
        "actors": sorted(
            ([str(a.id), a.name, a.kind, a.affiliation, sorted(a.aliases)] for a in data.actors),
            key=lambda row: _id_key(row[0]),
        ),
        "documents": sorted(
            ([str(d.id), d.title] for d in data.documents), key=lambda row: _id_key(row[0])
        ),
        "spans": sorted(
            (
                [
                    str(s.id),
                    str(s.document_id),
                    s.start,
                    s.end,
                    s.quote,
                    s.stance,
                    s.role,
                    None if s.actor_id is None else str(s.actor_id),
                ]
                for s in data.spans
            ),
            key=lambda row: _id_key(row[0]),
        ),
        "relations": sorted([str(r.source_id), str(r.target_id), r.type] for r in data.relations),
    }


def input_hash(
    data: MapInput,
    *,
    similarity: ClaimSimilarity = DEFAULT_SIMILARITY,
    base_score: float = DEFAULT_BASE_SCORE,
) -> str:
    """Return the SHA-256 of the canonical serialisation of a build's input and settings."""
    with collector_paused():
        text = _orjson_or_none(lambda: _canonical_input(data, similarity, base_score, _json_float))
        if text is None:
            text = _reference_json(_canonical_input(data, similarity, base_score)).encode("utf-8")
    return hashlib.sha256(text).hexdigest()


# --- the builder ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Span:
    source: SourceSpan
    side: str
    kind: str
    key: tuple[Any, ...]


def _validate(data: MapInput) -> list[str]:
    problems: list[str] = []
    scheme = data.scheme
    for stance, side in scheme.stance_sides.items():
        if side not in SIDES:
            problems.append(f"stance {stance!r}: side {side!r} is not one of {', '.join(SIDES)}")
    for key, polarity in scheme.relation_polarities.items():
        if polarity not in POLARITIES:
            problems.append(
                f"relation type {key!r}: polarity {polarity!r} is not one of "
                f"{', '.join(POLARITIES)}"
            )
    for name, items in (("document", data.documents), ("actor", data.actors)):
        seen: set[str] = set()
        for item in items:
            if str(item.id) in seen:
                problems.append(f"{name} {item.id!s} appears twice")
            seen.add(str(item.id))
    return problems


def _side_position(sides: Mapping[str, int]) -> str:
    pro, contra = sides.get("pro", 0), sides.get("contra", 0)
    if pro == contra:
        return "mixed" if pro else "neutral"
    return "pro" if pro > contra else "contra"


Progress = Callable[[float, str], object]


def _no_progress(fraction: float, stage: str) -> None:
    return None


def build_map(
    data: MapInput,
    *,
    similarity: ClaimSimilarity = DEFAULT_SIMILARITY,
    base_score: float = DEFAULT_BASE_SCORE,
    progress: Progress = _no_progress,
    known_input_hash: str | None = None,
) -> ArgumentMap:
    """Return the argument map of a debate's gold spans and relations.

    ``progress(fraction, stage)`` is called as the build goes, from 0 to 1, so a job can show
    how far it is; it does not change the map. ``known_input_hash`` is ``input_hash(data)``
    with the same settings, when the caller has it already (a job computes it first, to skip
    a build whose input is unchanged): hashing a large input costs a noticeable part of a build.
    """
    with collector_paused():
        return _build(data, similarity, base_score, progress, known_input_hash)


def _build(
    data: MapInput,
    similarity: ClaimSimilarity,
    base_score: float,
    progress: Progress,
    known_input_hash: str | None = None,
) -> ArgumentMap:
    progress(0.0, "checking the input")
    problems = _validate(data)
    documents = {str(d.id): d for d in data.documents}
    actors = {str(a.id): a for a in data.actors}
    scheme = data.scheme
    spans: dict[str, _Span] = {}
    # A rebuild after one decision sees the same spans again: each is taken from the last
    # build's by value instead of made anew (see _Remembered).
    remembered = _Remembered("spans")
    stance_sides, claim_roles = scheme.stance_sides, scheme.claim_roles
    for span in data.spans:
        span_id, document_id = str(span.id), str(span.document_id)
        actor_id = None if span.actor_id is None else str(span.actor_id)
        if span_id in spans:
            problems.append(f"span {span_id} appears twice")
            continue
        document = documents.get(document_id)
        if document is None:
            problems.append(f"span {span_id}: unknown document {document_id}")
            continue
        if actor_id is not None and actor_id not in actors:
            problems.append(f"span {span_id}: unknown actor {actor_id}")
        start, end, quote = span.start, span.end, span.quote
        if not 0 <= start < end or len(quote) != end - start:
            problems.append(f"span {span_id}: offsets [{start}, {end}) do not fit its quote")
        side = stance_sides.get(span.stance)
        if side is None:
            problems.append(f"span {span_id}: stance {span.stance!r} is not in the scheme")
            continue
        kind = CLAIM if span.role in claim_roles else PREMISE
        values = (
            span_id,
            document_id,
            document.title,
            start,
            end,
            quote,
            span.stance,
            span.role,
            actor_id,
        )
        # Equal is not enough for numbers (1 == 1.0 == True, but "1.0" is not "1"): only
        # spans with integer offsets, as the database gives them, are remembered and reused.
        plain = type(start) is int and type(end) is int
        known = remembered.get(values) if plain else None
        if known is None or known.side != side or known.kind != kind:
            known = _Span(
                source=SourceSpan(*values) if known is None else known.source,
                side=side,
                kind=kind,
                key=(_id_key(document_id), start, end, _id_key(span_id)),
            )
        if plain:
            remembered.keep(values, known)
        spans[span_id] = known
    for relation in data.relations:
        for end in (relation.source_id, relation.target_id):
            if str(end) not in spans:
                problems.append(
                    f"relation {relation.source_id!s}->{relation.target_id!s}: unknown span {end!s}"
                )
        if relation.type not in scheme.relation_polarities:
            problems.append(
                f"relation {relation.source_id!s}->{relation.target_id!s}: type "
                f"{relation.type!r} is not in the scheme"
            )
    if problems:
        raise MapInputError(problems)

    notes: list[str] = []
    node_of_span: dict[str, str] = {}
    arguments: dict[str, ArgumentNode] = {}
    nodes = _Remembered("nodes")
    for members, merges in _merge(spans, similarity, progress):
        anchor = members[0]
        node_id = f"{anchor.kind}-" + _digest(
            anchor.kind,
            anchor.side,
            anchor.source.document_id,
            anchor.source.start,
            anchor.source.end,
        )
        node_sources = tuple(member.source for member in members)
        for source in node_sources:
            node_of_span[source.span_id] = node_id
        # By identity: a remembered node holds its sources and merges, so no other object
        # can have their ids while it is remembered, and the same objects mean the same node.
        identity = (node_id, anchor.kind, anchor.side, id(merges), *map(id, node_sources))
        node = nodes.get(identity)
        if node is None:
            node = ArgumentNode(
                id=node_id,
                kind=anchor.kind,
                side=anchor.side,
                text=anchor.source.quote,
                sources=node_sources,
                merges=merges,
                actors=tuple(
                    sorted({f"actor-{s.actor_id}" for s in node_sources if s.actor_id is not None})
                ),
                documents=tuple(sorted({s.document_id for s in node_sources}, key=_id_key)),
                strength=0.0,
            )
        nodes.keep(identity, node)
        arguments[node_id] = node

    progress(0.8, "linking arguments")
    edges = _relation_edges(data.relations, spans, node_of_span, scheme, notes)
    stance_edges = _Remembered("stance edges")
    for node in arguments.values():
        if node.kind == CLAIM and node.side in ("pro", "contra"):
            kind = "support" if node.side == "pro" else "attack"
            values = (kind, node.id, len(node.sources), node.documents)
            edge = stance_edges.get(values)
            if edge is None:
                edge = MapEdge(
                    id=f"{kind}-" + _digest(kind, node.id, PROPOSITION_ID),
                    kind=kind,
                    source=node.id,
                    target=PROPOSITION_ID,
                    origin="stance",
                    count=len(node.sources),
                    documents=node.documents,
                )
            stance_edges.keep(values, edge)
            edges.append(edge)

    actor_nodes, positions, voiced = _actor_parts(arguments, actors)
    edges.extend(voiced)

    progress(0.9, "computing strengths")
    strength = dfquad_strengths(
        {PROPOSITION_ID: base_score, **{node_id: base_score for node_id in arguments}},
        ((e.source, e.target) for e in edges if e.kind == "support"),
        ((e.source, e.target) for e in edges if e.kind == "attack"),
    )

    finals = _Remembered("arguments with strengths")

    def rounded(node_id: str) -> float:
        return round(strength.strengths[node_id], 6)

    progress(0.95, "assembling the map")
    built = ArgumentMap(
        builder=BUILDER_VERSION,
        input_hash=known_input_hash
        or input_hash(data, similarity=similarity, base_score=base_score),
        similarity={"method": similarity.method, "threshold": similarity.threshold},
        strength=StrengthReport(
            semantics="df-quad",
            base_score=base_score,
            rounds=strength.rounds,
            converged=strength.converged,
        ),
        proposition=PropositionNode(
            id=PROPOSITION_ID, text=data.proposition, strength=rounded(PROPOSITION_ID)
        ),
        arguments=tuple(
            _with_strength(arguments[node_id], rounded(node_id), finals)
            for node_id in sorted(arguments)
        ),
        actors=actor_nodes,
        edges=tuple(sorted(edges, key=lambda e: e.id)),
        positions=positions,
        notes=tuple(sorted(notes)),
    )
    for made in (remembered, nodes, stance_edges, finals):
        made.remember()
    progress(1.0, "done")
    return built


def _with_strength(node: ArgumentNode, strength: float, finals: _Remembered) -> ArgumentNode:
    """Return the node with its strength: the last build's copy when it is the same."""
    key = (id(node), repr(strength))  # repr: 0.0 and -0.0 are equal but written apart
    known = finals.get(key)
    # Each entry holds the node it was made from, so the same id is the same node.
    if known is None or known[0] is not node:
        known = (node, replace(node, strength=strength))
    finals.keep(key, known)
    return known[1]


class _Remembered:
    """Values the last build made, to take again by key in this one instead of making anew.

    Only the last build's are kept (``remember`` replaces them with this build's), so what is
    held is bounded by one map; builds running at once in threads each read the last finished
    one's, and the values are immutable, so sharing them is safe.
    """

    _last: dict[str, dict] = {}

    def __init__(self, name: str) -> None:
        self.name = name
        self.get = self._last.get(name, {}).get
        self.made: dict = {}
        self.keep = self.made.__setitem__

    def remember(self) -> None:
        self._last[self.name] = self.made


def _merge(
    spans: Mapping[str, _Span], similarity: ClaimSimilarity, progress: Progress
) -> list[tuple[list[_Span], tuple[MergeStep, ...]]]:
    """Return the argument clusters with the spanning-tree merges that explain each."""
    buckets: dict[tuple[str, str], list[_Span]] = defaultdict(list)
    for span in spans.values():
        buckets[(span.kind, span.side)].append(span)
    clusters: list[tuple[list[_Span], tuple[MergeStep, ...]]] = []
    done = 0
    for bucket_key in sorted(buckets):
        kind, side = bucket_key
        # Merging is most of a build: it runs from 5 to 80 percent, in proportion to spans.
        progress(0.05 + 0.75 * done / max(len(spans), 1), f"merging {side} {kind}s")
        done += len(buckets[bucket_key])
        members = sorted(buckets[bucket_key], key=lambda s: s.key)
        # A group's clusters follow from its members' keys and texts alone: a rebuild after
        # one decision changes one group, and takes the others' clusters (with their
        # explanations) from the last builds instead of working them out again.
        signature = (bucket_key, tuple((m.key, m.source.quote) for m in members))
        found = _recent_clusters(similarity, signature)
        if found is None:
            found = _merge_group(members, similarity)
            _remember_clusters(similarity, signature, found)
        clusters.extend(([members[i] for i in indexes], steps) for indexes, steps in found)
    return clusters


# Clusters of the last few (kind, side) groups, per similarity (weakly held, so a similarity
# that goes away takes its entries with it).
_CLUSTERS: weakref.WeakKeyDictionary[object, OrderedDict[tuple, tuple]] = (
    weakref.WeakKeyDictionary()
)
_CLUSTERS_LOCK = threading.Lock()


def _recent_clusters(similarity: ClaimSimilarity, signature: tuple) -> tuple | None:
    with _CLUSTERS_LOCK:
        try:
            recent = _CLUSTERS.get(similarity)
        except TypeError:  # not weakly referenceable: never cached
            return None
        found = None if recent is None else recent.get(signature)
        if found is not None:
            recent.move_to_end(signature)
        return found


def _remember_clusters(similarity: ClaimSimilarity, signature: tuple, found: tuple) -> None:
    with _CLUSTERS_LOCK:
        try:
            recent = _CLUSTERS.setdefault(similarity, OrderedDict())
        except TypeError:
            return
        recent[signature] = found
        if len(recent) > RECENT_GROUPS:
            recent.popitem(last=False)


def _merge_group(
    members: list[_Span], similarity: ClaimSimilarity
) -> tuple[tuple[tuple[int, ...], tuple[MergeStep, ...]], ...]:
    """Return one group's clusters as member positions, with the merges that explain each."""
    clusters: list[tuple[tuple[int, ...], tuple[MergeStep, ...]]] = []
    texts = [m.source.quote for m in members]
    documents = [m.source.document_id for m in members]
    pairs = [
        (i, j, score)
        for i, j, score in similarity.similar_pairs(texts, documents)
        if documents[i] != documents[j]
    ]
    # The same span annotated twice (same document and offsets) is one argument; joining
    # these first also keeps every anchor, and so every argument id, unique.
    duplicates = {
        (i - 1, i) for i in range(1, len(members)) if members[i].key[:3] == members[i - 1].key[:3]
    }
    pairs.extend((i, j, 1.0) for i, j in duplicates)
    # Strongest pairs first (Kruskal), so a similarity that yields every pair gets the
    # maximum spanning forest as its explanation; ties are broken by position, which
    # depends only on content, never on input order.
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    parent = list(range(len(members)))

    accepted: list[tuple[int, int, float]] = []
    for i, j, score in pairs:
        root_i, root_j = _find(parent, i), _find(parent, j)
        if root_i != root_j:
            _union(parent, i, j)
            accepted.append((i, j, score))
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(members)):
        groups[_find(parent, index)].append(index)
    steps_by_root: dict[int, list[MergeStep]] = defaultdict(list)
    # The group changed by one decision keeps nearly all its merges: each is taken from the
    # last build's by everything it is made of (the similarity object itself included, since
    # its explanation is its own) instead of being explained again.
    remembered = _Remembered(f"merges of {members[0].side} {members[0].kind}s")
    try:
        hash(similarity)
    except TypeError:
        similarity_key = None
    else:
        similarity_key = similarity
    for i, j, score in accepted:
        duplicate = (i, j) in duplicates
        score = round(score, 4)
        values = (
            similarity_key,
            members[j].source.span_id,
            members[i].source.span_id,
            type(score),  # 1 == 1.0, but they are written "1" and "1.0"
            score,
            duplicate,
            texts[i],
            texts[j],
        )
        step = None if similarity_key is None else remembered.get(values)
        if step is None:
            step = MergeStep(
                span_id=members[j].source.span_id,
                matched_span_id=members[i].source.span_id,
                score=score,
                method=SAME_OFFSETS if duplicate else similarity.method,
                basis=(
                    "same document, start and end"
                    if duplicate
                    else similarity.explain(texts[i], texts[j])
                ),
            )
        if similarity_key is not None:
            remembered.keep(values, step)
        steps_by_root[_find(parent, i)].append(step)
    remembered.remember()
    for root, indexes in groups.items():
        steps = sorted(
            steps_by_root.get(root, ()),
            key=lambda step: (_id_key(step.matched_span_id), _id_key(step.span_id)),
        )
        clusters.append((tuple(indexes), tuple(steps)))
    return tuple(clusters)


def _relation_edges(
    relations: Sequence[GoldRelation],
    spans: Mapping[str, _Span],
    node_of_span: Mapping[str, str],
    scheme: MapScheme,
    notes: list[str],
) -> list[MapEdge]:
    grouped: dict[tuple[str, str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for relation in relations:
        source_span, target_span = str(relation.source_id), str(relation.target_id)
        source, target = node_of_span[source_span], node_of_span[target_span]
        if source == target:
            # Both ends were merged into one argument; an argument cannot support itself.
            notes.append(
                f"relation {source_span}->{target_span} ({relation.type}) joins two sources "
                f"of argument {source}; left out"
            )
            continue
        kind = scheme.relation_polarities[relation.type]
        grouped[(kind, source, target)].append((source_span, target_span, relation.type))
    edges = []
    remembered = _Remembered("relation edges")
    for (kind, source, target), ends in grouped.items():
        if len(ends) > 1:
            ends.sort(key=lambda r: (_id_key(r[0]), _id_key(r[1]), r[2]))
        documents = tuple(
            sorted(
                {spans[a].source.document_id for a, _, _ in ends}
                | {spans[b].source.document_id for _, b, _ in ends},
                key=_id_key,
            )
        )
        # Everything the edge holds, so an equal key is an equal edge.
        values = (kind, source, target, documents, *ends)
        edge = remembered.get(values)
        if edge is None:
            edge = MapEdge(
                id=f"{kind}-" + _digest(kind, source, target),
                kind=kind,
                source=source,
                target=target,
                origin="relation",
                count=len(ends),
                documents=documents,
                relations=tuple(
                    RelationSource(source_span_id=a, target_span_id=b, type=t) for a, b, t in ends
                ),
            )
        remembered.keep(values, edge)
        edges.append(edge)
    remembered.remember()
    return edges


def _actor_parts(
    arguments: Mapping[str, ArgumentNode], actors: Mapping[str, MapActor]
) -> tuple[tuple[ActorNode, ...], tuple[ActorPosition, ...], list[MapEdge]]:
    spans_by: dict[str, dict[str, list[SourceSpan]]] = defaultdict(lambda: defaultdict(list))
    sides_by: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SIDES, 0))
    for node in arguments.values():
        for source in node.sources:
            if source.actor_id is not None:
                spans_by[source.actor_id][node.id].append(source)
                sides_by[source.actor_id][node.side] += 1
    nodes, positions, edges = [], [], []
    remembered = _Remembered("voiced edges")
    for actor_id in sorted(spans_by, key=_id_key):
        actor = actors[actor_id]
        node_id = f"actor-{actor_id}"
        voiced = spans_by[actor_id]
        sides = sides_by[actor_id]
        position = _side_position(sides)
        documents = {s.document_id for sources in voiced.values() for s in sources}
        nodes.append(
            ActorNode(
                id=node_id,
                actor_id=actor_id,
                name=actor.name,
                kind=actor.kind,
                affiliation=actor.affiliation,
                aliases=tuple(sorted(actor.aliases)),
                position=position,
                span_count=sum(len(sources) for sources in voiced.values()),
                argument_count=len(voiced),
                documents=tuple(sorted(documents, key=_id_key)),
            )
        )
        positions.append(
            ActorPosition(
                actor=node_id,
                name=actor.name,
                position=position,
                sides=dict(sides),
                arguments={arg: len(voiced[arg]) for arg in sorted(voiced)},
            )
        )
        for argument_id in sorted(voiced):
            sources = voiced[argument_id]
            documents = tuple(sorted({s.document_id for s in sources}, key=_id_key))
            values = (node_id, argument_id, len(sources), documents)
            edge = remembered.get(values)
            if edge is None:
                edge = MapEdge(
                    id="voiced-" + _digest("voiced", node_id, argument_id),
                    kind="voiced",
                    source=node_id,
                    target=argument_id,
                    origin="speaker",
                    count=len(sources),
                    documents=documents,
                )
            remembered.keep(values, edge)
            edges.append(edge)
    remembered.remember()
    return tuple(nodes), tuple(positions), edges


# --- serialisation ----------------------------------------------------------------------------


def _source_dict(s: SourceSpan) -> dict[str, Any]:
    return {
        "span_id": s.span_id,
        "document_id": s.document_id,
        "document_title": s.document_title,
        "start": s.start,
        "end": s.end,
        "quote": s.quote,
        "stance": s.stance,
        "role": s.role,
        "actor_id": s.actor_id,
    }


def map_to_dict(argument_map: ArgumentMap) -> dict[str, Any]:
    """Return the map as plain JSON-ready data."""
    return _map_dict(argument_map, _same)


def _map_dict(
    m: ArgumentMap,
    number: Callable[[float], Any],
    argument: Callable[[ArgumentNode], Any] | None = None,
    edge: Callable[[MapEdge], Any] | None = None,
) -> dict[str, Any]:
    """Return ``map_to_dict`` data, every float passed through ``number`` on its way, and each
    argument and edge through ``argument`` and ``edge`` (by default, their dicts)."""
    if argument is None:

        def argument(n: ArgumentNode) -> dict[str, Any]:
            return _argument_dict(n, number)

    if edge is None:
        edge = _edge_dict
    return {
        "builder": m.builder,
        "input_hash": m.input_hash,
        "similarity": {
            key: number(value) if isinstance(value, float) else value
            for key, value in m.similarity.items()
        },
        "strength": {
            "semantics": m.strength.semantics,
            "base_score": number(m.strength.base_score),
            "rounds": m.strength.rounds,
            "converged": m.strength.converged,
        },
        "proposition": {
            "id": m.proposition.id,
            "text": m.proposition.text,
            "strength": number(m.proposition.strength),
        },
        "arguments": [argument(n) for n in m.arguments],
        "actors": [
            {
                "id": a.id,
                "actor_id": a.actor_id,
                "name": a.name,
                "kind": a.kind,
                "affiliation": a.affiliation,
                "aliases": list(a.aliases),
                "position": a.position,
                "span_count": a.span_count,
                "argument_count": a.argument_count,
                "documents": list(a.documents),
            }
            for a in m.actors
        ],
        "edges": [edge(e) for e in m.edges],
        "positions": [
            {
                "actor": p.actor,
                "name": p.name,
                "position": p.position,
                "sides": dict(p.sides),
                "arguments": dict(p.arguments),
            }
            for p in m.positions
        ],
        "notes": list(m.notes),
    }


def _argument_dict(n: ArgumentNode, number: Callable[[float], Any]) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "side": n.side,
        "text": n.text,
        "sources": [_source_dict(s) for s in n.sources],
        "merges": [
            {
                "span_id": step.span_id,
                "matched_span_id": step.matched_span_id,
                "score": number(step.score),
                "method": step.method,
                "basis": step.basis,
            }
            for step in n.merges
        ],
        "actors": list(n.actors),
        "documents": list(n.documents),
        "strength": number(n.strength),
    }


def _edge_dict(e: MapEdge) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "source": e.source,
        "target": e.target,
        "origin": e.origin,
        "count": e.count,
        "documents": list(e.documents),
        "relations": [
            {
                "source_span_id": r.source_span_id,
                "target_span_id": r.target_span_id,
                "type": r.type,
            }
            for r in e.relations
        ],
    }


def map_from_dict(data: Mapping[str, Any]) -> ArgumentMap:
    """Return the map stored as ``map_to_dict`` data, e.g. a saved version."""
    return ArgumentMap(
        builder=data["builder"],
        input_hash=data["input_hash"],
        similarity=dict(data["similarity"]),
        strength=StrengthReport(**data["strength"]),
        proposition=PropositionNode(**data["proposition"]),
        arguments=tuple(
            ArgumentNode(
                id=n["id"],
                kind=n["kind"],
                side=n["side"],
                text=n["text"],
                sources=tuple(SourceSpan(**s) for s in n["sources"]),
                merges=tuple(MergeStep(**step) for step in n["merges"]),
                actors=tuple(n["actors"]),
                documents=tuple(n["documents"]),
                strength=n["strength"],
            )
            for n in data["arguments"]
        ),
        actors=tuple(
            ActorNode(**{**a, "aliases": tuple(a["aliases"]), "documents": tuple(a["documents"])})
            for a in data["actors"]
        ),
        edges=tuple(
            MapEdge(
                **{
                    **e,
                    "documents": tuple(e["documents"]),
                    "relations": tuple(RelationSource(**r) for r in e["relations"]),
                }
            )
            for e in data["edges"]
        ),
        positions=tuple(
            ActorPosition(
                actor=p["actor"],
                name=p["name"],
                position=p["position"],
                sides=dict(p["sides"]),
                arguments=dict(p["arguments"]),
            )
            for p in data["positions"]
        ),
        notes=tuple(data["notes"]),
    )


def map_to_json(argument_map: ArgumentMap) -> str:
    """Return the map as compact JSON with sorted keys, byte-identical for the same input."""
    with collector_paused():
        fast = _orjson_or_none(lambda: _fast_map_dict(argument_map))
        if fast is not None:
            return fast.decode("utf-8")
        return _reference_json(map_to_dict(argument_map))


def map_to_json_bytes(argument_map: ArgumentMap) -> bytes:
    """Return ``map_to_json(argument_map)`` encoded as UTF-8, without the detour through str."""
    with collector_paused():
        fast = _orjson_or_none(lambda: _fast_map_dict(argument_map))
        if fast is not None:
            return fast
        return _reference_json(map_to_dict(argument_map)).encode("utf-8")


def _fast_map_dict(argument_map: ArgumentMap) -> dict[str, Any]:
    """``map_to_dict`` data for orjson, each argument and edge as its finished JSON text.

    A rebuild keeps nearly every argument and edge object of the last build (see
    ``_Remembered``), so their JSON is taken from the last map written instead of being
    written again: only the last map's is kept, each with the object it was written from.
    """
    written = _Remembered("json")

    def fragment(item: Any, make: Callable[[Any], Any]) -> orjson.Fragment:
        key = id(item)
        known = written.get(key)
        if known is None or known[0] is not item:
            text = orjson.dumps(make(item), option=orjson.OPT_SORT_KEYS)
            # A copy of exactly its size: orjson's own buffer keeps about 4 KB per call, which
            # for some 100k remembered edges was a quarter of a gigabyte.
            known = (item, orjson.Fragment(bytes(memoryview(text))))
        written.keep(key, known)
        return known[1]

    def argument(node: ArgumentNode) -> orjson.Fragment:
        return fragment(node, lambda n: _argument_dict(n, _json_float))

    def edge(map_edge: MapEdge) -> orjson.Fragment:
        return fragment(map_edge, _edge_dict)

    data = _map_dict(argument_map, _json_float, argument=argument, edge=edge)
    written.remember()
    return data
