"""A build with a ``BuildCache`` takes spans, nodes, edges, their JSON and the clusters of
unchanged groups from the last build; it must still equal a build without a cache, whatever
changed between the two.

The input is the synthetic gold layer of ``bench/map_build_bench.py`` at a small size: merged
paraphrases across documents, actors, support and attack relations; and the seed scenario.
"""

import json
from dataclasses import replace

import pytest

from bench.map_build_bench import generate
from maps.builder import (
    RECENT_GROUPS,
    BuildCache,
    LexicalSimilarity,
    MapDocument,
    MapInputError,
    MapScheme,
    build_map,
    input_hash,
    map_to_dict,
    map_to_json,
    map_to_json_bytes,
)
from maps.builder.cache import records_in_order, same_ends
from tests.maps.seed import (
    BACKDOOR_000,
    BACKDOOR_004,
    HOLES_004,
    bigger_seed_input,
    seed_map_input,
)


@pytest.fixture(scope="module")
def base():
    data, _ = generate(spans=800, documents=80, arguments=60, actors=12, seed=3)
    return data


def fresh_json(data) -> str:
    """The map built without a cache, as a process that never built anything makes it."""
    return map_to_json(build_map(data, similarity=LexicalSimilarity()))


def _retitle(data):
    first = data.documents[0]
    return replace(data, documents=[replace(first, title="Retitled"), *data.documents[1:]])


def _actor_changed(data):
    span = next(s for s in data.spans if s.actor_id is not None)
    other = next(a.id for a in data.actors if a.id != span.actor_id)
    return replace(data, spans=[replace(s, actor_id=other) if s is span else s for s in data.spans])


def _sides_swapped(data):
    sides = {"pro": "contra", "contra": "pro", "neutral": "neutral"}
    return replace(data, scheme=replace(data.scheme, stance_sides=sides))


def _premises_count_as_claims(data):
    return replace(data, scheme=replace(data.scheme, claim_roles=frozenset({"claim", "premise"})))


def _offsets_as_floats(data):
    span = data.spans[5]
    changed = replace(span, start=float(span.start), end=float(span.end))
    return replace(data, spans=[changed if s is span else s for s in data.spans])


def _relation_retyped(data):
    relation = next(r for r in data.relations if r.type == "supports")
    retyped = replace(relation, type="attacks")
    return replace(data, relations=[retyped if r is relation else r for r in data.relations])


def _span_moved_to_another_document(data):
    span = data.spans[7]
    document = MapDocument(id=10_000, title="New document")
    moved = replace(span, document_id=document.id, start=0, end=len(span.quote))
    return replace(
        data,
        documents=[*data.documents, document],
        spans=[moved if s is span else s for s in data.spans],
    )


def _one_more_paraphrase(data):
    last = data.spans[-1]
    extra = replace(last, id=99_999, start=last.end + 1, end=last.end + 1 + len(last.quote))
    return replace(data, spans=[*data.spans, extra])


def _one_span_fewer(data):
    used = {r.source_id for r in data.relations} | {r.target_id for r in data.relations}
    gone = next(s for s in data.spans if s.id not in used and s.actor_id is not None)
    return replace(data, spans=[s for s in data.spans if s is not gone])


