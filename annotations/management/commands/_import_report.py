"""What the import commands share: run an import and write its report (not a command)."""

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from annotations.imports.reports import REJECTED, ImportInterrupted, ImportReport, report_lines


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
