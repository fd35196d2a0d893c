"""A query's rows in lists, streamed: a long read in flat memory.

On PostgreSQL the rows come from a server-side cursor opened on the driver itself, with
binary results: Django's row iteration (its cursor wrapper, its converters) cost as much as
the rest of an export. The driver's rows are the values Django would give for the column
types an export reads (integers, text, dates, and timestamps written as text by the
database, ``core.db.timestamps``); a column that needs one of Django's converters must not
be read this way. ``tests/core/db/test_chunks.py`` holds both paths to the same rows.
"""

from collections.abc import Iterator
from itertools import islice

from django.db import connections
from django.db.models import QuerySet

from core.db import is_postgresql
from core.memory import collector_paused


def row_chunks(queryset: QuerySet, *, size: int, name: str) -> Iterator[list[tuple]]:
    """Yield a ``values_list`` queryset's rows in lists of ``size``, streamed.

    ``name`` names the server-side cursor; it must be unique among the cursors open at once
    on the connection. Run inside a transaction: a server-side cursor lives in one.
    """
    if is_postgresql(connections[queryset.db]):
        return row_chunks_by_server_cursor(queryset, size=size, name=name)
    return row_chunks_by_orm(queryset, size=size)


def row_chunks_by_server_cursor(
    queryset: QuerySet, *, size: int, name: str
) -> Iterator[list[tuple]]:
    """Yield the rows from a binary server-side cursor on the driver (PostgreSQL only)."""
    connection = connections[queryset.db]
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    with connection.connection.cursor(name=name, binary=True) as cursor:
        cursor.itersize = size
        cursor.execute(sql, params)
        while True:
            with collector_paused():
                chunk = cursor.fetchmany(size)
            if not chunk:
                return
            yield chunk


def row_chunks_by_orm(queryset: QuerySet, *, size: int) -> Iterator[list[tuple]]:
    """Yield a queryset's rows in lists of ``size`` through Django's chunked iterator."""
    iterator = queryset.iterator(chunk_size=size)
    while chunk := list(islice(iterator, size)):
        yield chunk
