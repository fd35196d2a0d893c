"""Map versions stored as content-named chunks that versions share (``maps.chunks``).

A new version lists the digests of its chunks and stores only those no version has yet; the
versions stored before keep their whole text in ``graph_json``, read as before. The chunks'
text is compressed with lz4 where PostgreSQL has it, as ``graph_json`` is (debate/0003).
"""

from django.db import migrations, models

from core.db import is_postgresql

TABLE = '"maps_mapchunk"'


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
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN text SET COMPRESSION lz4")


class Migration(migrations.Migration):
    dependencies = [("maps", "0003_merge_decisions")]

    operations = [
        migrations.CreateModel(
            name="MapChunk",
            fields=[
                (
                    "digest",
                    models.CharField(
                        help_text="BLAKE2b-256, hex.",
                        max_length=64,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("text", models.TextField()),
            ],
        ),
        migrations.AddField(
            model_name="mapversion",
            name="chunks",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The digests of the MapChunks whose texts, joined in this order, are "
                "the map.",
            ),
        ),
        migrations.AlterField(
            model_name="mapversion",
            name="graph_json",
            field=models.TextField(
                blank=True,
                help_text="The map as canonical JSON (maps.builder.map_to_json), for versions "
                "stored before chunks; empty when ``chunks`` holds it.",
            ),
        ),
        migrations.RunPython(use_lz4, migrations.RunPython.noop, elidable=False),
    ]
