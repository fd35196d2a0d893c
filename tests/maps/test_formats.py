"""Map exports: JSON graph, AIF (AIFdb/OVA shape), Argdown, GraphML (read back by networkx), DOT."""

import json
from collections import Counter, defaultdict

import networkx as nx
import pytest

from maps.builder import (
    PROPOSITION_ID,
    GoldRelation,
    GoldSpan,
    MapActor,
    MapDocument,
    MapInput,
    MapScheme,
    build_map,
    map_to_dict,
)
from maps.formats import (
    EXPORT_FORMATS,
    export_aif,
    export_argdown,
    export_dot,
    export_graphml,
    export_json,
    export_map,
)
from tests.maps.seed import (
    BACKDOOR_000,
    BACKDOOR_004,
    HOLES_004,
    PROTECTION_000,
    PROTECTION_004,
    SEED_SPANS,
    TRADE_OFF_004,
    node_of,
    seed_map_input,
)

VERSION = 42


@pytest.fixture(scope="module")
def seed_map():
    return build_map(seed_map_input())


def awkward_map():
    """Return a map whose texts hold every character the formats treat specially."""
    scheme = MapScheme({"pro": "pro", "contra": "contra"}, {"supports": "support"})
    claim = 'Scanning <b>"all"</b> & [every] #message\\ @[x] *now* {a: 1} https://x.org/a'
    premise = "Children\u2019s safety first \U0001f510 \u2013 \u201cno\u201d\x0b exceptions."
    spans = [
        GoldSpan(1, 1, 0, len(claim), claim, "pro", "claim", 1),
        GoldSpan(2, 1, 100, 100 + len(premise), premise, "pro", "premise", None),
    ]
    return build_map(
        MapInput(
            'Platforms should scan "private" <messages> & more.',
            scheme,
            [MapActor(1, 'Dr. "Q" <Smith> & Co (IWF) #1', "person")],
            [MapDocument(1, "A & B <title>")],
            spans,
            [GoldRelation(2, 1, "supports")],
        )
    )


# --- every format -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPORT_FORMATS))
def test_every_export_carries_the_version_id_and_input_hash(seed_map, name):
    text = export_map(seed_map, name, version_id=VERSION)
    assert seed_map.input_hash in text
    assert "42" in text
    unversioned = export_map(seed_map, name)
    assert seed_map.input_hash in unversioned
    assert "version_id" not in unversioned
    assert export_map(seed_map, name, version_id=VERSION) == text


def test_unknown_format_is_refused(seed_map):
    with pytest.raises(ValueError, match="unknown map format 'svg'; choose one of json, aif"):
        export_map(seed_map, "svg")


def test_registry_names_media_types_and_extensions():
    assert {name: (f.media_type, f.extension) for name, f in EXPORT_FORMATS.items()} == {
        "json": ("application/json", "json"),
        "aif": ("application/json", "aif.json"),
        "argdown": ("text/plain; charset=utf-8", "argdown"),
        "graphml": ("application/graphml+xml", "graphml"),
        "dot": ("text/vnd.graphviz", "dot"),
    }


# --- JSON -------------------------------------------------------------------------------------


def test_json_export_is_the_map_with_its_version(seed_map):
    data = json.loads(export_json(seed_map, version_id=VERSION))
    assert data.pop("version_id") == "42"
    assert data == json.loads(json.dumps(map_to_dict(seed_map)))
    assert data["input_hash"] == seed_map.input_hash
    text = export_json(seed_map)
    assert text.startswith('{"actors":[{"actor_id":"1","affiliation":"Citizen Lab",')
    assert text.endswith("}\n")
    assert "\u2018backdoor\u2019" in text


# --- AIF --------------------------------------------------------------------------------------


def _aif(argument_map):
    data = json.loads(export_aif(argument_map, version_id=VERSION))
    nodes = {node["nodeID"]: node for node in data["nodes"]}
    outgoing, incoming = defaultdict(list), defaultdict(list)
    for edge in data["edges"]:
        outgoing[edge["fromID"]].append(edge["toID"])
        incoming[edge["toID"]].append(edge["fromID"])
    return data, nodes, outgoing, incoming


