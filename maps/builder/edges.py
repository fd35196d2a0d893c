"""The edges of a map and its actors: relations, stances, and who voiced which argument.

Gold relations become ``support`` and ``attack`` edges between arguments; each pro claim
supports the proposition and each contra claim attacks it; an actor gets a ``voiced`` edge to
every argument they voiced, and a position from the sides of their spans. Each edge is taken
from the last build's (through the ``BuildCache``) when everything it holds is the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from maps.builder.cache import BuildCache, Memo
from maps.builder.hashing import digest, id_key
from maps.builder.merge import BuildSpan
from maps.builder.model import (
    CLAIM,
    PROPOSITION_ID,
    SIDES,
    ActorNode,
    ActorPosition,
    ArgumentNode,
    GoldRelation,
    MapActor,
    MapEdge,
    MapScheme,
    RelationSource,
    SourceSpan,
)


def relation_edges(
    relations: Sequence[GoldRelation],
    spans: Mapping[str, BuildSpan],
    node_of_span: Mapping[str, str],
    scheme: MapScheme,
    notes: list[str],
    cache: BuildCache | None,
) -> list[MapEdge]:
    """Return one edge per (kind, source, target) of the gold relations, noting those left out."""
    grouped: dict[tuple[str, str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for relation in relations:
        source_span, target_span = str(relation.source_id), str(relation.target_id)
        source, target = node_of_span[source_span], node_of_span[target_span]
        if source == target:
            # Both ends were merged into one argument; an argument cannot support itself.
            notes.append(
                f"relation {source_span}->{target_span} ({relation.type}) joins two sources "
                f"of argument {source}; left out"
            )
            continue
        kind = scheme.relation_polarities[relation.type]
        grouped[(kind, source, target)].append((source_span, target_span, relation.type))
    edges = []
    remembered = Memo(cache, "relation edges")
    for (kind, source, target), ends in grouped.items():
        if len(ends) > 1:
            ends.sort(key=lambda r: (id_key(r[0]), id_key(r[1]), r[2]))
        documents = tuple(
            sorted(
                {spans[a].source.document_id for a, _, _ in ends}
                | {spans[b].source.document_id for _, b, _ in ends},
                key=id_key,
            )
        )
        # Everything the edge holds, so an equal key is an equal edge.
        values = (kind, source, target, documents, *ends)
        edge = remembered.get(values)
        if edge is None:
            edge = MapEdge(
                id=f"{kind}-" + digest(kind, source, target),
                kind=kind,
                source=source,
                target=target,
                origin="relation",
                count=len(ends),
                documents=documents,
                relations=tuple(
                    RelationSource(source_span_id=a, target_span_id=b, type=t) for a, b, t in ends
                ),
            )
        remembered.keep(values, edge)
        edges.append(edge)
    remembered.remember()
    return edges


def stance_edges(arguments: Iterable[ArgumentNode], cache: BuildCache | None) -> list[MapEdge]:
    """Return the edge from each pro claim (support) and contra claim (attack) to the
    proposition."""
    edges = []
    remembered = Memo(cache, "stance edges")
    for node in arguments:
        if node.kind == CLAIM and node.side in ("pro", "contra"):
            kind = "support" if node.side == "pro" else "attack"
            values = (kind, node.id, len(node.sources), node.documents)
            edge = remembered.get(values)
            if edge is None:
                edge = MapEdge(
                    id=f"{kind}-" + digest(kind, node.id, PROPOSITION_ID),
                    kind=kind,
                    source=node.id,
                    target=PROPOSITION_ID,
                    origin="stance",
                    count=len(node.sources),
                    documents=node.documents,
                )
            remembered.keep(values, edge)
            edges.append(edge)
    remembered.remember()
    return edges


def actor_parts(
    arguments: Mapping[str, ArgumentNode],
    actors: Mapping[str, MapActor],
    cache: BuildCache | None,
) -> tuple[tuple[ActorNode, ...], tuple[ActorPosition, ...], list[MapEdge]]:
    """Return the actors who voiced arguments, their positions and their ``voiced`` edges."""
    spans_by: dict[str, dict[str, list[SourceSpan]]] = defaultdict(lambda: defaultdict(list))
    sides_by: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SIDES, 0))
    for node in arguments.values():
        for source in node.sources:
            if source.actor_id is not None:
                spans_by[source.actor_id][node.id].append(source)
                sides_by[source.actor_id][node.side] += 1
    nodes, positions, edges = [], [], []
    remembered = Memo(cache, "voiced edges")
    for actor_id in sorted(spans_by, key=id_key):
        actor = actors[actor_id]
        node_id = f"actor-{actor_id}"
        voiced = spans_by[actor_id]
        sides = sides_by[actor_id]
        position = side_position(sides)
        documents = {s.document_id for sources in voiced.values() for s in sources}
        nodes.append(
            ActorNode(
                id=node_id,
                actor_id=actor_id,
                name=actor.name,
                kind=actor.kind,
                affiliation=actor.affiliation,
                aliases=tuple(sorted(actor.aliases)),
                position=position,
                span_count=sum(len(sources) for sources in voiced.values()),
                argument_count=len(voiced),
                documents=tuple(sorted(documents, key=id_key)),
            )
        )
        positions.append(
            ActorPosition(
                actor=node_id,
                name=actor.name,
                position=position,
                sides=dict(sides),
                arguments={arg: len(voiced[arg]) for arg in sorted(voiced)},
            )
        )
        for argument_id in sorted(voiced):
            sources = voiced[argument_id]
            documents = tuple(sorted({s.document_id for s in sources}, key=id_key))
            values = (node_id, argument_id, len(sources), documents)
            edge = remembered.get(values)
            if edge is None:
                edge = MapEdge(
                    id="voiced-" + digest("voiced", node_id, argument_id),
                    kind="voiced",
                    source=node_id,
                    target=argument_id,
                    origin="speaker",
                    count=len(sources),
                    documents=documents,
                )
            remembered.keep(values, edge)
            edges.append(edge)
    remembered.remember()
    return tuple(nodes), tuple(positions), edges


def side_position(sides: Mapping[str, int]) -> str:
    """Return an actor's position from how many of their spans stand on each side."""
    pro, contra = sides.get("pro", 0), sides.get("contra", 0)
    if pro == contra:
        return "mixed" if pro else "neutral"
    return "pro" if pro > contra else "contra"
