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
    """Return one edge per (kind, source, target) of the gold relations, noting those left out.

    With a cache, a relation that is the last build's object, between the last build's span
    objects, under the same relation types, is not looked at again; an edge made of such
    relations alone, between the same nodes, is the last build's edge.
    """
    grouped: dict[tuple[str, str, str], list[tuple]] = defaultdict(list)
    polarities = scheme.relation_polarities
    seen = Memo(cache, "relations by object")
    # What a relation's record depends on besides its own object and its spans' objects.
    seen_get = seen.get if seen.get(None) == dict(polarities) else {}.get
    seen.keep(None, dict(polarities))
    keep = seen.keep
    for relation in relations:
        # (relation, source span id, target span id, polarity, source span, target span,
        # the relation's ends as the edge lists them); it holds the relation and both spans,
        # so no other object has their ids while it is kept.
        record = seen_get(id(relation))
        if (
            record is None
            or record[0] is not relation
            or spans.get(record[1]) is not record[4]
            or spans.get(record[2]) is not record[5]
        ):
            source_span, target_span = str(relation.source_id), str(relation.target_id)
            record = (
                relation,
                source_span,
                target_span,
                polarities[relation.type],
                spans[source_span],
                spans[target_span],
                (source_span, target_span, relation.type),
            )
        keep(id(relation), record)
        source, target = node_of_span[record[1]], node_of_span[record[2]]
        if source == target:
            # Both ends were merged into one argument; an argument cannot support itself.
            notes.append(
                f"relation {record[1]}->{record[2]} ({relation.type}) joins two sources "
                f"of argument {source}; left out"
            )
            continue
        grouped[(record[3], source, target)].append(record)
    seen.remember()
    edges = []
    remembered = Memo(cache, "relation edges")
    for (kind, source, target), records in grouped.items():
        if len(records) > 1:
            records.sort(key=lambda r: (id_key(r[1]), id_key(r[2]), r[6][2]))
        # The records' spans hold their documents; by identity, as the records are kept.
        identity = (kind, source, target, *map(id, records))
        edge = remembered.get(identity)
        if edge is None:
            ends = [record[6] for record in records]
            edge = MapEdge(
                id=f"{kind}-" + digest(kind, source, target),
                kind=kind,
                source=source,
                target=target,
                origin="relation",
                count=len(ends),
                documents=tuple(
                    sorted(
                        {r[4].source.document_id for r in records}
                        | {r[5].source.document_id for r in records},
                        key=id_key,
                    )
                ),
                relations=tuple(
                    RelationSource(source_span_id=a, target_span_id=b, type=t) for a, b, t in ends
                ),
            )
        remembered.keep(identity, edge)
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
    """Return the actors who voiced arguments, their positions and their ``voiced`` edges.

    With a cache, only the actors whose sources in some argument are not the last build's
    (an argument new, changed or gone, and in it this actor's sources) are worked out again;
    the others' nodes, positions and edges are the last build's, which the same sources of
    the same arguments and actors make again.
    """
    kept = Memo(cache, "actor parts")
    # The last map's (arguments, actors, each argument's sources by actor, the ids of the
    # arguments each actor voiced, each actor's parts).
    last = kept.get(None)
    if last is not None and last[1] == actors:
        old_arguments, _, old_speakers, old_voiced, parts = last
        changed = [i for i, node in arguments.items() if old_arguments.get(i) is not node]
        gone = old_arguments.keys() - arguments.keys()
        speakers = dict(old_speakers)
        touched: set[str] = set()
        for node_id in gone:
            touched.update(speakers.pop(node_id))
        for node_id in changed:
            before, after = speakers.get(node_id, {}), _sources_by_actor(arguments[node_id])
            speakers[node_id] = after
            # Tuples of the same source objects compare equal at once.
            touched.update(a for a in before.keys() | after.keys() if before.get(a) != after.get(a))
        voiced_by = dict(old_voiced)
        redone = {*changed, *gone}
        for actor_id in touched:
            voiced_by[actor_id] = (old_voiced.get(actor_id, frozenset()) - redone) | {
                node_id for node_id in changed if actor_id in speakers[node_id]
            }
        parts = dict(parts)
    else:
        speakers = {node_id: _sources_by_actor(node) for node_id, node in arguments.items()}
        found: dict[str, set[str]] = defaultdict(set)
        for node_id, by_actor in speakers.items():
            for actor_id in by_actor:
                found[actor_id].add(node_id)
        voiced_by = {actor_id: frozenset(ids) for actor_id, ids in found.items()}
        touched, parts = set(voiced_by), {}
    remembered = Memo(cache, "voiced edges")
    for actor_id in touched:
        if voiced_by.get(actor_id):
            parts[actor_id] = _actor_part(
                actors[actor_id], actor_id, voiced_by[actor_id], arguments, speakers, remembered
            )
        else:
            parts.pop(actor_id, None)
            voiced_by.pop(actor_id, None)
    remembered.remember()
    kept.keep(None, (arguments, actors, speakers, voiced_by, parts))
    kept.remember()
    ordered = [parts[actor_id] for actor_id in sorted(parts, key=id_key)]
    return (
        tuple(part[0] for part in ordered),
        tuple(part[1] for part in ordered),
        [edge for part in ordered for edge in part[2]],
    )


def _sources_by_actor(node: ArgumentNode) -> dict[str, tuple[SourceSpan, ...]]:
    """Return an argument's sources by the actor who voiced them (sources without one left out)."""
    found: dict[str, list[SourceSpan]] = defaultdict(list)
    for source in node.sources:
        if source.actor_id is not None:
            found[source.actor_id].append(source)
    return {actor_id: tuple(sources) for actor_id, sources in found.items()}


def _actor_part(
    actor: MapActor,
    actor_id: str,
    node_ids: frozenset[str],
    arguments: Mapping[str, ArgumentNode],
    speakers: Mapping[str, Mapping[str, tuple[SourceSpan, ...]]],
    remembered: Memo,
) -> tuple[ActorNode, ActorPosition, list[MapEdge]]:
    """Return one actor's node, position and ``voiced`` edges, from the arguments they voiced."""
    voiced: dict[str, tuple[SourceSpan, ...]] = {}
    sides = dict.fromkeys(SIDES, 0)
    for node_id in node_ids:
        voiced[node_id] = speakers[node_id][actor_id]
        sides[arguments[node_id].side] += len(voiced[node_id])
    node_id = f"actor-{actor_id}"
    position = side_position(sides)
    documents = {s.document_id for sources in voiced.values() for s in sources}
    actor_node = ActorNode(
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
    actor_position = ActorPosition(
        actor=node_id,
        name=actor.name,
        position=position,
        sides=sides,
        arguments={arg: len(voiced[arg]) for arg in sorted(voiced)},
    )
    edges = []
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
    return actor_node, actor_position, edges


def side_position(sides: Mapping[str, int]) -> str:
    """Return an actor's position from how many of their spans stand on each side."""
    pro, contra = sides.get("pro", 0), sides.get("contra", 0)
    if pro == contra:
        return "mixed" if pro else "neutral"
    return "pro" if pro > contra else "contra"
