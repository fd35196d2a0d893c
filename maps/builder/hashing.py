"""Input hashes and ids: what makes a version findable by its input and ids stable.

``input_hash`` is the SHA-256 of a canonical serialisation of the input and the builder's
settings, so a job can refuse to create a second version for the same input. An argument's id
is a hash of its anchor (its first source in (document, start, end) order) with its kind and
side; an edge's id is a hash of its ends and kind. Adding an unrelated span changes no existing
id; a new paraphrase changes its node's id only when it precedes the anchor in that order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from core.memory import collector_paused
from maps.builder.json_text import json_float, orjson_or_none, reference_json, same
from maps.builder.model import BUILDER_VERSION, DEFAULT_BASE_SCORE, MapInput
from maps.builder.similarity import DEFAULT_SIMILARITY, ClaimSimilarity

# ``id_key`` and ``digest`` are pure functions of immutable values: their caches only save
# work (a rebuild asks for the same keys and ids again), never change a result, and are bounded.


@lru_cache(maxsize=1 << 18)
def id_key(value: str) -> tuple[int, int, str]:
    """Return the sort key of an id: database ids are integers, so "10" follows "9"."""
    if value.isascii() and value.isdigit():
        return (0, int(value), value)
    return (1, 0, value)


# Typed: 1 and 1.0 are different parts ("1" and "1.0").
@lru_cache(maxsize=1 << 18, typed=True)
def digest(*parts: object) -> str:
    """Return the 16-hex-digit id hash of some parts, each written with ``str``."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def canonical_input(
    data: MapInput,
    similarity: ClaimSimilarity,
    base_score: float,
    number: Callable[[float], Any] = same,
) -> dict[str, Any]:
    """Return the input and settings as plain data in one order, whatever the input order."""
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
        "spans": sorted(
            (
                [
                    str(s.id),
                    str(s.document_id),
                    s.start,
                    s.end,
                    s.quote,
                    s.stance,
                    s.role,
                    None if s.actor_id is None else str(s.actor_id),
                ]
                for s in data.spans
            ),
            key=lambda row: id_key(row[0]),
        ),
        "relations": sorted([str(r.source_id), str(r.target_id), r.type] for r in data.relations),
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


def input_hash(
    data: MapInput,
    *,
    similarity: ClaimSimilarity = DEFAULT_SIMILARITY,
    base_score: float = DEFAULT_BASE_SCORE,
) -> str:
    """Return the SHA-256 of the canonical serialisation of a build's input and settings."""
    with collector_paused():
        text = orjson_or_none(lambda: canonical_input(data, similarity, base_score, json_float))
        if text is None:
            text = reference_json(canonical_input(data, similarity, base_score)).encode("utf-8")
    return hashlib.sha256(text).hexdigest()
