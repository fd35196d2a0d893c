"""Documents' texts are compressed with lz4 where the database offers it, and only there."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from core.db import is_postgresql
from core.db.compression import column_compression_set, lz4_available

pytestmark = pytest.mark.django_db


def _compression() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'debate_document'::regclass AND attname = 'text'"
        )
        return cursor.fetchone()[0]


def test_the_migration_compresses_texts_with_lz4_on_postgresql_with_lz4():
    # Tests build their tables without migrations: run this one's step by hand.
    migration = importlib.import_module("debate.migrations.0009_document_text_lz4")
    migration.lz4(None, SimpleNamespace(connection=connection))
    if not is_postgresql(connection):
        assert lz4_available(connection) is False
        assert column_compression_set(connection, table="debate_document", column="text") is False
        return
    assert _compression() == ("l" if lz4_available(connection) else "")
    migration.pglz(None, SimpleNamespace(connection=connection))
    assert _compression() == ("p" if lz4_available(connection) else "")


def test_setting_and_unsetting_the_compression():
    changed = column_compression_set(connection, table="debate_document", column="text", lz4=False)
    assert changed is lz4_available(connection)
    if changed:
        assert _compression() == "p"
        column_compression_set(connection, table="debate_document", column="text", lz4=True)
        assert _compression() == "l"
