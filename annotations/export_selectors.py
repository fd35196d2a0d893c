"""Reads for span exports: filtered, chunked, in one consistent snapshot.

Spans come out of one query ordered by document, layer (gold first) and text order; their
relations out of a second query in document order, read in step. On PostgreSQL both are
server-side cursors on the driver (binary rows, ISO timestamps written by the server) in one
REPEATABLE READ transaction; on SQLite, Django's chunked iterators. Each chunk of
``CHUNK_SIZE`` spans costs one query for its new documents and one for unknown usernames.
Nothing held grows with the size of the export: one chunk, the documents it touches and
their relations, and the debate's actors and usernames.

The JSON Lines body on PostgreSQL skips all of that: ``export_jsonl_body`` has the database
write each line and streams them with COPY, holding one 64 KB block.
"""

import itertools
import json
import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import CharField, F, Func, QuerySet
from django.utils import timezone

from annotations.exports import (
    BLOCK_BYTES,
    ExportActor,
    ExportDocument,
    ExportRelation,
    ExportSpan,
    jsonl_body,
)
from annotations.models import GOLD, Relation, Span
from core.memory import collector_paused
from debate.models import Actor, Debate, Document, Membership
from debate.permissions import DebateAccess

logger = logging.getLogger(__name__)

ALL = "all"
CHUNK_SIZE = 2000
DOCUMENTS_PER_BATCH = 50  # JSON Lines on PostgreSQL: documents a connection writes in turn
HELPER_QUEUE_BLOCKS = 32  # blocks of the second connection waiting for their turn (2 MB)
SOFTWARE = "Debatemap"

_SPAN_COLUMNS = (
    "id",
    "document_id",
    "annotator_id",
    "start",
    "end",
    "quote",
    "stance",
    "role",
    "actor_id",
    "note",
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


def _iso(field: str):
    if connection.vendor == "postgresql":
        # PostgreSQL writes the ISO 8601 text itself: parsing a timestamp into Python and
        # formatting it back costs more than the rest of a span's row. Always six digits of
        # microseconds and +00:00, exactly as iso_time writes it on SQLite.
        return Func(
            F(field),
            template=(
                "to_char(%(expressions)s AT TIME ZONE 'UTC', "
                '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\')'
            ),
            output_field=CharField(),
        )
    return F(field)


def iso_time(value: datetime) -> str:
    """Return a stored timestamp as the export writes it: UTC, microseconds, +00:00."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def export_span_queryset(*, debate: Debate, filters: ExportFilters) -> QuerySet:
    """Return the filtered spans of a debate as rows, in export order.

    No visibility filter is applied: the caller has checked ``export_refusal``, and for those
    who read every layer ``Span.objects.visible_to`` is the whole debate.
    """
    spans = _in_export(Span.objects.all(), debate=debate, filters=filters)
    return (
        spans.annotate(created_iso=_iso("created_at"), updated_iso=_iso("updated_at"))
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


@contextmanager
def _snapshot():
    """Read in one transaction: a server-side cursor needs it, and all chunks agree.

    On PostgreSQL a fresh transaction is made REPEATABLE READ, so the relations and documents
    fetched for later chunks are those of the moment the export started. Yields whether the
    transaction is the export's own (not one the caller had open, which may hold writes no
    other connection sees).
    """
    fresh = not connection.in_atomic_block
    with transaction.atomic():
        if fresh and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield fresh


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


def _row_chunks(rows: QuerySet, chunk_size: int, name: str) -> Iterator[list[tuple]]:
    """Yield a query's rows in lists of ``chunk_size``, from a cursor that streams them.

    On PostgreSQL the rows come from a server-side cursor opened on the driver itself, with
    binary results: Django's row iteration would double the cost of an export.
    """
    if connection.vendor != "postgresql":
        iterator = rows.iterator(chunk_size=chunk_size)
        while chunk := list(islice(iterator, chunk_size)):
            yield chunk
        return
    sql, params = rows.query.sql_with_params()
    connection.ensure_connection()
    with connection.connection.cursor(name=name, binary=True) as cursor:
        cursor.itersize = chunk_size
        cursor.execute(sql, params)
        while True:
            with collector_paused():
                chunk = cursor.fetchmany(chunk_size)
            if not chunk:
                return
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

    def read_through(self, document_id: int) -> None:
        """Hold the relations of every document up to ``document_id``; drop earlier ones."""
        for held in [pk for pk in self.held if pk < document_id]:
            del self.held[held]
        while self._next is not None and self._next[0] <= document_id:
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
    iso = connection.vendor == "postgresql"
    with _snapshot():
        relations = _RelationsByDocument(_row_chunks(relation_rows, chunk_size, "relations"))
        for chunk in _row_chunks(rows, chunk_size, "spans"):
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
                relations.read_through(chunk[-1][1])
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
                        created_at if iso else iso_time(created_at),
                        updated_at if iso else iso_time(updated_at),
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

    On PostgreSQL the database writes every line and the blocks are passed on as they
    arrive; elsewhere ``jsonl_body`` writes them from ``export_span_chunks``. Both give the
    same bytes. A generator: nothing is read until the first block is asked for.
    """
    if connection.vendor != "postgresql":
        yield from jsonl_body(
            export_span_chunks(
                access=access,
                debate=debate,
                filters=filters,
                actors=actors,
                with_text=True,
                chunk_size=chunk_size,
            )
        )
        return
    refusal = export_refusal(access=access)
    if refusal:
        raise PermissionDenied(refusal)
    sql, batches_sql, params = _jsonl_lines_sql(debate=debate, filters=filters)
    # One text column per line. CSV with control characters as delimiter and quote writes
    # it unquoted and unescaped: JSON text from to_json() never holds a control character,
    # a quote character or a line break raw, so each row is exactly ``line\n`` (the text
    # format would double every backslash of the JSON).
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')"
    with _snapshot() as fresh, connection.connection.cursor() as cursor:
        # The estimate for a large debate starts JIT compilation: half a second before the
        # first row, and no time saved after it (measured on a million spans).
        cursor.execute("SET LOCAL jit = off")
        batches = _document_batches(
            cursor, sql=batches_sql, params=params, size=documents_per_batch
        )
        if not fresh or len(batches) < 2:
            # Inside a caller's transaction a second connection would not see its writes.
            yield from _copy_blocks(cursor, statement, {**params, "low": None, "high": None})
            return
        # One backend writes lines at a time, so a second connection on the same snapshot
        # writes every other batch of documents while this one writes the one before; its
        # blocks wait in a bounded queue until their turn.
        cursor.execute("SELECT pg_export_snapshot()")
        helper = _HelperConnection(
            snapshot=cursor.fetchone()[0],
            statement=statement,
            batches=[{**params, "low": low, "high": high} for low, high in batches[1::2]],
        )
        helper.start()
        try:
            for index, (low, high) in enumerate(batches):
                batch = {**params, "low": low, "high": high}
                if index % 2 and helper.connected:
                    try:
                        yield from helper.batch_blocks()
                        continue
                    except _HelperUnavailable:
                        pass  # raised before any block of the batch: write it here
                yield from _copy_blocks(cursor, statement, batch)
        finally:
            helper.stop()


