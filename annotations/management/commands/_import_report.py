"""What the import commands share: who an import acts as, and its report (not a command)."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.imports.reports import REJECTED, ImportInterrupted, ImportReport, report_lines
from annotations.imports.services import import_default_by
from annotations.permissions import import_refusal
from debate.models import Debate
from debate.selectors import debate_access


def acting_user(*, debate: Debate, annotator, username: str | None):
    """Return the user an import into ``annotator``'s layer (None: gold) acts as, checked.

    ``username`` names them; without it, the debate's first manager (else a superuser).
    """
    if username is None:
        by = import_default_by(debate=debate, annotator=annotator)
        if by is None:
            raise CommandError("Name the user the import acts as with --by.")
    else:
        by = get_user_model().objects.filter(username=username).first()
        if by is None:
            raise CommandError(f"No user {username!r}.")
    refusal = import_refusal(
        access=debate_access(user=by, debate=debate),
        annotator_id=None if annotator is None else annotator.pk,
    )
    if refusal:
        raise CommandError(f"{by.get_username()}: {refusal}")
    return by


def run_and_report(command: BaseCommand, run: Callable[[], ImportReport]) -> None:
    """Run an import; write each problem to stderr and the summary to stdout.

    Fails with the summary when a document was rejected, and when the database was lost part
    way through, saying which part was kept (each document is its own transaction).
    """
    try:
        report, interrupted = run(), None
    except ImportInterrupted as exc:
        report, interrupted = exc.report, exc
    *problems, summary = report_lines(report)
    for line in problems:
        command.stderr.write(line)
    if interrupted is not None:
        raise CommandError(f"{summary} {interrupted}") from interrupted
    if report.count(REJECTED):
        raise CommandError(summary)
    command.stdout.write(command.style.SUCCESS(summary))
