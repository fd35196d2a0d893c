"""The backup drill restores an identical database, and notices when a restore is not."""

import re
import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from annotations.models import Span
from core.db import backup, is_postgresql
from tests.scenes import team_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team():
    # Committed rows (a transactional test): pg_dump reads them from another connection.
    return team_create(annotators=3, documents=4, gold_documents=3)


def test_the_drill_restores_every_table_and_sequence_identically(team, capsys):
    spans = Span.objects.count()
    report = backup.backup_drill()

    assert report.ok, report.problems()
    assert report.backup_bytes > 0
    by_name = {table.name: table for table in report.tables}
    assert by_name["annotations_span"].rows == by_name["annotations_span"].restored_rows == spans
    assert spans > 0
    assert {"debate_debate", "maps_mapversion", "maps_mapchunk", "auth_user"} <= set(by_name)
    if is_postgresql(connection):
        assert report.sequences and all(a == b for a, b in report.sequences.values())

    call_command("backup_check")
    out = capsys.readouterr().out
    assert re.search(rf"^annotations_span +{spans} rows  same$", out, re.MULTILINE)
    assert f"{len(report.tables)} tables and {len(report.sequences)} sequences compared" in out
    assert "identically." in out


def test_a_restore_that_lost_rows_is_reported_table_by_table(team, monkeypatch):
    spans = Span.objects.count()
    if is_postgresql(connection):
        real_run = backup.subprocess.run

        def restore_one_table(command, **kwargs):
            if command[0].endswith("/pg_restore"):
                command = [command[0], "--table=annotations_span", *command[1:]]
            return real_run(command, **kwargs)

        monkeypatch.setattr(backup.subprocess, "run", restore_one_table)
    else:
        real_connect = sqlite3.connect
        opened = []

        def lose_a_span(path, *args, **kwargs):
            conn = real_connect(path, *args, **kwargs)
            opened.append(conn)
            if len(opened) % 2 == 0:  # the restored copy, opened to be compared
                # A restore loses a row without running the triggers a delete runs (the gold
                # revisions': core.db.kept_revisions), so the copy loses the span alone.
                triggers = conn.execute(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'annotations_span'"
                ).fetchall()
                for (name,) in triggers:
                    conn.execute(f'DROP TRIGGER "{name}"')
                conn.execute(
                    "DELETE FROM annotations_span WHERE id = (SELECT min(id) FROM annotations_span)"
                )
                conn.commit()
            return conn

        monkeypatch.setattr(backup.sqlite3, "connect", lose_a_span)

    report = backup.backup_drill()

    assert not report.ok
    by_name = {table.name: table for table in report.tables}
    if is_postgresql(connection):
        # Only the span table came back, without its rows' neighbours: every other is missing.
        assert by_name["annotations_span"].same
        assert by_name["debate_debate"].restored_rows is None
        assert "table debate_debate: 1 rows, restored missing" in report.problems()
    else:
        assert by_name["annotations_span"].restored_rows == spans - 1
        assert report.problems() == [
            f"table annotations_span: {spans} rows, restored {spans - 1} rows, not the same"
        ]
    with pytest.raises(CommandError, match="The restored backup differs"):
        call_command("backup_check")
