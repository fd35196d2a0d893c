"""Compress a text column with lz4 on PostgreSQL; other databases have no such choice.

PostgreSQL compresses a text of more than about 2 kB before storing it, with pglz unless told
otherwise; lz4 (PostgreSQL 14 and later, when built with it) does it several times faster for
about the same size, and reads back faster too. On a bulk import of articles of a few thousand
characters pglz was most of the database's time (docs/BENCHMARKS.md). Rows already stored
keep their compression until rewritten; both are read alike.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

from core.db import is_postgresql


def lz4_available(connection: BaseDatabaseWrapper) -> bool:
    """Return whether the database can compress columns with lz4."""
    if not is_postgresql(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings "
            "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
        return cursor.fetchone() is not None


def column_compression_set(
    connection: BaseDatabaseWrapper, *, table: str, column: str, lz4: bool = True
) -> bool:
    """Compress ``table.column`` with lz4 (or back to pglz); return whether anything changed."""
    if not lz4_available(connection):
        return False
    quote = connection.ops.quote_name
    method = "lz4" if lz4 else "pglz"
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET COMPRESSION {method}"
        )
    return True