def test_aif_has_the_expected_nodes(seed_map):
    data, nodes, _, _ = _aif(seed_map)
    assert Counter(node["type"] for node in data["nodes"]) == {
        "I": 11,  # proposition, 8 arguments, 2 paraphrases kept in their own words
        "L": 10,  # one locution per gold span
        "YA": 10,
        "MA": 2,  # the two merged paraphrases
        "RA": 6,  # 3 premise supports, 3 pro claims supporting the proposition
        "CA": 5,  # 3 attacks between claims, 2 contra claims attacking the proposition
        "TA": 8,  # locutions in reading order: 2 in article 000, 6 in article 004
    }
    assert len(data["edges"]) == 2 * (10 + 2 + 6 + 5 + 8)
    assert {e["fromID"] for e in data["edges"]} | {e["toID"] for e in data["edges"]} <= set(nodes)
    schemes = {(n["type"], n["text"], n.get("schemeID")) for n in data["nodes"] if n["type"] != "I"}
    assert schemes - {(t, x, s) for t, x, s in schemes if t == "L"} == {
        ("RA", "Default Inference", "72"),
        ("CA", "Default Conflict", "71"),
        ("MA", "Default Rephrase", "144"),
        ("YA", "Asserting", "74"),
        ("TA", "Default Transition", "82"),
    }
    assert data["debatemap"]["version_id"] == "42"
    assert data["debatemap"]["input_hash"] == seed_map.input_hash


def test_aif_every_ra_and_ca_has_exactly_one_conclusion_and_no_i_node_links_to_another(seed_map):
    data, nodes, outgoing, incoming = _aif(seed_map)
    for node_id, node in nodes.items():
        if node["type"] in ("RA", "CA", "MA"):
            [conclusion] = outgoing[node_id]
            assert nodes[conclusion]["type"] == "I"
            assert [nodes[p]["type"] for p in incoming[node_id]] == ["I"]
    for edge in data["edges"]:
        assert (nodes[edge["fromID"]]["type"], nodes[edge["toID"]]["type"]) != ("I", "I")


def test_aif_every_locution_has_a_speaker_and_is_anchored_to_its_i_node(seed_map):
    data, nodes, outgoing, _ = _aif(seed_map)
    people = {
        p["participantID"]: f"{p['firstname']} {p['surname']}".strip() for p in data["participants"]
    }
    assert sorted(people.values()) == [
        "Kate Robertson",
        "Rani Govender",
        "Susie Hargreaves",
        "Tech firms",
        "Unattributed",
    ]
    speaker_of = {loc["nodeID"]: people[loc["personID"]] for loc in data["locutions"]}
    locutions = [node_id for node_id, node in nodes.items() if node["type"] == "L"]
    assert sorted(speaker_of) == sorted(locutions)
    anchored = {}
    for locution in locutions:
        [ya] = [n for n in outgoing[locution] if nodes[n]["type"] == "YA"]
        [i_node] = outgoing[ya]
        assert nodes[i_node]["type"] == "I"
        speaker, _, quote = nodes[locution]["text"].partition(" : ")
        assert speaker == speaker_of[locution]
        assert nodes[i_node]["text"] == quote
        anchored[quote] = speaker
    assert anchored[BACKDOOR_000] == anchored[BACKDOOR_004] == "Tech firms"
    assert anchored[HOLES_004] == "Kate Robertson"
    assert len(anchored) == len(SEED_SPANS)
    sources = data["debatemap"]["locution_sources"]
    assert sorted(s["span_id"] for s in sources.values()) == sorted(str(r[0]) for r in SEED_SPANS)


def test_aif_merged_paraphrases_are_joined_by_ma_to_the_argument(seed_map):
    data, nodes, outgoing, _ = _aif(seed_map)
    by_text = {n["text"]: node_id for node_id, n in nodes.items() if n["type"] == "I"}
    rephrased = set()
    for node_id, node in nodes.items():
        if node["type"] == "MA":
            [source] = [e["fromID"] for e in data["edges"] if e["toID"] == node_id]
            [target] = outgoing[node_id]
            rephrased.add((nodes[source]["text"], nodes[target]["text"]))
    assert rephrased == {(BACKDOOR_004, BACKDOOR_000), (PROTECTION_004, PROTECTION_000)}
    origin = data["debatemap"]["map_nodes"]
    backdoor = node_of(seed_map, BACKDOOR_000).id
    assert origin[by_text[BACKDOOR_000]] == origin[by_text[BACKDOOR_004]] == backdoor
    assert origin[by_text[seed_map.proposition.text]] == PROPOSITION_ID


def test_aif_supports_and_attacks_point_at_the_right_i_nodes(seed_map):
    _, nodes, outgoing, incoming = _aif(seed_map)
    links = set()
    for node_id, node in nodes.items():
        if node["type"] in ("RA", "CA"):
            [premise] = incoming[node_id]
            [conclusion] = outgoing[node_id]
            links.add((node["type"], nodes[premise]["text"], nodes[conclusion]["text"]))
    assert ("CA", BACKDOOR_000, seed_map.proposition.text) in links
    assert ("CA", TRADE_OFF_004, BACKDOOR_000) in links
    assert ("CA", BACKDOOR_000, TRADE_OFF_004) in links
    assert ("RA", TRADE_OFF_004, seed_map.proposition.text) in links
    assert ("RA", PROTECTION_000, BACKDOOR_000) in links
    assert len(links) == 11


