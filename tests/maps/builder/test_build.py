"""build_map on the seed scenario: merging, provenance, sides, edges, determinism, errors."""

import json
import random
from dataclasses import replace

import pytest

from maps.builder import (
    DEFAULT_SIMILARITY,
    PROPOSITION_ID,
    GoldRelation,
    GoldSpan,
    MapDocument,
    MapInput,
    MapInputError,
    build_map,
    input_hash,
    map_to_json,
)
from maps.builder.cache import BuildCache
from maps.builder.hashing import digest
from tests.maps.seed import (
    ACTORS,
    ARTICLE_000,
    BACKDOOR_000,
    BACKDOOR_004,
    DOCUMENTS,
    HOLES_004,
    PROPOSITION,
    PROTECTION_000,
    PUBLISHED_000,
    RULES_000,
    SAFETY_NET_004,
    SCHEME,
    SMOKESCREEN_004,
    SOLUTIONS_004,
    TEXTS,
    TRADE_OFF_004,
    bigger_seed_input,
    dated_seed_input,
    edge_pairs,
    node_of,
    seed_map_input,
)

# --- the seed scenario ------------------------------------------------------------------------


def test_fixture_spans_sit_at_their_exact_offsets():
    for span in seed_map_input().spans:
        assert TEXTS[span.document_id][span.start : span.end] == span.quote
    assert seed_map_input().spans[1].start == ARTICLE_000.index("They also say that building")


def test_backdoor_argument_of_two_articles_is_one_node_with_two_sources(seed_map):
    node = node_of(seed_map, BACKDOOR_000)
    assert node.kind == "claim"
    assert node.side == "contra"
    assert node.text == BACKDOOR_000
    assert [(s.span_id, s.document_id, s.quote) for s in node.sources] == [
        ("2", "100", BACKDOOR_000),
        ("5", "104", BACKDOOR_004),
    ]
    assert node.documents == ("100", "104")
    assert node.actors == ("actor-4",)
    [step] = node.merges
    assert (step.span_id, step.matched_span_id, step.score) == ("5", "2", 0.75)
    assert step.method == "lexical-jaccard/v1 (min_shared=3)"
    assert step.basis == "6 of 8 content-word stems shared: backdoor build leav less secur servic"


def test_seed_map_has_the_expected_nodes_and_edges(seed_map):
    kinds = sorted((n.kind, n.side, len(n.sources)) for n in seed_map.arguments)
    assert kinds == [
        ("claim", "contra", 1),
        ("claim", "contra", 2),
        ("claim", "pro", 1),
        ("claim", "pro", 1),
        ("claim", "pro", 1),
        ("premise", "contra", 1),
        ("premise", "contra", 2),
        ("premise", "pro", 1),
    ]
    assert [a.name for a in seed_map.actors] == [
        "Kate Robertson",
        "Rani Govender",
        "Susie Hargreaves",
        "Tech firms",
    ]
    counts = {}
    for edge in seed_map.edges:
        counts[(edge.kind, edge.origin)] = counts.get((edge.kind, edge.origin), 0) + 1
    assert counts == {
        ("support", "relation"): 3,
        ("attack", "relation"): 3,
        ("support", "stance"): 3,
        ("attack", "stance"): 2,
        ("voiced", "speaker"): 7,
    }
    assert seed_map.notes == ()


def test_actors_stand_on_their_sides(seed_map):
    rows = {p.name: (p.position, dict(p.sides)) for p in seed_map.positions}
    assert rows == {
        "Kate Robertson": ("contra", {"pro": 0, "contra": 2, "neutral": 0}),
        "Tech firms": ("contra", {"pro": 0, "contra": 4, "neutral": 0}),
        "Rani Govender": ("pro", {"pro": 2, "contra": 0, "neutral": 0}),
        "Susie Hargreaves": ("pro", {"pro": 1, "contra": 0, "neutral": 0}),
    }
    [tech] = [p for p in seed_map.positions if p.name == "Tech firms"]
    assert tech.arguments == {
        node_of(seed_map, BACKDOOR_000).id: 2,
        node_of(seed_map, PROTECTION_000).id: 2,
    }
    assert {a.name: a.position for a in seed_map.actors}["Tech firms"] == "contra"


