"""Map versions stored as content-named chunks that versions share (``maps.chunks``).

A new version lists the digests of its chunks and stores only those no version has yet; the
versions stored before keep their whole text in ``graph_json``, read as before. The chunks'
text is compressed with lz4 where PostgreSQL has it (``core.db.compression``), as ``graph_json``
is (debate/0003).
"""

from django.db import migrations, models

from core.db.compression import column_compression_set


def use_lz4(apps, schema_editor) -> None:
    column_compression_set(schema_editor.connection, table="maps_mapchunk", column="text")


def use_default(apps, schema_editor) -> None:
    column_compression_set(
        schema_editor.connection, table="maps_mapchunk", column="text", lz4=False
    )


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
        migrations.RunPython(use_lz4, use_default, elidable=False),
    ]
