"""Reads for span exports: filtered, chunked, in one consistent snapshot.

Spans come out of one query ordered by document, layer (gold first) and text order; their
relations out of a second query in document order, read in step, both streamed by Django's
chunked iterators in one snapshot (``core.db.snapshot``), timestamps written as text by the
database (``core.db.timestamps``). Each chunk of ``CHUNK_SIZE`` spans costs one query
for its new documents and one for unknown usernames. Nothing held grows with the size of
the export: one chunk, the documents it touches and their relations, and the debate's
actors and usernames.

The JSON Lines body has the database write every line where it can (``lines``,
``core.db.json_lines``), holding one 64 KB block.
"""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.utils import timezone

from annotations.exports.lines import export_lines_query
from annotations.fields import SPAN_VALUES, span_column
from annotations.formats.jsonl import jsonl_body
from annotations.formats.rows import ExportActor, ExportDocument, ExportRelation, ExportSpan
from annotations.models import GOLD, Relation, Span
from annotations.selectors import ALL
from core.db.json_lines import json_lines
from core.db.snapshot import read_snapshot
from core.db.timestamps import UtcIsoText, utc_iso
from core.memory import collector_paused
from debate.models import Actor, Debate, Document, Membership
from debate.permissions import DebateAccess

CHUNK_SIZE = 2000
DOCUMENTS_PER_BATCH = 50  # JSON Lines on PostgreSQL: documents a connection writes in turn
SOFTWARE = "Debatemap"

# A span's row in an export: ``ExportSpan``'s fields, the values as ``fields.SPAN_VALUES``.
_SPAN_COLUMNS = (
    "id",
    "document_id",
    "annotator_id",
    *(span_column(name) for name in SPAN_VALUES),
    "version",
    "created_by_id",
    "created_iso",
    "updated_iso",
)


@dataclass(frozen=True)
class ExportFilters:
    """Which spans an export holds; every filter narrows, none given means the whole debate."""

    layer: str = ALL
    documents: tuple[int, ...] = ()
    published_after: date | None = None
    published_before: date | None = None
    updated_since: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the filters as plain JSON data, for provenance."""
        return {
            "layer": self.layer,
            "documents": list(self.documents),
            "published_after": None if self.published_after is None else str(self.published_after),
            "published_before": (
                None if self.published_before is None else str(self.published_before)
            ),
            "updated_since": (
                None if self.updated_since is None else self.updated_since.isoformat()
            ),
        }


def export_refusal(*, access: DebateAccess) -> str | None:
    """Return why a member may not export a debate's spans, or None when they may.

    An export holds every layer of the documents it covers; only those who read every layer
    (reviewers, managers, researchers) take one. Annotators work through the span API, which
    shows them their own layer.
    """
    if access.reads_all_layers:
        return None
    return "Only reviewers, managers and researchers of this debate export its annotations."


def export_layer_known(*, debate: Debate, layer: str) -> bool:
    """Return whether a layer name (gold, all or a username) names a layer of the debate."""
    if layer in (GOLD, ALL):
        return True
    return (
        Membership.objects.filter(debate=debate, user__username=layer).exists()
        or Span.objects.filter(document__debate=debate, annotator__username=layer).exists()
    )


def export_unknown_documents(*, debate: Debate, ids: tuple[int, ...]) -> list[int]:
    """Return those of ``ids`` that are not documents of the debate."""
    found = set(Document.objects.filter(debate=debate, pk__in=ids).values_list("pk", flat=True))
    return sorted(set(ids) - found)


def _in_export(queryset: QuerySet, *, debate: Debate, filters: ExportFilters, source: str = ""):
    """Narrow spans (or, with ``source="source__"``, relations by their source) to an export."""
    queryset = queryset.filter(document__debate=debate)
    if filters.layer == GOLD:
        queryset = queryset.filter(annotator__isnull=True)
    elif filters.layer != ALL:
        queryset = queryset.filter(annotator__username=filters.layer)
    if filters.documents:
        queryset = queryset.filter(document_id__in=filters.documents)
    if filters.published_after is not None:
        queryset = queryset.filter(document__published__gte=filters.published_after)
    if filters.published_before is not None:
        queryset = queryset.filter(document__published__lte=filters.published_before)
    if filters.updated_since is not None:
        queryset = queryset.filter(**{f"{source}updated_at__gte": filters.updated_since})
    return queryset


def iso_time(value: datetime) -> str:
    """Return a stored timestamp as the export writes it: UTC, microseconds, +00:00."""
    return utc_iso(value)


def export_span_queryset(*, debate: Debate, filters: ExportFilters) -> QuerySet:
    """Return the filtered spans of a debate as rows, in export order.

    No visibility filter is applied: the caller has checked ``export_refusal``, and for those
    who read every layer ``Span.objects.visible_to`` is the whole debate.
    """
    spans = _in_export(Span.objects.all(), debate=debate, filters=filters)
    return (
        spans.annotate(created_iso=UtcIsoText("created_at"), updated_iso=UtcIsoText("updated_at"))
        .order_by("document_id", F("annotator_id").asc(nulls_first=True), "start", "end", "id")
        .values_list(*_SPAN_COLUMNS)
    )


def export_relation_queryset(*, debate: Debate, filters: ExportFilters) -> QuerySet:
    """Return the relations going out of an export's spans, by document then source."""
    relations = _in_export(
        Relation.objects.all(), debate=debate, filters=filters, source="source__"
    )
    return relations.order_by("document_id", "source_id", "id").values_list(
        "document_id", "source_id", "id", "type", "target_id"
    )