def test_actor_edges_carry_counts_and_documents(seed_map):
    backdoor = node_of(seed_map, BACKDOOR_000)
    [edge] = [e for e in seed_map.edges if e.kind == "voiced" and e.target == backdoor.id]
    assert (edge.source, edge.count, edge.documents) == ("actor-4", 2, ("100", "104"))
    [tech] = [a for a in seed_map.actors if a.actor_id == "4"]
    assert (tech.span_count, tech.argument_count, tech.documents) == (4, 2, ("100", "104"))
    assert tech.aliases == ("platforms", "tech firms")


def test_pro_claims_support_the_proposition_and_contra_claims_attack_it(seed_map):
    supporters = {s for s, t in edge_pairs(seed_map, "support") if t == PROPOSITION_ID}
    attackers = {s for s, t in edge_pairs(seed_map, "attack") if t == PROPOSITION_ID}
    assert supporters == {
        node_of(seed_map, q).id for q in (RULES_000, TRADE_OFF_004, SMOKESCREEN_004)
    }
    assert attackers == {node_of(seed_map, q).id for q in (BACKDOOR_000, HOLES_004)}
    backdoor_edge = next(
        e
        for e in seed_map.edges
        if e.source == node_of(seed_map, BACKDOOR_000).id and e.target == PROPOSITION_ID
    )
    assert (backdoor_edge.count, backdoor_edge.documents) == (2, ("100", "104"))


def test_premises_hang_under_the_claims_they_support(seed_map):
    pairs = edge_pairs(seed_map, "support") - {
        (s, t) for s, t in edge_pairs(seed_map, "support") if t == PROPOSITION_ID
    }
    assert pairs == {
        (node_of(seed_map, PROTECTION_000).id, node_of(seed_map, BACKDOOR_000).id),
        (node_of(seed_map, SAFETY_NET_004).id, node_of(seed_map, HOLES_004).id),
        (node_of(seed_map, SOLUTIONS_004).id, node_of(seed_map, TRADE_OFF_004).id),
    }
    protection = node_of(seed_map, PROTECTION_000)
    assert protection.kind == "premise"
    assert [s.span_id for s in protection.sources] == ["1", "4"]
    [edge] = [e for e in seed_map.edges if e.source == protection.id]
    assert edge.count == 2
    assert [(r.source_span_id, r.target_span_id, r.type) for r in edge.relations] == [
        ("1", "2", "supports"),
        ("4", "5", "supports"),
    ]


def test_attacks_run_between_claims_across_sides(seed_map):
    backdoor = node_of(seed_map, BACKDOOR_000).id
    trade_off = node_of(seed_map, TRADE_OFF_004).id
    attacks = edge_pairs(seed_map, "attack") - {
        (s, t) for s, t in edge_pairs(seed_map, "attack") if t == PROPOSITION_ID
    }
    assert attacks == {
        (trade_off, backdoor),
        (backdoor, trade_off),
        (node_of(seed_map, SMOKESCREEN_004).id, node_of(seed_map, HOLES_004).id),
    }


def test_every_source_keeps_its_provenance(seed_map):
    titles = {str(d.id): d.title for d in DOCUMENTS}
    sources = [s for n in seed_map.arguments for s in n.sources]
    assert sorted(int(s.span_id) for s in sources) == list(range(1, 11))
    for source in sources:
        assert TEXTS[int(source.document_id)][source.start : source.end] == source.quote
        assert source.document_title == titles[source.document_id]
    rules = node_of(seed_map, RULES_000).sources[0]
    assert (rules.actor_id, rules.stance, rules.role) == (None, "pro", "claim")
    assert rules.start == ARTICLE_000.index("tech companies would have to")


