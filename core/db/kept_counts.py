"""Counts of rows by status, per group, kept by the database's own triggers.

A counts table holds one row per (group, kind, status) with the number ``n`` of rows of that
kind and status in that group (documents of a debate by their status, say). Triggers on the
counted tables change ``n`` in the statement that inserts, deletes or updates the rows, so
every path that writes them (a service, a bulk ``update()``, the admin, a cascade, SQL typed by
hand) keeps the counts exact, in its own transaction. Triggers only change counts rows that
exist: a group gets its rows from ``kept_counts_recount``, which counts it afresh.

- PostgreSQL: statement-level triggers with transition tables, so a bulk insert of 100,000
  rows changes each count once, not 100,000 times; the counts rows a statement changes are
  changed in one order (status, group), so two statements never wait on each other in a
  circle.
- SQLite: row-level triggers (its writers take turns anyway).

``tests/annotations/review/selectors/test_status_counts.py`` checks them against counting
the rows after every path that writes a status (on whichever database the suite runs).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from core.db import is_postgresql
from core.db.triggers import triggers_replace


@dataclass(frozen=True)
class Counted:
    """Rows of ``table`` counted by ``status`` (a column), named ``kind`` in the counts.

    A row's group is its ``group`` column, or, with ``via`` = (table, key column, group
    column), the group column of the row of ``via`` whose key the ``group`` column holds (an
    assignment's debate is its document's).
    """

    kind: str
    table: str
    status: str
    group: str
    via: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Counts:
    """The counts table: ``group`` (column), ``kind``, ``status`` and ``n``; ``prefix`` names
    the triggers and functions."""

    table: str
    group: str
    prefix: str


def kept_counts_install(
    connection: BaseDatabaseWrapper, *, counts: Counts, counted: Sequence[Counted]
) -> None:
    """Install (or replace) the triggers that keep ``counts``, in one transaction.

    Without the counts table (a database migrated back before it) the triggers are dropped.
    """
    _triggers(connection, counts, counted, create=True)


def kept_counts_drop(
    connection: BaseDatabaseWrapper, *, counts: Counts, counted: Sequence[Counted]
) -> None:
    """Drop the triggers that keep ``counts`` (before the counts table goes)."""
    _triggers(connection, counts, counted, create=False)


def _triggers(
    connection: BaseDatabaseWrapper, counts: Counts, counted: Sequence[Counted], *, create: bool
) -> None:
    triggers_replace(
        connection,
        kept_table=counts.table,
        watched=counted,
        drop=lambda spec: _drop(connection, counts, spec),
        create=lambda spec: _create(connection, counts, spec),
        install=create,
    )


def kept_counts_recount(
    connection: BaseDatabaseWrapper,
    *,
    counts: Counts,
    counted: Sequence[Counted],
    group_id: int,
    statuses: dict[str, Sequence[str]],
) -> list[tuple[str, str, int]]:
    """Count one group's rows afresh and write its counts rows: one per kind and status.

    Every status of ``statuses[kind]`` gets a row, zero or not, so the triggers find a row to
    change for every status a row may take. On PostgreSQL the counted tables are locked
    against writes until the transaction ends, so no change slips between the count and the
    write. Return the (kind, status, n) written.
    """
    q = connection.ops.quote_name
    written: list[tuple[str, str, int]] = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if is_postgresql(connection):
            names = sorted(
                {spec.table for spec in counted} | {spec.via[0] for spec in counted if spec.via}
            )
            cursor.execute(
                f"LOCK TABLE {', '.join(q(name) for name in names)} IN SHARE ROW EXCLUSIVE MODE"
            )
        cursor.execute(f"DELETE FROM {q(counts.table)} WHERE {q(counts.group)} = %s", [group_id])  # noqa: S608
        for spec in counted:
            join, group = _group_of(connection, spec, "r")
            cursor.execute(
                f"SELECT r.{q(spec.status)}, COUNT(*) FROM {q(spec.table)} r {join} "  # noqa: S608
                f"WHERE {group} = %s GROUP BY r.{q(spec.status)}",
                [group_id],
            )
            found = dict(cursor.fetchall())
            written += [(spec.kind, status, found.pop(status, 0)) for status in statuses[spec.kind]]
            written += [(spec.kind, status, n) for status, n in sorted(found.items())]
        cursor.executemany(
            f"INSERT INTO {q(counts.table)} ({q(counts.group)}, kind, status, n) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [(group_id, kind, status, n) for kind, status, n in written],
        )
    return written


def _group_of(connection: BaseDatabaseWrapper, spec: Counted, alias: str) -> tuple[str, str]:
    """Return the join and the expression that give the rows' groups, for counting them all."""
    q = connection.ops.quote_name
    if spec.via is None:
        return "", f"{alias}.{q(spec.group)}"
    table, key, group = spec.via
    return (
        f"JOIN {q(table)} via_ ON via_.{q(key)} = {alias}.{q(spec.group)}",
        f"via_.{q(group)}",
    )