def _load_actors(debate: Debate, pks: set[int] | None = None) -> list[ExportActor]:
    actors = Actor.objects.filter(debate=debate)
    if pks is not None:
        actors = actors.filter(pk__in=pks)
    return [
        ExportActor(id=pk, name=name, kind=kind, affiliation=affiliation, aliases=list(aliases))
        for pk, name, kind, affiliation, aliases in actors.order_by("id").values_list(
            "id", "name", "kind", "affiliation", "aliases"
        )
    ]


def export_actors(*, debate: Debate) -> list[ExportActor]:
    """Return every actor of the debate, by id."""
    return _load_actors(debate)


def export_provenance(
    *, debate: Debate, filters: ExportFilters, format: str, by: str, now: datetime | None = None
) -> dict[str, Any]:
    """Return where an export comes from: debate, filters, time, exporter and software."""
    now = now or timezone.now()
    return {
        "software": {"name": SOFTWARE, "version": settings.DEBATEMAP_VERSION},
        "debate": {"slug": debate.slug, "title": debate.title, "proposition": debate.proposition},
        "scheme": debate.scheme,
        "format": format,
        "filters": filters.as_dict(),
        "exported_at": now.isoformat(),
        "exported_by": by,
        "offsets": "Unicode code points into the NFC-normalised text, half-open [start, end)",
    }


def _load_documents(ids: set[int], *, with_text: bool) -> dict[int, ExportDocument]:
    columns = ["id", "sha256", "title", "source", "url", "published"]
    rows = Document.objects.filter(pk__in=ids).values_list(
        *columns, *(["text"] if with_text else [])
    )
    return {
        row[0]: ExportDocument(
            id=row[0],
            sha256=row[1],
            title=row[2],
            source=row[3],
            url=row[4],
            published=row[5],
            text=row[6] if with_text else None,
        )
        for row in rows
    }


def _row_chunks(rows: QuerySet, size: int) -> Iterator[list[tuple]]:
    """Yield a query's rows in lists of ``size``, streamed by Django's chunked iterator."""
    iterator = rows.iterator(chunk_size=size)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _RelationsByDocument:
    """The outgoing relations of the spans of the documents being exported, read in step.

    Relations and spans both come in document order, so holding one document's relations at
    a time is enough, however many the export has.
    """

    def __init__(self, rows: Iterator[list[tuple]]):
        self._rows = itertools.chain.from_iterable(rows)
        self._next = next(self._rows, None)
        self.held: dict[int, dict[int, list[ExportRelation]]] = {}

    def read_through(self, first: int, last: int) -> None:
        """Hold the relations of the documents ``first`` to ``last``; drop earlier ones.

        ``first`` is the chunk's first document, whose spans may have begun in the chunk
        before: its relations stay held until a chunk starts past it
        (test_relations_of_a_document_split_between_chunks_are_kept).
        """
        for held in [pk for pk in self.held if pk < first]:
            del self.held[held]
        while self._next is not None and self._next[0] <= last:
            document, source, pk, kind, target = self._next
            self.held.setdefault(document, {}).setdefault(source, []).append(
                ExportRelation(id=pk, type=kind, target=target)
            )
            self._next = next(self._rows, None)


NO_RELATIONS: dict[int, list[ExportRelation]] = {}


