"""Reviewers' merge decisions in the builder: forced joins, cannot-link splits, time order,
provenance, not-applicable decisions, determinism and the input hash."""

import random
from dataclasses import replace

from maps.builder import (
    BuildCache,
    CurationDecision,
    build_map,
    input_hash,
    map_from_dict,
    map_to_dict,
    map_to_json,
)
from tests.maps.seed import (
    BACKDOOR_000,
    BACKDOOR_004,
    RULES_000,
    SMOKESCREEN_004,
    TRADE_OFF_004,
    bigger_seed_input,
    node_of,
    seed_map_input,
)

JOIN_3_8 = CurationDecision(
    id=1, kind="join", spans=(3,), other_spans=(8,), by="rev1", at="2026-01-02T10:00:00+00:00"
)
SPLIT_5_FROM_2 = CurationDecision(
    id=2, kind="split", spans=(5,), other_spans=(2,), by="rev1", at="2026-01-02T11:00:00+00:00"
)


def test_a_join_merges_what_similarity_leaves_apart():
    plain = build_map(seed_map_input())
    assert node_of(plain, RULES_000) != node_of(plain, TRADE_OFF_004)

    joined = build_map(seed_map_input(decisions=[JOIN_3_8]))
    node = node_of(joined, RULES_000)
    assert node is node_of(joined, TRADE_OFF_004)
    assert [s.span_id for s in node.sources] == ["3", "8"]
    [step] = node.merges
    assert (step.span_id, step.matched_span_id, step.score, step.method) == (
        "8",
        "3",
        1.0,
        "reviewer-join",
    )
    assert (step.basis, step.by, step.at, step.decision) == (
        "joined by reviewer rev1",
        "rev1",
        "2026-01-02T10:00:00+00:00",
        "1",
    )
    assert node_of(joined, SMOKESCREEN_004).sources[0].span_id == "10"
    assert len(joined.arguments) == len(plain.arguments) - 1
    assert joined.notes == ()


def test_a_split_keeps_apart_what_similarity_merges():
    plain = build_map(seed_map_input())
    assert node_of(plain, BACKDOOR_000) is node_of(plain, BACKDOOR_004)

    split = build_map(seed_map_input(decisions=[SPLIT_5_FROM_2]))
    kept, off = node_of(split, BACKDOOR_000), node_of(split, BACKDOOR_004)
    assert kept.id != off.id
    assert [s.span_id for s in kept.sources] == ["2"]
    assert [s.span_id for s in off.sources] == ["5"]
    assert kept.merges == off.merges == ()
    assert [(m.decision, m.kind, m.by, m.span_ids) for m in kept.curation] == [
        ("2", "split", "rev1", ("5",))
    ]
    assert [(m.decision, m.kind, m.by, m.span_ids) for m in off.curation] == [
        ("2", "split", "rev1", ("2",))
    ]
    assert len(split.arguments) == len(plain.arguments) + 1


def test_both_decisions_survive_a_rebuild_with_one_more_gold_span():
    bigger = bigger_seed_input()
    built = build_map(replace(bigger, decisions=[JOIN_3_8, SPLIT_5_FROM_2]))
    assert node_of(built, RULES_000) is node_of(built, TRADE_OFF_004)
    assert node_of(built, BACKDOOR_000) is not node_of(built, BACKDOOR_004)
    assert len(built.arguments) == len(build_map(bigger).arguments)  # one fewer, one more


def test_undoing_a_decision_restores_the_map_similarity_made():
    plain = map_to_json(build_map(seed_map_input()))
    undone = map_to_json(build_map(seed_map_input(decisions=[])))
    assert undone == plain
    assert map_to_json(build_map(seed_map_input(decisions=[JOIN_3_8]))) != plain


