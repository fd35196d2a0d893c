"""Fresh planner statistics for columns a bulk write has just changed the shape of.

PostgreSQL plans from statistics that autovacuum refreshes a minute or more after the writes
that made them stale. A bulk import writes thousands of documents into a debate the statistics
have never seen (a new debate: "one row"), and its duplicate check, ``debate_id = X AND
sha256 = ANY(...)``, is then planned on the debate's one-column index and filters every
document of the debate, instead of looking each hash up in the unique (debate, sha256) index:
each batch reads the whole debate again, so an import slows as it grows (docs/BENCHMARKS.md).
``analyze`` refreshes the statistics of the named columns alone (a sample of rows, not the
texts), which costs milliseconds; other databases need nothing.
"""

from django.db import connections, router
from django.db.models import Model

from core.db import is_postgresql


def analyze(model: type[Model], *field_names: str) -> bool:
    """Refresh the planner's statistics of ``model``'s named columns; return whether it ran."""
    connection = connections[router.db_for_write(model)]
    if not is_postgresql(connection):
        return False
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in field_names)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {quote(model._meta.db_table)} ({columns})")
    return True
