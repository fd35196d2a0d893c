"""AIF JSON in the shape AIFdb and OVA write and read: I, RA, CA, MA, L, YA and TA nodes.

Each argument is an I-node; a paraphrase keeps its own wording as an I-node tied to it by MA;
each source span is a locution (L) of its speaker, asserting (YA) its wording; supports are
RA and attacks CA; locutions of one document follow each other (TA) in reading order. A
locution's ``timestamp`` (on its L-node and in ``locutions``) is its document's publication
day at midnight, in AIF's ``YYYY-MM-DD HH:mm:ss``, and empty when the day is unknown. The
"debatemap" key, which AIF readers pass over, maps AIF nodes back to map nodes and locutions
to their spans (with the day as ``published``).
"""

from collections import defaultdict
from itertools import pairwise

from core.memory import collector_paused
from maps.builder import PROPOSITION_ID, ArgumentMap
from maps.formats.header import export_header
from maps.formats.json_graph import compact_json

UNATTRIBUTED = "Unattributed"


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

    def node(
        self,
        node_type: str,
        text: str | None = None,
        origin: str | None = None,
        timestamp: str = "",
    ) -> str:
        node_id = str(len(self.nodes) + 1)
        node = {"nodeID": node_id, "type": node_type, "timestamp": timestamp}
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


def _aif_timestamp(published: str | None) -> str:
    """Return a publication day as an AIF timestamp (midnight), or "" when unknown."""
    return "" if published is None else f"{published} 00:00:00"


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
            timestamp = _aif_timestamp(source.published)
            locution = writer.node("L", f"{speaker} : {source.quote}", timestamp=timestamp)
            writer.link("YA", [locution], rephrased[source.quote])
            locutions.append(
                {
                    "nodeID": locution,
                    "personID": person_of[source.actor_id],
                    "timestamp": timestamp,
                }
            )
            locution_sources[locution] = {
                "span_id": source.span_id,
                "document_id": source.document_id,
                "start": source.start,
                "end": source.end,
                "published": source.published,
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
            **export_header(m, version_id),
            "map_nodes": writer.origin,
            "locution_sources": locution_sources,
        },
    }
    return compact_json(data)
