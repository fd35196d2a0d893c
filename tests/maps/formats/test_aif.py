"""AIF JSON as AIFdb and OVA read it: nodes, schemes, locutions, speakers, anchors."""

import json
from collections import Counter, defaultdict

from maps.builder import PROPOSITION_ID
from maps.formats import export_aif
from tests.maps.formats.sample_maps import VERSION
from tests.maps.seed import (
    BACKDOOR_000,
    BACKDOOR_004,
    HOLES_004,
    PROTECTION_000,
    PROTECTION_004,
    SEED_SPANS,
    TRADE_OFF_004,
    node_of,
)


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
