"""The migration that keeps status counts counts every debate and installs the triggers; back,
it drops them with the table.

Each case migrates a database of its own from ``BEFORE`` (``tests/migrations.py``); rows are
written in SQL, since the models of today would write the counts table the database lacks.
"""

import pytest

from tests.migrations import Database, migration_fixtures, placeholder

BEFORE = ("annotations", "0007_agreement_tallies")

migrated_before, database = migration_fixtures(BEFORE)


def fill(database: Database) -> tuple[int, int]:
    """Write a debate of three documents (new, annotating, ready) and four assignments."""
    # The debates' table as today's (annotations 0007 needs an older one only).
    database.manage("migrate", "debate", "--noinput")
    p = placeholder(database)
    database.run(
        "INSERT INTO debate_debate (slug, title, proposition, scheme, annotators_per_document,"
        " annotators_see_maps, remember_last_choice, merge_method, suggestions,"
        f" created_at, updated_at) VALUES ({p}, 'Enc', 'Scan?', '{{}}', 2, {p}, {p},"
        f" 'lexical', 'off', {p}, {p})",
        ("enc", False, False, "2026-01-01", "2026-01-01"),
    )
    (debate_id,) = database.run("SELECT id FROM debate_debate")[0]
    for name in ("ann", "bob"):
        database.run(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
            f" email, is_staff, is_active, date_joined, last_login) VALUES ('x', {p}, {p}, '',"
            f" '', '', {p}, {p}, {p}, {p})",
            (False, name, False, True, "2026-01-01", "2026-01-01"),
        )
    users = [row[0] for row in database.run("SELECT id FROM auth_user ORDER BY username")]
    for n, status in enumerate(("new", "annotating", "ready_for_review")):
        database.run(
            "INSERT INTO debate_document (title, source, url, text, sha256, status, debate_id,"
            f" created_at, updated_at) VALUES ('t', 's', '', {p}, {p}, {p}, {p}, {p}, {p})",
            (f"Text {n}.", f"{n}" * 64, status, debate_id, "2026-01-01", "2026-01-01"),
        )
    documents = [row[0] for row in database.run("SELECT id FROM debate_document ORDER BY id")]
    for document, annotator, status in (
        (documents[1], users[0], "in_progress"),
        (documents[2], users[0], "submitted"),
        (documents[2], users[1], "submitted"),
        (documents[0], users[1], "assigned"),
    ):
        database.run(
            "INSERT INTO annotations_assignment (status, annotator_id, document_id, created_at,"
            f" updated_at) VALUES ({p}, {p}, {p}, {p}, {p})",
            (status, annotator, document, "2026-01-01", "2026-01-01"),
        )
    return debate_id, documents[0]


def counts(database: Database) -> dict[tuple[str, str], int]:
    rows = database.run("SELECT kind, status, n FROM annotations_debatestatuscount")
    return {(kind, status): n for kind, status, n in rows}


@pytest.mark.django_db
def test_the_migration_counts_every_debate_and_the_triggers_keep_counting(database):
    _debate, first = fill(database)
    database.manage("migrate", "--noinput")
    assert counts(database) == {
        ("document", "new"): 1,
        ("document", "annotating"): 1,
        ("document", "ready_for_review"): 1,
        ("document", "adjudicated"): 0,
        ("assignment", "assigned"): 1,
        ("assignment", "in_progress"): 1,
        ("assignment", "submitted"): 2,
    }
    p = placeholder(database)
    database.run(
        f"UPDATE annotations_assignment SET status = 'in_progress' WHERE document_id = {p}",
        (first,),
    )
    database.run(f"UPDATE debate_document SET status = 'annotating' WHERE id = {p}", (first,))
    after = counts(database)
    assert (after["document", "new"], after["document", "annotating"]) == (0, 2)
    assert (after["assignment", "assigned"], after["assignment", "in_progress"]) == (0, 2)


@pytest.mark.django_db
def test_the_migration_back_drops_the_triggers_with_the_table(database):
    fill(database)
    database.manage("migrate", "--noinput")
    database.manage("migrate", *BEFORE, "--noinput")
    tables = database.manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; print(connection.introspection.table_names())",
    )
    assert "annotations_debatestatuscount" not in tables
    # Without the triggers, writes to the counted tables no longer reach for the table.
    p = placeholder(database)
    database.run(f"UPDATE debate_document SET status = {p}", ("annotating",))
    database.run("DELETE FROM annotations_assignment")
    assert database.run("SELECT COUNT(*) FROM annotations_assignment") == [(0,)]
    assert database.run("SELECT DISTINCT status FROM debate_document") == [("annotating",)]
