"""A revision number per group of rows, given anew by the database's own triggers whenever one
of the group's rows changes.

A revisions table holds one row per group that ever changed: (group, revision). Triggers on a
watched table give each group whose watched rows a statement inserts, deletes or updates a new
revision, in that statement, so every path that writes the rows (a service, a bulk
``update()``, the admin, a cascade, SQL typed by hand) moves it, in its own transaction. A
reader that keeps what it read of a group under the group's revision, read *before* the rows,
knows it is still what the database holds while the revision stays the same: a change
committed after the revision was read but before the rows gives the rows a newer content than
their key, and the next reader sees a new revision and reads them again.

Revisions come from one counter, never given twice: a PostgreSQL sequence, or on SQLite the
table's highest revision plus one (its writers take turns). So a revision names one content of
its group for good, even if the group's rows are deleted and its id given to another group
(SQLite reuses the highest ids): no reader can take an old group's rows for a new one's. A
group that never changed since the triggers were installed has no row: its revision is None,
and it too changes with the group's first change. Rows of groups that no longer exist are left
behind; they name nothing a reader will ask for.

- PostgreSQL: statement-level triggers with transition tables, so a bulk insert of 100,000
  rows gives each of its groups one new revision; the revision rows are written in group
  order, so two statements never wait on each other in a circle, and a revision is drawn
  after the row's lock is held, so the later of two writers always leaves the higher one.
- SQLite: row-level triggers.

``tests/core/db/test_kept_revisions.py`` holds that every way of writing a watched row moves
its group's revision and no other.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper

from core.db import is_postgresql
from core.db.triggers import triggers_replace


@dataclass(frozen=True)
class Watched:
    """Rows of ``table`` whose changes move the revision of their ``group`` (a column), when
    they meet ``where`` (SQL over the row's columns, each named as ``{row}.column``)."""

    table: str
    group: str
    where: str


@dataclass(frozen=True)
class Revisions:
    """The revisions table: ``group`` (its key column) and ``revision``; ``prefix`` names the
    triggers, functions and the sequence."""

    table: str
    group: str
    prefix: str


def kept_revisions_triggers(
    connection: BaseDatabaseWrapper,
    *,
    revisions: Revisions,
    watched: Sequence[Watched],
    install: bool,
) -> None:
    """Install (or replace) the triggers and the sequence that keep ``revisions``, in one
    transaction; with ``install`` false (or without the revisions table: a database migrated
    back before it), drop them."""
    sequence = connection.ops.quote_name(f"{revisions.prefix}_seq")

    def the_sequence(installing: bool) -> list[str]:
        if not is_postgresql(connection):
            return []
        if installing:
            return [f"CREATE SEQUENCE IF NOT EXISTS {sequence}"]
        return [f"DROP SEQUENCE IF EXISTS {sequence}"]

    triggers_replace(
        connection,
        kept_table=revisions.table,
        watched=watched,
        drop=lambda spec: _drop(connection, revisions, spec),
        create=lambda spec: _create(connection, revisions, spec),
        install=install,
        between=the_sequence,
    )


def _name(revisions: Revisions, spec: Watched, what: str) -> str:
    return f"{revisions.prefix}_{spec.table}_{what}"


_EVENTS = ("insert", "delete", "update")


def _drop(connection: BaseDatabaseWrapper, revisions: Revisions, spec: Watched) -> list[str]:
    q = connection.ops.quote_name
    if is_postgresql(connection):
        return [
            *(
                f"DROP TRIGGER IF EXISTS {_name(revisions, spec, event)} ON {q(spec.table)}"
                for event in _EVENTS
            ),
            f"DROP FUNCTION IF EXISTS {_name(revisions, spec, 'revise')}()",
        ]
    return [f"DROP TRIGGER IF EXISTS {_name(revisions, spec, event)}" for event in _EVENTS]


def _create(connection: BaseDatabaseWrapper, revisions: Revisions, spec: Watched) -> list[str]:
    if is_postgresql(connection):
        return _postgresql(connection, revisions, spec)
    return _sqlite(connection, revisions, spec)


def _postgresql(connection: BaseDatabaseWrapper, revisions: Revisions, spec: Watched) -> list[str]:
    q = connection.ops.quote_name
    function = _name(revisions, spec, "revise")
    table, group = q(revisions.table), q(revisions.group)
    counter = f"nextval('{revisions.prefix}_seq')"

    def revise(*relations: str) -> str:
        changed = " UNION ALL ".join(
            f"SELECT r.{q(spec.group)} AS g FROM {relation} r "  # noqa: S608
            f"WHERE {spec.where.format(row='r')}"
            for relation in relations
        )
        # A new row's revision is drawn as it is inserted; a conflicting row's only once its
        # lock is held, so it is newer than whatever the writer before it left.
        return (
            f"INSERT INTO {table} ({group}, revision) "  # noqa: S608
            f"SELECT g, {counter} FROM (SELECT DISTINCT g FROM ({changed}) c) x "
            "WHERE g IS NOT NULL ORDER BY g "
            f"ON CONFLICT ({group}) DO UPDATE SET revision = {counter};"
        )

    body = (
        "BEGIN "
        f"IF TG_OP = 'INSERT' THEN {revise('new_rows')} "
        f"ELSIF TG_OP = 'DELETE' THEN {revise('old_rows')} "
        f"ELSE {revise('old_rows', 'new_rows')} "
        "END IF; RETURN NULL; END;"
    )
    watched = q(spec.table)
    return [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$ {body} $body$",
        f"CREATE TRIGGER {_name(revisions, spec, 'insert')} AFTER INSERT ON {watched} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {_name(revisions, spec, 'delete')} AFTER DELETE ON {watched} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {_name(revisions, spec, 'update')} AFTER UPDATE ON {watched} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def _sqlite(connection: BaseDatabaseWrapper, revisions: Revisions, spec: Watched) -> list[str]:
    q = connection.ops.quote_name
    table, group = q(revisions.table), q(revisions.group)
    watched = q(spec.table)

    def revise(row: str) -> str:
        return (
            f"INSERT INTO {table} ({group}, revision) "  # noqa: S608
            f"SELECT {row}.{q(spec.group)}, (SELECT COALESCE(MAX(revision), 0) + 1 FROM {table}) "
            f"WHERE {row}.{q(spec.group)} IS NOT NULL AND {spec.where.format(row=row)} "
            f"ON CONFLICT ({group}) DO UPDATE SET revision = excluded.revision;"
        )

    new, old = spec.where.format(row="NEW"), spec.where.format(row="OLD")
    return [
        f"CREATE TRIGGER {_name(revisions, spec, 'insert')} AFTER INSERT ON {watched} "
        f"WHEN {new} BEGIN {revise('NEW')} END",
        f"CREATE TRIGGER {_name(revisions, spec, 'delete')} AFTER DELETE ON {watched} "
        f"WHEN {old} BEGIN {revise('OLD')} END",
        f"CREATE TRIGGER {_name(revisions, spec, 'update')} AFTER UPDATE ON {watched} "
        f"WHEN {old} OR {new} BEGIN {revise('OLD')} {revise('NEW')} END",
    ]
