"""The edges of a map and its actors: relations, stances, and who voiced which argument.

Gold relations become ``support`` and ``attack`` edges between arguments; each pro claim
supports the proposition and each contra claim attacks it; an actor gets a ``voiced`` edge to
every argument they voiced, and a position from the sides of their spans. Each edge is taken
from the last build's (through the ``BuildCache``) when everything it holds is the same.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import compress
from operator import eq, is_, itemgetter, ne, or_

from maps.builder.cache import BuildCache, Memo, records_in_order, same_ends
from maps.builder.hashing import digest, digest_for, id_key, sorted_ids
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

    With a cache, only what changed is grouped again: the relations whose records are new
    (``_relation_records``) and those whose ends now lie in other arguments leave their old
    edges and join their new ones, and only those edges are made again; every other edge is
    the last build's object. (The edges' order is not the map's: the build sorts them by id.)
    """
    records = _relation_records(relations, spans, scheme.relation_polarities, cache)
    sources = list(map(node_of_span.__getitem__, map(itemgetter(1), records)))
    targets = list(map(node_of_span.__getitem__, map(itemgetter(2), records)))
    for n in compress(range(len(records)), map(eq, sources, targets)):
        # Both ends were merged into one argument; an argument cannot support itself.
        record = records[n]
        notes.append(
            f"relation {record[1]}->{record[2]} ({record[0].type}) joins two sources "
            f"of argument {sources[n]}; left out"
        )
    if cache is None:
        # Nothing is kept for a next build: each edge's records go as soon as it is made.
        grouped = _grouped(records, sources, targets)
        del records, sources, targets
        hashed = digest_for(cache)
        return [_edge(key, grouped.pop(key), hashed)[1] for key in list(grouped)]
    memo = Memo(cache, "relation edges")
    last = memo.get(None)
    if last is None:
        grouped = _grouped(records, sources, targets)
        by_key = {key: _edge(key, members) for key, members in grouped.items()}
    else:
        by_key = _changed_edges(last, records, sources, targets)
    # The records hold their relations and spans, so no other object has their ids meanwhile.
    memo.keep(None, (records, sources, targets, by_key))
    memo.remember()
    return [edge for _, edge in by_key.values()]


def _grouped(
    records: list[tuple], sources: list[str], targets: list[str]
) -> dict[tuple[str, str, str], list[tuple]]:
    """Return the records of each edge, (polarity, source argument, target argument), in
    input order, leaving out those whose ends lie in one argument."""
    grouped: dict[tuple[str, str, str], list[tuple]] = defaultdict(list)
    for record, source, target in zip(records, sources, targets, strict=True):
        if source != target:
            grouped[(record[3], source, target)].append(record)
    return grouped


def _changed_edges(
    last: tuple, records: list[tuple], sources: list[str], targets: list[str]
) -> dict[tuple[str, str, str], tuple[tuple, MapEdge]]:
    """Return the last build's edges by key, (records, edge), with what changed since."""
    old_records, old_sources, old_targets, old_by_key = last
    head, tail = same_ends(old_records, records)
    old_end, new_end = len(old_records) - tail, len(records) - tail
    # The kept records at both ends whose source or target argument changed, as (old place,
    # new place); then every record between the ends, which left or joined.
    moved = [
        (old + n, new + n)
        for old, new, count in ((0, 0, head), (old_end, new_end, tail))
        for n in compress(
            range(count),
            map(
                or_,
                map(ne, sources[new : new + count], old_sources[old : old + count]),
                map(ne, targets[new : new + count], old_targets[old : old + count]),
            ),
        )
    ]
    left = [n for n, _ in moved] + list(range(head, old_end))
    joined = [n for _, n in moved] + list(range(head, new_end))
    # By object and how many times (a relation given twice is two records of one object).
    gone: dict[tuple[str, str, str], Counter[int]] = defaultdict(Counter)
    for n in left:
        if old_sources[n] != old_targets[n]:
            record = old_records[n]
            gone[(record[3], old_sources[n], old_targets[n])][id(record)] += 1
    come: dict[tuple[str, str, str], list[tuple]] = defaultdict(list)
    for n in joined:
        if sources[n] != targets[n]:
            record = records[n]
            come[(record[3], sources[n], targets[n])].append(record)
    by_key = dict(old_by_key)
    for key in gone.keys() | come.keys():
        before = old_by_key.get(key, ((), None))[0]
        leaving = gone.get(key, Counter())
        members = []
        for record in before:
            if leaving[id(record)]:
                leaving[id(record)] -= 1
            else:
                members.append(record)
        members += come.get(key, [])
        if not members:
            by_key.pop(key, None)
        elif len(members) != len(before) or not all(map(is_, members, before)):
            by_key[key] = _edge(key, members)
    return by_key


