"""json_lines: lines PostgreSQL writes with the JSON pieces are the portable writer's bytes.

The portable writer here is orjson over the ORM's rows, as the exports write their lines.
Every character below U+0080 (but NUL, which text cannot hold), the line and paragraph
separators, NEL, emoji, quotes and backslashes pass through both. On SQLite ``json_lines``
is the portable writer itself.
"""

import threading
from datetime import date

import orjson
import pytest
from django.db import connection, transaction

from core.db import is_postgresql
from core.db.json_lines import (
    HELPER_THREAD,
    LinesQuery,
    bigint_parameter,
    json_date,
    json_lines,
    json_lines_by_copy,
    json_number,
    json_object,
    json_or_null,
    json_string,
)
from debate.models import Document
from tests.factories import DebateFactory, DocumentFactory

pytestmark = pytest.mark.django_db(transaction=True)

TRICKY = [
    "".join(chr(code) for code in range(1, 0x80)),
    'He said "no" \\ then\ttabbed,\nnext \u2028 and \u2029, NEL \x85, 🔐🧪 e\u0301',
    "",
]


@pytest.fixture
def debate():
    debate = DebateFactory()
    for number, title in enumerate(TRICKY):
        DocumentFactory(
            debate=debate,
            title=title,
            url="" if number else 'https://example.org/?q="x"&y=\\',
            published=date(2024, 2, 29) if number == 1 else None,
        )
    return debate


def _query(debate) -> LinesQuery:
    table = connection.ops.quote_name(Document._meta.db_table)
    line = json_object(
        [
            ("type", "'\"document\"'"),
            ("id", json_number("id")),
            ("title", json_string("title")),
            ("url", json_or_null(f"NULLIF({json_string('url')}, '\"\"')")),
            ("published", json_date("published")),
        ]
    )
    low, high = bigint_parameter("low"), bigint_parameter("high")
    return LinesQuery(
        sql=f"SELECT {line} FROM {table} WHERE debate_id = %(debate)s "
        f"AND ({low} IS NULL OR id >= {low}) AND ({high} IS NULL OR id < {high}) ORDER BY id",
        batches_sql=f"SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n "
        f"FROM {table} WHERE debate_id = %(debate)s) numbered "
        "WHERE mod(n - 1, %(batch_size)s) = 0 ORDER BY id",
        params={"debate": debate.pk},
    )


def _portable(debate):
    lines = [
        orjson.dumps(
            {
                "type": "document",
                "id": pk,
                "title": title,
                "url": url or None,
                "published": None if published is None else published.isoformat(),
            },
            option=orjson.OPT_APPEND_NEWLINE,
        )
        for pk, title, url, published in Document.objects.filter(debate=debate)
        .order_by("id")
        .values_list("id", "title", "url", "published")
    ]
    yield b"".join(lines)


def _helpers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == HELPER_THREAD]


def test_the_database_writes_the_portable_writers_bytes(debate):
    portable = b"".join(_portable(debate))
    written = b"".join(
        json_lines(query=lambda: _query(debate), portable=lambda: _portable(debate), batch_size=1)
    )
    assert written == portable
    assert portable.count(b"\n") == len(TRICKY)
    assert "\u2028 and \u2029".encode() in portable  # raw in the file, as orjson writes them
    assert b"\\u0001\\u0002" in portable and b"\x7f" in portable
    if is_postgresql(connection):
        # One connection (inside the caller's transaction) writes what two write.
        with transaction.atomic():
            alone = b"".join(json_lines_by_copy(lines=_query(debate), batch_size=1))
        assert alone == portable
    assert _helpers() == []


def test_keys_are_plain_names():
    assert json_object([]) == "'{}'"
    with pytest.raises(ValueError, match="Not a plain key"):
        json_object([('a"b', "1")])
