"""insert_rows: COPY on PostgreSQL and bulk_create elsewhere write the same rows.

Each case runs every path the database has on the same data, in savepoints rolled back
between them, and compares what each wrote. On SQLite only the ORM path exists, and
``insert_rows`` must be it.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from core.db import is_postgresql
from core.db.bulk_insert import insert_rows, insert_rows_by_copy, insert_rows_by_orm
from debate.models import Document
from debate.text import text_sha256
from tests.factories import DebateFactory

pytestmark = pytest.mark.django_db

TEXTS = [
    "Plain ASCII.",
    "Tabs\tand\nnew lines, a backslash \\ and a quote \" and ' too.",
    "Emoji 🔐, curly “quotes”, café, a no-break\u00a0space and U+2028\u2028inside.",
    "A text of many paragraphs.\n\n" + "Word " * 1200,
]


def _rows(debate):
    return [
        Document(
            debate=debate,
            text=text,
            sha256=text_sha256(text),
            title=f"Title {number}",
            source="Source" if number % 2 else "",
            url="https://example.org/a?b=c&d=é" if number == 1 else "",
            published=datetime.date(2023, 7, number + 1) if number < 3 else None,
        )
        for number, text in enumerate(TEXTS)
    ]


def _written(debate):
    return list(
        Document.objects.filter(debate=debate)
        .order_by("sha256")
        .values("title", "source", "url", "published", "text", "sha256", "status")
    )


def _paths():
    return (
        [insert_rows_by_orm, insert_rows_by_copy]
        if is_postgresql(connection)
        else [insert_rows_by_orm]
    )


def test_both_paths_write_the_same_rows():
    debate = DebateFactory()
    written = []
    for path in _paths():
        with transaction.atomic():
            rows = _rows(debate)
            before = datetime.datetime.now(datetime.UTC)
            path(Document, iter(rows))
            stored = Document.objects.filter(debate=debate)
            assert all(row.created_at >= before for row in stored)
            assert all(row.pk is None for row in rows)  # neither sets keys
            written.append(_written(debate))
            transaction.set_rollback(True)
    assert len(written) == len(_paths())
    assert all(rows == written[0] for rows in written)
    assert [row["text"] for row in sorted(written[0], key=lambda r: r["title"])] == TEXTS


def test_the_dispatcher_takes_copy_on_postgresql_and_the_orm_elsewhere():
    debate = DebateFactory()
    calls = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: calls.append(sql) or execute(sql, *args)
    ):
        insert_rows(Document, iter(_rows(debate)))
    assert Document.objects.filter(debate=debate).count() == len(TEXTS)
    inserts = [sql for sql in calls if sql.lstrip().upper().startswith("INSERT")]
    # The COPY goes to the driver directly, past Django's execute wrappers.
    assert len(inserts) == (0 if is_postgresql(connection) else 1)


def test_a_refused_row_fails_the_whole_call_on_every_path():
    debate = DebateFactory()
    for path in _paths():
        rows = _rows(debate)
        rows[2].sha256 = rows[0].sha256  # the unique (debate, sha256) refuses the pair
        with pytest.raises(IntegrityError), transaction.atomic():
            path(Document, rows)
        assert Document.objects.filter(debate=debate).count() == 0


def test_no_rows_write_nothing():
    for path in _paths():
        path(Document, iter([]))
    assert Document.objects.count() == 0
