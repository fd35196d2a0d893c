"""actor_timelines: each actor's sources by publication day, undated ones apart."""

from dataclasses import replace

from maps.builder import MapDocument, actor_timelines, build_map
from tests.maps.seed import (
    BACKDOOR_000,
    DOCUMENTS,
    HARGREAVES,
    HOLES_004,
    PROTECTION_000,
    RULES_000,
    SAFETY_NET_004,
    SMOKESCREEN_004,
    SOLUTIONS_004,
    TOOLS_000,
    TRADE_OFF_004,
    gold_span,
    node_of,
    seed_map_input,
)


def timeline_map():
    """The seed map with article 004 published before 000, and an undated third article in
    which Hargreaves (pro) argues contra."""
    data = seed_map_input()
    third = MapDocument(105, "A third article")
    hargreaves = replace(
        gold_span(11, 100, TOOLS_000, "contra", "claim", HARGREAVES),
        document_id=105,
        start=7,
        end=7 + len(TOOLS_000),
    )
    return build_map(
        replace(
            data,
            documents=[
                replace(DOCUMENTS[0], published="2023-03-01"),
                replace(DOCUMENTS[1], published="2023-02-14"),
                third,
            ],
            spans=[*data.spans, hargreaves],
        )
    )


def rows(points) -> list[tuple]:
    return [(p.published, p.side, p.argument, p.source.span_id) for p in points]


def test_each_actor_s_points_come_by_day_then_reading_order_and_undated_apart():
    argument_map = timeline_map()
    protection = node_of(argument_map, PROTECTION_000).id
    backdoor = node_of(argument_map, BACKDOOR_000).id

    timelines = actor_timelines(argument_map)

    assert [(t.actor_id, t.name, t.position) for t in timelines] == [
        ("1", "Kate Robertson", "contra"),
        ("2", "Rani Govender", "pro"),
        ("3", "Susie Hargreaves", "mixed"),
        ("4", "Tech firms", "contra"),
    ]
    robertson, govender, hargreaves, firms = timelines
    # Article 004 (14 February) comes before article 000 (1 March), whatever their ids.
    assert rows(firms.points) == [
        ("2023-02-14", "contra", protection, "4"),
        ("2023-02-14", "contra", backdoor, "5"),
        ("2023-03-01", "contra", protection, "1"),
        ("2023-03-01", "contra", backdoor, "2"),
    ]
    assert firms.undated == ()
    assert rows(robertson.points) == [
        ("2023-02-14", "contra", node_of(argument_map, HOLES_004).id, "6"),
        ("2023-02-14", "contra", node_of(argument_map, SAFETY_NET_004).id, "7"),
    ]
    assert rows(govender.points) == [
        ("2023-02-14", "pro", node_of(argument_map, TRADE_OFF_004).id, "8"),
        ("2023-02-14", "pro", node_of(argument_map, SOLUTIONS_004).id, "9"),
    ]
    assert rows(hargreaves.points) == [
        ("2023-02-14", "pro", node_of(argument_map, SMOKESCREEN_004).id, "10"),
    ]
    assert rows(hargreaves.undated) == [(None, "contra", node_of(argument_map, TOOLS_000).id, "11")]
    [undated] = hargreaves.undated
    assert (undated.source.document_id, undated.source.start) == ("105", 7)


def test_sources_without_a_speaker_are_on_no_timeline():
    argument_map = timeline_map()
    rules = node_of(argument_map, RULES_000)
    assert rules.sources[0].actor_id is None

    spans = {p.source.span_id for t in actor_timelines(argument_map) for p in t.points + t.undated}

    assert spans == {str(n) for n in range(1, 12)} - {"3"}


def test_a_map_without_days_has_every_point_undated():
    timelines = actor_timelines(build_map(seed_map_input()))

    assert all(t.points == () for t in timelines)
    assert [len(t.undated) for t in timelines] == [2, 2, 1, 4]
