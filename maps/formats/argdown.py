"""Argdown: the proposition with its pro (+) and contra (-) arguments, premises beneath.

Each argument's definition ends with its sources as Argdown's inline YAML data (``{sources:
[{document: "104", span: "5", start: 10, end: 62, published: "2023-03-01"}]}``, ``published``
null when the day is unknown), which Argdown keeps as the statement's data.
"""

import json
import re
from collections import defaultdict

from maps.builder import PROPOSITION_ID, ArgumentMap, ArgumentNode, MapEdge
from maps.formats.header import export_header

_TITLE_UNSAFE = re.compile(r"[^\w\s'\u2019,.?!-]")
_TEXT_SPECIAL = re.compile(r"([\\\[\]<>#@*_{}/`])")


def _title_of(text: str, words: int = 7) -> str:
    cleaned = " ".join(_TITLE_UNSAFE.sub(" ", text).split())
    title = " ".join(cleaned.split(" ")[:words]).strip(" ,.-")
    return title or "Untitled"


def _argdown_text(text: str) -> str:
    # One line, with every character Argdown reads as syntax escaped.
    return _TEXT_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _yaml_string(value: str) -> str:
    # A double-quoted YAML string; braces and brackets as escapes, so Argdown's lexer, which
    # finds the end of a data element by its braces, never ends it inside a value.
    text = json.dumps(value, ensure_ascii=True)
    for character, escape in (
        ("{", "\\u007b"),
        ("}", "\\u007d"),
        ("[", "\\u005b"),
        ("]", "\\u005d"),
    ):
        text = text.replace(character, escape)
    return text


def _argdown_sources(node: ArgumentNode) -> str:
    items = ", ".join(
        f"{{document: {_yaml_string(s.document_id)}, span: {_yaml_string(s.span_id)}, "
        f"start: {s.start}, end: {s.end}, "
        f"published: {'null' if s.published is None else _yaml_string(s.published)}}}"
        for s in node.sources
    )
    return f"{{sources: [{items}]}}"


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
        return (
            f"{reference(node_id)}: {_argdown_text(node.text)}"
            + (f" {tags}" if tags else "")
            + f" {_argdown_sources(node)}"
        )

    lines: list[str] = ["===", "title: Argument map"]
    lines += [f"{key}: {value}" for key, value in sorted(export_header(m, version_id).items())]
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
