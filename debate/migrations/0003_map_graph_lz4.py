"""Compress stored map graphs with lz4 instead of pglz, on PostgreSQL 14+ built with lz4.

A map of 100k gold spans is about 70 MB of JSON; PostgreSQL's default pglz took over a
second of the database's time to compress it as the version was stored, lz4 a fraction of
that (docs/BENCHMARKS.md). Rows already stored keep their compression until rewritten.
Nothing changes on SQLite or on a PostgreSQL without lz4.
"""

from django.db import migrations

from core.db import is_postgresql

TABLE = '"debate_mapversion"'


def _lz4_available(schema_editor) -> bool:
    connection = schema_editor.connection
    if not is_postgresql(connection) or connection.pg_version < 140000:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def use_lz4(apps, schema_editor) -> None:
    if _lz4_available(schema_editor):
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN graph_json SET COMPRESSION lz4")


def use_default(apps, schema_editor) -> None:
    if _lz4_available(schema_editor):
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN graph_json SET COMPRESSION default"
        )


class Migration(migrations.Migration):
    dependencies = [("debate", "0002_map_versions_and_builds")]

    operations = [migrations.RunPython(use_lz4, use_default, elidable=False)]
