"""JSON Lines written by PostgreSQL itself and streamed with COPY, on two connections.

Building a JSON line per row in Python cost several times what the database took to read
the row. On PostgreSQL ``json_lines`` runs a query whose one text column is each line, and
streams the rows with ``COPY ... TO STDOUT`` in blocks; Python only passes the blocks on.
One backend writes lines at a time, so when the caller's transaction is its own the rows are
cut into batches by key range and a second connection, on the same snapshot, writes every
other batch while the first writes the one before. Elsewhere the caller's portable writer
writes the same bytes.

The SQL pieces below write JSON exactly as orjson does (``to_json`` escapes strings byte for
byte as orjson: control characters as ``\\u00XX``, U+2028 and non-ASCII raw), so a query built
from them gives the portable writer's bytes; ``tests/core/db/test_json_lines.py`` holds the
pieces and both paths to that.
"""

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

from core.db import is_postgresql
from core.db.snapshot import read_snapshot

logger = logging.getLogger(__name__)

BLOCK_BYTES = 64 * 1024
HELPER_QUEUE_BLOCKS = 32  # blocks of the second connection waiting for their turn (2 MB)
HELPER_THREAD = "json-lines-helper"


# --- SQL pieces of JSON text ----------------------------------------------------------------
def json_string(expression: str) -> str:
    """Return SQL writing a text expression as a JSON string (``null`` for NULL: wrap it)."""
    return f"to_json({expression})::text"


def json_number(expression: str) -> str:
    """Return SQL writing an integer expression as a JSON number."""
    return f"({expression})::text"


def json_utc_timestamp(expression: str) -> str:
    """Return SQL writing a timestamp as a JSON string, as ``core.db.timestamps`` does."""
    return (
        f"'\"' || to_char({expression} AT TIME ZONE 'UTC', "
        '\'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\') || \'"\''
    )


def json_date(expression: str) -> str:
    """Return SQL writing a date as a JSON string, or ``null``."""
    return f"COALESCE('\"' || to_char({expression}, 'YYYY-MM-DD') || '\"', 'null')"


def json_or_null(expression: str) -> str:
    """Return SQL giving a JSON text expression, or ``null`` where it is NULL."""
    return f"COALESCE({expression}, 'null')"


def json_object(pairs: Iterable[tuple[str, str]]) -> str:
    """Return SQL writing a compact JSON object from ``(key, JSON text SQL)`` pairs, in order.

    Keys are written as given: plain names, never from input.
    """
    parts = []
    separator = "{"
    for key, value in pairs:
        if not key.replace("_", "").isalnum():
            raise ValueError(f"Not a plain key: {key!r}")
        parts.append(f"'{separator}\"{key}\":' || {value}")
        separator = ","
    return " || ".join(parts) + " || '}'" if parts else "'{}'"


def json_items(item: str, *, order_by: str) -> str:
    """Return SQL aggregating JSON texts into the items of an array (without brackets)."""
    return f"string_agg({item}, ',' ORDER BY {order_by})"


def any_of(column: str, parameter: str) -> str:
    """Return SQL matching a column against a list given as one named parameter."""
    return f"{column} = ANY(%({parameter})s)"


def bigint_parameter(name: str) -> str:
    """Return SQL of a named parameter as a bigint (None stays NULL)."""
    return f"%({name})s::bigint"


# --- Streaming the lines --------------------------------------------------------------------
@dataclass(frozen=True)
class LinesQuery:
    """A query whose single text column is one JSON line per row, without its line end.

    ``sql`` covers the keys in ``[%(low)s, %(high)s)`` (``None`` for no bound); ``batches_sql``
    returns the first key of each batch of ``%(batch_size)s``; both take ``params``.
    """

    sql: str
    batches_sql: str
    params: dict[str, Any]


def json_lines(
    *,
    query: Callable[[], LinesQuery],
    portable: Callable[[], Iterator[bytes]],
    batch_size: int,
    using: str = DEFAULT_DB_ALIAS,
) -> Iterator[bytes]:
    """Return the blocks of the lines ``query`` writes on PostgreSQL; elsewhere ``portable()``.

    Lazy either way when ``portable`` is: nothing is read until the first block is asked
    for, and the read's transaction ends when the blocks are exhausted or closed.
    """
    if is_postgresql(connections[using]):
        return json_lines_by_copy(lines=query(), batch_size=batch_size, using=using)
    return portable()