# --- Argdown ----------------------------------------------------------------------------------


def test_argdown_puts_pro_and_contra_arguments_under_the_proposition(seed_map):
    lines = export_argdown(seed_map, version_id=VERSION).splitlines()
    assert lines[:7] == [
        "===",
        "title: Argument map",
        "builder: argmap/1",
        f"input_hash: {seed_map.input_hash}",
        "version_id: 42",
        "===",
        "",
    ]
    assert lines[7] == f"[Proposition]: {seed_map.proposition.text}"
    assert lines[8:] == [
        "  + <tech companies would have to find a>: tech companies would have to find a way to "
        "check the content of private messages when a child may be at risk",
        "  + <If they are missing, encrypted apps become>: If they are missing, encrypted apps "
        "become a smokescreen behind which offenders share abuse images and groom young people "
        "unseen. #(Susie Hargreaves)",
        "  + <rejected the claim that we must choose>: rejected the claim that \u201cwe must "
        "choose between safety and privacy,\u201d #(Rani Govender)",
        "    + [putting money into detection tools that already]: \u201cputting money into "
        "detection tools that already exist and can work for every user of these apps.\u201d "
        "#(Rani Govender)",
        "    - <They also say that building a backdoor>",
        "  - <They also say that building a backdoor>: They also say that building a backdoor "
        "would leave their services less secure for all. #(Tech firms)",
        "    + [the platforms say it gives extra protection]: the platforms say it gives extra "
        "protection to those who depend on it: survivors of domestic abuse, reporters and "
        "campaigners #(Tech firms)",
        "    - <rejected the claim that we must choose>",
        "  - <every scanning tool is one more hole>: every scanning tool is one more hole in the "
        "lock on everyone\u2019s front door #(Kate Robertson)",
        "    + [encryption is a safety net for people]: encryption \u201cis a safety net for "
        "people in danger and a defence of privacy.\u201d #(Kate Robertson)",
        "    - <If they are missing, encrypted apps become>",
    ]


def test_argdown_escapes_syntax_characters_in_text_and_cleans_titles_and_tags():
    lines = export_argdown(awkward_map()).splitlines()
    assert lines[6] == ('[Proposition]: Platforms should scan "private" \\<messages\\> & more.')
    assert lines[7] == (
        '  + <Scanning b all b every message x>: Scanning \\<b\\>"all"\\<\\/b\\> & \\[every\\] '
        "\\#message\\\\ \\@\\[x\\] \\*now\\* \\{a: 1\\} https:\\/\\/x.org\\/a "
        '#(Dr. "Q" Smith & Co IWF 1)'
    )
    assert lines[8].startswith("    + [Children\u2019s safety first")


def test_argdown_writes_arguments_outside_the_proposition_tree_as_their_own_blocks():
    scheme = MapScheme({"pro": "pro", "neutral": "neutral"}, {"supports": "support"})
    quote = "Encryption is a neutral technical fact here."
    spans = [GoldSpan(1, 1, 0, len(quote), quote, "neutral", "claim", None)]
    argument_map = build_map(MapInput("P.", scheme, [], [MapDocument(1, "D")], spans))
    assert export_argdown(argument_map).splitlines()[-3:] == [
        "[Proposition]: P.",
        "",
        f"<Encryption is a neutral technical fact here>: {quote}",
    ]


def test_argdown_writes_a_premise_chain_deeper_than_the_recursion_limit():
    scheme = MapScheme({"pro": "pro"}, {"supports": "support"})
    depth = 1500
    texts = [f"Reason number {i}." for i in range(depth + 1)]
    spans = [
        GoldSpan(i, 1, 20 * i, 20 * i + len(t), t, "pro", "claim" if i == 0 else "premise")
        for i, t in enumerate(texts)
    ]
    relations = [GoldRelation(i + 1, i, "supports") for i in range(depth)]
    argument_map = build_map(MapInput("P.", scheme, [], [MapDocument(1, "D")], spans, relations))
    lines = export_argdown(argument_map).splitlines()
    assert len(lines) == 6 + 1 + 1 + depth
    assert lines[-1] == "  " * (depth + 1) + f"+ [Reason number {depth}]: Reason number {depth}."


# --- GraphML ----------------------------------------------------------------------------------


