"""What an import did, document by document: imported, skipped or rejected, and why.

The API answers with ``ImportReport.as_dict()``; the commands print ``report_lines``.
"""

from dataclasses import dataclass, field
from typing import Any

from annotations.formats.drafts import Problem

IMPORTED = "imported"
SKIPPED = "skipped"
REJECTED = "rejected"


@dataclass
class DocumentOutcome:
    name: str
    layer: str
    status: str
    document: int | None = None
    document_created: bool = False
    spans: int = 0
    relations: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "layer": self.layer,
            "status": self.status,
            "document": self.document,
            "document_created": self.document_created,
            "spans": self.spans,
            "relations": self.relations,
            "problems": [
                {"file": problem.file, "line": problem.line, "reason": problem.reason}
                for problem in self.problems
            ],
        }


@dataclass
class ImportReport:
    documents: list[DocumentOutcome] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.documents if outcome.status == status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.count(IMPORTED),
            "skipped": self.count(SKIPPED),
            "rejected": self.count(REJECTED),
            "spans": sum(outcome.spans for outcome in self.documents),
            "relations": sum(outcome.relations for outcome in self.documents),
            "documents": [outcome.as_dict() for outcome in self.documents],
            "ignored": self.ignored,
        }


class ImportInterrupted(Exception):
    """The database was lost part way through an import, after documents were written.

    Each document is written in its own transaction, so those finished before the loss are
    kept; ``report`` lists them. Importing the same upload again skips them.
    """

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            "The database was lost part way through the import, after "
            f"{report.count(IMPORTED)} document(s) were imported; those are kept and nothing "
            "of the others was written. Retry shortly: importing the same file again skips "
            "the documents already imported."
        )
        self.report = report


def report_lines(report: ImportReport) -> list[str]:
    """Return one line per document that was not simply imported, then a summary."""
    lines = []
    for outcome in report.documents:
        for problem in outcome.problems:
            lines.append(f"{outcome.status}: {problem}")
    counts = report.as_dict()
    lines.append(
        f"Imported {counts['imported']} document(s) ({counts['spans']} spans, "
        f"{counts['relations']} relations), skipped {counts['skipped']}, "
        f"rejected {counts['rejected']}."
    )
    return lines