def test_a_later_join_overrules_an_earlier_split():
    rejoin = CurationDecision(3, "join", (2,), (5,), "rev2", "2026-01-03T09:00:00+00:00")
    built = build_map(seed_map_input(decisions=[SPLIT_5_FROM_2, rejoin]))
    node = node_of(built, BACKDOOR_000)
    assert node is node_of(built, BACKDOOR_004)
    assert [(s.method, s.by) for s in node.merges] == [("reviewer-join", "rev2")]
    assert node.curation == ()
    assert built.notes == ("decision 2 (split by rev1) is overruled by a later join",)


def test_a_later_split_overrules_an_earlier_join():
    split = CurationDecision(4, "split", (8,), (3,), "rev2", "2026-01-03T09:00:00+00:00")
    built = build_map(seed_map_input(decisions=[split, JOIN_3_8]))
    assert node_of(built, RULES_000) is not node_of(built, TRADE_OFF_004)
    assert built.notes == ("decision 1 (join by rev1) is overruled by a later split",)


def test_a_split_groups_the_split_off_spans_into_one_argument():
    # Spans 3 and 10 are not paraphrases; split together away from 8, they are one argument.
    split = CurationDecision(5, "split", (3, 10), (8,), "rev1", "2026-01-02T12:00:00+00:00")
    built = build_map(seed_map_input(decisions=[split]))
    node = node_of(built, RULES_000)
    assert node is node_of(built, SMOKESCREEN_004)
    assert [(s.matched_span_id, s.span_id, s.method) for s in node.merges] == [
        ("3", "10", "reviewer-split")
    ]
    assert node_of(built, TRADE_OFF_004) is not node


def test_a_decision_naming_a_span_gone_from_gold_is_not_applicable():
    gone = CurationDecision(6, "join", (3,), (99,), "rev1", "2026-01-02T12:00:00+00:00")
    mixed = CurationDecision(7, "join", (3,), (2,), "rev1", "2026-01-02T13:00:00+00:00")
    built = build_map(seed_map_input(decisions=[gone, mixed]))
    assert built.notes == (
        "decision 6 (join by rev1) is not applicable: span 99 is no longer in the gold layer",
        "decision 7 (join by rev1) is not applicable: its spans are of different sides or kinds",
    )
    plain = build_map(seed_map_input())
    assert [n.id for n in built.arguments] == [n.id for n in plain.arguments]


def test_decisions_are_deterministic_in_any_order():
    decisions = [JOIN_3_8, SPLIT_5_FROM_2]
    data = seed_map_input(decisions=decisions)
    first = map_to_json(build_map(data))
    for seed in range(5):
        shuffled = list(data.spans)
        random.Random(seed).shuffle(shuffled)
        again = replace(data, spans=shuffled, decisions=list(reversed(decisions)))
        assert map_to_json(build_map(again)) == first
        assert input_hash(again) == input_hash(data)


def test_each_decision_changes_the_input_hash():
    hashes = {
        input_hash(seed_map_input()),
        input_hash(seed_map_input(decisions=[JOIN_3_8])),
        input_hash(seed_map_input(decisions=[SPLIT_5_FROM_2])),
        input_hash(seed_map_input(decisions=[JOIN_3_8, SPLIT_5_FROM_2])),
        input_hash(seed_map_input(decisions=[replace(JOIN_3_8, by="rev2")])),
    }
    assert len(hashes) == 5


def test_curation_round_trips_through_the_stored_json():
    built = build_map(seed_map_input(decisions=[JOIN_3_8, SPLIT_5_FROM_2]))
    assert map_from_dict(map_to_dict(built)) == built
    data = map_to_dict(built)
    [joined] = [a for a in data["arguments"] if a["text"] == RULES_000]
    assert joined["merges"][0]["by"] == "rev1"
    assert joined["merges"][0]["method"] == "reviewer-join"


def test_a_warm_cache_gives_the_same_bytes_after_a_decision():
    cache = BuildCache()
    for decisions in ([], [JOIN_3_8], [JOIN_3_8, SPLIT_5_FROM_2], []):
        data = seed_map_input(decisions=decisions)
        assert map_to_json(build_map(data, cache=cache), cache=cache) == map_to_json(
            build_map(data)
        )
