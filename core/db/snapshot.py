"""Reads that all see one moment of the database, however long they take.

A long read (an export) runs many queries; in PostgreSQL's default isolation each sees
what was committed when it started, so rows read later could disagree with rows read first.
``read_snapshot`` makes a fresh transaction REPEATABLE READ and READ ONLY there; SQLite
serialises transactions anyway, so it is an ordinary transaction elsewhere.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.db import is_postgresql


@contextmanager
def read_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Read in one transaction that sees one moment; yield whether it is the block's own.

    Inside a transaction the caller had open (which may hold writes no other connection
    sees) the reads join it, and the block yields False.
    """
    connection = connections[using]
    fresh = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if fresh and is_postgresql(connection):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield fresh
