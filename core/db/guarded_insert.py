"""Insert a row and the row that records it, while a guard row allows: one statement.

The ORM takes a transaction of five statements for this (lock the guard, a savepoint, the
insert, its release, the second insert); on PostgreSQL one statement does it, run through
``preparable_cursor`` so the server keeps it prepared. Its SQL is built from the models
(their fields prepare each value, as an ORM insert does), so it never restates a model, and
built once per shape of call. ``tests/core/db/test_guarded_insert.py`` holds both paths to
the same rows and answers.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import IntegrityError, connections, transaction
from django.db.models import AutoField, DateTimeField, Model
from django.utils import timezone

from core.db import is_postgresql
from core.db.compiled import preparable_cursor


@dataclass(frozen=True)
class Guard:
    """The row that allows an insert: the one of ``model`` matching ``where`` (field: value).

    It allows the insert while its ``field`` equals ``allowed``.
    """

    model: type[Model]
    where: dict[str, Any]
    field: str
    allowed: Any


@dataclass(frozen=True)
class GuardedInsert:
    """What ``insert_guarded`` found and did."""

    guard: Any  # the guard row's value of the guard field; None without a guard row
    pk: Any  # the new row's primary key; None when nothing was inserted


def insert_guarded(*, row: Model, follower: Model, link: str, guard: Guard | None) -> GuardedInsert:
    """Insert ``row``, then ``follower`` with ``link`` set to its key, if the guard allows.

    The guard row is locked (FOR SHARE on PostgreSQL: a writer that locks it FOR UPDATE
    waits for this insert, or this insert sees its change); without a ``guard`` the insert
    always runs. A row refused by a unique constraint inserts nothing (``pk`` None). On
    success ``row`` carries its key and ``follower`` its link to it, as after ``save()``.
    """
    connection = connections[row._state.db or "default"]
    insert = insert_guarded_by_statement if is_postgresql(connection) else insert_guarded_by_orm
    return insert(row=row, follower=follower, link=link, guard=guard)


@transaction.atomic
def insert_guarded_by_orm(
    *, row: Model, follower: Model, link: str, guard: Guard | None
) -> GuardedInsert:
    """Do what ``insert_guarded`` does through the ORM, in a transaction (any database)."""
    value = None
    if guard is not None:
        rows = guard.model._default_manager.select_for_update().filter(**guard.where)
        value = rows.values_list(guard.field, flat=True).first()
        if value != guard.allowed:
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


@cache
def _inserted_fields(model: type[Model]) -> list:
    """Return the fields an insert of ``model`` writes, as the ORM's insert has them."""
    return [
        field
        for field in model._meta.local_concrete_fields
        if not (isinstance(field, AutoField) and field.primary_key)
    ]


def _statement(
    connection, row: type[Model], follower: type[Model], link: str, guard: Guard | None
) -> str:
    quote = connection.ops.quote_name
    guard_sql, guard_clause = "SELECT NULL WHERE FALSE", "TRUE"
    if guard is not None:
        meta = guard.model._meta
        column = quote(meta.get_field(guard.field).column)
        conditions = " AND ".join(
            f"{quote(meta.get_field(name).column)} = %s" for name in guard.where
        )
        table = quote(meta.db_table)
        guard_sql = f"SELECT {column} FROM {table} WHERE {conditions} FOR SHARE"  # noqa: S608
        guard_clause = f"EXISTS (SELECT 1 FROM guard WHERE {column} = %s)"  # noqa: S608
    key = quote(row._meta.pk.column)
    columns = [quote(field.column) for field in _inserted_fields(row)]
    link_column = follower._meta.get_field(link).column
    follower_fields = _inserted_fields(follower)
    follower_values = [
        f"inserted.{key}" if field.column == link_column else "%s" for field in follower_fields
    ]
    # Table and column names come from the models; every value is a parameter.
    return (
        f"WITH guard AS ({guard_sql}), "  # noqa: S608
        f"inserted AS (INSERT INTO {quote(row._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(['%s'] * len(columns))} WHERE {guard_clause} "
        f"ON CONFLICT DO NOTHING RETURNING {key}), "
        f"recorded AS (INSERT INTO {quote(follower._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in follower_fields)}) "
        f"SELECT {', '.join(follower_values)} FROM inserted) "
        f"SELECT (SELECT * FROM guard), (SELECT {key} FROM inserted)"
    )


_STATEMENTS: dict[tuple, str] = {}


def _value(obj: Model, field, now):
    """Return a field's value for an insert, as the ORM's insert does (``pre_save``).

    A timestamp the ORM sets on insert (``auto_now``, ``auto_now_add``) takes ``now``, so
    the rows of one statement carry one moment, as the database's ``now()`` would.
    """
    if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):
        setattr(obj, field.attname, now)
        return now
    return field.pre_save(obj, True)


def insert_guarded_by_statement(
    *, row: Model, follower: Model, link: str, guard: Guard | None
) -> GuardedInsert:
    """Do what ``insert_guarded`` does in one statement (PostgreSQL only)."""
    connection = connections[row._state.db or "default"]
    shape = (
        connection.alias,
        type(row),
        type(follower),
        link,
        None if guard is None else (guard.model, tuple(guard.where), guard.field),
    )
    sql = _STATEMENTS.get(shape)
    if sql is None:
        sql = _STATEMENTS[shape] = _statement(connection, type(row), type(follower), link, guard)
    params: list[Any] = []
    if guard is not None:
        meta = guard.model._meta
        params += [
            meta.get_field(name).get_db_prep_value(value, connection)
            for name, value in guard.where.items()
        ]
    now = timezone.now()  # one statement, one moment: every automatic timestamp is this
    params += [
        field.get_db_prep_save(_value(row, field, now), connection)
        for field in _inserted_fields(type(row))
    ]
    if guard is not None:
        params.append(guard.allowed)
    link_column = follower._meta.get_field(link).column
    params += [
        field.get_db_prep_save(_value(follower, field, now), connection)
        for field in _inserted_fields(type(follower))
        if field.column != link_column
    ]
    with preparable_cursor(connection) as cursor:
        cursor.execute(sql, params)
        value, pk = cursor.fetchone()
    if pk is not None:
        row.pk = pk
        row._state.adding = False
        setattr(follower, link, pk)
    return GuardedInsert(guard=value, pk=pk)
