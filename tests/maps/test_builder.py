"""The pure argument map builder: merging, provenance, sides, ids, determinism and DF-QuAD.

The seed fixture is the seed scenario (tests/fixtures/seed_articles.py, two articles written for
the tests): both report the tech firms' argument that a backdoor would leave their services less
secure, and four actors take two sides. Spans sit at
their exact offsets, found in the article text.
"""

import ast
import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from maps import builder as argmap
from maps.builder import (
    PROPOSITION_ID,
    GoldRelation,
    GoldSpan,
    LexicalSimilarity,
    MapActor,
    MapDocument,
    MapInput,
    MapInputError,
    MapScheme,
    build_map,
    content_words,
    dfquad_strengths,
    input_hash,
    map_from_dict,
    map_to_json,
)
from tests.fixtures.seed_articles import ARTICLE_000, ARTICLE_004

TEXTS = {100: ARTICLE_000, 104: ARTICLE_004}

PROPOSITION = (
    "Messaging platforms should be able to scan the content of private, end-to-end encrypted "
    "messages (client-side scanning) when children's safety is at stake."
)
SCHEME = MapScheme.from_dict(
    {
        "stances": [
            {"key": "pro", "side": "pro"},
            {"key": "contra", "side": "contra"},
            {"key": "neutral", "side": "neutral"},
        ],
        "roles": [{"key": "claim"}, {"key": "premise"}],
        "relation_types": [
            {"key": "supports", "polarity": "support"},
            {"key": "attacks", "polarity": "attack"},
        ],
    }
)
ROBERTSON, GOVENDER, HARGREAVES, TECH_FIRMS = 1, 2, 3, 4
ACTORS = [
    MapActor(ROBERTSON, "Kate Robertson", "person", "Citizen Lab", ("Robertson", "Citizen Lab")),
    MapActor(GOVENDER, "Rani Govender", "person", "NSPCC", ("Govender",)),
    MapActor(
        HARGREAVES,
        "Susie Hargreaves",
        "person",
        "Internet Watch Foundation",
        ("Hargreaves", "IWF"),
    ),
    MapActor(TECH_FIRMS, "Tech firms", "collective", "", ("tech firms", "platforms")),
]
DOCUMENTS = [
    MapDocument(100, ARTICLE_000.split("\n", 1)[0]),
    MapDocument(104, ARTICLE_004.split("\n", 1)[0]),
]

BACKDOOR_000 = (
    "They also say that building a backdoor would leave their services less secure for all."
)
BACKDOOR_004 = (
    "They refuse to build a \u2018backdoor\u2019 into their apps, as it would leave their services "
    "less secure."
)
PROTECTION_000 = (
    "the platforms say it gives extra protection to those who depend on it: survivors of domestic "
    "abuse, reporters and campaigners"
)
PROTECTION_004 = (
    "private messaging keeps everybody safer and gives extra protection to those who depend on it "
    "most, such as survivors of domestic abuse, reporters and campaigners"
)
RULES_000 = (
    "tech companies would have to find a way to check the content of private messages when a "
    "child may be at risk"
)
HOLES_004 = "every scanning tool is one more hole in the lock on everyone\u2019s front door"
SAFETY_NET_004 = (
    "encryption \u201cis a safety net for people in danger and a defence of privacy.\u201d"
)
TRADE_OFF_004 = "rejected the claim that \u201cwe must choose between safety and privacy,\u201d"
SOLUTIONS_004 = (
    "\u201cputting money into detection tools that already exist and can work for every user of "
    "these apps.\u201d"
)
SMOKESCREEN_004 = (
    "If they are missing, encrypted apps become a smokescreen behind which offenders share abuse "
    "images and groom young people unseen."
)
# The commissioner's pro claim in article 000, outside the seed spans: a span to add.
TOOLS_000 = "The law gives officers the tools they asked for"

# (span id, document, quote, stance, role, actor)
SEED_SPANS = [
    (1, 100, PROTECTION_000, "contra", "premise", TECH_FIRMS),
    (2, 100, BACKDOOR_000, "contra", "claim", TECH_FIRMS),
    (3, 100, RULES_000, "pro", "claim", None),
    (4, 104, PROTECTION_004, "contra", "premise", TECH_FIRMS),
    (5, 104, BACKDOOR_004, "contra", "claim", TECH_FIRMS),
    (6, 104, HOLES_004, "contra", "claim", ROBERTSON),
    (7, 104, SAFETY_NET_004, "contra", "premise", ROBERTSON),
    (8, 104, TRADE_OFF_004, "pro", "claim", GOVENDER),
    (9, 104, SOLUTIONS_004, "pro", "premise", GOVENDER),
    (10, 104, SMOKESCREEN_004, "pro", "claim", HARGREAVES),
]
SEED_RELATIONS = [
    GoldRelation(1, 2, "supports"),
    GoldRelation(4, 5, "supports"),
    GoldRelation(7, 6, "supports"),
    GoldRelation(9, 8, "supports"),
    GoldRelation(8, 5, "attacks"),
    GoldRelation(5, 8, "attacks"),
    GoldRelation(10, 6, "attacks"),
]


