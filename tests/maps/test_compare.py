"""Comparing a layer's map with the gold map: exact argument and edge counts, by hand."""

import pytest

from maps.builder import (
    PROPOSITION_ID,
    GoldRelation,
    GoldSpan,
    MapDocument,
    MapInput,
    MapScheme,
    build_map,
)
from maps.compare import MatchCounts, compare_maps, same_text

SCHEME = MapScheme(
    stance_sides={"pro": "pro", "contra": "contra"},
    relation_polarities={"supports": "support", "attacks": "attack"},
)
# Ten-character words, so offsets are easy to read: [0, 20) is "Scanning saves kids.".
TEXT = "Scanning saves kids.Everyone loses safety.Police need to read it.Keys leak.... "
OTHER = "Privacy is a right. "


def gold_span(id, start, end, stance="pro", role="claim", document=1, text=TEXT):
    return GoldSpan(id, document, start, end, text[start:end], stance, role)


def built(spans, relations=()):
    return build_map(
        MapInput(
            proposition="Messaging should be scanned.",
            scheme=SCHEME,
            actors=[],
            documents=[MapDocument(1, "One"), MapDocument(2, "Two")],
            spans=spans,
            relations=relations,
        )
    )


# Gold: a pro claim [0, 20), a contra claim [20, 42), a pro premise [42, 65) supporting the
# first claim, and on document 2 a contra claim. Its edges: claim 1 supports the
# proposition, claim 2 and document 2's claim attack it, the premise supports claim 1.
GOLD = built(
    [
        gold_span(1, 0, 20),
        gold_span(2, 20, 42, "contra"),
        gold_span(3, 42, 65, role="premise"),
        gold_span(4, 0, 19, "contra", document=2, text=OTHER),
    ],
    [GoldRelation(3, 1, "supports")],
)
GOLD_UNITS = {"1": "u1", "2": "u2", "3": "u3", "4": "other"}

# The layer: claim [0, 18) (gold's claim 1, shorter), claim [20, 42) called pro where gold says
# contra, and a premise [65, 75) gold does not have, supporting the first claim.
LAYER = built(
    [
        gold_span(11, 0, 18),
        gold_span(12, 20, 42, "pro"),
        gold_span(13, 65, 75, role="premise"),
    ],
    [GoldRelation(13, 11, "supports")],
)
LAYER_UNITS = {"11": "u1", "12": "u2", "13": "u4"}


def node_of(argument_map, span_id):
    return next(
        node.id
        for node in argument_map.arguments
        if any(source.span_id == span_id for source in node.sources)
    )


def test_a_layer_against_gold_by_hand():
    """Arguments: 11-1 (unit u1) and 12-2 (unit u2) match, 13 has no gold argument.
    2 of 3 layer arguments, 2 of the 3 gold arguments on document 1: P = R = F1 = 2/3.

    Edges of the layer: 11 supports P, 12 supports P, 13 supports 11. Gold's, on document 1:
    1 supports P, 2 attacks P, 3 supports 1. Only 11 -> P matches (12 -> P is a support where
    gold has an attack; 13 matched nothing): 1 of 3 and 3, P = R = F1 = 1/3.
    """
    comparison = compare_maps(
        LAYER, GOLD, layer_units=LAYER_UNITS, gold_units=GOLD_UNITS, documents={"1"}
    )

    assert comparison.arguments == MatchCounts(matched=2, layer=3, gold=3)
    assert comparison.edges == MatchCounts(matched=1, layer=3, gold=3)
    assert (comparison.arguments.precision, comparison.arguments.recall) == (2 / 3, 2 / 3)
    assert comparison.edges.f1 == pytest.approx(1 / 3)
    assert comparison.matches == tuple(
        sorted(
            [(node_of(LAYER, "11"), node_of(GOLD, "1")), (node_of(LAYER, "12"), node_of(GOLD, "2"))]
        )
    )


def test_without_scope_every_gold_document_counts():
    comparison = compare_maps(LAYER, GOLD, layer_units=LAYER_UNITS, gold_units=GOLD_UNITS)

    # Document 2's claim and its attack on the proposition join gold's side.
    assert comparison.arguments == MatchCounts(2, 3, 4)
    assert comparison.edges == MatchCounts(1, 3, 4)


def test_arguments_without_units_match_by_the_same_text():
    """Without units only quotes can match: [20, 42) is the same text in both maps (spaces
    and case aside), [0, 18) is not [0, 20)."""
    comparison = compare_maps(LAYER, GOLD, layer_units={}, gold_units={}, documents={"1"})

    assert comparison.arguments == MatchCounts(1, 3, 3)
    assert same_text("  Everyone LOSES\nsafety.") == same_text("everyone loses safety.")


def test_each_gold_argument_is_matched_once():
    # 11 and 13 both in gold claim 1's unit: only one of them gets it (which one follows the
    # ids); 12, out of any unit, still matches gold claim 2 by its text.
    units = {"11": "u1", "13": "u1"}

    comparison = compare_maps(LAYER, GOLD, layer_units=units, gold_units=GOLD_UNITS)

    assert comparison.arguments.matched == 2
    gold_ids = [gold_id for _, gold_id in comparison.matches]
    assert sorted(gold_ids) == sorted([node_of(GOLD, "1"), node_of(GOLD, "2")])


def test_a_layer_identical_to_gold_agrees_fully():
    comparison = compare_maps(GOLD, GOLD, layer_units=GOLD_UNITS, gold_units=GOLD_UNITS)

    assert comparison.arguments == MatchCounts(4, 4, 4)
    assert comparison.edges == MatchCounts(4, 4, 4)
    assert comparison.edges.f1 == 1.0


def test_empty_maps_leave_every_figure_undefined():
    empty = built([])

    comparison = compare_maps(empty, empty, layer_units={}, gold_units={})

    assert comparison.arguments == MatchCounts(0, 0, 0)
    assert (comparison.arguments.precision, comparison.edges.recall, comparison.edges.f1) == (
        None,
        None,
        None,
    )
    assert comparison.matches == ()
    assert PROPOSITION_ID not in dict(comparison.matches)
