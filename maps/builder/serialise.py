"""The map as plain data and as canonical JSON, and back.

``map_to_json`` is compact JSON with sorted keys, byte-identical for the same input in any
order; a version stores exactly these bytes. ``map_from_dict`` reads them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress, count, repeat
from operator import is_not, itemgetter
from typing import Any

import orjson

from core.memory import collector_paused
from maps.builder.cache import BuildCache, Memo
from maps.builder.json_text import (
    json_float,
    kept_fragment,
    orjson_or_none,
    reference_json,
    same,
)
from maps.builder.model import (
    ActorNode,
    ActorPosition,
    ArgumentMap,
    ArgumentNode,
    CurationNote,
    MapEdge,
    MergeStep,
    PropositionNode,
    RelationSource,
    SourceSpan,
    StrengthReport,
)


def _source_dict(s: SourceSpan) -> dict[str, Any]:
    return {
        "span_id": s.span_id,
        "document_id": s.document_id,
        "document_title": s.document_title,
        "start": s.start,
        "end": s.end,
        "quote": s.quote,
        "stance": s.stance,
        "role": s.role,
        "actor_id": s.actor_id,
        "published": s.published,
    }


def map_to_dict(argument_map: ArgumentMap) -> dict[str, Any]:
    """Return the map as plain JSON-ready data."""
    return _map_dict(argument_map, same)


def _map_dict(
    m: ArgumentMap,
    number: Callable[[float], Any],
    arguments: list[Any] | None = None,
    edges: list[Any] | None = None,
) -> dict[str, Any]:
    """Return ``map_to_dict`` data, every float passed through ``number`` on its way, with
    ``arguments`` and ``edges`` as the lists of arguments and edges (by default, their dicts)."""
    if arguments is None:
        arguments = [_argument_dict(n, number) for n in m.arguments]
    if edges is None:
        edges = list(map(_edge_dict, m.edges))
    head = _map_head(m, number)
    lists = {"arguments": arguments, "edges": edges}
    return {key: lists[key] if key in lists else head[key] for key in _MAP_KEYS}


# The map's keys in the order ``map_to_dict`` gives them (its canonical JSON sorts them).
_MAP_KEYS = (
    "builder",
    "input_hash",
    "similarity",
    "strength",
    "proposition",
    "arguments",
    "actors",
    "edges",
    "positions",
    "notes",
)


def _map_head(m: ArgumentMap, number: Callable[[float], Any]) -> dict[str, Any]:
    """Return ``map_to_dict`` data but the arguments and edges, the lists as long as the map."""
    return {
        "builder": m.builder,
        "input_hash": m.input_hash,
        "similarity": {
            key: number(value) if isinstance(value, float) else value
            for key, value in m.similarity.items()
        },
        "strength": {
            "semantics": m.strength.semantics,
            "base_score": number(m.strength.base_score),
            "rounds": m.strength.rounds,
            "converged": m.strength.converged,
        },
        "proposition": {
            "id": m.proposition.id,
            "text": m.proposition.text,
            "strength": number(m.proposition.strength),
        },
        "actors": [
            {
                "id": a.id,
                "actor_id": a.actor_id,
                "name": a.name,
                "kind": a.kind,
                "affiliation": a.affiliation,
                "aliases": list(a.aliases),
                "position": a.position,
                "span_count": a.span_count,
                "argument_count": a.argument_count,
                "documents": list(a.documents),
            }
            for a in m.actors
        ],
        "positions": [
            {
                "actor": p.actor,
                "name": p.name,
                "position": p.position,
                "sides": dict(p.sides),
                "arguments": dict(p.arguments),
            }
            for p in m.positions
        ],
        "notes": list(m.notes),
    }


def _argument_dict(n: ArgumentNode, number: Callable[[float], Any]) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "side": n.side,
        "text": n.text,
        "sources": [_source_dict(s) for s in n.sources],
        "merges": [
            {
                "span_id": step.span_id,
                "matched_span_id": step.matched_span_id,
                "score": number(step.score),
                "method": step.method,
                "basis": step.basis,
                "by": step.by,
                "at": step.at,
                "decision": step.decision,
            }
            for step in n.merges
        ],
        "curation": [
            {
                "decision": mark.decision,
                "kind": mark.kind,
                "by": mark.by,
                "at": mark.at,
                "span_ids": list(mark.span_ids),
            }
            for mark in n.curation
        ],
        "actors": list(n.actors),
        "documents": list(n.documents),
        "strength": number(n.strength),
    }


def _edge_dict(e: MapEdge) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "source": e.source,
        "target": e.target,
        "origin": e.origin,
        "count": e.count,
        "documents": list(e.documents),
        "relations": [
            {
                "source_span_id": r.source_span_id,
                "target_span_id": r.target_span_id,
                "type": r.type,
            }
            for r in e.relations
        ],
    }


def map_from_dict(data: Mapping[str, Any]) -> ArgumentMap:
    """Return the map stored as ``map_to_dict`` data, e.g. a saved version."""
    return ArgumentMap(
        builder=data["builder"],
        input_hash=data["input_hash"],
        similarity=dict(data["similarity"]),
        strength=StrengthReport(**data["strength"]),
        proposition=PropositionNode(**data["proposition"]),
        arguments=tuple(
            ArgumentNode(
                id=n["id"],
                kind=n["kind"],
                side=n["side"],
                text=n["text"],
                sources=tuple(SourceSpan(**s) for s in n["sources"]),
                merges=tuple(MergeStep(**step) for step in n["merges"]),
                actors=tuple(n["actors"]),
                documents=tuple(n["documents"]),
                strength=n["strength"],
                curation=tuple(
                    CurationNote(**{**mark, "span_ids": tuple(mark["span_ids"])})
                    for mark in n.get("curation", ())
                ),
            )
            for n in data["arguments"]
        ),
        actors=tuple(
            ActorNode(**{**a, "aliases": tuple(a["aliases"]), "documents": tuple(a["documents"])})
            for a in data["actors"]
        ),
        edges=tuple(
            MapEdge(
                **{
                    **e,
                    "documents": tuple(e["documents"]),
                    "relations": tuple(RelationSource(**r) for r in e["relations"]),
                }
            )
            for e in data["edges"]
        ),
        positions=tuple(
            ActorPosition(
                actor=p["actor"],
                name=p["name"],
                position=p["position"],
                sides=dict(p["sides"]),
                arguments=dict(p["arguments"]),
            )
            for p in data["positions"]
        ),
        notes=tuple(data["notes"]),
    )


def map_to_json(argument_map: ArgumentMap, *, cache: BuildCache | None = None) -> str:
    """Return the map as compact JSON with sorted keys, byte-identical for the same input.

    ``cache`` is the one the map was built with: the JSON of arguments and edges the last map
    written through it shares is taken from there; it never changes the text.
    """
    with collector_paused():
        fast = orjson_or_none(lambda: _orjson_map_dict(argument_map, cache))
        if fast is not None:
            return fast.decode("utf-8")
        return reference_json(map_to_dict(argument_map))


def map_to_json_bytes(argument_map: ArgumentMap, *, cache: BuildCache | None = None) -> bytes:
    """Return ``map_to_json(argument_map)`` encoded as UTF-8, without the detour through str."""
    with collector_paused():
        fast = orjson_or_none(lambda: _orjson_map_dict(argument_map, cache))
        if fast is not None:
            return fast
        return reference_json(map_to_dict(argument_map)).encode("utf-8")


def _orjson_map_dict(argument_map: ArgumentMap, cache: BuildCache | None) -> dict[str, Any]:
    """``map_to_dict`` data for orjson; with a cache, each argument and edge as its JSON text.

    A rebuild keeps nearly every argument and edge object of the last build, so their JSON is
    taken from the last map written instead of being written again: only the last map's is
    kept, each with the object it was written from (so an ``id`` is never taken for another's).
    """
    if cache is None:
        return _map_dict(argument_map, json_float)
    written = Memo(cache, "json")
    data = _map_dict(
        argument_map,
        json_float,
        arguments=_fragments(
            argument_map.arguments, written, lambda n: _argument_dict(n, json_float)
        ),
        edges=_fragments(argument_map.edges, written, _edge_dict),
    )
    written.remember()
    return data


# What ``Memo.get`` gives for an item not written by the last map: no item is None.
_UNWRITTEN = (None, None)


def _fragments(
    items: Sequence[Any], written: Memo, make: Callable[[Any], Any]
) -> list[orjson.Fragment]:
    """Return each item's JSON as a fragment: the last map's for the same object, else made.

    Each entry kept holds the object it was written from, so no other object has its id
    while it is kept. The look-ups run in C iterators: a rebuild makes a handful of the map's
    hundreds of thousands of items, and a Python step an item cost more than the writing.
    """
    keys = list(map(id, items))
    entries = list(map(written.get, keys, repeat(_UNWRITTEN)))
    for position in compress(count(), map(is_not, map(itemgetter(0), entries), items)):
        item = items[position]
        entries[position] = (item, kept_fragment(make(item), orjson.OPT_SORT_KEYS))
    written.keep_all(zip(keys, entries, strict=True))
    return list(map(itemgetter(1), entries))


# Arguments or edges written by one orjson call: a call an item costs more than its writing,
# a call for the whole list holds every item's dict and the list's whole text at once.
_BATCH = 1024


def map_json_pieces(argument_map: ArgumentMap) -> Iterator[bytes]:
    """Yield ``map_to_json_bytes(argument_map)`` in pieces: joined, its very bytes.

    Arguments and edges are written a batch at a time, each item's dict made only for its
    batch, so the map's whole text and a dict of every item (each about as large as the map's
    objects) never exist at once; the caller cuts the pieces into chunks as they come
    (``maps.chunks.chunks_of``).
    """
    heads: dict[Callable[[float], Any], dict[str, Any]] = {}

    def head(number: Callable[[float], Any]) -> dict[str, Any]:
        if number not in heads:
            heads[number] = _map_head(argument_map, number)
        return heads[number]

    lists: dict[str, tuple[Sequence[Any], Callable[[Any, Callable[[float], Any]], Any]]] = {
        "arguments": (argument_map.arguments, _argument_dict),
        "edges": (argument_map.edges, lambda e, _number: _edge_dict(e)),
    }
    opening = b"{"
    for key in sorted(_MAP_KEYS):
        yield opening + orjson.dumps(key) + b":"
        opening = b","
        if key not in lists:
            yield _canonical(lambda number, key=key: head(number)[key])
            continue
        items, make = lists[key]
        yield b"["
        for start in range(0, len(items), _BATCH):
            batch = items[start : start + _BATCH]
            text = _canonical(
                lambda number, batch=batch, make=make: [make(item, number) for item in batch]
            )
            yield (b"," if start else b"") + text[1:-1]
        yield b"]"
    yield b"}"


def _canonical(make: Callable[[Callable[[float], Any]], Any]) -> bytes:
    """Return the canonical JSON of ``make(number)``'s value: orjson's with ``json_float``,
    else ``json``'s with the floats as they are (``map_to_json_bytes`` does the same)."""
    fast = orjson_or_none(lambda: make(json_float))
    if fast is not None:
        return fast
    return reference_json(make(same)).encode("utf-8")
