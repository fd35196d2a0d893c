"""The backup drill: dump the database, restore the dump into a fresh one, compare every table.

A backup nobody has restored is a hope. ``backup_drill`` makes the backup the way
docs/DEPLOY.md tells operators to (PostgreSQL: ``pg_dump --format=custom``, restored with
``pg_restore`` into an empty database; SQLite: the online backup API into a new file), restores
it, and compares the two databases table by table: the same tables, the same number of rows and
the same rows (a digest of every row's text, independent of row order), and on PostgreSQL the
same sequence positions, so rows added after a restore never reuse an id. The restored copy is
dropped afterwards. ``python manage.py backup_check`` (``make backup-check``) runs it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import connections
from psycopg import sql

from core.db import is_postgresql


@dataclass
class TableCheck:
    """One table in the original and in the restored copy."""

    name: str
    rows: int
    restored_rows: int | None
    same: bool


@dataclass
class DrillReport:
    """What the drill did and found; ``ok`` when every table and sequence came back the same."""

    database: str
    backup_bytes: int
    tables: list[TableCheck] = field(default_factory=list)
    sequences: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(t.same for t in self.tables) and all(a == b for a, b in self.sequences.values())

    def problems(self) -> list[str]:
        found = [
            f"table {t.name}: {t.rows} rows, restored "
            + ("missing" if t.restored_rows is None else f"{t.restored_rows} rows, not the same")
            for t in self.tables
            if not t.same
        ]
        found += [
            f"sequence {name}: at {a}, restored at {b}"
            for name, (a, b) in self.sequences.items()
            if a != b
        ]
        return found


def backup_drill(*, using: str = "default") -> DrillReport:
    """Back up the database, restore the backup into a new one, compare them, drop the copy."""
    connection = connections[using]
    if is_postgresql(connection):
        return _postgresql_drill(connection)
    return _sqlite_drill(connection)


# --- PostgreSQL ----------------------------------------------------------------------------
_ROW_DIGEST = (
    "SELECT count(*), md5(coalesce(string_agg(row_md5, '' ORDER BY row_md5), '')) "
    "FROM (SELECT md5(t::text) AS row_md5 FROM {table} AS t) AS rows"
)


def _pg_tables(conn: psycopg.Connection) -> dict[str, tuple[int, str]]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {
        name: conn.execute(sql.SQL(_ROW_DIGEST).format(table=sql.Identifier(name))).fetchone()
        for name in names
    }


def _pg_sequences(conn: psycopg.Connection) -> dict[str, int | None]:
    return dict(
        conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
            "ORDER BY sequencename"
        ).fetchall()
    )


def _tool(name: str) -> str:
    """Return the path of a PostgreSQL client tool, or fail saying what to install."""
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} is not on the PATH: install PostgreSQL's client tools")
    return path


def _pg_environment(settings: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[name] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return env


def _postgresql_drill(connection) -> DrillReport:
    settings = connection.settings_dict
    name = settings["NAME"]
    copy = f"{name}_restore_check"[:63]
    env = _pg_environment(settings)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    admin_params = {**params, "dbname": "postgres"}
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / f"{name}.dump"
        subprocess.run(  # noqa: S603 (fixed arguments; the name is the configured database)
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", name],
            check=True,
            env=env,
            capture_output=True,
        )
        report = DrillReport(database=name, backup_bytes=dump.stat().st_size)
        with psycopg.connect(**admin_params, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(copy)))
        try:
            subprocess.run(  # noqa: S603
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    f"--dbname={copy}",
                    str(dump),
                ],
                check=True,
                env=env,
                capture_output=True,
            )
            with (
                psycopg.connect(**params) as original,
                psycopg.connect(**{**params, "dbname": copy}) as restored,
            ):
                # One snapshot of the original for all its tables.
                original.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                before, after = _pg_tables(original), _pg_tables(restored)
                sequences_before, sequences_after = (
                    _pg_sequences(original),
                    _pg_sequences(restored),
                )
        finally:
            with psycopg.connect(**admin_params, autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy))
                )
    for table in sorted(before.keys() | after.keys()):
        rows, digest = before.get(table, (None, None))
        restored = after.get(table)
        report.tables.append(
            TableCheck(
                name=table,
                rows=rows if rows is not None else 0,
                restored_rows=None if restored is None else restored[0],
                same=restored is not None and (rows, digest) == tuple(restored),
            )
        )
    for sequence in sorted(sequences_before.keys() | sequences_after.keys()):
        report.sequences[sequence] = (
            sequences_before.get(sequence),
            sequences_after.get(sequence),
        )
    return report


# --- SQLite --------------------------------------------------------------------------------
def _sqlite_tables(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall()
    ]
    found = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({quoted})")]
        # Each value as SQLite writes it as a literal (quote()): the same text whatever types
        # the connection converts columns to (Django's converts dates, the copy's does not).
        row_text = " || ',' || ".join(
            'quote("' + column.replace('"', '""') + '")' for column in columns
        )
        digests = sorted(
            hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
            for (text,) in conn.execute(f"SELECT {row_text} FROM {quoted}")  # noqa: S608
        )
        joined = hashlib.md5("".join(digests).encode(), usedforsecurity=False).hexdigest()
        found[name] = (len(digests), joined)
    return found


def _sqlite_drill(connection) -> DrillReport:
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "backup.sqlite3"
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
        report = DrillReport(database=str(connection.settings_dict["NAME"]), backup_bytes=0)
        report.backup_bytes = path.stat().st_size
        restored = sqlite3.connect(path)
        try:
            before, after = _sqlite_tables(source), _sqlite_tables(restored)
        finally:
            restored.close()
    for table in sorted(before.keys() | after.keys()):
        rows, digest = before.get(table, (0, None))
        copy = after.get(table)
        report.tables.append(
            TableCheck(
                name=table,
                rows=rows,
                restored_rows=None if copy is None else copy[0],
                same=copy is not None and (rows, digest) == copy,
            )
        )
    return report
