"""Every export format carries the publication day of each source's document.

The seed map with article 000 published on 2023-03-01 and article 004 undated: the backdoor
argument has one source in each, so each format shows the known day and says nothing (or null)
for the other.
"""

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import datetime

import networkx as nx
import pytest

from maps.builder import build_map
from maps.formats import export_aif, export_argdown, export_dot, export_graphml, export_json
from tests.maps.formats.sample_maps import VERSION
from tests.maps.seed import (
    BACKDOOR_000,
    BACKDOOR_004,
    HOLES_004,
    PUBLISHED_000,
    SEED_SPANS,
    dated_seed_input,
    node_of,
    seed_map_input,
)


@pytest.fixture(scope="module")
def dated_map():
    return build_map(dated_seed_input())


def test_json_sources_carry_their_document_s_day(dated_map):
    data = json.loads(export_json(dated_map, version_id=VERSION))
    backdoor = next(a for a in data["arguments"] if a["text"] == BACKDOOR_000)
    assert [(s["document_id"], s["published"]) for s in backdoor["sources"]] == [
        ("100", PUBLISHED_000),
        ("104", None),
    ]
    days = Counter(s["published"] for a in data["arguments"] for s in a["sources"])
    assert days == {PUBLISHED_000: 3, None: 7}  # spans 1-3 are in 000, spans 4-10 in 004


def test_aif_locutions_are_timestamped_with_the_day_and_stay_aif(dated_map):
    data = json.loads(export_aif(dated_map, version_id=VERSION))
    # The same node kinds and counts as without dates (test_aif.py).
    assert Counter(n["type"] for n in data["nodes"]) == {
        "I": 11, "L": 10, "YA": 10, "MA": 2, "RA": 6, "CA": 5, "TA": 8,
    }  # fmt: skip
    nodes = {n["nodeID"]: n for n in data["nodes"]}
    sources = data["debatemap"]["locution_sources"]
    stamped = {}
    for locution in data["locutions"]:
        node = nodes[locution["nodeID"]]
        assert node["type"] == "L"
        assert locution["timestamp"] == node["timestamp"]
        stamped[node["text"].partition(" : ")[2]] = locution["timestamp"]
        source = sources[locution["nodeID"]]
        assert source["published"] == (PUBLISHED_000 if source["document_id"] == "100" else None)
    assert stamped[BACKDOOR_000] == "2023-03-01 00:00:00"
    assert stamped[BACKDOOR_004] == stamped[HOLES_004] == ""
    assert Counter(stamped.values()) == {"2023-03-01 00:00:00": 3, "": 7}
    # AIFdb's timestamp form, as AIF readers parse it ("" is no time).
    for node in data["nodes"]:
        if node["timestamp"]:
            datetime.strptime(node["timestamp"], "%Y-%m-%d %H:%M:%S")
    assert {n["type"] for n in data["nodes"] if n["timestamp"]} == {"L"}


def test_aif_without_dates_has_the_empty_timestamps_it_had():
    data = json.loads(export_aif(build_map(seed_map_input())))
    assert {n["timestamp"] for n in data["nodes"]} == {""}
    assert {loc["timestamp"] for loc in data["locutions"]} == {""}
    assert {s["published"] for s in data["debatemap"]["locution_sources"].values()} == {None}


def test_argdown_definitions_carry_their_sources_as_yaml_data(dated_map):
    lines = export_argdown(dated_map, version_id=VERSION).splitlines()
    definition = "  - <They also say that building a backdoor>: "
    [backdoor] = [line for line in lines if line.startswith(definition)]
    first = node_of(dated_map, BACKDOOR_000).sources
    assert backdoor.endswith(
        " #(Tech firms) {sources: ["
        f'{{document: "100", span: "2", start: {first[0].start}, end: {first[0].end}, '
        f'published: "{PUBLISHED_000}"}}, '
        f'{{document: "104", span: "5", start: {first[1].start}, end: {first[1].end}, '
        "published: null}]}"
    )
    # One data element per argument definition, and it is the last thing on its line.
    data = [line for line in lines if " {sources: [" in line]
    assert len(data) == len(dated_map.arguments)
    assert all(re.search(r"\{sources: \[.*\]\}$", line) for line in data)


def test_graphml_arguments_have_the_days_of_their_sources(dated_map, tmp_path):
    path = tmp_path / "map.graphml"
    path.write_text(export_graphml(dated_map, version_id=VERSION), encoding="utf-8")
    graph = nx.read_graphml(path)
    published = {node: data.get("published") for node, data in graph.nodes(data=True)}
    assert published[node_of(dated_map, BACKDOOR_000).id] == PUBLISHED_000
    assert published[node_of(dated_map, HOLES_004).id] is None
    assert sum(day is not None for day in published.values()) == 3
    assert (
        '<key id="n_published" for="node" attr.name="published" attr.type="string"/>'
        in path.read_text(encoding="utf-8")
    )


def test_dot_arguments_have_their_days_in_a_tooltip(dated_map):
    lines = export_dot(dated_map).splitlines()
    backdoor = node_of(dated_map, BACKDOOR_000).id
    holes = node_of(dated_map, HOLES_004).id
    [line] = [line for line in lines if line.startswith(f'  "{backdoor}" [')]
    assert line.endswith(f', tooltip="Published {PUBLISHED_000}"];')
    [line] = [line for line in lines if line.startswith(f'  "{holes}" [')]
    assert "tooltip" not in line
    assert sum("tooltip=" in line for line in lines) == 3


def test_every_source_of_the_seed_spans_is_dated_or_not_as_its_document(dated_map):
    sources = [s for a in dated_map.arguments for s in a.sources]
    assert len(sources) == len(SEED_SPANS)
    assert {(s.document_id, s.published) for s in sources} == {
        ("100", PUBLISHED_000),
        ("104", None),
    }


def test_every_format_of_a_dated_map_is_the_same_bytes_from_the_same_input_in_any_order():
    data = dated_seed_input()
    shuffled = replace(
        data, documents=data.documents[::-1], spans=data.spans[::-1], actors=data.actors[::-1]
    )
    first, again = build_map(data), build_map(shuffled)
    for export in (export_json, export_aif, export_argdown, export_graphml, export_dot):
        assert export(first, version_id=VERSION) == export(again, version_id=VERSION), export