def _copy_blocks(cursor, statement: str, params: dict[str, Any]) -> Iterator[bytes]:
    """Yield a COPY's rows joined into blocks of about ``BLOCK_BYTES``."""
    with cursor.copy(statement, params) as copy:
        pending: list[memoryview] = []
        size = 0
        for row in copy:
            pending.append(row)
            size += len(row)
            if size >= BLOCK_BYTES:
                yield b"".join(pending)
                pending.clear()
                size = 0
        if pending:
            yield b"".join(pending)


def _document_batches(
    cursor, *, sql: str, params: dict[str, Any], size: int
) -> list[tuple[int, int | None]]:
    """Return the export's documents as id ranges ``[low, high)`` of ``size`` documents."""
    cursor.execute(sql, {**params, "batch_size": size})
    starts = [row[0] for row in cursor.fetchall()]
    return list(zip(starts, [*starts[1:], None], strict=False))


_END = object()


class _HelperConnection(threading.Thread):
    """A second connection writing every other batch of a JSON Lines export.

    It imports the export's snapshot, so it reads exactly what the first connection reads,
    and hands its blocks over through a bounded queue, a batch end marker after each batch.
    """

    def __init__(self, *, snapshot: str, statement: str, batches: list[dict[str, Any]]):
        super().__init__(name="export-helper", daemon=True)
        self.snapshot = snapshot
        self.statement = statement
        self.batches = batches
        self.blocks: queue.Queue = queue.Queue(maxsize=HELPER_QUEUE_BLOCKS)
        self.stopping = threading.Event()
        self.connected = True  # until a connection is refused
        options = connection.get_connection_params()
        options.pop("cursor_factory", None)
        options.pop("context", None)
        self.options = options

    def run(self) -> None:
        try:
            helper = psycopg.connect(**self.options)
        except psycopg.OperationalError as error:
            # No second connection (max_connections reached, say): the export is not lost,
            # the first connection writes every batch.
            logger.warning("Export goes on with one database connection: %s", error)
            self.connected = False
            with suppress(_Stopped):
                self._put(_HelperUnavailable())
            return
        try:
            with helper:
                helper.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                helper.read_only = True
                with helper.cursor() as cursor:
                    cursor.execute(
                        psycopg.sql.SQL("SET TRANSACTION SNAPSHOT {}").format(
                            psycopg.sql.Literal(self.snapshot)
                        )
                    )
                    cursor.execute("SET LOCAL jit = off")
                    for batch in self.batches:
                        for block in _copy_blocks(cursor, self.statement, batch):
                            self._put(block)
                        self._put(_END)
                helper.rollback()
        except _Stopped:
            pass
        except BaseException as error:  # handed to the reading side, which raises it
            with suppress(_Stopped):
                self._put(error)

    def _put(self, item) -> None:
        while True:
            if self.stopping.is_set():
                raise _Stopped  # inside a COPY, psycopg cancels it on the way out
            try:
                self.blocks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def batch_blocks(self) -> Iterator[bytes]:
        """Yield the blocks of the helper's next batch."""
        while (item := self.blocks.get()) is not _END:
            if isinstance(item, _HelperUnavailable):
                raise item
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        """Stop the helper (cancelling its query if it is still writing) and wait for it."""
        self.stopping.set()
        self.join(timeout=30)