def json_lines_by_copy(
    *, lines: LinesQuery, batch_size: int, using: str = DEFAULT_DB_ALIAS
) -> Iterator[bytes]:
    """Yield the lines of ``lines`` as COPY streams them, in blocks (PostgreSQL only)."""
    connection = connections[using]
    # One text column per line. CSV with control characters as delimiter and quote writes
    # it unquoted and unescaped: JSON text from to_json() never holds a control character,
    # a quote character or a line break raw, so each row is exactly ``line\n`` (the text
    # format would double every backslash of the JSON).
    statement = (
        f"COPY ({lines.sql}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')"
    )
    with read_snapshot(using) as fresh, connection.connection.cursor() as cursor:
        # JIT compilation starts for the estimate of a large query and costs more time
        # before the first row than it saves after it.
        cursor.execute("SET LOCAL jit = off")
        batches = _batches(cursor, sql=lines.batches_sql, params=lines.params, size=batch_size)
        if not fresh or len(batches) < 2:
            # Inside a caller's transaction a second connection would not see its writes.
            yield from copy_blocks(cursor, statement, {**lines.params, "low": None, "high": None})
            return
        cursor.execute("SELECT pg_export_snapshot()")
        helper = _HelperConnection(
            options=connection.get_connection_params(),
            snapshot=cursor.fetchone()[0],
            statement=statement,
            batches=[{**lines.params, "low": low, "high": high} for low, high in batches[1::2]],
        )
        helper.start()
        try:
            for index, (low, high) in enumerate(batches):
                batch = {**lines.params, "low": low, "high": high}
                if index % 2 and helper.connected:
                    try:
                        yield from helper.batch_blocks()
                        continue
                    except _HelperUnavailable:
                        pass  # raised before any block of the batch: write it here
                yield from copy_blocks(cursor, statement, batch)
        finally:
            helper.stop()


def copy_blocks(cursor, statement: str, params: dict[str, Any]) -> Iterator[bytes]:
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


def _batches(cursor, *, sql: str, params: dict[str, Any], size: int) -> list[tuple[Any, Any]]:
    """Return the query's keys as ranges ``[low, high)`` of ``size`` keys."""
    cursor.execute(sql, {**params, "batch_size": size})
    starts = [row[0] for row in cursor.fetchall()]
    return list(zip(starts, [*starts[1:], None], strict=False))


_END = object()


class _HelperConnection(threading.Thread):
    """A second connection writing every other batch of the lines.

    It imports the first connection's snapshot, so it reads exactly what that one reads,
    and hands its blocks over through a bounded queue, an end marker after each batch.
    """

    def __init__(
        self, *, options: dict, snapshot: str, statement: str, batches: list[dict[str, Any]]
    ):
        super().__init__(name=HELPER_THREAD, daemon=True)
        self.snapshot = snapshot
        self.statement = statement
        self.batches = batches
        self.blocks: queue.Queue = queue.Queue(maxsize=HELPER_QUEUE_BLOCKS)
        self.stopping = threading.Event()
        self.connected = True  # until a connection is refused
        options = dict(options)
        options.pop("cursor_factory", None)
        options.pop("context", None)
        self.options = options

    def run(self) -> None:
        try:
            helper = psycopg.connect(**self.options)
        except psycopg.OperationalError as error:
            # No second connection (max_connections reached, say): the lines are not lost,
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
                        for block in copy_blocks(cursor, self.statement, batch):
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
            if isinstance(item, BaseException):
                raise item
            yield item

    def stop(self) -> None:
        """Stop the helper (cancelling its query if it is still writing) and wait for it."""
        self.stopping.set()
        self.join(timeout=30)


class _Stopped(Exception):
    """The lines were closed before the helper connection finished."""


class _HelperUnavailable(Exception):
    """The helper could not open its connection; it wrote nothing."""
