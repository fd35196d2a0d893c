"""The database fast paths: the one place that knows which database it runs on.

Each fast path is one plain function that does what an ORM query would, faster on
PostgreSQL, and falls back to the ORM elsewhere; a test in ``tests/core/db/`` checks that both
paths give the same result on the same data. Code outside this package never branches on the
vendor. The fast paths: ``compiled`` (hot reads compiled once, prepared statements),
``guarded_insert`` (a row and its history in one statement), ``json_lines`` (JSON Lines
written by PostgreSQL, streamed by COPY), ``timestamps`` (timestamps as text from the
database), ``snapshot`` (one consistent view for a long read), ``text_bytes`` (a large text
column as UTF-8 bytes), ``kept_counts`` (rows counted by status, kept by triggers),
``kept_revisions`` (a revision per group of rows, given anew by triggers as a row changes, so a
reader reads again only the groups that changed), ``read_ahead`` (reads in a thread with its
own connection), ``statistics`` (the planner's statistics refreshed after a bulk write) and
``any_of`` (a column against a long list of values, sent as one array).
"""

from django.db.backends.base.base import BaseDatabaseWrapper


def is_postgresql(connection: BaseDatabaseWrapper) -> bool:
    """Return whether a connection is to PostgreSQL (the production database)."""
    return connection.vendor == "postgresql"
