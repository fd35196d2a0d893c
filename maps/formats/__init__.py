"""Export an argument map as JSON graph, AIF JSON, Argdown, GraphML or DOT.

Every exporter takes an ``ArgumentMap`` (see ``maps.builder``) and returns text. Each export
carries the map's input hash and, when given, the id of the stored version it came from, so a
file found on a disk later can be traced to its build. Exporters are pure and deterministic:
the same map gives the same bytes.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from core.memory import collector_paused
from maps.builder import (
    PROPOSITION_ID,
    ArgumentMap,
    ArgumentNode,
    MapEdge,
    map_to_dict,
)

UNATTRIBUTED = "Unattributed"


def _header(argument_map: ArgumentMap, version_id: object | None) -> dict[str, str]:
    header = {"builder": argument_map.builder, "input_hash": argument_map.input_hash}
    if version_id is not None:
        header["version_id"] = str(version_id)
    return header


# --- JSON graph -------------------------------------------------------------------------------


def _json(data: object) -> str:
    # Compact, because indenting switches json to its pure-Python encoder: ten times slower on
    # a 100k-span map, for a file that tools, not people, read.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def export_json(argument_map: ArgumentMap, *, version_id: object | None = None) -> str:
    """Return the map as JSON with sorted keys, with the version id when given."""
    with collector_paused():
        data = map_to_dict(argument_map)
        if version_id is not None:
            data["version_id"] = str(version_id)
        return _json(data)


# --- AIF --------------------------------------------------------------------------------------

# Scheme names and ids as AIFdb and OVA write them.
_SCHEMES = {
    "RA": ("Default Inference", "72"),
    "CA": ("Default Conflict", "71"),
    "MA": ("Default Rephrase", "144"),
    "YA": ("Asserting", "74"),
    "TA": ("Default Transition", "82"),
}


class _AifWriter:
    def __init__(self) -> None:
        self.nodes: list[dict[str, str]] = []
        self.edges: list[dict[str, object]] = []
        self.origin: dict[str, str] = {}

    def node(self, node_type: str, text: str | None = None, origin: str | None = None) -> str:
        node_id = str(len(self.nodes) + 1)
        node = {"nodeID": node_id, "type": node_type, "timestamp": ""}
        if node_type in _SCHEMES:
            scheme, scheme_id = _SCHEMES[node_type]
            node.update(text=scheme, scheme=scheme, schemeID=scheme_id)
        else:
            node["text"] = text or ""
        self.nodes.append(node)
        if origin is not None:
            self.origin[node_id] = origin
        return node_id

    def edge(self, from_id: str, to_id: str) -> None:
        self.edges.append(
            {
                "edgeID": str(len(self.edges) + 1),
                "fromID": from_id,
                "toID": to_id,
                "formEdgeID": None,
            }
        )

    def link(self, scheme_type: str, premises: list[str], conclusion: str) -> str:
        scheme_node = self.node(scheme_type)
        for premise in premises:
            self.edge(premise, scheme_node)
        self.edge(scheme_node, conclusion)
        return scheme_node


def _participant_names(name: str, kind: str) -> tuple[str, str]:
    # AIFdb stores people as first name and surname; an organisation keeps its whole name.
    if kind == "person" and " " in name.strip():
        first, _, last = name.strip().rpartition(" ")
        return first, last
    return name, ""


def export_aif(argument_map: ArgumentMap, *, version_id: object | None = None) -> str:
    """Return the map as AIF JSON in the AIFdb/OVA shape (I, RA, CA, MA, L, YA, TA nodes)."""
    with collector_paused():
        return _aif(argument_map, version_id)


def _aif(m: ArgumentMap, version_id: object | None) -> str:
    writer = _AifWriter()
    participants: list[dict[str, str]] = []
    person_of: dict[str | None, str] = {}
    for actor in m.actors:
        first, last = _participant_names(actor.name, actor.kind)
        person_of[actor.actor_id] = str(len(participants) + 1)
        participants.append(
            {"participantID": person_of[actor.actor_id], "firstname": first, "surname": last}
        )
    speaker_of = {actor.actor_id: actor.name for actor in m.actors}

    i_node = {PROPOSITION_ID: writer.node("I", m.proposition.text, PROPOSITION_ID)}
    locutions: list[dict[str, str]] = []
    locution_sources: dict[str, dict[str, object]] = {}
    locutions_by_document: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for node in m.arguments:
        i_node[node.id] = writer.node("I", node.text, node.id)
        rephrased: dict[str, str] = {node.text: i_node[node.id]}
        for source in node.sources:
            if source.quote not in rephrased:
                # A paraphrase keeps its own wording as an I-node, tied to the argument by MA.
                rephrased[source.quote] = writer.node("I", source.quote, node.id)
                writer.link("MA", [rephrased[source.quote]], i_node[node.id])
            if source.actor_id is None and None not in person_of:
                person_of[None] = str(len(participants) + 1)
                participants.append(
                    {"participantID": person_of[None], "firstname": UNATTRIBUTED, "surname": ""}
                )
            speaker = speaker_of.get(source.actor_id, UNATTRIBUTED)
            locution = writer.node("L", f"{speaker} : {source.quote}")
            writer.link("YA", [locution], rephrased[source.quote])
            locutions.append(
                {"nodeID": locution, "personID": person_of[source.actor_id], "timestamp": ""}
            )
            locution_sources[locution] = {
                "span_id": source.span_id,
                "document_id": source.document_id,
                "start": source.start,
                "end": source.end,
            }
            locutions_by_document[source.document_id].append((source.start, source.end, locution))
    for edge in m.edges:
        if edge.kind == "support":
            writer.link("RA", [i_node[edge.source]], i_node[edge.target])
        elif edge.kind == "attack":
            writer.link("CA", [i_node[edge.source]], i_node[edge.target])
    # Locutions of one document follow each other in reading order.
    for document_id in sorted(locutions_by_document):
        ordered = sorted(locutions_by_document[document_id])
        for (_, _, before), (_, _, after) in pairwise(ordered):
            writer.link("TA", [before], after)

    data = {
        "nodes": writer.nodes,
        "edges": writer.edges,
        "locutions": locutions,
        "participants": participants,
        "debatemap": {
            **_header(m, version_id),
            "map_nodes": writer.origin,
            "locution_sources": locution_sources,
        },
    }
    return _json(data)


# --- Argdown ----------------------------------------------------------------------------------

_TITLE_UNSAFE = re.compile(r"[^\w\s'\u2019,.?!-]")
_TEXT_SPECIAL = re.compile(r"([\\\[\]<>#@*_{}/`])")


def _title_of(text: str, words: int = 7) -> str:
    cleaned = " ".join(_TITLE_UNSAFE.sub(" ", text).split())
    title = " ".join(cleaned.split(" ")[:words]).strip(" ,.-")
    return title or "Untitled"


def _argdown_text(text: str) -> str:
    # One line, with every character Argdown reads as syntax escaped.
    return _TEXT_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _argdown_tag(name: str) -> str:
    return "#(" + " ".join(re.sub(r"[()#\[\]<>]", " ", name).split()) + ")"


def export_argdown(argument_map: ArgumentMap, *, version_id: object | None = None) -> str:
    """Return the map as Argdown: the proposition with its pro (+) and contra (-) arguments."""
    m = argument_map
    titles: dict[str, str] = {PROPOSITION_ID: "Proposition"}
    used = {"Proposition"}
    for node in m.arguments:
        base = _title_of(node.text)
        title, number = base, 2
        while title in used:
            title, number = f"{base} ({number})", number + 1
        used.add(title)
        titles[node.id] = title
    nodes: dict[str, ArgumentNode] = {node.id: node for node in m.arguments}
    actor_names = {actor.id: actor.name for actor in m.actors}
    children: dict[str, list[MapEdge]] = defaultdict(list)
    for edge in m.edges:
        if edge.kind in ("support", "attack"):
            children[edge.target].append(edge)
    for edges in children.values():
        edges.sort(key=lambda e: (e.kind != "support", -len(nodes[e.source].sources), e.source))

    def reference(node_id: str) -> str:
        if node_id == PROPOSITION_ID or nodes[node_id].kind == "premise":
            return f"[{titles[node_id]}]"
        return f"<{titles[node_id]}>"

    def definition(node_id: str) -> str:
        if node_id == PROPOSITION_ID:
            return f"[Proposition]: {_argdown_text(m.proposition.text)}"
        node = nodes[node_id]
        tags = " ".join(_argdown_tag(actor_names[a]) for a in node.actors)
        return f"{reference(node_id)}: {_argdown_text(node.text)}" + (f" {tags}" if tags else "")

    lines: list[str] = ["===", "title: Argument map"]
    lines += [f"{key}: {value}" for key, value in sorted(_header(m, version_id).items())]
    lines += ["===", ""]
    defined: set[str] = set()
    # Claims directly under the proposition are written out there, not where another claim
    # that attacks or supports them happens to come first.
    top_level = {edge.source for edge in children.get(PROPOSITION_ID, ())}

    def walk(start: str) -> None:
        # Depth first with an explicit stack: a long premise chain must not hit the recursion
        # limit. A node on the current path is not expanded again, so cycles end.
        stack: list[tuple[str, int, str, frozenset[str]]] = [(start, 0, "", frozenset({start}))]
        while stack:
            node_id, depth, prefix, path = stack.pop()
            indent = "  " * depth
            if node_id in defined or (depth > 1 and node_id in top_level):
                lines.append(f"{indent}{prefix}{reference(node_id)}")
                continue
            defined.add(node_id)
            lines.append(f"{indent}{prefix}{definition(node_id)}")
            for edge in reversed(children.get(node_id, ())):
                if edge.source not in path:
                    sign = "+ " if edge.kind == "support" else "- "
                    stack.append((edge.source, depth + 1, sign, path | {edge.source}))

    walk(PROPOSITION_ID)
    for node in m.arguments:
        if node.id not in defined:
            lines.append("")
            walk(node.id)
    return "\n".join(lines) + "\n"


# --- GraphML ----------------------------------------------------------------------------------

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
    header = _header(m, version_id)
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


# --- DOT --------------------------------------------------------------------------------------

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
    header = _header(m, version_id)
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
        lines.append(f'  {_dot_string(n.id)} [{_DOT_STYLE[(n.kind, n.side)]}, label="{label}"];')
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


# --- registry ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """A map format: its name in ``?format=``, media type, file extension and renderer."""

    name: str
    media_type: str
    extension: str
    render: Callable[..., str]


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "json": ExportFormat("json", "application/json", "json", export_json),
    "aif": ExportFormat("aif", "application/json", "aif.json", export_aif),
    "argdown": ExportFormat("argdown", "text/plain; charset=utf-8", "argdown", export_argdown),
    "graphml": ExportFormat("graphml", "application/graphml+xml", "graphml", export_graphml),
    "dot": ExportFormat("dot", "text/vnd.graphviz", "dot", export_dot),
}


def export_map(
    argument_map: ArgumentMap, format_name: str, *, version_id: object | None = None
) -> str:
    """Return the map in the named format (json, aif, argdown, graphml, dot)."""
    try:
        export = EXPORT_FORMATS[format_name]
    except KeyError:
        raise ValueError(
            f"unknown map format {format_name!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        ) from None
    return export.render(argument_map, version_id=version_id)