def test_sources_and_relations_share_one_string_for_each_id(seed_map):
    sources = [s for n in seed_map.arguments for s in n.sources]
    for field in ("document_id", "actor_id"):
        named: dict[str, str] = {}
        for source in sources:
            value = getattr(source, field)
            if value is not None:
                assert named.setdefault(value, value) is value
        # Several sources name the same one: the identity above was tested, not assumed.
        assert len(named) < sum(getattr(s, field) is not None for s in sources)
    # A relation's ends are its spans' own id strings.
    span_ids = {s.span_id: s.span_id for s in sources}
    ends = [
        end
        for e in seed_map.edges
        for r in e.relations
        for end in (r.source_span_id, r.target_span_id)
    ]
    assert ends and all(span_ids[end] is end for end in ends)


def test_the_spans_of_one_document_share_its_sort_key():
    from maps.builder.spans import read_spans

    spans = read_spans(seed_map_input(), [], None)
    keys: dict[str, tuple] = {}
    for span in spans.values():
        document_key = span.key[0]
        assert keys.setdefault(span.source.document_id, document_key) is document_key
    # Documents with several spans: the identity above was tested, not assumed.
    assert len(keys) < len(spans)


def test_a_build_without_a_cache_keeps_no_id_hashes_and_one_with_a_cache_does():
    digest.cache_clear()
    first = map_to_json(build_map(seed_map_input()))
    assert digest.cache_info().currsize == 0
    assert map_to_json(build_map(seed_map_input(), cache=BuildCache())) == first
    # Every node and edge id of the map is kept for the next build with that cache.
    assert digest.cache_info().currsize >= len(json.loads(first)["edges"])


# --- merging ----------------------------------------------------------------------------------


def _span(span_id, document_id, quote, stance="contra", role="claim", actor_id=None):
    return GoldSpan(span_id, document_id, 0, len(quote), quote, stance, role, actor_id)


def _small_input(spans, relations=()):
    documents = [MapDocument(i, f"Document {i}") for i in range(1, 5)]
    return MapInput(PROPOSITION, SCHEME, ACTORS, documents, spans, relations)


def test_paraphrases_merge_only_on_the_same_side_and_role():
    text = "A backdoor would make encrypted services less secure for every user."
    result = build_map(
        _small_input(
            [
                _span(1, 1, text, "contra"),
                _span(2, 2, text, "pro"),
                _span(3, 3, text, "contra", "premise"),
                _span(4, 4, text, "contra"),
            ]
        )
    )
    assert sorted((n.kind, n.side, [s.span_id for s in n.sources]) for n in result.arguments) == [
        ("claim", "contra", ["1", "4"]),
        ("claim", "pro", ["2"]),
        ("premise", "contra", ["3"]),
    ]


def test_paraphrases_within_one_document_stay_apart():
    text = "A backdoor would make encrypted services less secure for every user."
    result = build_map(_small_input([_span(1, 1, text), _span(2, 1, text + " ")]))
    assert len(result.arguments) == 2


def test_the_same_span_annotated_twice_is_one_argument():
    text = "Scanning is needed."
    spans = [_span(1, 1, text), _span(2, 1, text), _span(3, 1, text, role="premise")]
    result = build_map(_small_input(spans))
    [claim] = [n for n in result.arguments if n.kind == "claim"]
    assert [s.span_id for s in claim.sources] == ["1", "2"]
    assert [(m.span_id, m.matched_span_id, m.score, m.method) for m in claim.merges] == [
        ("2", "1", 1.0, "same-offsets")
    ]
    assert len(result.arguments) == 2


def test_three_paraphrases_chain_into_one_node_explained_by_a_spanning_tree():
    spans = [
        _span(1, 1, "a backdoor makes messaging services less secure for all users"),
        _span(2, 2, "building a backdoor makes services less secure for all users"),
        _span(3, 3, "a backdoor makes encrypted services less secure for everyone"),
    ]
    [node] = build_map(_small_input(spans)).arguments
    assert [s.span_id for s in node.sources] == ["1", "2", "3"]
    assert len(node.merges) == 2
    assert {step.span_id for step in node.merges} | {
        step.matched_span_id for step in node.merges
    } == {"1", "2", "3"}
    assert all(step.score >= 0.5 for step in node.merges)