class _Stopped(Exception):
    """The export was closed before the helper connection finished."""


class _HelperUnavailable(Exception):
    """The helper could not open its connection; it wrote nothing."""


def _jsonl_lines_sql(*, debate: Debate, filters: ExportFilters) -> tuple[str, str, dict[str, Any]]:
    """Return a query whose rows are the document and span lines of a JSON Lines export.

    Also return a query for the first document id of each batch of ``%(batch_size)s``
    documents; the lines query covers the documents with ids in ``[%(low)s, %(high)s)``
    (``None`` for no bound) and takes the returned parameters.

    Each line is the text ``document_json`` or ``span_json`` would give, written by
    PostgreSQL: ``to_json`` escapes strings exactly as orjson does, timestamps are
    ``to_char`` of UTC (as ``_iso``), keys come in the same order. Documents lead, and for
    each one (in id order) its line comes first, then its spans in export order with their
    relations aggregated from the document's own: the per-document sort is small, so the
    rows leave as soon as the first document is written.
    """
    quote = connection.ops.quote_name
    user_model = get_user_model()
    username = quote(user_model._meta.get_field(user_model.USERNAME_FIELD).column)
    tables = {
        "span": quote(Span._meta.db_table),
        "relation": quote(Relation._meta.db_table),
        "document": quote(Document._meta.db_table),
        "actor": quote(Actor._meta.db_table),
        "user": quote(user_model._meta.db_table),
    }
    params: dict[str, Any] = {
        "debate": debate.pk,
        "gold": f',"layer":{json.dumps(GOLD)},"annotator":null',
    }
    documents = ""
    if filters.documents:
        documents += " AND id = ANY(%(documents)s)"
        params["documents"] = list(filters.documents)
    if filters.published_after is not None:
        documents += " AND published >= %(published_after)s"
        params["published_after"] = filters.published_after
    if filters.published_before is not None:
        documents += " AND published <= %(published_before)s"
        params["published_before"] = filters.published_before
    spans = ""
    if filters.layer == GOLD:
        spans += " AND {alias}.annotator_id IS NULL"
    elif filters.layer != ALL:
        spans += (
            f" AND {{alias}}.annotator_id = (SELECT id FROM {tables['user']}"  # noqa: S608
            f" WHERE {username} = %(layer)s)"
        )
        params["layer"] = filters.layer
    if filters.updated_since is not None:
        spans += " AND {alias}.updated_at >= %(updated_since)s"
        params["updated_since"] = filters.updated_since
    iso = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
    document_line = (
        '\'{"type":"document","id":\' || d.id::text'
        " || ',\"sha256\":' || to_json(d.sha256)::text"
        " || ',\"title\":' || to_json(d.title)::text"
        " || ',\"source\":' || to_json(d.source)::text"
        " || ',\"url\":' || to_json(d.url)::text"
        " || ',\"published\":'"
        " || COALESCE('\"' || to_char(d.published, 'YYYY-MM-DD') || '\"', 'null')"
        " || ',\"text\":' || to_json(d.text)::text || '}'"
    )
    span_line = (
        '\'{"type":"span","id":\' || x.id::text || d.head'
        " || COALESCE(l.layer, %(gold)s)"
        ' || \',"start":\' || x.start::text || \',"end":\' || x."end"::text'
        " || ',\"quote\":' || to_json(x.quote)::text"
        " || ',\"stance\":' || to_json(x.stance)::text"
        " || ',\"role\":' || to_json(x.role)::text"
        " || ',\"actor\":' || COALESCE(a.actor, 'null')"
        " || ',\"note\":' || to_json(x.note)::text"
        " || ',\"relations\":[' || COALESCE(x.relations, '')"
        " || '],\"version\":' || x.version::text || c.created_by"
        f' || \',"created_at":"\' || {iso.format("x.created_at")}'
        f' || \'","updated_at":"\' || {iso.format("x.updated_at")} || \'"}}\''
    )
    relation_item = (
        "'{\"id\":' || r.id::text || ',\"type\":' || to_json(r.type)::text"
        " || ',\"target\":' || r.target_id::text || '}'"
    )
    # Table and column names come from the models; every value is a parameter.
    sql = f"""
        SELECT CASE WHEN x.kind = 0 THEN {document_line} ELSE {span_line} END
        FROM (
            SELECT id, sha256, title, source, url, published, text,
                   ',"document":' || id::text || ',"document_sha256":' || to_json(sha256)::text
                   AS head
            FROM {tables["document"]}
            WHERE debate_id = %(debate)s{documents}
              AND (%(low)s::bigint IS NULL OR id >= %(low)s::bigint)
              AND (%(high)s::bigint IS NULL OR id < %(high)s::bigint)
        ) d
        CROSS JOIN LATERAL (
            SELECT 0 AS kind, NULL::integer AS annotator_id, NULL::integer AS start,
                   NULL::integer AS "end", NULL::bigint AS id, NULL::text AS quote,
                   NULL::text AS stance, NULL::text AS role, NULL::bigint AS actor_id,
                   NULL::text AS note, NULL::integer AS version,
                   NULL::integer AS created_by_id, NULL::timestamptz AS created_at,
                   NULL::timestamptz AS updated_at, NULL::text AS relations
            WHERE EXISTS (
                SELECT 1 FROM {tables["span"]} e
                WHERE e.document_id = d.id{spans.format(alias="e")}
            )
            UNION ALL
            SELECT 1, s.annotator_id, s.start, s."end", s.id, s.quote, s.stance, s.role,
                   s.actor_id, s.note, s.version, s.created_by_id, s.created_at,
                   s.updated_at, r.items
            FROM {tables["span"]} s
            LEFT JOIN (
                SELECT r.source_id, string_agg({relation_item}, ',' ORDER BY r.id) AS items
                FROM {tables["relation"]} r
                WHERE r.document_id = d.id
                GROUP BY r.source_id
            ) r ON r.source_id = s.id
            WHERE s.document_id = d.id{spans.format(alias="s")}
        ) x
        LEFT JOIN (
            SELECT id, ',"layer":' || to_json({username})::text
                   || ',"annotator":' || to_json({username})::text AS layer
            FROM {tables["user"]}
        ) l ON l.id = x.annotator_id
        LEFT JOIN (
            SELECT id, ',"created_by":' || to_json({username})::text AS created_by
            FROM {tables["user"]}
        ) c ON c.id = x.created_by_id
        LEFT JOIN (
            SELECT id, '{{"id":' || id::text || ',"name":' || to_json(name)::text || '}}' AS actor
            FROM {tables["actor"]}
        ) a ON a.id = x.actor_id
        ORDER BY d.id, x.kind, x.annotator_id NULLS FIRST, x.start, x."end", x.id
    """  # noqa: S608
    batches_sql = f"""
        SELECT id FROM (
            SELECT id, row_number() OVER (ORDER BY id) AS n
            FROM {tables["document"]}
            WHERE debate_id = %(debate)s{documents}
        ) numbered
        WHERE mod(n - 1, %(batch_size)s) = 0
        ORDER BY id
    """  # noqa: S608
    return sql, batches_sql, params


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
