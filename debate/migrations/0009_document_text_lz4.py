"""Documents' texts compressed with lz4 on PostgreSQL (core/db/compression.py says why)."""

from django.db import migrations

from core.db.compression import column_compression_set


def lz4(apps, schema_editor):
    column_compression_set(
        schema_editor.connection, table="debate_document", column="text", lz4=True
    )


def pglz(apps, schema_editor):
    column_compression_set(
        schema_editor.connection, table="debate_document", column="text", lz4=False
    )


class Migration(migrations.Migration):
    dependencies = [("debate", "0008_merge_method")]

    operations = [migrations.RunPython(lz4, pglz, elidable=True)]
