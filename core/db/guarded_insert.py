"""Insert a row and the row that records it, while a guard row allows: one statement.

The ORM takes a transaction of five statements for this (lock the guard, a savepoint, the
insert, its release, the second insert); on PostgreSQL one statement does it, run through
``preparable_cursor`` so the server keeps it prepared. Its SQL is built from the models
(their fields prepare each value, as an ORM insert does), so it never restates a model.
``tests/core/db/test_guarded_insert.py`` holds both paths to the same rows and answers.
"""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connections, transaction
from django.db.models import AutoField, Model, QuerySet

from core.db import is_postgresql
from core.db.compiled import preparable_cursor


@dataclass(frozen=True)
class GuardedInsert:
    """What ``insert_guarded`` found and did."""

    guard: Any  # the guard row's value of the guard field; None without a guard row
    pk: Any  # the new row's primary key; None when nothing was inserted


def insert_guarded(
    *,
    row: Model,
    follower: Model,
    link: str,
    guard: QuerySet | None,
    guard_field: str,
    allowed: Any,
) -> GuardedInsert:
    """Insert ``row``, then ``follower`` with ``link`` set to its key, if the guard allows.

    The first row of ``guard`` is locked (FOR SHARE on PostgreSQL: a writer that locks it
    FOR UPDATE waits for this insert, or this insert sees its change) and allows the insert
    when its ``guard_field`` equals ``allowed``; without a ``guard`` the insert always runs.
    A row refused by a unique constraint inserts nothing (``pk`` None). On success ``row``
    carries its key and ``follower`` its link to it, as after ``save()``.
    """
    connection = connections[row._state.db or "default"]
    insert = insert_guarded_by_statement if is_postgresql(connection) else insert_guarded_by_orm
    return insert(
        row=row, follower=follower, link=link, guard=guard, guard_field=guard_field, allowed=allowed
    )


@transaction.atomic
def insert_guarded_by_orm(
    *,
    row: Model,
    follower: Model,
    link: str,
    guard: QuerySet | None,
    guard_field: str,
    allowed: Any,
) -> GuardedInsert:
    """Do what ``insert_guarded`` does through the ORM, in a transaction (any database)."""
    value = None
    if guard is not None:
        value = guard.select_for_update().values_list(guard_field, flat=True).first()
        if value != allowed:
            return GuardedInsert(guard=value, pk=None)
    try:
        with transaction.atomic():  # keeps the transaction usable when the insert is refused
            row.save(force_insert=True)
    except IntegrityError:
        row.pk = None
        return GuardedInsert(guard=value, pk=None)
    setattr(follower, link, row.pk)
    follower.save(force_insert=True)
    return GuardedInsert(guard=value, pk=row.pk)


def _insert_values(obj: Model, connection) -> tuple[str, list[str], list[Any]]:
    """Return an object's table, columns and prepared values, as an ORM insert has them."""
    meta = obj._meta
    fields = [
        field
        for field in meta.local_concrete_fields
        if not (isinstance(field, AutoField) and field.primary_key)
    ]
    quote = connection.ops.quote_name
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    return quote(meta.db_table), [field.column for field in fields], values


def insert_guarded_by_statement(
    *,
    row: Model,
    follower: Model,
    link: str,
    guard: QuerySet | None,
    guard_field: str,
    allowed: Any,
) -> GuardedInsert:
    """Do what ``insert_guarded`` does in one statement (PostgreSQL only)."""
    connection = connections[row._state.db or "default"]
    quote = connection.ops.quote_name
    params: list[Any] = []
    guard_sql, guard_clause = "SELECT NULL WHERE FALSE", "TRUE"
    if guard is not None:
        compiled, guard_params = guard.order_by().values_list(guard_field).query.sql_with_params()
        column = quote(guard.model._meta.get_field(guard_field).column)
        guard_sql = f"{compiled} FOR SHARE"
        guard_clause = f"EXISTS (SELECT 1 FROM guard WHERE {column} = %s)"  # noqa: S608
        params += [*guard_params]
    table, columns, values = _insert_values(row, connection)
    key = quote(row._meta.pk.column)
    follower_table, follower_columns, follower_values = _insert_values(follower, connection)
    link_column = follower._meta.get_field(link).column
    follower_items = [
        (f"inserted.{key}", None) if column == link_column else ("%s", value)
        for column, value in zip(follower_columns, follower_values, strict=True)
    ]
    params += values + ([allowed] if guard is not None else [])
    params += [value for placeholder, value in follower_items if placeholder == "%s"]
    names = ", ".join(quote(column) for column in columns)
    follower_names = ", ".join(quote(column) for column in follower_columns)
    placeholders = ", ".join(["%s"] * len(values))
    follower_placeholders = ", ".join(placeholder for placeholder, _ in follower_items)
    # Table and column names come from the models; every value is a parameter.
    sql = (
        f"WITH guard AS ({guard_sql}), "  # noqa: S608
        f"inserted AS (INSERT INTO {table} ({names}) SELECT {placeholders} "
        f"WHERE {guard_clause} ON CONFLICT DO NOTHING RETURNING {key}), "
        f"recorded AS (INSERT INTO {follower_table} ({follower_names}) "
        f"SELECT {follower_placeholders} FROM inserted) "
        f"SELECT (SELECT * FROM guard), (SELECT {key} FROM inserted)"
    )
    with preparable_cursor(connection) as cursor:
        cursor.execute(sql, params)
        value, pk = cursor.fetchone()
    if pk is not None:
        row.pk = pk
        row._state.adding = False
        setattr(follower, link, pk)
    return GuardedInsert(guard=value, pk=pk)
