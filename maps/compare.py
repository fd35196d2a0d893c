"""Compare an argument map with the gold map by arguments and edges: precision, recall, F1.

Pure: two ``ArgumentMap``s and plain mappings in, counts out; no Django. ``maps.agreement``
builds a map of each annotator's layer and of the majority-vote layer and compares each with
the gold map here.

- **Arguments are matched one to one.** An argument of the layer's map and one of the gold map
  are candidates when a source span of one and a source span of the other are in the same
  aligned unit (the caller aligns each document's layer with its gold layer and passes the
  unit of every span), or when they quote the same text (case-folded, runs of white space as
  one). Candidates are taken best first: most units shared, then most texts, then by the ids
  of the two arguments, so the matching does not depend on the order of anything. Kind and
  side are not compared here: a claim the layer calls pro and gold contra is the same
  argument, and the disagreement shows in its edge to the proposition.
- **Edges are supports and attacks** (from relations, and from claims' stances to the
  proposition). ``voiced`` edges are left out: who said what is the actor alpha's business.
  An edge of the layer matches a gold edge of the same kind whose ends are the arguments its
  own ends were matched with (the proposition is always matched with itself).
- **Scope.** The gold map covers every adjudicated document, a layer only the documents it
  annotated (``documents``): a gold argument counts when one of its sources is in those
  documents, a gold edge when both its ends count.
- **Undefined is None**: precision with nothing in the layer's map, recall with nothing in
  scope in the gold map, F1 with neither.
"""

from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass

from maps.builder import PROPOSITION_ID, ArgumentMap, ArgumentNode

COMPARED_EDGE_KINDS = ("support", "attack")
# Part of the key under which ``maps.agreement`` keeps its figures: bump it with any change to
# how maps are compared here or to the majority vote (``annotations.review.majority``), so
# figures made by the old code are not found any more.
COMPARISON_VERSION = "map-comparison/1"


@dataclass(frozen=True, slots=True)
class MatchCounts:
    """How many of the layer's items matched gold items, of how many on each side."""

    matched: int
    layer: int
    gold: int

    @property
    def precision(self) -> float | None:
        """Return matched / the layer's items, or None when the layer has none."""
        return self.matched / self.layer if self.layer else None

    @property
    def recall(self) -> float | None:
        """Return matched / the gold items in scope, or None when there are none."""
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """Return 2·matched / (layer + gold), or None when both sides are empty."""
        total = self.layer + self.gold
        return 2 * self.matched / total if total else None


@dataclass(frozen=True, slots=True)
class MapComparison:
    """A map against the gold map: arguments, edges, and which argument matched which."""

    arguments: MatchCounts
    edges: MatchCounts
    matches: tuple[tuple[str, str], ...]  # (layer argument id, gold argument id), sorted


def compare_maps(
    layer: ArgumentMap,
    gold: ArgumentMap,
    *,
    layer_units: Mapping[str, Hashable],
    gold_units: Mapping[str, Hashable],
    documents: Collection[str] | None = None,
) -> MapComparison:
    """Return how a layer's map agrees with the gold map (see the module docstring).

    ``layer_units`` and ``gold_units`` give the aligned unit of each source span id of either
    map (spans without one are matched by text only); ``documents`` are the ids of the
    documents the layer covers, None for all of gold's.
    """
    in_scope = [
        node
        for node in gold.arguments
        if documents is None or any(s.document_id in documents for s in node.sources)
    ]
    gold_keys = {node.id: _keys(node, gold_units) for node in in_scope}
    by_key: defaultdict[tuple[str, Hashable], set[str]] = defaultdict(set)
    for node_id, keys in gold_keys.items():
        for key in keys:
            by_key[key].add(node_id)
    candidates = []
    for node in layer.arguments:
        keys = _keys(node, layer_units)
        for gold_id in set().union(*(by_key.get(key, ()) for key in keys)):
            shared = keys & gold_keys[gold_id]
            units = sum(kind == "unit" for kind, _ in shared)
            # Negated, so one ascending sort puts the best candidate first.
            candidates.append((-units, -(len(shared) - units), node.id, gold_id))
    candidates.sort()
    match: dict[str, str] = {PROPOSITION_ID: PROPOSITION_ID}
    taken: set[str] = set()
    for _, _, node_id, gold_id in candidates:
        if node_id not in match and gold_id not in taken:
            match[node_id] = gold_id
            taken.add(gold_id)

    counted = {PROPOSITION_ID, *gold_keys}
    gold_edges = {
        (edge.kind, edge.source, edge.target)
        for edge in gold.edges
        if edge.kind in COMPARED_EDGE_KINDS and edge.source in counted and edge.target in counted
    }
    layer_edges = [edge for edge in layer.edges if edge.kind in COMPARED_EDGE_KINDS]
    matched_edges = sum(
        (edge.kind, match.get(edge.source), match.get(edge.target)) in gold_edges
        for edge in layer_edges
    )
    return MapComparison(
        arguments=MatchCounts(len(taken), len(layer.arguments), len(in_scope)),
        edges=MatchCounts(matched_edges, len(layer_edges), len(gold_edges)),
        matches=tuple(sorted((a, g) for a, g in match.items() if a != PROPOSITION_ID)),
    )


def same_text(quote: str) -> str:
    """Return a quote as texts are compared: case-folded, runs of white space as one space."""
    return " ".join(quote.casefold().split())


def _keys(node: ArgumentNode, units: Mapping[str, Hashable]) -> set[tuple[str, Hashable]]:
    keys: set[tuple[str, Hashable]] = set()
    for source in node.sources:
        unit = units.get(source.span_id)
        if unit is not None:
            keys.add(("unit", unit))
        keys.add(("text", same_text(source.quote)))
    return keys