def export_spans(**kwargs) -> Iterator[ExportSpan]:
    """Yield the spans of an export one by one; see ``export_span_chunks``."""
    return itertools.chain.from_iterable(export_span_chunks(**kwargs))


def export_span_chunks(
    *,
    access: DebateAccess,
    debate: Debate,
    filters: ExportFilters,
    actors: list[ExportActor],
    with_text: bool,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[list[ExportSpan]]:
    """Yield the spans of an export in lists, in order, with their relations and document.

    A generator: nothing is read until the first span is asked for, and the snapshot's
    transaction ends when the generator is exhausted or closed.
    """
    refusal = export_refusal(access=access)
    if refusal:
        raise PermissionDenied(refusal)
    rows = export_span_queryset(debate=debate, filters=filters)
    relation_rows = export_relation_queryset(debate=debate, filters=filters)
    actor_by_id = {actor.id: actor for actor in actors}
    usernames: dict[int, str] = {}
    documents: dict[int, ExportDocument] = {}
    users = get_user_model().objects
    with read_snapshot():
        relations = _RelationsByDocument(_row_chunks(relation_rows, chunk_size))
        for chunk in _row_chunks(rows, chunk_size):
            document_ids = {row[1] for row in chunk}
            # Keep only the documents this chunk still needs; spans come document by document.
            documents = {pk: doc for pk, doc in documents.items() if pk in document_ids}
            missing = document_ids - documents.keys()
            if missing:
                documents.update(_load_documents(missing, with_text=with_text))
            user_ids = {row[2] for row in chunk if row[2] is not None} | {row[11] for row in chunk}
            missing_users = user_ids - usernames.keys()
            if missing_users:
                usernames.update(users.filter(pk__in=missing_users).values_list("pk", "username"))
            with collector_paused():
                relations.read_through(chunk[0][1], chunk[-1][1])
            missing_actors = {row[8] for row in chunk if row[8] is not None} - actor_by_id.keys()
            if missing_actors:
                # Added after the actor list was read: the spans still name them.
                actor_by_id.update(
                    (actor.id, actor) for actor in _load_actors(debate, pks=missing_actors)
                )
            span = ExportSpan
            held = relations.held
            with collector_paused():  # a chunk makes thousands of objects and no cycles
                rows = [
                    span(
                        pk,
                        documents[document_id],
                        GOLD if annotator_id is None else usernames[annotator_id],
                        None if annotator_id is None else usernames[annotator_id],
                        start,
                        end,
                        quote,
                        stance,
                        role,
                        None if actor_id is None else actor_by_id[actor_id],
                        note,
                        version,
                        usernames[created_by_id],
                        created_at,
                        updated_at,
                        held.get(document_id, NO_RELATIONS).pop(pk, []),
                    )
                    for (
                        pk,
                        document_id,
                        annotator_id,
                        start,
                        end,
                        quote,
                        stance,
                        role,
                        actor_id,
                        note,
                        version,
                        created_by_id,
                        created_at,
                        updated_at,
                    ) in chunk
                ]
            yield rows


def export_jsonl_body(
    *,
    access: DebateAccess,
    debate: Debate,
    filters: ExportFilters,
    actors: list[ExportActor],
    chunk_size: int = CHUNK_SIZE,
    documents_per_batch: int = DOCUMENTS_PER_BATCH,
) -> Iterator[bytes]:
    """Yield the document and span lines of a JSON Lines export, in blocks of bytes.

    Where the database writes the lines (``exports.lines``) the blocks are passed on as
    they arrive; elsewhere ``jsonl_body`` writes them from ``export_span_chunks``. Both give
    the same bytes. A generator: nothing is read until the first block is asked for.
    """
    refusal = export_refusal(access=access)
    if refusal:
        raise PermissionDenied(refusal)
    yield from json_lines(
        query=lambda: export_lines_query(debate=debate, filters=filters),
        portable=lambda: jsonl_body(
            export_span_chunks(
                access=access,
                debate=debate,
                filters=filters,
                actors=actors,
                with_text=True,
                chunk_size=chunk_size,
            )
        ),
        batch_size=documents_per_batch,
    )


__all__ = [
    "ALL",
    "ExportFilters",
    "export_actors",
    "export_jsonl_body",
    "export_layer_known",
    "export_provenance",
    "export_refusal",
    "export_relation_queryset",
    "export_span_chunks",
    "export_span_queryset",
    "export_spans",
    "export_unknown_documents",
    "iso_time",
]
