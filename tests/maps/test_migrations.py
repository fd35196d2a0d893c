"""The move of map versions and builds from ``debate`` to ``maps`` keeps every row.

The suite runs without migrations, so each case migrates a database of its own in a fresh
``manage.py`` process: SQLite in a temporary file, or a new PostgreSQL database beside the
test database when the suite runs on PostgreSQL. The migration to ``BEFORE`` is run once per
module; each case starts from a copy of that database (``CREATE DATABASE ... TEMPLATE``, or a
copy of the SQLite file) and runs the migrations under test itself.
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
BEFORE = ("debate", "0003_map_graph_lz4")
GRAPH = '{"arguments": [], "note": "caf\\u00e9 \\ud83d\\udd12"}'


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


def _server() -> dict:
    params = connection.get_connection_params()
    return {key: params[key] for key in ("host", "port", "user") if params.get(key)}


def _postgresql_database(name: str, template: str | None = None) -> Database:
    """Create a PostgreSQL database (a copy of ``template`` if given) and return it."""
    server = _server()
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    host, port = server.get("host", "127.0.0.1"), server.get("port", 5432)
    url = f"postgres://{server['user']}@{host}:{port}/{name}"
    return Database(url, lambda: psycopg.connect(dbname=name, **server))


def _drop_postgresql_database(name: str) -> None:
    with psycopg.connect(dbname="postgres", autocommit=True, **_server()) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def migrated_before(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    """Migrate one database to ``BEFORE``, once for the module; each test starts from a copy
    of it (``database``), as if it had migrated its own: the same schema and rows, since
    nothing else writes to it."""
    with django_db_blocker.unblock():
        postgresql = is_postgresql(connection)
    if not postgresql:
        path = tmp_path_factory.mktemp("migrations") / "before.sqlite3"
        Database(f"sqlite:///{path}", lambda: sqlite3.connect(path)).manage(
            "migrate", *BEFORE, "--noinput"
        )
        yield str(path)
        return
    name = f"migrations_before_{uuid.uuid4().hex[:12]}"
    try:
        _postgresql_database(name).manage("migrate", *BEFORE, "--noinput")
        yield name
    finally:
        _drop_postgresql_database(name)


@pytest.fixture
def database(migrated_before, tmp_path) -> Iterator[Database]:
    """A database of the test's own, migrated to ``BEFORE`` (a copy of ``migrated_before``)."""
    if not is_postgresql(connection):
        path = tmp_path / "migrations.sqlite3"
        shutil.copyfile(migrated_before, path)
        yield Database(f"sqlite:///{path}", lambda: sqlite3.connect(path))
        return
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    try:
        yield _postgresql_database(name, template=migrated_before)
    finally:
        _drop_postgresql_database(name)


def placeholder(database: Database) -> str:
    return "?" if database.url.startswith("sqlite") else "%s"


def fill_maps_before_the_move(database: Database) -> None:
    p = placeholder(database)
    database.run(
        "INSERT INTO debate_debate (slug, title, proposition, scheme, annotators_per_document,"
        f" created_at, updated_at) VALUES ({p}, {p}, {p}, {p}, 2, {p}, {p})",
        ("enc", "Encryption", "Scan?", "{}", "2026-01-01", "2026-01-01"),
    )
    (debate_id,) = database.run("SELECT id FROM debate_debate")[0]
    for n in (1, 2):
        database.run(
            "INSERT INTO debate_mapversion (debate_id, input_hash, builder_version, graph_json,"
            " argument_count, source_count, document_count, created_at)"
            f" VALUES ({p}, {p}, 'argmap/1', {p}, {p}, {p}, 1, {p})",
            (debate_id, f"{n}" * 64, GRAPH, n, 2 * n, f"2026-01-0{n}"),
        )
    (version_id,) = database.run("SELECT max(id) FROM debate_mapversion")[0]
    database.run(
        "INSERT INTO debate_mapbuild (debate_id, status, progress, message, error, reason,"
        " requests, reused_version, worker, attempts, requested_at, version_id)"
        f" VALUES ({p}, 'done', 100, '', '', 'adjudicated', 3, {p}, 'w1', 1, {p}, {p})",
        (debate_id, False, "2026-01-02", version_id),
    )


def map_rows(database: Database, prefix: str) -> tuple[list[tuple], list[tuple]]:
    versions = database.run(
        "SELECT id, input_hash, graph_json, argument_count, source_count"
        f" FROM {prefix}_mapversion ORDER BY id"
    )
    builds = database.run(
        f"SELECT id, status, requests, worker, version_id FROM {prefix}_mapbuild ORDER BY id"
    )
    return versions, builds


@pytest.mark.django_db
def test_the_move_to_the_maps_app_keeps_every_version_and_build(database):
    # The database is at BEFORE (the fixture migrated it there).
    fill_maps_before_the_move(database)
    before = map_rows(database, "debate")
    assert len(before[0]) == 2 and len(before[1]) == 1

    database.manage("migrate", "--noinput")

    after = map_rows(database, "maps")
    assert after == before
    assert after[0][1][2] == GRAPH
    # The content types moved with the models: admin history and permissions follow them.
    labels = database.run(
        "SELECT app_label, model FROM django_content_type"
        " WHERE model IN ('mapversion', 'mapbuild') ORDER BY model"
    )
    assert labels == [("maps", "mapbuild"), ("maps", "mapversion")]
    # The models of the new app read the same rows, and its constraints still hold.
    shell = database.manage(
        "shell",
        "--no-imports",
        "-c",
        "from maps.models import MapBuild, MapVersion;"
        "b = MapBuild.objects.get();"
        "print(MapVersion.objects.count(), b.version.input_hash[:3], b.requests, b.debate.slug)",
    )
    assert shell.split() == ["2", "222", "3", "enc"]
    duplicate = database.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import IntegrityError; from maps.models import MapVersion;"
        "v = MapVersion.objects.first();\n"
        "try:\n"
        "    MapVersion.objects.create(debate=v.debate, input_hash=v.input_hash, graph_json='{}')\n"
        "except IntegrityError:\n"
        "    print('refused')\n",
    )
    assert duplicate.strip() == "refused"


@pytest.mark.django_db
def test_the_move_can_be_reversed_with_every_row(database):
    fill_maps_before_the_move(database)
    before = map_rows(database, "debate")
    database.manage("migrate", "--noinput")

    database.manage("migrate", *BEFORE, "--noinput")

    assert map_rows(database, "debate") == before