def _row_group(connection: BaseDatabaseWrapper, spec: Counted, row: str) -> str:
    """Return the expression of the group of one row (``row``: its alias, NEW or OLD).

    One row's group is looked up by its key, so a trigger on a one-row change reads one row
    of ``via`` whatever the planner guesses of a transition table's size
    (bench/notes/agreement100k.md has what a trigger costs).
    """
    q = connection.ops.quote_name
    if spec.via is None:
        return f"{row}.{q(spec.group)}"
    via, key, column = spec.via
    return f"(SELECT {q(column)} FROM {q(via)} WHERE {q(key)} = {row}.{q(spec.group)})"  # noqa: S608


def _name(counts: Counts, spec: Counted, what: str) -> str:
    return f"{counts.prefix}_{spec.kind}_{what}"


def _drop(connection: BaseDatabaseWrapper, counts: Counts, spec: Counted) -> list[str]:
    q = connection.ops.quote_name
    triggers = [(spec.table, event) for event in ("insert", "delete", "update")]
    if spec.via is not None:
        triggers.append((spec.via[0], "moved"))
    if is_postgresql(connection):
        return [
            *(
                f"DROP TRIGGER IF EXISTS {_name(counts, spec, event)} ON {q(table)}"
                for table, event in triggers
            ),
            f"DROP FUNCTION IF EXISTS {_name(counts, spec, 'count')}()",
            f"DROP FUNCTION IF EXISTS {_name(counts, spec, 'move')}()",
        ]
    return [f"DROP TRIGGER IF EXISTS {_name(counts, spec, event)}" for _table, event in triggers]


def _create(connection: BaseDatabaseWrapper, counts: Counts, spec: Counted) -> list[str]:
    if is_postgresql(connection):
        return _postgresql(connection, counts, spec)
    return _sqlite(connection, counts, spec)


