"""Text columns as UTF-8 bytes: the same rows and bytes as the ORM's ``create`` and read.

On PostgreSQL the fast path runs and is compared with the ORM on the same data; elsewhere the
functions are the ORM's, which the statement they log shows.
"""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.db import is_postgresql
from core.db.text_bytes import (
    text_bytes_insert,
    text_bytes_insert_missing,
    text_bytes_read,
    text_bytes_read_many,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Multi-byte characters of every UTF-8 length, quotes, backslashes and a control character.
TEXT = (
    'caf\u00e9 \u201cquoted\u201d \\ back\\slash \U0001f512 \u4e2d\u6587 \x01 {"a": [1, 2.5e-05]}\n'
)
LARGE = TEXT * 40_000  # about 2.5 MB


def log_entry_values(user) -> dict:
    return {
        "user": user,
        "object_repr": "a map",
        "action_flag": ADDITION,
        "object_id": "7",
    }


def row_without_key(model, pk) -> dict:
    row = model.objects.filter(pk=pk).values().get()
    row.pop(model._meta.pk.attname)
    return row


def test_an_inserted_row_is_the_row_the_orm_inserts():
    user = UserFactory()
    before = timezone.now()

    fast = text_bytes_insert(
        LogEntry,
        values=log_entry_values(user),
        column="change_message",
        text=LARGE.encode("utf-8"),
    )
    orm = LogEntry.objects.create(**log_entry_values(user), change_message=LARGE).pk

    assert fast != orm
    fast_row, orm_row = row_without_key(LogEntry, fast), row_without_key(LogEntry, orm)
    # The default (timezone.now) is applied on both paths, a moment apart.
    assert before <= fast_row.pop("action_time") <= orm_row.pop("action_time")
    assert fast_row == orm_row
    assert fast_row["change_message"] == LARGE


def test_a_model_whose_key_is_not_generated_is_inserted_as_the_orm_inserts():
    expires = timezone.now() + timedelta(days=1)

    key = text_bytes_insert(
        Session,
        values={"session_key": "fast", "expire_date": expires},
        column="session_data",
        text=TEXT.encode("utf-8"),
    )
    Session.objects.create(session_key="orm", expire_date=expires, session_data=TEXT)

    assert key == "fast"
    assert row_without_key(Session, "fast") == row_without_key(Session, "orm")


def test_a_duplicate_key_is_django_s_integrity_error_on_both_paths():
    expires = timezone.now() + timedelta(days=1)
    values = {"session_key": "twice", "expire_date": expires}
    text_bytes_insert(Session, values=values, column="session_data", text=b"first")

    with pytest.raises(IntegrityError), transaction.atomic():
        text_bytes_insert(Session, values=values, column="session_data", text=b"second")
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(**values, session_data="second")

    assert Session.objects.get(pk="twice").session_data == "first"


def test_the_text_is_bound_apart_on_postgresql_and_written_into_the_statement_elsewhere():
    marker = "a marker that only the text holds"
    user = UserFactory()

    with CaptureQueriesContext(connection) as queries:
        text_bytes_insert(
            LogEntry,
            values=log_entry_values(user),
            column="change_message",
            text=marker.encode("utf-8"),
        )

    [insert] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert (marker in insert) is not is_postgresql(connection)


def test_a_read_gives_the_bytes_of_the_text_the_orm_reads():
    entry = LogEntry.objects.create(**log_entry_values(UserFactory()), change_message=LARGE)

    read = text_bytes_read(LogEntry, pk=entry.pk, column="change_message")

    assert isinstance(read, bytes)
    orm = LogEntry.objects.values_list("change_message", flat=True).get(pk=entry.pk)
    assert read == orm.encode("utf-8")


def test_a_read_leaves_the_connection_s_other_text_as_str():
    entry = LogEntry.objects.create(**log_entry_values(UserFactory()), change_message=TEXT)

    text_bytes_read(LogEntry, pk=entry.pk, column="change_message")

    assert LogEntry.objects.values_list("change_message", flat=True).get(pk=entry.pk) == TEXT
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", ["plain"])
        assert cursor.fetchone()[0] == "plain"


def test_a_read_of_a_missing_row_raises_does_not_exist():
    with pytest.raises(LogEntry.DoesNotExist):
        text_bytes_read(LogEntry, pk=987_654, column="change_message")


# --- Many content-named rows: insert the missing ones, read them back as bytes ---------------
def test_only_missing_rows_are_inserted_and_read_back_as_their_bytes():
    from maps.models import MapChunk

    MapChunk.objects.create(digest="kept", text="stored before")
    rows = {"kept": b"never written again", "new-1": TEXT.encode(), "new-2": LARGE.encode()}

    assert text_bytes_insert_missing(MapChunk, key="digest", column="text", rows=rows) == 2
    assert text_bytes_insert_missing(MapChunk, key="digest", column="text", rows=rows) == 0

    # Stored as the ORM stores the same text: the str the ORM reads is the text decoded.
    assert dict(MapChunk.objects.values_list("digest", "text")) == {
        "kept": "stored before",
        "new-1": TEXT,
        "new-2": LARGE,
    }
    read = text_bytes_read_many(
        MapChunk, key="digest", column="text", keys=["new-2", "kept", "new-1", "absent"]
    )
    assert read == {
        "kept": b"stored before",
        "new-1": TEXT.encode(),
        "new-2": LARGE.encode(),
    }
    assert all(type(value) is bytes for value in read.values())


def test_inserting_many_sends_the_texts_as_parameters_on_postgresql():
    from maps.models import MapChunk

    with CaptureQueriesContext(connection) as queries:
        text_bytes_insert_missing(
            MapChunk, key="digest", column="text", rows={"a": b"x' OR '1'='1", "b": b"\\"}
        )

    inserts = [q["sql"] for q in queries if "INSERT" in q["sql"]]
    assert len(inserts) == 1
    if is_postgresql(connection):
        # One statement for both rows (executemany), the texts apart from it.
        assert inserts[0].startswith("2 times: INSERT")
        assert "ON CONFLICT" in inserts[0] and "OR '1'='1" not in inserts[0]
    assert dict(MapChunk.objects.values_list("digest", "text")) == {"a": "x' OR '1'='1", "b": "\\"}
