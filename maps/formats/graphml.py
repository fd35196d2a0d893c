"""GraphML with typed node and edge attributes, as networkx, Gephi and yEd read it.

An argument's ``published`` is the publication days of its sources' documents (YYYY-MM-DD,
earliest first, comma-separated), left out when none is known.
"""

import re
from xml.sax.saxutils import escape, quoteattr

from maps.builder import PROPOSITION_ID, ArgumentMap
from maps.formats.header import export_header

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_GRAPHML_KEYS = (
    ("graph", "builder", "string"),
    ("graph", "input_hash", "string"),
    ("graph", "version_id", "string"),
    ("node", "kind", "string"),
    ("node", "label", "string"),
    ("node", "side", "string"),
    ("node", "strength", "double"),
    ("node", "sources", "int"),
    ("node", "documents", "string"),
    ("node", "published", "string"),
    ("edge", "kind", "string"),
    ("edge", "origin", "string"),
    ("edge", "count", "int"),
)


def _xml(value: object) -> str:
    return escape(_XML_INVALID.sub("\ufffd", str(value)))


def export_graphml(argument_map: ArgumentMap, *, version_id: object | None = None) -> str:
    """Return the map as GraphML with typed attributes that networkx and yEd read."""
    m = argument_map

    def data(prefix: str, values: dict[str, object]) -> list[str]:
        return [
            f'      <data key="{prefix}_{key}">{_xml(value)}</data>'
            for key, value in values.items()
            if value is not None
        ]

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
        ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    header = export_header(m, version_id)
    for domain, name, kind in _GRAPHML_KEYS:
        if domain == "graph" and name not in header:
            continue
        lines.append(
            f'  <key id="{domain[0]}_{name}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>'
        )
    lines.append('  <graph id="argument_map" edgedefault="directed">')
    lines += [line[2:] for line in data("g", header)]
    nodes: list[tuple[str, dict[str, object]]] = [
        (
            PROPOSITION_ID,
            {
                "kind": "proposition",
                "label": m.proposition.text,
                "strength": m.proposition.strength,
            },
        )
    ]
    nodes += [
        (
            n.id,
            {
                "kind": n.kind,
                "label": n.text,
                "side": n.side,
                "strength": n.strength,
                "sources": len(n.sources),
                "documents": ",".join(n.documents),
                "published": ",".join(sorted({s.published for s in n.sources} - {None})) or None,
            },
        )
        for n in m.arguments
    ]
    nodes += [
        (
            a.id,
            {
                "kind": "actor",
                "label": a.name,
                "side": a.position,
                "sources": a.span_count,
                "documents": ",".join(a.documents),
            },
        )
        for a in m.actors
    ]
    for node_id, values in nodes:
        lines.append(f"    <node id={quoteattr(node_id)}>")
        lines += data("n", values)
        lines.append("    </node>")
    for e in m.edges:
        lines.append(
            f"    <edge id={quoteattr(e.id)} source={quoteattr(e.source)}"
            f" target={quoteattr(e.target)}>"
        )
        lines += data("e", {"kind": e.kind, "origin": e.origin, "count": e.count})
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>"]
    return "\n".join(lines) + "\n"