def test_relation_between_two_sources_of_one_argument_is_left_out_with_a_note():
    text = "A backdoor would make encrypted services less secure for every user."
    spans = [_span(1, 1, text), _span(2, 2, text)]
    result = build_map(_small_input(spans, [GoldRelation(1, 2, "supports")]))
    assert len(result.arguments) == 1
    assert [e.kind for e in result.edges] == ["attack"]
    [note] = result.notes
    assert note.startswith("relation 1->2 (supports) joins two sources of argument claim-")


def test_similarity_is_pluggable():
    class EverythingAlike:
        method = "test/always"
        threshold = 0.1

        def similar_pairs(self, texts, groups):
            return [(i, j, 1.0) for i in range(len(texts)) for j in range(i + 1, len(texts))]

        def explain(self, text_a, text_b):
            return "always"

    spans = [_span(1, 1, "one thing"), _span(2, 2, "something else"), _span(3, 3, "a third")]
    result = build_map(_small_input(spans), similarity=EverythingAlike())
    [node] = result.arguments
    assert len(node.sources) == 3
    assert {step.method for step in node.merges} == {"test/always"}
    assert result.similarity == {"method": "test/always", "threshold": 0.1}
    assert result.input_hash != build_map(_small_input(spans)).input_hash


def test_build_reports_its_progress_from_zero_to_one():
    reported = []
    result = build_map(seed_map_input(), progress=lambda f, stage: reported.append((f, stage)))
    fractions = [fraction for fraction, _ in reported]
    assert fractions == sorted(fractions)
    assert (fractions[0], fractions[-1]) == (0.0, 1.0)
    assert [stage for _, stage in reported] == [
        "checking the input",
        "merging contra claims",
        "merging pro claims",
        "merging contra premises",
        "merging pro premises",
        "linking arguments",
        "computing strengths",
        "assembling the map",
        "done",
    ]
    assert map_to_json(result) == map_to_json(build_map(seed_map_input()))


def test_after_group_runs_as_each_group_is_merged_and_nothing_asks_about_its_texts_after():
    events = []

    class Closing:
        """Lexical merging that refuses to score a text of a group it was told is done."""

        method, threshold = DEFAULT_SIMILARITY.method, DEFAULT_SIMILARITY.threshold
        asked: set[str] = set()
        closed: set[str] = set()

        def similar_pairs(self, texts, groups):
            assert not self.closed & set(texts)
            self.asked.update(texts)
            return DEFAULT_SIMILARITY.similar_pairs(texts, groups)

        def explain(self, text_a, text_b):
            assert not self.closed & {text_a, text_b}
            return DEFAULT_SIMILARITY.explain(text_a, text_b)

    similarity = Closing()

    def merged():
        similarity.closed |= similarity.asked
        events.append("merged")

    result = build_map(
        bigger_seed_input(),
        similarity=similarity,
        progress=lambda fraction, stage: events.append(stage),
        after_group=merged,
    )

    assert events[events.index("merging contra claims") :] == [
        "merging contra claims",
        "merged",
        "merging pro claims",
        "merged",
        "merging contra premises",
        "merged",
        "merging pro premises",
        "merged",
        "linking arguments",
        "computing strengths",
        "assembling the map",
        "done",
    ]
    expected = build_map(bigger_seed_input())
    assert [n.merges for n in result.arguments] == [n.merges for n in expected.arguments]
    assert any(n.merges for n in result.arguments)


# --- ids, determinism, hashing ----------------------------------------------------------------


def _shuffled_input(seed):
    data = seed_map_input()
    rng = random.Random(seed)
    lists = {
        name: list(getattr(data, name)) for name in ("actors", "documents", "spans", "relations")
    }
    for items in lists.values():
        rng.shuffle(items)
    return replace(data, **lists)


