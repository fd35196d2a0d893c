"""The one narrow door through which the map builder reads annotations: a debate's gold layer.

It returns the builder's plain input (``maps.builder.MapInput``), so the builder never sees
the ORM and the map job never sees how annotations are stored. ``layer_map_input`` turns
another layer of the same debate (an annotator's, or the majority vote) into the same input,
to compare its map with gold's.
"""

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from annotations.models import Relation, Span
from annotations.review.agreement import AnnotatedDocument
from debate.models import Debate, DocumentStatus
from maps.builder import (
    BuildCache,
    CurationDecision,
    GoldRelation,
    GoldSpan,
    MapActor,
    MapDocument,
    MapInput,
    MapScheme,
    Memo,
)
from maps.models import MergeDecision


def gold_map_input(*, debate: Debate, cache: BuildCache | None = None) -> MapInput:
    """Return the gold spans and relations of a debate's adjudicated documents, and its
    reviewers' merge decisions not undone, as map input.

    With the worker's ``cache``, a document, span or relation whose row is the same as in the
    last read is the same object as then: the builder recognises it by identity, which is much
    cheaper than by its values, and redoes only what new objects change.
    """
    rows = Memo(cache, "gold rows")
    documents = _interned(
        rows,
        (
            ("document", pk, title, None if day is None else day.isoformat())
            for pk, title, day in debate.documents.filter(status=DocumentStatus.ADJUDICATED)
            .order_by("pk")
            .values_list("pk", "title", "published")
        ),
        lambda row: MapDocument(*row[1:]),
    )
    gold = {"document__debate": debate, "document__status": DocumentStatus.ADJUDICATED}
    # The columns in GoldSpan's field order, so each row makes one positionally (100k rows:
    # keyword arguments were a noticeable part of reading the layer). A row is its own key:
    # every value of the span is in it.
    spans = _interned(
        rows,
        Span.objects.filter(annotator__isnull=True, **gold)
        .order_by("pk")
        .values_list("pk", "document_id", "start", "end", "quote", "stance", "role", "actor_id")
        .iterator(chunk_size=5000),
        lambda row: GoldSpan(*row),
    )
    relations = _interned(
        rows,
        (
            ("relation", *row)
            for row in Relation.objects.filter(annotator__isnull=True, **gold)
            .order_by("pk")
            .values_list("source_id", "target_id", "type")
        ),
        lambda row: GoldRelation(*row[1:]),
    )
    actors = [
        MapActor(id=pk, name=name, kind=kind, affiliation=affiliation, aliases=tuple(aliases))
        for pk, name, kind, affiliation, aliases in debate.actors.order_by("pk").values_list(
            "pk", "name", "kind", "affiliation", "aliases"
        )
    ]
    decisions = [
        CurationDecision(
            id=pk,
            kind=kind,
            spans=tuple(spans),
            other_spans=tuple(other_spans),
            by=username,
            at=at.isoformat(),
        )
        for pk, kind, spans, other_spans, username, at in MergeDecision.objects.filter(
            debate=debate, undone_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "kind", "spans", "other_spans", "by__username", "at")
    ]
    rows.remember()
    return MapInput(
        proposition=debate.proposition,
        scheme=MapScheme.from_dict(debate.scheme),
        actors=actors,
        documents=documents,
        spans=spans,
        relations=relations,
        decisions=decisions,
    )


def _interned(rows: Memo, keys: Iterable[tuple], make: Callable[[tuple], Any]) -> list:
    """Return the object of each row: the last read's for the same row (every value of the
    object is in its row), else ``make(row)``; keep them for the next read."""
    get, keep = rows.get, rows.keep
    made = []
    for key in keys:
        found = get(key) or make(key)  # the objects are dataclasses, never false
        keep(key, found)
        made.append(found)
    return made


def layer_map_input(gold: MapInput, documents: Iterable[AnnotatedDocument]) -> MapInput:
    """Return another layer of the debate as map input: its spans and relations in ``gold``'s.

    The proposition, scheme, actors and documents are those of the gold input, read once for
    every layer compared with it; spans must carry their quotes (``adjudicated_layers``).
    """
    spans: list[GoldSpan] = []
    relations: list[GoldRelation] = []
    for document in documents:
        spans.extend(
            GoldSpan(s.id, document.id, s.start, s.end, s.quote, s.stance, s.role, s.actor)
            for s in document.spans
        )
        relations.extend(GoldRelation(r.source, r.target, r.type) for r in document.relations)
    return replace(gold, spans=spans, relations=relations)
