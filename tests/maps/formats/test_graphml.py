"""GraphML, read back by networkx: every node and edge, awkward text, parallel edges."""

import networkx as nx

from maps.builder import (
    PROPOSITION_ID,
    GoldRelation,
    GoldSpan,
    MapDocument,
    MapInput,
    MapScheme,
    build_map,
)
from maps.formats import export_graphml
from tests.maps.formats.sample_maps import VERSION, awkward_map
from tests.maps.seed import BACKDOOR_000, node_of


def test_graphml_loads_in_networkx_with_every_node_and_edge(seed_map, tmp_path):
    path = tmp_path / "map.graphml"
    path.write_text(export_graphml(seed_map, version_id=VERSION), encoding="utf-8")
    graph = nx.read_graphml(path)
    assert isinstance(graph, nx.DiGraph)
    assert graph.number_of_nodes() == 1 + 8 + 4
    assert graph.number_of_edges() == 18
    assert {k: graph.graph[k] for k in ("builder", "input_hash", "version_id")} == {
        "builder": "argmap/3",
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