def _edge(
    key: tuple[str, str, str], records: list[tuple], hashed: Callable[..., str] = digest
) -> tuple[tuple, MapEdge]:
    """Return an edge's records in their order and the edge (its id made by ``hashed``)."""
    kind, source, target = key
    if len(records) > 1:
        records = sorted(records, key=_record_order)
    ends = [(record[1], record[2], record[0].type) for record in records]
    edge = MapEdge(
        id=f"{kind}-" + hashed(kind, source, target),
        kind=kind,
        source=source,
        target=target,
        origin="relation",
        count=len(ends),
        documents=sorted_ids(
            {r[4].source.document_id for r in records} | {r[5].source.document_id for r in records}
        ),
        relations=tuple(
            RelationSource(source_span_id=a, target_span_id=b, type=t) for a, b, t in ends
        ),
    )
    return tuple(records), edge


def _record_order(record: tuple) -> tuple:
    return (id_key(record[1]), id_key(record[2]), record[0].type)


def _relation_records(
    relations: Sequence[GoldRelation],
    spans: Mapping[str, BuildSpan],
    polarities: Mapping[str, str],
    cache: BuildCache | None,
) -> list[tuple]:
    """Return each relation's record, in input order: (relation, source span id, target span
    id, polarity, source span, target span).

    With a cache, the same relations take the last build's records (``records_in_order``); a
    record stays only while its ends are the same span objects.
    """
    memo = Memo(cache, "relations in order")
    context = dict(polarities)
    last_context, old_relations, old_records = memo.get(None) or (None, (), ())
    if last_context != context:
        old_relations, old_records = (), ()
    relations = list(relations)
    records, _, _ = records_in_order(
        old_relations,
        old_records,
        relations,
        lambda relation: _relation_record(relation, spans, polarities),
    )
    # A span whose values changed is a new object: the records of its relations are redone.
    if not (
        all(map(is_, map(spans.get, map(itemgetter(1), records)), map(itemgetter(4), records)))
        and all(map(is_, map(spans.get, map(itemgetter(2), records)), map(itemgetter(5), records)))
    ):
        records = [
            record
            if spans.get(record[1]) is record[4] and spans.get(record[2]) is record[5]
            else _relation_record(record[0], spans, polarities)
            for record in records
        ]
    # The relations are kept with their records: a relation with a kept one's id is that one.
    memo.keep(None, (context, relations, records))
    memo.remember()
    return records


def _relation_record(
    relation: GoldRelation, spans: Mapping[str, BuildSpan], polarities: Mapping[str, str]
) -> tuple:
    source, target = spans[str(relation.source_id)], spans[str(relation.target_id)]
    # The span ids as the spans hold them: one string object for each, however many
    # relations and edges name it.
    source_span, target_span = source.source.span_id, target.source.span_id
    return (relation, source_span, target_span, polarities[relation.type], source, target)


def stance_edges(arguments: Iterable[ArgumentNode], cache: BuildCache | None) -> list[MapEdge]:
    """Return the edge from each pro claim (support) and contra claim (attack) to the
    proposition."""
    edges = []
    remembered = Memo(cache, "stance edges")
    hashed = digest_for(cache)
    for node in arguments:
        if node.kind == CLAIM and node.side in ("pro", "contra"):
            kind = "support" if node.side == "pro" else "attack"
            values = (kind, node.id, len(node.sources), node.documents)
            edge = remembered.get(values)
            if edge is None:
                edge = MapEdge(
                    id=f"{kind}-" + hashed(kind, node.id, PROPOSITION_ID),
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
    hashed = digest_for(cache)
    for actor_id in touched:
        if voiced_by.get(actor_id):
            parts[actor_id] = _actor_part(
                actors[actor_id],
                actor_id,
                voiced_by[actor_id],
                arguments,
                speakers,
                remembered,
                hashed,
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
    hashed: Callable[..., str],
) -> tuple[ActorNode, ActorPosition, list[MapEdge]]:
    """Return one actor's node, position and ``voiced`` edges, from the arguments they voiced
    (the edges' ids made by ``hashed``)."""
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
        documents=sorted_ids(documents),
    )
    in_order = sorted(voiced)
    actor_position = ActorPosition(
        actor=node_id,
        name=actor.name,
        position=position,
        sides=sides,
        arguments={arg: len(voiced[arg]) for arg in in_order},
    )
    edges = []
    for argument_id in in_order:
        sources = voiced[argument_id]
        documents = sorted_ids({s.document_id for s in sources})
        values = (node_id, argument_id, len(sources), documents)
        edge = remembered.get(values)
        if edge is None:
            edge = MapEdge(
                id="voiced-" + hashed("voiced", node_id, argument_id),
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