def _a_relation_given_twice(data):
    return replace(data, relations=[*data.relations, data.relations[len(data.relations) // 2]])


def _first_relation_dropped(data):
    return replace(data, relations=list(data.relations[1:]))


CHANGES = [
    _retitle,
    _a_relation_given_twice,
    _first_relation_dropped,
    _actor_changed,
    _sides_swapped,
    _premises_count_as_claims,
    _offsets_as_floats,
    _relation_retyped,
    _span_moved_to_another_document,
    _one_more_paraphrase,
    _one_span_fewer,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_a_rebuild_after_a_change_equals_a_fresh_build(base, change):
    warm, cache = LexicalSimilarity(), BuildCache()
    map_to_json(build_map(base, similarity=warm, cache=cache), cache=cache)  # its JSON too
    changed = change(base)
    expected = fresh_json(changed)
    assert expected != fresh_json(base)  # the change shows in the map

    rebuilt = build_map(changed, similarity=warm, cache=cache)

    assert map_to_json(rebuilt, cache=cache) == expected
    assert map_to_json_bytes(rebuilt, cache=cache) == expected.encode("utf-8")
    assert expected == json.dumps(
        map_to_dict(rebuilt), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )
    # And back: the change undone.
    assert map_to_json(build_map(base, similarity=warm, cache=cache), cache=cache) == fresh_json(
        base
    )


def test_floats_for_offsets_are_written_as_floats_after_an_int_build(base):
    cache = BuildCache()
    build_map(base, cache=cache)
    changed = _offsets_as_floats(base)
    span = changed.spans[5]

    text = map_to_json(build_map(changed, cache=cache), cache=cache)

    assert f'"end":{span.end!r}' in text and f'"start":{span.start!r}' in text


def test_a_rebuild_takes_unchanged_sources_nodes_and_edges_from_the_last_build(base):
    cache = BuildCache()
    first = build_map(base, cache=cache)
    again = build_map(_one_more_paraphrase(base), cache=cache)

    extra = next(s for n in again.arguments for s in n.sources if s.span_id == "99999")
    changed_group = next((n.kind, n.side) for n in again.arguments if extra in n.sources)
    before = {node.id: node for node in first.arguments}
    kept = [n for n in again.arguments if (n.kind, n.side) != changed_group]
    assert len(kept) >= 20
    # Strengths are set on a copy at the end; its sources are the very same tuple.
    assert all(node.sources is before[node.id].sources for node in kept)
    assert {id(s) for node in first.arguments for s in node.sources} <= {
        id(s) for node in again.arguments for s in node.sources
    }
    changed_ids = {n.id for n in again.arguments if (n.kind, n.side) == changed_group}
    old_edges = {edge.id: edge for edge in first.edges}
    untouched = [
        edge
        for edge in again.edges
        if edge.source not in changed_ids and edge.target not in changed_ids
    ]
    assert len(untouched) >= 100
    assert all(edge is old_edges[edge.id] for edge in untouched)


def test_only_the_last_build_is_remembered(base):
    cache = BuildCache()
    build_map(base, cache=cache)
    build_map(_retitle(base), cache=cache)

    kept = cache.last("spans in order")[None]
    assert len(kept.spans) == len(kept.records) == len(base.spans)
    remembered = kept.by_values
    assert len(remembered) == len(base.spans)
    assert {values[2] for values in remembered} >= {"Retitled"}
    assert not any(
        values[2] == base.documents[0].title and values[1] == str(base.documents[0].id)
        for values in remembered
    )


def test_a_scheme_for_another_debate_is_not_mixed_up(base):
    other = MapScheme(
        stance_sides={"pro": "pro", "contra": "contra", "neutral": "neutral"},
        relation_polarities={"supports": "attack", "attacks": "support"},
    )
    cache = BuildCache()
    build_map(base, cache=cache)
    flipped = replace(base, scheme=other)

    assert map_to_json(build_map(flipped, cache=cache), cache=cache) == fresh_json(flipped)


def test_the_json_of_unchanged_arguments_and_edges_is_taken_from_the_last_map(base):
    cache = BuildCache()
    first = build_map(base, cache=cache)
    map_to_json(first, cache=cache)
    again = build_map(_one_more_paraphrase(base), cache=cache)

    text = map_to_json(again, cache=cache)

    written = cache.last("json")
    kept = [node for node in again.arguments if node in first.arguments]
    assert len(kept) >= 20
    # The same objects as last time, so their JSON was not written again.
    assert all(written[id(node)][0] is node for node in kept)
    assert len(written) == len(again.arguments) + len(again.edges)
    assert text == json.dumps(
        map_to_dict(again), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )


# --- what the cache holds, and that it changes nothing ---------------------------------------


def test_a_warm_cache_a_cold_cache_and_no_cache_give_the_same_bytes(base):
    changed = _one_more_paraphrase(base)
    warm = BuildCache()
    map_to_json_bytes(build_map(base, cache=warm), cache=warm)
    cold = BuildCache()

    without = map_to_json_bytes(build_map(changed))
    with_cold = map_to_json_bytes(build_map(changed, cache=cold), cache=cold)
    with_warm = map_to_json_bytes(build_map(changed, cache=warm), cache=warm)

    assert with_warm == with_cold == without
    assert map_to_json_bytes(build_map(changed, cache=warm), cache=warm) == without


def test_builds_without_a_cache_share_nothing(base):
    first, second = build_map(base), build_map(base)

    assert map_to_json(first) == map_to_json(second)
    assert not {id(s) for n in first.arguments for s in n.sources} & {
        id(s) for n in second.arguments for s in n.sources
    }
    assert not {id(edge) for edge in first.edges} & {id(edge) for edge in second.edges}


def test_the_cache_answers_a_repeated_group_of_texts_from_its_pairs():
    similarity, cache = LexicalSimilarity(), BuildCache()
    texts = [BACKDOOR_000, BACKDOOR_004, HOLES_004]
    first = cache.similar_pairs(similarity, texts, ["100", "104", "104"])
    assert first == ((0, 1, 0.75),)
    assert cache.similar_pairs(similarity, list(texts), ("100", "104", "104")) is first
    assert cache.similar_pairs(similarity, texts, ["104", "104", "104"]) == ()
    for index in range(RECENT_GROUPS):
        cache.similar_pairs(similarity, [f"text {index}"], [0])
    assert cache.similar_pairs(similarity, texts, ["100", "104", "104"]) is not first
    # The similarity itself keeps nothing: the same answer, made again.
    assert similarity.similar_pairs(texts, ["100", "104", "104"]) == first
    assert similarity.similar_pairs(texts, ["100", "104", "104"]) is not first


class RecordingSimilarity(LexicalSimilarity):
    """The default similarity, recording the texts of every group it is asked about (a group
    no reviewer constrains is asked for its pairs as arrays, any other as tuples)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[list[str]] = []

    def similar_pairs(self, texts, groups):
        self.asked.append(list(texts))
        return super().similar_pairs(texts, groups)

    def similar_pair_arrays(self, texts, groups):
        self.asked.append(list(texts))
        return super().similar_pair_arrays(texts, groups)


def test_a_rebuild_reuses_the_clusters_of_unchanged_groups_only():
    similarity, cache = RecordingSimilarity(), BuildCache()
    build_map(seed_map_input(), similarity=similarity, cache=cache)
    similarity.asked.clear()

    build_map(seed_map_input(), similarity=similarity, cache=cache)
    assert similarity.asked == []
    bigger = bigger_seed_input()
    build_map(bigger, similarity=similarity, cache=cache)
    # The pro claims, and nothing else.
    [worked_out] = similarity.asked
    assert sorted(worked_out) == sorted(
        s.quote for s in bigger.spans if (s.stance, s.role) == ("pro", "claim")
    )


def test_a_rebuild_from_remembered_clusters_equals_a_fresh_build():
    warm, cache = LexicalSimilarity(), BuildCache()
    build_map(seed_map_input(), similarity=warm, cache=cache)
    rebuilt = build_map(bigger_seed_input(), similarity=warm, cache=cache)
    fresh = build_map(bigger_seed_input(), similarity=LexicalSimilarity())
    assert map_to_json(rebuilt, cache=cache) == map_to_json(fresh)


def _input_reversed(data):
    """Every span and relation the same object, in the other order (a middle of old objects)."""
    return replace(data, spans=data.spans[::-1], relations=data.relations[::-1])


def _every_tenth_span_edited(data):
    """Changes far apart: a middle of old and new objects."""
    return replace(
        data,
        spans=[
            replace(s, stance="contra" if s.stance == "pro" else "pro") if n % 10 == 3 else s
            for n, s in enumerate(data.spans)
        ],
    )


@pytest.mark.parametrize(
    "change",
    [*CHANGES, _input_reversed, _every_tenth_span_edited],
    ids=lambda change: change.__name__.strip("_"),
)
def test_an_input_hash_through_the_cache_equals_one_without(base, change):
    cache = BuildCache()
    assert input_hash(base, cache=cache) == input_hash(base)
    changed = change(base)

    assert input_hash(changed, cache=cache) == input_hash(changed)
    assert input_hash(base, cache=cache) == input_hash(base)  # and back


@pytest.mark.parametrize(
    ("old", "new", "ends"),
    [
        ("abcde", "abcde", (5, 0)),
        ("abcde", "abXcde", (2, 3)),
        ("abcde", "abde", (2, 2)),
        ("abcde", "Xbcde", (0, 4)),
        ("abcde", "abcdX", (4, 0)),
        ("aa", "a", (1, 0)),
        ("a", "aa", (1, 0)),
        ("", "abc", (0, 0)),
    ],
)
def test_same_ends_counts_the_very_objects_at_both_ends(old, new, ends):
    objects = {letter: object() for letter in "abcdeX"}
    assert same_ends([objects[c] for c in old], [objects[c] for c in new]) == ends
    # Equal is not the same: copies of the objects match nowhere.
    assert same_ends([objects[c] for c in old], [[c] for c in new]) == (0, 0)


def test_a_rebuild_of_inconsistent_input_names_the_problems_a_build_without_a_cache_names(base):
    cache = BuildCache()
    build_map(base, cache=cache)
    spans = list(base.spans)
    # Problems the reused ends alone would not show: a span id twice (one copy among the last
    # build's own objects), a relation to a span gone, a stance the scheme lacks.
    spans.insert(len(spans) // 2, replace(spans[3], start=spans[3].start))
    gone = next(s for s in spans if s.id == base.relations[0].source_id)
    spans.remove(gone)
    spans[-1] = replace(spans[-1], stance="maybe")
    broken = replace(base, spans=spans)
    with pytest.raises(MapInputError) as without:
        build_map(broken)

    with pytest.raises(MapInputError) as rebuilt:
        build_map(broken, cache=cache)

    assert rebuilt.value.problems == without.value.problems
    assert without.value.problems == (
        "span 4 appears twice",
        f"span {spans[-1].id}: stance 'maybe' is not in the scheme",
        f"relation {gone.id}->{base.relations[0].target_id}: unknown span {gone.id}",
        # The span whose stance is unknown is not read either.
        *(
            f"relation {r.source_id}->{r.target_id}: unknown span {spans[-1].id}"
            for r in base.relations
            if spans[-1].id in (r.source_id, r.target_id)
        ),
    )
    assert map_to_json(build_map(base, cache=cache)) == fresh_json(base)


def test_records_in_order_takes_both_ends_and_looks_a_long_middle_up():
    items = [object() for _ in range(200)]
    records = [("record", n) for n in range(200)]
    made = []

    def make(item):
        made.append(item)
        return ("made", item)

    # One item new in the middle: the ends are the last list's records, one record made.
    new = object()
    again, head, tail = records_in_order(items, records, [*items[:50], new, *items[50:]], make)
    assert (head, tail, made) == (50, 150, [new])
    assert again == [*records[:50], ("made", new), *records[50:]]
    # Reversed: a middle of 200 old items, each found by object, none made.
    made.clear()
    again, head, tail = records_in_order(items, records, items[::-1], make)
    assert (head, tail, made) == (0, 0, []) and again == records[::-1]
    # By value: equal items, not the same objects.
    keys = [("key", n) for n in range(100)]
    again, _, _ = records_in_order(
        keys, records[:100], [("key", n) for n in range(99, -1, -1)], make, by_value=True
    )
    assert again == records[:100][::-1] and made == []