def gold_span(span_id, document_id, quote, stance, role, actor_id):
    start = TEXTS[document_id].index(quote)
    return GoldSpan(span_id, document_id, start, start + len(quote), quote, stance, role, actor_id)


def seed_map_input(**changes) -> MapInput:
    """Return the build input of the seed scenario (seed articles 000 and 004)."""
    data = MapInput(
        proposition=PROPOSITION,
        scheme=SCHEME,
        actors=list(ACTORS),
        documents=list(DOCUMENTS),
        spans=[gold_span(*row) for row in SEED_SPANS],
        relations=list(SEED_RELATIONS),
    )
    return replace(data, **changes)


def node_of(argument_map, quote):
    """Return the argument node one of whose sources has this quote."""
    [node] = [n for n in argument_map.arguments if quote in {s.quote for s in n.sources}]
    return node


def edge_pairs(argument_map, kind):
    return {(e.source, e.target) for e in argument_map.edges if e.kind == kind}


@pytest.fixture
def seed_map():
    return build_map(seed_map_input())


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


# --- merging ----------------------------------------------------------------------------------


def test_seed_paraphrases_score_above_and_different_claims_below_the_threshold():
    similarity = LexicalSimilarity()
    assert similarity.threshold == 0.5
    assert similarity.score(BACKDOOR_000, BACKDOOR_004) == 0.75
    assert similarity.score(PROTECTION_000, PROTECTION_004) == 0.5625
    assert similarity.score(SMOKESCREEN_004, TRADE_OFF_004) == 0.0
    different = [BACKDOOR_000, RULES_000, HOLES_004, SAFETY_NET_004, TRADE_OFF_004]
    different += [SOLUTIONS_004, SMOKESCREEN_004, PROTECTION_000]
    scores = [similarity.score(a, b) for i, a in enumerate(different) for b in different[i + 1 :]]
    # The closest two different claims: Robertson's safety net and Govender's trade-off share
    # only "privacy" and "safety", 2 of 10 words.
    assert max(scores) == similarity.score(SAFETY_NET_004, TRADE_OFF_004) == 0.2


def test_smokescreen_and_trade_off_claims_stay_apart(seed_map):
    smokescreen = node_of(seed_map, SMOKESCREEN_004)
    trade_off = node_of(seed_map, TRADE_OFF_004)
    assert smokescreen.id != trade_off.id
    assert len(smokescreen.sources) == len(trade_off.sources) == 1
    assert smokescreen.merges == trade_off.merges == ()


def test_content_words_drop_function_words_and_reporting_verbs_and_keep_negation():
    assert content_words("They also say that they build in a backdoor") == {"build", "backdoor"}
    assert content_words("Platforms don\u2019t scan messages") == {
        "platform",
        "not",
        "scan",
        "messag",
    }
    assert content_words("Encrypted ENCRYPTION encrypting") == {"encrypt"}


def test_short_claims_sharing_two_words_do_not_merge():
    similarity = LexicalSimilarity()
    texts = ["Encryption protects privacy.", "Encryption protects children."]
    assert similarity.score(*texts) == 0.5
    assert list(similarity.similar_pairs(texts, [1, 2])) == []
    same = ["Encryption protects.", "encryption PROTECTS"]
    assert list(similarity.similar_pairs(same, [1, 2])) == [(0, 1, 1.0)]
    assert list(similarity.similar_pairs(same, [1, 1])) == []


def _components(count, pairs):
    parent = list(range(count))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j, _score in pairs:
        parent[find(max(i, j))] = find(min(i, j))
    return {frozenset(k for k in range(count) if find(k) == root) for root in range(count)} - {
        frozenset()
    }


