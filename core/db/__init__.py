"""The database fast paths: the one place that knows which database it runs on.

Each fast path is one plain function that does what an ORM query would, faster on
PostgreSQL, and falls back to the ORM elsewhere; a test beside it checks that both paths give
the same result on the same data. Code outside this package never branches on the vendor.
"""

from django.db.backends.base.base import BaseDatabaseWrapper


def is_postgresql(connection: BaseDatabaseWrapper) -> bool:
    """Return whether a connection is to PostgreSQL (the production database)."""
    return connection.vendor == "postgresql"
