"""Graphviz DOT: every node and edge with its style, and escaping."""

from maps.formats import export_dot
from tests.maps.formats.sample_maps import VERSION, awkward_map
from tests.maps.seed import BACKDOOR_000, PROTECTION_000, node_of


def test_dot_draws_every_node_and_edge_with_its_style(seed_map):
    lines = export_dot(seed_map, version_id=VERSION).splitlines()
    backdoor = node_of(seed_map, BACKDOOR_000).id
    protection = node_of(seed_map, PROTECTION_000).id
    assert lines[:4] == [
        "digraph argument_map {",
        f'  graph [comment="builder=argmap/3, input_hash={seed_map.input_hash}, '
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