def test_similar_pairs_connects_exactly_what_an_all_pairs_scan_connects():
    rng = random.Random(7)
    vocabulary = [f"word{i}" for i in range(40)]
    texts = [" ".join(rng.sample(vocabulary, rng.randint(3, 9))) for _ in range(300)]
    groups = [i // 3 for i in range(len(texts))]
    similarity = LexicalSimilarity(threshold=0.4)
    expected = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = content_words(texts[i]), content_words(texts[j])
            score = argmap.jaccard(a, b)
            if groups[i] != groups[j] and score >= 0.4 and (len(a & b) >= 3 or a == b):
                expected.append((i, j, score))
    found = list(similarity.similar_pairs(texts, groups))
    assert len(expected) > len(found) > 100
    assert set(found) <= set(expected)
    assert _components(len(texts), found) == _components(len(texts), expected)


def test_similarity_answers_a_repeated_group_of_texts_from_its_cache():
    similarity = LexicalSimilarity()
    texts = [BACKDOOR_000, BACKDOOR_004, HOLES_004]
    first = similarity.similar_pairs(texts, ["100", "104", "104"])
    assert first == ((0, 1, 0.75),)
    assert similarity.similar_pairs(list(texts), ("100", "104", "104")) is first
    assert similarity.similar_pairs(texts, ["104", "104", "104"]) == ()
    for index in range(argmap.RECENT_GROUPS):
        similarity.similar_pairs([f"text {index}"], [0])
    assert similarity.similar_pairs(texts, ["100", "104", "104"]) is not first


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


def test_string_and_integer_ids_hash_alike():
    data = seed_map_input()
    as_strings = replace(
        data,
        spans=[replace(s, id=str(s.id), document_id=str(s.document_id)) for s in data.spans],
    )
    assert input_hash(as_strings) == input_hash(data)


def test_ids_stay_when_an_unrelated_span_is_added(seed_map):
    quote = TOOLS_000
    extra = gold_span(0, 100, quote, "pro", "claim", None)
    data = seed_map_input()
    bigger = build_map(replace(data, spans=[extra, *data.spans]))
    before_nodes = {n.id: [s.span_id for s in n.sources] for n in seed_map.arguments}
    after_nodes = {n.id: [s.span_id for s in n.sources] for n in bigger.arguments}
    assert set(after_nodes) - set(before_nodes) == {node_of(bigger, quote).id}
    assert {k: after_nodes[k] for k in before_nodes} == before_nodes
    assert {e.id for e in seed_map.edges} < {e.id for e in bigger.edges}
    assert bigger.input_hash != seed_map.input_hash


def test_argument_ids_derive_from_the_anchor_source(seed_map):
    node = node_of(seed_map, BACKDOOR_000)
    anchor = node.sources[0]
    assert node.id == "claim-" + argmap._digest(
        "claim", "contra", anchor.document_id, anchor.start, anchor.end
    )


def test_input_hash_depends_on_content_and_settings():
    data = seed_map_input()
    base = input_hash(data)
    assert len(base) == 64
    assert input_hash(data, similarity=LexicalSimilarity(threshold=0.6)) != base
    assert input_hash(data, base_score=0.4) != base
    assert input_hash(replace(data, proposition=data.proposition + "!")) != base
    renamed = [replace(d, title=d.title + " (updated)") for d in data.documents]
    assert input_hash(replace(data, documents=renamed)) != base
    assert build_map(data).input_hash == base


def test_map_round_trips_through_its_json(seed_map):
    text = map_to_json(seed_map)
    loaded = map_from_dict(json.loads(text))
    assert loaded == seed_map
    assert map_to_json(loaded) == text


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


def test_builder_imports_no_django():
    maps_dir = Path(argmap.__file__).parent.parent
    sources = sorted([*(maps_dir / "builder").glob("*.py"), *(maps_dir / "formats").glob("*.py")])
    assert sources
    for path in sources:
        source = path.read_text(encoding="utf-8")
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add((node.module or "").split(".")[0])
        assert "django" not in imported
        assert imported <= {
            "__future__",
            "collections",
            "contextlib",
            "core",
            "dataclasses",
            "functools",
            "gc",
            "hashlib",
            "itertools",
            "json",
            "maps",
            "math",
            "orjson",
            "re",
            "textwrap",
            "threading",
            "typing",
            "unicodedata",
            "weakref",
            "xml",
        }


# --- DF-QuAD ----------------------------------------------------------------------------------


def strengths(nodes, supports=(), attacks=(), base=0.5):
    result = dfquad_strengths(dict.fromkeys(nodes, base), supports, attacks)
    assert result.converged
    return {node: round(value, 9) for node, value in result.strengths.items()}


def test_dfquad_keeps_the_base_score_without_attackers_or_supporters():
    assert strengths("a") == {"a": 0.5}


def test_dfquad_one_attacker_or_one_supporter():
    assert strengths("ab", attacks=[("a", "b")]) == {"a": 0.5, "b": 0.25}
    assert strengths("ab", supports=[("a", "b")]) == {"a": 0.5, "b": 0.75}
    assert dfquad_strengths({"a": 0.5, "b": 0.8}, [("a", "b")], []).strengths["b"] == (
        pytest.approx(0.9)
    )


def test_dfquad_aggregates_attackers_by_probabilistic_sum():
    # va = 1 - (1 - .5)(1 - .5) = .75, so c = .5 - .5 * .75.
    assert strengths("abc", attacks=[("a", "c"), ("b", "c")])["c"] == 0.125


def test_dfquad_equal_support_and_attack_cancel():
    assert strengths("abc", supports=[("a", "c")], attacks=[("b", "c")])["c"] == 0.5


def test_dfquad_chain_reinstates_the_attacked():
    assert strengths("abc", attacks=[("a", "b"), ("b", "c")]) == {
        "a": 0.5,
        "b": 0.25,
        "c": 0.375,
    }


def test_dfquad_mutual_attack_converges_to_its_fixed_point():
    # s = .5 - .5 * s for both, so s = 1/3.
    result = dfquad_strengths({"a": 0.5, "b": 0.5}, [], [("a", "b"), ("b", "a")])
    assert result.converged
    assert result.strengths == pytest.approx({"a": 1 / 3, "b": 1 / 3}, abs=1e-8)
    cycle = strengths("abc", attacks=[("a", "b"), ("b", "c"), ("c", "a")])
    assert cycle == pytest.approx(dict.fromkeys("abc", 1 / 3), abs=1e-8)


def test_dfquad_uses_the_settled_cycle_downstream():
    # a and b attack each other (1/3 each); b attacks c: c = .5 - .5 * 1/3 = 1/3.
    result = dfquad_strengths(
        dict.fromkeys("abcd", 0.5), [("c", "d")], [("a", "b"), ("b", "a"), ("b", "c")]
    )
    assert result.converged
    assert result.strengths == pytest.approx(
        {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3, "d": 0.5 + 0.5 / 3}, abs=1e-8
    )


def test_dfquad_acyclic_graphs_take_one_round_and_self_attack_is_a_cycle():
    assert dfquad_strengths(dict.fromkeys("abc", 0.5), [("a", "b")], [("b", "c")]).rounds == 1
    alone = dfquad_strengths({"a": 0.5}, [], [("a", "a")])
    assert alone.converged
    assert alone.strengths["a"] == pytest.approx(1 / 3, abs=1e-8)


def test_dfquad_refuses_edges_to_nodes_without_a_base_score():
    with pytest.raises(ValueError, match="edge a -> z joins a node without a base score"):
        dfquad_strengths({"a": 0.5}, [("a", "z")], [])


def test_dfquad_reports_when_it_stopped_short():
    result = dfquad_strengths({"a": 0.5, "b": 0.5}, [], [("a", "b"), ("b", "a")], max_rounds=3)
    assert (result.rounds, result.converged) == (3, False)


def test_dfquad_damping_settles_an_oscillating_cycle():
    # Plain iteration of two strong mutual attackers with base 1 flips between 0 and 1.
    result = dfquad_strengths({"a": 1.0, "b": 1.0}, [], [("a", "b"), ("b", "a")])
    assert result.converged
    assert result.rounds > argmap.DFQUAD_PLAIN_ROUNDS
    assert result.strengths == pytest.approx({"a": 0.5, "b": 0.5}, abs=1e-6)


def test_seed_map_strengths_match_a_hand_computation(seed_map):
    # Every argument but the proposition balances out at .5 (each supported claim is attacked
    # by an argument of equal strength); the proposition has three supporters and two
    # attackers at .5: vs = 1 - .5**3 = .875, va = 1 - .5**2 = .75, so .5 + .5 * .125.
    assert seed_map.proposition.strength == 0.5625
    assert {n.strength for n in seed_map.arguments} == {0.5}
    assert seed_map.strength.converged
    assert seed_map.strength.semantics == "df-quad"


# --- rebuilds ---------------------------------------------------------------------------------


def _bigger_input():
    """The seed input with one more pro claim: a change to one (kind, side) group only."""
    quote = TOOLS_000
    data = seed_map_input()
    return replace(data, spans=[*data.spans, gold_span(0, 100, quote, "pro", "claim", None)])


def test_a_rebuild_reuses_the_clusters_of_unchanged_groups_only(monkeypatch):
    similarity = LexicalSimilarity()
    build_map(seed_map_input(), similarity=similarity)
    worked_out = []
    merge_group = argmap._merge_group
    monkeypatch.setattr(
        argmap,
        "_merge_group",
        lambda members, sim: worked_out.append(members[0].kind) or merge_group(members, sim),
    )
    build_map(seed_map_input(), similarity=similarity)
    assert worked_out == []
    build_map(_bigger_input(), similarity=similarity)
    assert worked_out == ["claim"]  # the pro claims, and nothing else


def test_a_rebuild_from_remembered_clusters_equals_a_fresh_build():
    warm = LexicalSimilarity()
    build_map(seed_map_input(), similarity=warm)
    rebuilt = build_map(_bigger_input(), similarity=warm)
    fresh = build_map(_bigger_input(), similarity=LexicalSimilarity())
    assert map_to_json(rebuilt) == map_to_json(fresh)


def test_a_known_input_hash_saves_hashing_again_and_changes_nothing():
    data = _bigger_input()
    digest = input_hash(data)
    assert map_to_json(build_map(data, known_input_hash=digest)) == map_to_json(build_map(data))