def _postgresql(connection: BaseDatabaseWrapper, counts: Counts, spec: Counted) -> list[str]:
    q = connection.ops.quote_name
    function = _name(counts, spec, "count")

    def changes(*sides: tuple[str, int]) -> str:
        rows = []
        for relation, sign in sides:
            rows.append(
                f"SELECT {_row_group(connection, spec, 'r')} AS g, "  # noqa: S608
                f"r.{q(spec.status)} AS s, {sign} AS d FROM {relation} r"
            )
        return (
            f"SELECT g, s, SUM(d) AS d FROM ({' UNION ALL '.join(rows)}) x "  # noqa: S608
            "GROUP BY g, s HAVING SUM(d) <> 0"
        )

    def apply(*sides: tuple[str, int]) -> str:
        return _apply(connection, counts, spec, changes(*sides))

    body = (
        "DECLARE change record; BEGIN "
        f"IF TG_OP = 'INSERT' THEN {apply(('new_rows', 1))} "
        f"ELSIF TG_OP = 'DELETE' THEN {apply(('old_rows', -1))} "
        f"ELSE {apply(('old_rows', -1), ('new_rows', 1))} "
        "END IF; RETURN NULL; END;"
    )
    table = q(spec.table)
    return [
        *_postgresql_moves(connection, counts, spec),
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$ {body} $body$",
        f"CREATE TRIGGER {_name(counts, spec, 'insert')} AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {_name(counts, spec, 'delete')} AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {_name(counts, spec, 'update')} AFTER UPDATE ON {table} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def _apply(connection: BaseDatabaseWrapper, counts: Counts, spec: Counted, changes: str) -> str:
    """Return the PL/pgSQL that adds ``changes`` (rows g, s, d) to the counts rows."""
    q = connection.ops.quote_name
    table, group = q(counts.table), q(counts.group)
    # The changes are read once, then each counts row changed in one order (status, group):
    # see the module docstring. A statement changes a handful of rows.
    return (
        f"FOR change IN {changes} ORDER BY s, g LOOP "  # noqa: S608
        f"UPDATE {table} SET n = n + change.d WHERE {group} = change.g "
        f"AND kind = '{spec.kind}' AND status = change.s; "
        "END LOOP;"
    )


def _postgresql_moves(connection: BaseDatabaseWrapper, counts: Counts, spec: Counted) -> list[str]:
    """Return the trigger that moves the counted rows of a ``via`` row moved to another group.

    (A document with assignments and no spans may move to another debate in the admin.) Row
    level, with its condition in WHEN: an update that moves nothing runs no function, and a
    bulk update never joins two transition tables, which the planner cannot size.
    """
    if spec.via is None:
        return []
    q = connection.ops.quote_name
    via, key, group = (q(name) for name in spec.via)
    function = _name(counts, spec, "move")
    rows = [
        f"SELECT {row}.{group} AS g, {q(spec.status)} AS s, {sign} AS d "  # noqa: S608
        f"FROM {q(spec.table)} WHERE {q(spec.group)} = {row}.{key}"
        for row, sign in (("OLD", -1), ("NEW", 1))
    ]
    changes = f"SELECT g, s, SUM(d) AS d FROM ({' UNION ALL '.join(rows)}) x GROUP BY g, s"  # noqa: S608
    body = (
        "DECLARE change record; BEGIN "
        f"{_apply(connection, counts, spec, changes)} RETURN NULL; END;"
    )
    return [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$ {body} $body$",
        f"CREATE TRIGGER {_name(counts, spec, 'moved')} AFTER UPDATE OF {group} ON {via} "
        f"FOR EACH ROW WHEN (OLD.{group} IS DISTINCT FROM NEW.{group}) "
        f"EXECUTE FUNCTION {function}()",
    ]


def _sqlite(connection: BaseDatabaseWrapper, counts: Counts, spec: Counted) -> list[str]:
    q = connection.ops.quote_name
    table, status = q(spec.table), q(spec.status)

    def change(row: str, sign: str) -> str:
        return (
            f"UPDATE {q(counts.table)} SET n = n {sign} 1 "  # noqa: S608
            f"WHERE {q(counts.group)} = {_row_group(connection, spec, row)} "
            f"AND kind = '{spec.kind}' AND status = {row}.{status};"
        )

    moved = f"OLD.{status} IS NOT NEW.{status} OR OLD.{q(spec.group)} IS NOT NEW.{q(spec.group)}"
    return [
        f"CREATE TRIGGER {_name(counts, spec, 'insert')} AFTER INSERT ON {table} "
        f"BEGIN {change('NEW', '+')} END",
        f"CREATE TRIGGER {_name(counts, spec, 'delete')} AFTER DELETE ON {table} "
        f"BEGIN {change('OLD', '-')} END",
        f"CREATE TRIGGER {_name(counts, spec, 'update')} AFTER UPDATE OF {status}, "
        f"{q(spec.group)} ON {table} WHEN {moved} "
        f"BEGIN {change('OLD', '-')} {change('NEW', '+')} END",
        *_sqlite_moves(connection, counts, spec),
    ]


def _sqlite_moves(connection: BaseDatabaseWrapper, counts: Counts, spec: Counted) -> list[str]:
    """Return the trigger that moves the counted rows of a ``via`` row moved to another group."""
    if spec.via is None:
        return []
    q = connection.ops.quote_name
    via, key, group = (q(name) for name in spec.via)

    def move(row: str, sign: str) -> str:
        return (
            f"UPDATE {q(counts.table)} SET n = n {sign} (SELECT COUNT(*) FROM {q(spec.table)} r "  # noqa: S608
            f"WHERE r.{q(spec.group)} = {row}.{key} AND r.{q(spec.status)} = "
            f"{q(counts.table)}.status) WHERE {q(counts.group)} = {row}.{group} "
            f"AND kind = '{spec.kind}';"
        )

    return [
        f"CREATE TRIGGER {_name(counts, spec, 'moved')} AFTER UPDATE OF {group} ON {via} "
        f"WHEN OLD.{group} IS NOT NEW.{group} BEGIN {move('OLD', '-')} {move('NEW', '+')} END"
    ]
