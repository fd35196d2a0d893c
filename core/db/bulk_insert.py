"""Insert many new rows of one model in one go: COPY on PostgreSQL, ``bulk_create`` elsewhere.

``bulk_create`` on PostgreSQL quotes every value into the statement in Python (Django binds
parameters on the client) and unnests arrays of them, which costs more than the insert does
for rows of a few thousand characters; COPY hands the driver the values as the model holds
them (str, int, date, aware datetime), which psycopg writes in C. Neither sets the new rows'
primary keys: read them back when needed. A row the database refuses (a unique or check
constraint) fails the whole call on both paths, and the caller's transaction with it.
``tests/core/db/test_bulk_insert.py`` holds both paths to the same rows.
"""

from collections.abc import Iterable
from functools import cache

from django.db import connections, router
from django.db.models import Field, Model

from core.db import is_postgresql

AUTO_FIELDS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})


def insert_rows(model: type[Model], rows: Iterable[Model]) -> None:
    """Insert ``rows``, new rows of ``model``, as one statement; set no primary keys.

    ``rows`` may be a generator: on PostgreSQL each row is sent as it comes, so the database
    stores the rows before while the caller makes the next.
    """
    connection = connections[router.db_for_write(model)]
    insert = insert_rows_by_copy if is_postgresql(connection) else insert_rows_by_orm
    insert(model, rows)


def insert_rows_by_orm(model: type[Model], rows: Iterable[Model]) -> None:
    """Do what ``insert_rows`` does through the ORM (any database)."""
    rows = list(rows)
    if not rows:
        return
    model._default_manager.bulk_create(rows)
    for row in rows:  # as the COPY path leaves them, on every database
        row.pk = None
        row._state.adding = True


def insert_rows_by_copy(model: type[Model], rows: Iterable[Model]) -> None:
    """Do what ``insert_rows`` does with one COPY (PostgreSQL)."""
    fields = _inserted_fields(model)
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
    )
    # The driver's errors become Django's (IntegrityError, DataError...), as from any query.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            # pre_save is what an insert writes: the value held, or a timestamp set now.
            copy.write_row([field.pre_save(row, True) for field in fields])


@cache
def _inserted_fields(model: type[Model]) -> tuple[Field, ...]:
    # The database numbers the rows: an automatic primary key is left to its sequence.
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and field.get_internal_type() in AUTO_FIELDS)
    )
