"""Build a pro/contra argument map from a debate's gold layer: plain data in, graph out.

The map has one proposition node, argument nodes (gold claims and premises, paraphrases across
documents merged into one node that keeps every source span; see ``merge``), actor nodes, and
edges (see ``edges``), and every argument and the proposition get a DF-QuAD strength (see
``strength``). The same input in any order gives the same map.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from operator import attrgetter

from core.memory import collector_paused
from maps.builder.cache import BuildCache, Memo
from maps.builder.edges import actor_parts, relation_edges, stance_edges
from maps.builder.hashing import digest_for, input_hash, sorted_ids
from maps.builder.merge import BuildSpan, Group, curations_by_group, merge_groups
from maps.builder.model import (
    BUILDER_VERSION,
    DEFAULT_BASE_SCORE,
    POLARITIES,
    PROPOSITION_ID,
    SIDES,
    ArgumentMap,
    ArgumentNode,
    MapInput,
    Progress,
    PropositionNode,
    StrengthReport,
)
from maps.builder.similarity import DEFAULT_SIMILARITY, ClaimSimilarity
from maps.builder.spans import read_spans
from maps.builder.strength import dfquad_strengths


def _no_progress(fraction: float, stage: str) -> None:
    return None


def build_map(
    data: MapInput,
    *,
    similarity: ClaimSimilarity = DEFAULT_SIMILARITY,
    base_score: float = DEFAULT_BASE_SCORE,
    progress: Progress = _no_progress,
    known_input_hash: str | None = None,
    cache: BuildCache | None = None,
    after_group: Callable[[], None] | None = None,
) -> ArgumentMap:
    """Return the argument map of a debate's gold spans and relations.

    ``progress(fraction, stage)`` is called as the build goes, from 0 to 1, so a job can show
    how far it is; it does not change the map. ``known_input_hash`` is ``input_hash(data)``
    with the same settings, when the caller has it already (a job computes it first, to skip
    a build whose input is unchanged): hashing a large input costs a noticeable part of a build.
    ``cache`` keeps what this build made for the next one (see ``BuildCache``); it never
    changes the map. ``after_group()`` is called each time a (kind, side) group is merged:
    nothing after it asks the similarity about that group's texts again, so a job may store
    the vectors the build encoded so far and free them there, and hold one group's at a time.
    """
    with collector_paused():
        return _build(data, similarity, base_score, progress, known_input_hash, cache, after_group)


def _validate(data: MapInput) -> list[str]:
    """Return the problems of the scheme, documents and actors (spans are checked as read)."""
    problems: list[str] = []
    scheme = data.scheme
    for stance, side in scheme.stance_sides.items():
        if side not in SIDES:
            problems.append(f"stance {stance!r}: side {side!r} is not one of {', '.join(SIDES)}")
    for key, polarity in scheme.relation_polarities.items():
        if polarity not in POLARITIES:
            problems.append(
                f"relation type {key!r}: polarity {polarity!r} is not one of "
                f"{', '.join(POLARITIES)}"
            )
    for name, items in (("document", data.documents), ("actor", data.actors)):
        seen: set[str] = set()
        for item in items:
            if str(item.id) in seen:
                problems.append(f"{name} {item.id!s} appears twice")
            seen.add(str(item.id))
    for document in data.documents:
        if document.published is not None and not _is_iso_day(document.published):
            problems.append(
                f"document {document.id!s}: published {document.published!r} is not a day "
                "written YYYY-MM-DD"
            )
    return problems


def _is_iso_day(value: object) -> bool:
    # A str, so the map's JSON writes it as given; date.fromisoformat alone would also take
    # "20230301" (Python 3.11).
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _build(
    data: MapInput,
    similarity: ClaimSimilarity,
    base_score: float,
    progress: Progress,
    known_input_hash: str | None,
    cache: BuildCache | None,
    after_group: Callable[[], None] | None,
) -> ArgumentMap:
    progress(0.0, "checking the input")
    # A rebuild after one decision sees the same spans and nodes again: each is taken from
    # the last build's instead of made anew.
    spans = read_spans(data, _validate(data), cache)
    notes: list[str] = []
    curations = curations_by_group(data.decisions, spans, notes)
    groups = merge_groups(spans, similarity, progress, cache, curations, notes, after_group)
    arguments, node_of_span = _argument_nodes(groups, cache)
    # The nodes hold what the rest needs of the clusters, and the edges of the spans: each goes
    # as soon as it has served (a BuildSpan and its sort key for every gold span).
    del groups

    progress(0.8, "linking arguments")
    edges = relation_edges(data.relations, spans, node_of_span, data.scheme, notes, cache)
    del spans, node_of_span
    edges.extend(stance_edges(arguments.values(), cache))
    actor_nodes, positions, voiced = actor_parts(
        arguments, {str(a.id): a for a in data.actors}, cache
    )
    edges.extend(voiced)

    progress(0.9, "computing strengths")
    strength = dfquad_strengths(
        {PROPOSITION_ID: base_score, **{node_id: base_score for node_id in arguments}},
        ((e.source, e.target) for e in edges if e.kind == "support"),
        ((e.source, e.target) for e in edges if e.kind == "attack"),
        cache=cache,
    )

    finals = Memo(cache, "arguments with strengths")

    def rounded(node_id: str) -> float:
        return round(strength.strengths[node_id], 6)

    progress(0.95, "assembling the map")
    built = ArgumentMap(
        builder=BUILDER_VERSION,
        input_hash=known_input_hash
        or input_hash(data, similarity=similarity, base_score=base_score),
        similarity={"method": similarity.method, "threshold": similarity.threshold},
        strength=StrengthReport(
            semantics="df-quad",
            base_score=base_score,
            rounds=strength.rounds,
            converged=strength.converged,
        ),
        proposition=PropositionNode(
            id=PROPOSITION_ID, text=data.proposition, strength=rounded(PROPOSITION_ID)
        ),
        arguments=tuple(
            _with_strength(arguments[node_id], rounded(node_id), finals)
            for node_id in sorted(arguments)
        ),
        actors=actor_nodes,
        edges=tuple(sorted(edges, key=attrgetter("id"))),
        positions=positions,
        notes=tuple(sorted(notes)),
    )
    finals.remember()
    progress(1.0, "done")
    return built


def _argument_nodes(
    groups: list[Group], cache: BuildCache | None
) -> tuple[dict[str, ArgumentNode], dict[str, str]]:
    """Return the argument nodes by id (strength not set yet) and the node of each span.

    A group that is the last build's (the same clusters of the same members: ``merge_groups``
    hands back its objects) gives the last build's nodes without a look at them.
    """
    node_of_span: dict[str, str] = {}
    arguments: dict[str, ArgumentNode] = {}
    whole = Memo(cache, "group nodes")
    for group_key, members, found in groups:
        # The entry holds ``found``, so no other object has its id while it is kept.
        known = whole.get(id(found))
        if known is None or known[0] is not found or known[1] is not members:
            known = (found, members, *_group_nodes(group_key, members, found, cache))
        whole.keep(id(found), known)
        arguments.update(known[2])
        node_of_span.update(known[3])
    whole.remember()
    return arguments, node_of_span


def _group_nodes(
    group_key: tuple[str, str],
    members: list[BuildSpan],
    found: tuple,
    cache: BuildCache | None,
) -> tuple[dict[str, ArgumentNode], dict[str, str]]:
    """Return one group's nodes by id and the node of each of its spans."""
    node_of_span: dict[str, str] = {}
    arguments: dict[str, ArgumentNode] = {}
    # Only the last build of this group that made nodes: one decision changes one group,
    # whose clusters are mostly the same sources, merges and splits as before.
    remembered = Memo(cache, "nodes of {} {}s".format(*reversed(group_key)))
    hashed = digest_for(cache)
    for indexes, merges, marks in found:
        cluster = [members[i] for i in indexes]
        anchor = cluster[0]
        node_id = f"{anchor.kind}-" + hashed(
            anchor.kind,
            anchor.side,
            anchor.source.document_id,
            anchor.source.start,
            anchor.source.end,
        )
        node_sources = tuple(member.source for member in cluster)
        for source in node_sources:
            node_of_span[source.span_id] = node_id
        # By identity: a remembered node holds its sources, merges and splits, so no other
        # object can have their ids while it is remembered, and the same objects (in the same
        # numbers) mean the same node.
        # (Without a cache nothing is remembered: no identity is made.)
        identity = (
            None
            if cache is None
            else (
                node_id,
                anchor.kind,
                anchor.side,
                len(node_sources),
                len(merges),
                *map(id, node_sources),
                *map(id, merges),
                *map(id, marks),
            )
        )
        node = None if identity is None else remembered.get(identity)
        if node is None:
            node = ArgumentNode(
                id=node_id,
                kind=anchor.kind,
                side=anchor.side,
                text=anchor.source.quote,
                sources=node_sources,
                merges=merges,
                actors=tuple(
                    sorted({f"actor-{s.actor_id}" for s in node_sources if s.actor_id is not None})
                ),
                documents=sorted_ids({s.document_id for s in node_sources}),
                strength=0.0,
                curation=marks,
            )
        if identity is not None:
            remembered.keep(identity, node)
        arguments[node_id] = node
    remembered.remember()
    return arguments, node_of_span


def _with_strength(node: ArgumentNode, strength: float, finals: Memo) -> ArgumentNode:
    """Return the node with its strength: the last build's copy when it is the same."""
    key = (id(node), repr(strength))  # repr: 0.0 and -0.0 are equal but written apart
    known = finals.get(key)
    # Each entry holds the node it was made from, so the same id is the same node.
    if known is None or known[0] is not node:
        known = (node, replace(node, strength=strength))
    finals.keep(key, known)
    return known[1]
