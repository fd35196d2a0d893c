"""Graphviz DOT: arguments under the proposition, actors beside, styled by kind and side.

An argument whose sources' documents have publication days names them in its tooltip.
"""

import textwrap

from maps.builder import PROPOSITION_ID, ArgumentMap
from maps.formats.header import export_header

_DOT_STYLE = {
    "proposition": 'shape=box, style="filled,bold", fillcolor="#f6f8fa"',
    ("claim", "pro"): 'shape=box, style="filled,rounded", fillcolor="#dbeafe"',
    ("claim", "contra"): 'shape=box, style="filled,rounded", fillcolor="#ffedd5"',
    ("claim", "neutral"): 'shape=box, style="filled,rounded", fillcolor="#eeeeee"',
    ("premise", "pro"): 'shape=note, style=filled, fillcolor="#eff6ff"',
    ("premise", "contra"): 'shape=note, style=filled, fillcolor="#fff7ed"',
    ("premise", "neutral"): 'shape=note, style=filled, fillcolor="#f6f8fa"',
    "actor": 'shape=ellipse, style=filled, fillcolor="#ffffff"',
}
_DOT_EDGE = {
    "support": 'color="#15803d", arrowhead=normal',
    "attack": 'color="#b91c1c", arrowhead=tee',
    "voiced": 'color="#8b949e", style=dashed, arrowhead=none',
}


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_label(text: str, width: int = 40, lines: int = 4) -> str:
    wrapped = textwrap.wrap(" ".join(text.split()), width=width, max_lines=lines, placeholder=" …")
    return "\\n".join(part.replace("\\", "\\\\").replace('"', '\\"') for part in wrapped or [""])


def export_dot(argument_map: ArgumentMap, *, version_id: object | None = None) -> str:
    """Return the map as a Graphviz digraph: arguments under the proposition, actors beside."""
    m = argument_map
    header = export_header(m, version_id)
    comment = ", ".join(f"{key}={value}" for key, value in sorted(header.items()))
    lines = [
        "digraph argument_map {",
        f"  graph [comment={_dot_string(comment)}, rankdir=BT, fontname=Helvetica];",
        "  node [fontname=Helvetica, fontsize=10];",
        "  edge [fontname=Helvetica, fontsize=9];",
        f'  "{PROPOSITION_ID}" [{_DOT_STYLE["proposition"]},'
        f' label="{_dot_label(m.proposition.text, width=60)}"];',
    ]
    for n in m.arguments:
        label = _dot_label(n.text)
        if len(n.sources) > 1:
            label += f"\\n({len(n.sources)} sources)"
        days = sorted({s.published for s in n.sources} - {None})
        tooltip = f", tooltip={_dot_string('Published ' + ', '.join(days))}" if days else ""
        lines.append(
            f'  {_dot_string(n.id)} [{_DOT_STYLE[(n.kind, n.side)]}, label="{label}"{tooltip}];'
        )
    for a in m.actors:
        lines.append(
            f'  {_dot_string(a.id)} [{_DOT_STYLE["actor"]}, label="{_dot_label(a.name)}"];'
        )
    for e in m.edges:
        attributes = _DOT_EDGE[e.kind]
        if e.count > 1:
            attributes += f', label="{e.count}"'
        lines.append(f"  {_dot_string(e.source)} -> {_dot_string(e.target)} [{attributes}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
