"""Databases of their own for migration tests: each migrated in a fresh ``manage.py`` process.

The suite runs without migrations, so a migration test migrates a database of its own: SQLite
in a temporary file, or a new PostgreSQL database beside the test database when the suite runs
on PostgreSQL. ``migration_fixtures(before)`` gives a module its two fixtures: the migration to
``before`` is run once per module (``migrated_before``); each case starts from a copy of that
database (``database``: ``CREATE DATABASE ... TEMPLATE``, or a copy of the SQLite file) and
runs the migrations under test itself.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import closing

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from core.db import is_postgresql

MANAGE = str(settings.BASE_DIR / "manage.py")


class Database:
    """A database of its own, reached through DATABASE_URL by manage.py and by run()."""

    def __init__(self, url: str, connect):
        self.url = url
        self._connect = connect

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with closing(self._connect()) as conn:
            cursor = conn.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            conn.commit()
            return rows

    def manage(self, *args: str) -> str:
        env = {**os.environ, "DATABASE_URL": self.url, "DJANGO_ENV": "test"}
        done = subprocess.run(
            [sys.executable, MANAGE, *args],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout


def server_params() -> dict:
    params = connection.get_connection_params()
    return {key: params[key] for key in ("host", "port", "user") if params.get(key)}


def postgresql_database(name: str, template: str | None = None) -> Database:
    """Create a PostgreSQL database (a copy of ``template`` if given) and return it."""
    server = server_params()
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    host, port = server.get("host", "127.0.0.1"), server.get("port", 5432)
    url = f"postgres://{server['user']}@{host}:{port}/{name}"
    return Database(url, lambda: psycopg.connect(dbname=name, **server))


def drop_postgresql_database(name: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **server_params()) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migration_fixtures(before: tuple[str, str]):
    """Return the fixtures ``migrated_before`` and ``database`` of a module migrating from
    ``before`` (app label, migration name); assign them to those names in the module."""

    @pytest.fixture(scope="module", name="migrated_before")
    def migrated_before(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
        """Migrate one database to ``before``, once for the module; each test starts from a
        copy of it (``database``), as if it had migrated its own: the same schema and rows,
        since nothing else writes to it."""
        with django_db_blocker.unblock():
            postgresql = is_postgresql(connection)
        if not postgresql:
            path = tmp_path_factory.mktemp("migrations") / "before.sqlite3"
            Database(f"sqlite:///{path}", lambda: sqlite3.connect(path)).manage(
                "migrate", *before, "--noinput"
            )
            yield str(path)
            return
        name = f"migrations_before_{uuid.uuid4().hex[:12]}"
        try:
            postgresql_database(name).manage("migrate", *before, "--noinput")
            yield name
        finally:
            drop_postgresql_database(name)

    @pytest.fixture(name="database")
    def database(migrated_before, tmp_path) -> Iterator[Database]:
        """A database of the test's own, migrated to ``before`` (a copy of ``migrated_before``)."""
        if not is_postgresql(connection):
            path = tmp_path / "migrations.sqlite3"
            shutil.copyfile(migrated_before, path)
            yield Database(f"sqlite:///{path}", lambda: sqlite3.connect(path))
            return
        name = f"migrations_{uuid.uuid4().hex[:12]}"
        try:
            yield postgresql_database(name, template=migrated_before)
        finally:
            drop_postgresql_database(name)

    return migrated_before, database


def placeholder(database: Database) -> str:
    """Return the parameter placeholder of the database's driver."""
    return "?" if database.url.startswith("sqlite") else "%s"