def test_same_input_in_any_order_gives_byte_identical_json():
    expected = map_to_json(build_map(seed_map_input()))
    for seed in range(5):
        shuffled = _shuffled_input(seed)
        assert [s.id for s in shuffled.spans] != [s.id for s in seed_map_input().spans]
        assert map_to_json(build_map(shuffled)) == expected
        assert input_hash(shuffled) == input_hash(seed_map_input())


def test_inconsistent_input_is_refused_with_every_problem_named():
    data = seed_map_input()
    spans = list(data.spans)
    spans[0] = replace(spans[0], stance="maybe")
    spans[1] = replace(spans[1], end=spans[1].end + 1)
    spans[2] = replace(spans[2], actor_id=99)
    spans.append(replace(spans[3], document_id=77))
    relations = [*data.relations, GoldRelation(5, 42, "supports"), GoldRelation(5, 6, "undercuts")]
    with pytest.raises(MapInputError) as raised:
        build_map(replace(data, spans=spans, relations=relations))
    assert raised.value.problems == (
        "span 1: stance 'maybe' is not in the scheme",
        f"span 2: offsets [{spans[1].start}, {spans[1].end}) do not fit its quote",
        "span 3: unknown actor 99",
        "span 4 appears twice",
        "relation 1->2: unknown span 1",
        "relation 5->42: unknown span 42",
        "relation 5->6: type 'undercuts' is not in the scheme",
    )


def test_a_relation_to_a_span_not_in_the_gold_layer_alone_is_refused():
    data = seed_map_input()
    relations = [*data.relations, GoldRelation(5, 42, "supports")]
    with pytest.raises(MapInputError) as raised:
        build_map(replace(data, relations=relations))
    assert raised.value.problems == ("relation 5->42: unknown span 42",)


def test_relation_ends_name_spans_by_their_ids_written_as_strings():
    # Ends are matched with spans as the ids' strings, whatever type each side gives them.
    data = seed_map_input()
    expected = map_to_json(build_map(data))
    as_strings = [replace(r, source_id=str(r.source_id)) for r in data.relations]
    assert map_to_json(build_map(replace(data, relations=as_strings))) == expected
    spans = [
        replace(s, id=str(s.id)) if s.id == data.relations[0].target_id else s for s in data.spans
    ]
    assert map_to_json(build_map(replace(data, spans=spans))) == expected


def test_a_known_input_hash_saves_hashing_again_and_changes_nothing():
    data = bigger_seed_input()
    digest = input_hash(data)
    assert map_to_json(build_map(data, known_input_hash=digest)) == map_to_json(build_map(data))


# --- publication days ---------------------------------------------------------------------------


def test_sources_carry_their_document_s_publication_day():
    argument_map = build_map(dated_seed_input())

    assert argument_map.builder == "argmap/3"
    backdoor = node_of(argument_map, BACKDOOR_000)
    assert [(s.document_id, s.published) for s in backdoor.sources] == [
        ("100", PUBLISHED_000),
        ("104", None),
    ]


def test_a_dated_input_in_any_order_gives_the_same_bytes():
    data = dated_seed_input()
    shuffled = replace(
        data,
        documents=list(reversed(data.documents)),
        spans=list(reversed(data.spans)),
        actors=list(reversed(data.actors)),
    )

    assert map_to_json(build_map(shuffled)) == map_to_json(build_map(data))
    assert map_to_json(build_map(data)) == map_to_json(build_map(data))


@pytest.mark.parametrize("day", ["2023-3-1", "20230301", "2023-02-30", "yesterday", ""])
def test_a_publication_day_not_written_yyyy_mm_dd_is_refused(day):
    data = seed_map_input(documents=[replace(DOCUMENTS[0], published=day), DOCUMENTS[1]])

    with pytest.raises(MapInputError) as error:
        build_map(data)

    assert error.value.problems == (
        f"document 100: published {day!r} is not a day written YYYY-MM-DD",
    )
