"""Input hashes and ids: what makes a version findable by its input and ids stable.

``input_hash`` is the SHA-256 of a canonical serialisation of the input and the builder's
settings, so a job can refuse to create a second version for the same input. An argument's id
is a hash of its anchor (its first source in (document, start, end) order) with its kind and
side; an edge's id is a hash of its ends and kind. Adding an unrelated span changes no existing
id; a new paraphrase changes its node's id only when it precedes the anchor in that order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson

from core.memory import collector_paused
from maps.builder.cache import BuildCache, Memo, records_in_order
from maps.builder.json_text import (
    json_float,
    kept_fragment,
    orjson_or_none,
    reference_json,
    same,
)
from maps.builder.model import BUILDER_VERSION, DEFAULT_BASE_SCORE, GoldRelation, GoldSpan, MapInput
from maps.builder.similarity import DEFAULT_SIMILARITY, ClaimSimilarity

# ``digest`` is a pure function of immutable values: its cache only saves work (a rebuild asks
# for the same ids again), never changes a result, and is bounded. ``id_key`` has none: making
# the key costs what looking it up in a cache does.


def id_key(value: str) -> tuple[int, int, str]:
    """Return the sort key of an id: database ids are integers, so "10" follows "9"."""
    if value.isascii() and value.isdigit():
        return (0, int(value), value)
    return (1, 0, value)


def sorted_ids(ids: set[str] | frozenset[str]) -> tuple[str, ...]:
    """Return ids in ``id_key`` order (most sets of an argument's or edge's documents hold
    one, which needs no sort, and is one tuple object for every edge that names it)."""
    if len(ids) > 1:
        return tuple(sorted(ids, key=id_key))
    return _one(*ids) if ids else ()


@lru_cache(maxsize=1 << 18)
def _one(value: str) -> tuple[str]:
    return (value,)


# Typed: 1 and 1.0 are different parts ("1" and "1.0").
@lru_cache(maxsize=1 << 18, typed=True)
def digest(*parts: object) -> str:
    """Return the 16-hex-digit id hash of some parts, each written with ``str``."""
    text = "\x1f".join(map(str, parts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def digest_for(cache: object | None) -> Callable[..., str]:
    """Return ``digest`` for a build with a ``BuildCache``, and without its cache for one
    without: such a build is a first build, which never asks for an id twice, so the cache
    would only cost its look-ups and hold up to its size in ids."""
    return digest if cache is not None else digest.__wrapped__


def canonical_input(
    data: MapInput,
    similarity: ClaimSimilarity,
    base_score: float,
    number: Callable[[float], Any] = same,
    cache: BuildCache | None = None,
) -> dict[str, Any]:
    """Return the input and settings as plain data in one order, whatever the input order.

    With a cache (for orjson only), each span and relation is its JSON text, the last hash's
    for the same object (``_rows``).
    """
    scheme = data.scheme
    return {
        "builder": BUILDER_VERSION,
        "similarity": {"method": similarity.method, "threshold": number(similarity.threshold)},
        "base_score": number(base_score),
        "proposition": data.proposition,
        "scheme": {
            "stance_sides": dict(sorted(scheme.stance_sides.items())),
            "relation_polarities": dict(sorted(scheme.relation_polarities.items())),
            "claim_roles": sorted(scheme.claim_roles),
        },
        "actors": sorted(
            ([str(a.id), a.name, a.kind, a.affiliation, sorted(a.aliases)] for a in data.actors),
            key=lambda row: id_key(row[0]),
        ),
        "documents": sorted(
            ([str(d.id), d.title, d.published] for d in data.documents),
            key=lambda row: id_key(row[0]),
        ),
        "spans": _rows(data.spans, _span_row, lambda row: id_key(row[0]), cache, "span rows"),
        "relations": _rows(data.relations, _relation_row, None, cache, "relation rows"),
        # Reviewers' merge decisions shape the map, so each one is part of its input.
        "decisions": sorted(
            (
                [
                    str(d.id),
                    d.kind,
                    sorted((str(s) for s in d.spans), key=id_key),
                    sorted((str(s) for s in d.other_spans), key=id_key),
                    d.by,
                    d.at,
                ]
                for d in data.decisions
            ),
            key=lambda row: id_key(row[0]),
        ),
    }


def _span_row(s: GoldSpan) -> list[Any]:
    actor = None if s.actor_id is None else str(s.actor_id)
    return [str(s.id), str(s.document_id), s.start, s.end, s.quote, s.stance, s.role, actor]


def _relation_row(r: GoldRelation) -> list[Any]:
    return [str(r.source_id), str(r.target_id), r.type]


def _rows(
    items: Sequence[Any],
    row: Callable[[Any], list[Any]],
    key: Callable[[list[Any]], Any] | None,
    cache: BuildCache | None,
    name: str,
) -> list[Any]:
    """Return the items' rows sorted by ``key`` (by the rows themselves when None).

    With a cache, each row is its orjson text (a ``Fragment``), kept with its sort key in the
    items' order, so the next hash takes those of the same items from there
    (``records_in_order``).
    """
    if cache is None:
        return sorted((row(item) for item in items), key=key)

    def entry(item: Any) -> tuple[Any, orjson.Fragment]:
        values = row(item)
        return (values if key is None else key(values), kept_fragment(values))

    known = Memo(cache, name)
    items = list(items)
    old_items, old_entries = known.get(None) or ((), ())
    entries, _, _ = records_in_order(old_items, old_entries, items, entry)
    # The items are kept with their entries: an item with a kept item's id is that item.
    known.keep(None, (items, entries))
    known.remember()
    # Nearly sorted already (the gold layer is read in id order): a linear pass.
    return [entry[1] for entry in sorted(entries, key=itemgetter(0))]


def input_hash(
    data: MapInput,
    *,
    similarity: ClaimSimilarity = DEFAULT_SIMILARITY,
    base_score: float = DEFAULT_BASE_SCORE,
    cache: BuildCache | None = None,
) -> str:
    """Return the SHA-256 of the canonical serialisation of a build's input and settings.

    ``cache`` (a worker's) keeps each span's and relation's JSON text for the next hash; it
    never changes the hash.
    """
    with collector_paused():
        text = orjson_or_none(
            lambda: canonical_input(data, similarity, base_score, json_float, cache)
        )
        if text is None:
            text = reference_json(canonical_input(data, similarity, base_score)).encode("utf-8")
    return hashlib.sha256(text).hexdigest()