def test_graphml_loads_in_networkx_with_every_node_and_edge(seed_map, tmp_path):
    path = tmp_path / "map.graphml"
    path.write_text(export_graphml(seed_map, version_id=VERSION), encoding="utf-8")
    graph = nx.read_graphml(path)
    assert isinstance(graph, nx.DiGraph)
    assert graph.number_of_nodes() == 1 + 8 + 4
    assert graph.number_of_edges() == 18
    assert {k: graph.graph[k] for k in ("builder", "input_hash", "version_id")} == {
        "builder": "argmap/1",
        "input_hash": seed_map.input_hash,
        "version_id": "42",
    }
    backdoor = node_of(seed_map, BACKDOOR_000)
    assert graph.nodes[backdoor.id] == {
        "kind": "claim",
        "label": BACKDOOR_000,
        "side": "contra",
        "strength": 0.5,
        "sources": 2,
        "documents": "100,104",
    }
    assert graph.nodes[PROPOSITION_ID]["strength"] == 0.5625
    assert graph.edges[backdoor.id, PROPOSITION_ID] == {
        "kind": "attack",
        "origin": "stance",
        "count": 2,
        "id": next(
            e.id for e in seed_map.edges if e.source == backdoor.id and e.target == "proposition"
        ),
    }
    assert graph.nodes["actor-4"]["kind"] == "actor"
    assert graph.edges["actor-4", backdoor.id]["kind"] == "voiced"


def test_graphml_keeps_awkward_text_intact(tmp_path):
    argument_map = awkward_map()
    path = tmp_path / "awkward.graphml"
    path.write_text(export_graphml(argument_map), encoding="utf-8")
    graph = nx.read_graphml(path)
    labels = {data["label"] for _, data in graph.nodes(data=True)}
    assert argument_map.proposition.text in labels
    assert argument_map.arguments[0].text in labels
    # A vertical tab cannot appear in XML 1.0; it is replaced, everything else survives.
    assert (
        "Children\u2019s safety first \U0001f510 \u2013 \u201cno\u201d\ufffd exceptions." in labels
    )
    assert 'Dr. "Q" <Smith> & Co (IWF) #1' in labels


def test_graphml_with_parallel_edges_loads_as_a_multigraph(tmp_path):
    scheme = MapScheme({"pro": "pro"}, {"supports": "support", "attacks": "attack"})
    a, b = "Scanning finds abuse early.", "Scanning protects children online."
    spans = [
        GoldSpan(1, 1, 0, len(a), a, "pro", "claim"),
        GoldSpan(2, 1, 0, len(b), b, "pro", "claim"),
    ]
    relations = [GoldRelation(1, 2, "supports"), GoldRelation(1, 2, "attacks")]
    argument_map = build_map(MapInput("P.", scheme, [], [MapDocument(1, "D")], spans, relations))
    path = tmp_path / "parallel.graphml"
    path.write_text(export_graphml(argument_map), encoding="utf-8")
    graph = nx.read_graphml(path)
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_edges() == 4
    source, target = node_of(argument_map, a).id, node_of(argument_map, b).id
    assert sorted(d["kind"] for d in graph.get_edge_data(source, target).values()) == [
        "attack",
        "support",
    ]


# --- DOT --------------------------------------------------------------------------------------


def test_dot_draws_every_node_and_edge_with_its_style(seed_map):
    lines = export_dot(seed_map, version_id=VERSION).splitlines()
    backdoor = node_of(seed_map, BACKDOOR_000).id
    protection = node_of(seed_map, PROTECTION_000).id
    assert lines[:4] == [
        "digraph argument_map {",
        f'  graph [comment="builder=argmap/1, input_hash={seed_map.input_hash}, '
        'version_id=42", rankdir=BT, fontname=Helvetica];',
        "  node [fontname=Helvetica, fontsize=10];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    assert lines[-1] == "}"
    assert (
        f'  "{backdoor}" [shape=box, style="filled,rounded", fillcolor="#ffedd5", '
        'label="They also say that building a backdoor\\nwould leave their services less secure'
        '\\nfor all.\\n(2 sources)"];'
    ) in lines
    assert f'  "{backdoor}" -> "proposition" [color="#b91c1c", arrowhead=tee, label="2"];' in lines
    assert (
        f'  "{protection}" -> "{backdoor}" [color="#15803d", arrowhead=normal, label="2"];'
    ) in lines
    assert (
        f'  "actor-4" -> "{backdoor}" [color="#8b949e", style=dashed, arrowhead=none, label="2"];'
    ) in lines
    assert (
        '  "actor-1" [shape=ellipse, style=filled, fillcolor="#ffffff", label="Kate Robertson"];'
        in lines
    )
    assert sum(" -> " in line for line in lines) == 18
    assert sum(line.endswith("];") and " -> " not in line for line in lines) == 3 + 13


def test_dot_escapes_quotes_and_backslashes():
    text = export_dot(awkward_map())
    assert 'label="Platforms should scan \\"private\\" <messages> & more."' in text
    assert 'label="Dr. \\"Q\\" <Smith> & Co (IWF) #1"' in text
    assert "#message\\\\ @[x]" in text
