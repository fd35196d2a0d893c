"""Large text columns written and read as UTF-8 bytes, with no Python str in between.

Through the ORM a text value is a str: written, it is encoded again by the driver, and on
PostgreSQL Django's client-side binding quotes it into the SQL text, which the server then
parses; read, it is decoded to a str (up to four bytes a character). For a value of tens of
megabytes that already exists as UTF-8 (a map version's graph JSON), PostgreSQL gets it here as
a bound binary parameter and gives it back as bytes. Elsewhere both functions are the ORM's
``create`` and ``values_list``. tests/core/db/test_text_bytes.py holds that both paths store
and return the same.
"""

from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.sql import InsertQuery

from core.db import is_postgresql
from core.db.compiled import preparable_cursor


def text_bytes_insert(
    model: type[Model],
    *,
    values: dict[str, Any],
    column: str,
    text: bytes,
    using: str = DEFAULT_DB_ALIAS,
) -> Any:
    """Insert one row, ``model.objects.create(**values, column=text.decode())``; return its pk.

    The row is the ORM's (defaults, ``auto_now_add``, the same SQL): only the text's parameter
    is sent as the bytes it is, on PostgreSQL.
    """
    connection = connections[using]
    manager = model._default_manager.db_manager(using)
    if not is_postgresql(connection):
        return manager.create(**values, **{column: text.decode("utf-8")}).pk
    # A str object of this call's own, found again by identity among the compiled parameters:
    # a text field passes a str through unchanged.
    stand_in = str(object())
    instance = model(**values, **{column: stand_in})
    meta = model._meta
    # The fields Model.save() inserts for a new row.
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    query = InsertQuery(model)
    query.insert_values(fields, [instance])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    if sum(param is stand_in for param in params) != 1:
        raise ValueError(f"{meta.label}.{column} is not a text column sent as one parameter")
    params = [_Utf8Text(text) if param is stand_in else param for param in params]
    with preparable_cursor(connection) as cursor:
        cursor.cursor.adapters.register_dumper(_Utf8Text, _Utf8TextDumper)
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def text_bytes_read(
    model: type[Model], *, pk: Any, column: str, using: str = DEFAULT_DB_ALIAS
) -> bytes:
    """Return one row's text column as its UTF-8 bytes; raise ``model.DoesNotExist``."""
    connection = connections[using]
    rows = model._default_manager.db_manager(using).filter(pk=pk).order_by().values_list(column)
    if not is_postgresql(connection):
        found = list(rows)
        if not found:
            raise model.DoesNotExist
        return found[0][0].encode("utf-8")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        # This cursor's copy of the adapters only: the connection's text stays str.
        cursor.cursor.adapters.register_loader("text", _Utf8BytesLoader)
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist
    return bytes(row[0])


def text_bytes_insert_missing(
    model: type[Model],
    *,
    key: str,
    column: str,
    rows: dict[str, bytes],
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Insert the rows (``key`` value -> text as UTF-8) whose key is not stored yet; return
    how many were new.

    For content-named rows written once and shared (a map version's chunks): only the keys
    missing are sent, and a row another transaction inserted meanwhile is left as it is.
    """
    if not rows:
        return 0
    manager = model._default_manager.db_manager(using)
    stored = set(manager.filter(**{f"{key}__in": list(rows)}).values_list(key, flat=True))
    missing = {name: text for name, text in rows.items() if name not in stored}
    if not missing:
        return 0
    connection = connections[using]
    if not is_postgresql(connection):
        manager.bulk_create(
            [model(**{key: name, column: text.decode("utf-8")}) for name, text in missing.items()],
            ignore_conflicts=True,
        )
        return len(missing)
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    key_column = connection.ops.quote_name(meta.get_field(key).column)
    text_column = connection.ops.quote_name(meta.get_field(column).column)
    # Names from the model's own metadata, quoted; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({key_column}, {text_column}) VALUES (%s, %s) "  # noqa: S608
        f"ON CONFLICT ({key_column}) DO NOTHING"
    )
    # Server-side binding: Django's own cursor would write the bytes into the SQL as bytea.
    with preparable_cursor(connection) as cursor:
        cursor.cursor.adapters.register_dumper(_Utf8Text, _Utf8TextDumper)
        cursor.executemany(sql, [(name, _Utf8Text(text)) for name, text in missing.items()])
    return len(missing)


def text_bytes_read_many(
    model: type[Model],
    *,
    key: str,
    column: str,
    keys: list[str],
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, bytes]:
    """Return the text column of the rows with these keys, as UTF-8 bytes by key."""
    rows = (
        model._default_manager.db_manager(using)
        .filter(**{f"{key}__in": keys})
        .order_by()
        .values_list(key, column)
    )
    connection = connections[using]
    if not is_postgresql(connection):
        return {name: text.encode("utf-8") for name, text in rows}
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("text", _Utf8BytesLoader)
        cursor.execute(sql, params)
        # A CharField key is varchar, which this loader leaves a str.
        return {name: bytes(text) for name, text in cursor.fetchall()}


class _Utf8Text(bytes):
    """UTF-8 bytes to store in a text column as they are."""


class _Utf8TextDumper(psycopg.adapt.Dumper):
    """Send ``_Utf8Text`` as a binary ``text`` parameter: its bytes, unchanged."""

    format = psycopg.pq.Format.BINARY

    def __init__(self, cls: type, context: Any = None) -> None:
        super().__init__(cls, context)
        self.oid = psycopg.postgres.types["text"].oid

    def dump(self, obj: bytes) -> bytes:
        return obj


class _Utf8BytesLoader(psycopg.adapt.Loader):
    """Load a text value as its bytes (the database's encoding, UTF-8), not as a str."""

    def load(self, data: Any) -> bytes:
        return bytes(data)
