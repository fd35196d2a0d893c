"""The move of map versions and builds from ``debate`` to ``maps`` keeps every row.

Each case migrates a database of its own from ``BEFORE`` (``tests/migrations.py``).
"""

import pytest

from tests.migrations import Database, migration_fixtures, placeholder

BEFORE = ("debate", "0003_map_graph_lz4")
GRAPH = '{"arguments": [], "note": "caf\\u00e9 \\ud83d\\udd12"}'


migrated_before, database = migration_fixtures(BEFORE)


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
