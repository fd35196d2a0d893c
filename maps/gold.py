"""The one narrow door through which the map builder reads annotations: a debate's gold layer.

It returns the builder's plain input (``maps.builder.MapInput``), so the builder never sees
the ORM and the map job never sees how annotations are stored. ``layer_map_input`` turns
another layer of the same debate (an annotator's, or the majority vote) into the same input,
to compare its map with gold's.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from django.db.models import QuerySet

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

    With the worker's ``cache``, only the documents whose gold changed since the last read are
    read again (``_gold_by_document``); the others' documents, spans and relations are the
    same objects as then, which the builder recognises by identity, much more cheaply than by
    their values, and it redoes only what new objects change.
    """
    rows = Memo(cache, "gold rows")
    # Each document's gold revision, read before its rows (annotations.gold_revisions).
    revisions: dict[int, int | None] = {}

    def document_rows() -> Iterator[tuple]:
        for pk, title, day, revision in (
            debate.documents.filter(status=DocumentStatus.ADJUDICATED)
            .order_by("pk")
            .values_list("pk", "title", "published", "gold_revision__revision")
        ):
            revisions[pk] = revision
            yield ("document", pk, title, None if day is None else day.isoformat())

    documents = _interned(rows, document_rows(), lambda row: MapDocument(*row[1:]))
    gold = {"document__debate": debate, "document__status": DocumentStatus.ADJUDICATED}
    span_rows = Span.objects.filter(annotator__isnull=True, **gold)
    relation_rows = Relation.objects.filter(annotator__isnull=True, **gold)
    shared = _Shared()
    if cache is None:
        spans = list(map(shared.span, _span_values(span_rows)))
        relations = list(map(shared.relation, _relation_values(relation_rows)))
    else:
        spans, relations = _gold_by_document(
            documents, revisions, span_rows, relation_rows, cache, shared
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


# A span's columns in GoldSpan's field order, so each row makes one positionally (100k rows:
# keyword arguments were a noticeable part of reading the layer); a relation's, its id and
# document, then GoldRelation's fields. Each row's document id is second.
_SPAN_COLUMNS = ("pk", "document_id", "start", "end", "quote", "stance", "role", "actor_id")
_RELATION_COLUMNS = ("pk", "document_id", "source_id", "target_id", "type")
# Keys per query: SQLite allows 32,766 parameters a statement.
_CHUNK = 5000


class _Shared(dict[str, str]):
    """One string object for each of the few words gold rows repeat (stances, roles, relation
    types) in one read: the database driver makes a new one every row, two for every span."""

    def span(self, row: tuple) -> GoldSpan:
        pk, document_id, start, end, quote, stance, role, actor_id = row
        stance, role = self.setdefault(stance, stance), self.setdefault(role, role)
        return GoldSpan(pk, document_id, start, end, quote, stance, role, actor_id)

    def relation(self, row: tuple) -> GoldRelation:
        _, _, source_id, target_id, kind = row
        return GoldRelation(source_id, target_id, self.setdefault(kind, kind))


def _span_values(rows: QuerySet) -> Iterator[tuple]:
    return rows.order_by("pk").values_list(*_SPAN_COLUMNS).iterator(chunk_size=_CHUNK)


def _relation_values(rows: QuerySet) -> Iterator[tuple]:
    return rows.order_by("pk").values_list(*_RELATION_COLUMNS).iterator(chunk_size=_CHUNK)


def _gold_by_document(
    documents: list[MapDocument],
    revisions: Mapping[int, int | None],
    span_rows: QuerySet,
    relation_rows: QuerySet,
    cache: BuildCache,
    shared: _Shared,
) -> tuple[list[GoldSpan], list[GoldRelation]]:
    """Return the gold spans and relations of the documents, document by document, reading
    only those of documents whose gold revision is not the one the last read found.

    A document's gold revision (``GoldRevision``, given anew by the database's triggers in
    every statement that writes one of its gold rows) was read before its rows, so what is
    read is kept under a revision no newer than the rows: a row that changes between the two
    reads leaves a newer revision, and the document is read again next time, never kept
    stale. An unchanged document costs nothing but its revision, read with its title.
    """
    blocks = Memo(cache, "gold of documents")
    found: dict = {}
    missing = []
    for document in documents:
        key = (document.id, revisions[document.id])
        block = blocks.get(key)
        if block is None:
            missing.append(document.id)
        else:
            found[document.id] = (key, block)
    if missing:
        found.update(
            _read_documents(span_rows, relation_rows, missing, len(documents), revisions, shared)
        )
    spans: list[GoldSpan] = []
    relations: list[GoldRelation] = []
    for document in documents:
        key, (document_spans, document_relations) = found[document.id]
        blocks.keep(key, (document_spans, document_relations))
        spans.extend(document_spans)
        relations.extend(document_relations)
    blocks.remember()
    return spans, relations


def _read_documents(
    span_rows: QuerySet,
    relation_rows: QuerySet,
    ids: list,
    all_documents: int,
    revisions: Mapping[int, int | None],
    shared: _Shared,
) -> dict:
    """Return each document's (key, (spans, relations)), the key its revision read before."""
    span_values: dict = {pk: [] for pk in ids}
    relation_values: dict = {pk: [] for pk in ids}
    # Every document (a first build): the debate's rows, not a list of ten thousand ids.
    parts = [ids] if len(ids) == all_documents else _chunks(ids)
    for part in parts:
        narrowed = len(ids) != all_documents
        for values, rows, read in (
            (span_values, span_rows, _span_values),
            (relation_values, relation_rows, _relation_values),
        ):
            for row in read(rows.filter(document_id__in=part) if narrowed else rows):
                if row[1] in values:
                    values[row[1]].append(row)
    return {
        pk: (
            (pk, revisions[pk]),
            (
                tuple(map(shared.span, span_values[pk])),
                tuple(map(shared.relation, relation_values[pk])),
            ),
        )
        for pk in ids
    }


def _chunks(ids: list) -> Iterator[list]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


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
