"""A debate's documents and assignments by status, kept by the database as they change.

Counted on each request, the agreement endpoint's progress would cost a scan of every
document and assignment of the debate. Instead ``DebateStatusCount`` rows hold the counts,
and triggers on the documents' and assignments' tables change them in the statement that
changes a status (``core.db.kept_counts``): whatever writes the rows, a service, a bulk
``update()``, the admin, a cascade or SQL by hand, keeps them exact, at the
cost of a few row updates in its transaction.

A new debate gets its rows, all zero, as it is saved (``debate_status_counts_start``, from
``annotations.receivers``); the migration that added the counts counted every debate there
was. ``debate_status_counts_recount`` counts a debate afresh: on a read that finds no rows,
and from ``manage.py count_agreement`` (the repair path, after a restore that skipped the
triggers, say). The triggers are installed by that migration and again after every
``migrate`` (``annotations.receivers``), so a database made without migrations, as the test
suite's, has them too.
"""

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from annotations.models import Assignment, AssignmentStatus, DebateStatusCount
from core.db.kept_counts import (
    Counted,
    Counts,
    kept_counts_drop,
    kept_counts_install,
    kept_counts_recount,
)
from debate.models import Debate, Document, DocumentStatus

DOCUMENT = "document"
ASSIGNMENT = "assignment"
STATUSES = {DOCUMENT: DocumentStatus.values, ASSIGNMENT: AssignmentStatus.values}


def _specs() -> tuple[Counts, list[Counted]]:
    documents = Document._meta
    counts = Counts(
        table=DebateStatusCount._meta.db_table,
        group=DebateStatusCount._meta.get_field("debate").column,
        prefix="status_counts",
    )
    counted = [
        Counted(
            kind=DOCUMENT,
            table=documents.db_table,
            status=documents.get_field("status").column,
            group=documents.get_field("debate").column,
        ),
        Counted(
            kind=ASSIGNMENT,
            table=Assignment._meta.db_table,
            status=Assignment._meta.get_field("status").column,
            group=Assignment._meta.get_field("document").column,
            via=(
                documents.db_table,
                documents.pk.column,
                documents.get_field("debate").column,
            ),
        ),
    ]
    return counts, counted


def status_counts_install(*, connection: BaseDatabaseWrapper) -> None:
    """Install the triggers that keep every debate's status counts (idempotent)."""
    counts, counted = _specs()
    kept_counts_install(connection, counts=counts, counted=counted)


def status_counts_uninstall(*, connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers that keep the status counts (the migration's way back)."""
    counts, counted = _specs()
    kept_counts_drop(connection, counts=counts, counted=counted)


def debate_status_counts_start(*, debate: Debate) -> None:
    """Write a new debate's counts rows, all zero: it has no document yet."""
    DebateStatusCount.objects.bulk_create(
        [
            DebateStatusCount(debate=debate, kind=kind, status=status, n=0)
            for kind, statuses in STATUSES.items()
            for status in statuses
        ],
        ignore_conflicts=True,
    )


def debate_status_counts_recount(*, debate: Debate) -> dict[str, dict[str, int]]:
    """Count a debate's documents and assignments by status afresh and keep the counts."""
    counts, counted = _specs()
    written = kept_counts_recount(
        connections[DebateStatusCount.objects.db],
        counts=counts,
        counted=counted,
        group_id=debate.pk,
        statuses=STATUSES,
    )
    return _by_kind(written)


def debate_status_counts(*, debate: Debate) -> dict[str, dict[str, int]]:
    """Return a debate's documents and assignments by status: {kind: {status: n}}.

    Read from the kept counts, counted first if the debate has none yet.
    """
    rows = list(DebateStatusCount.objects.filter(debate=debate).values_list("kind", "status", "n"))
    if not rows:
        return debate_status_counts_recount(debate=debate)
    return _by_kind(rows)


def _by_kind(rows: list[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {kind: dict.fromkeys(STATUSES[kind], 0) for kind in STATUSES}
    for kind, status, n in rows:
        found[kind][status] = n
    return found
