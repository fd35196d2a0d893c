"""What a reader found in one document of an upload: a draft, written or rejected whole.

A draft holds the text (or the hash of a document the debate holds), the spans and
relations, the actors the file describes, and every problem found, each naming file, line
and reason. ``annotations.imports`` checks a draft against the debate and writes it through
the services, or rejects it with its problems.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class SpanDraft:
    """A span as a file gives it: ``fields.SpanValues``, the actor by name, where it was read."""

    key: str  # the span's name in the file (a brat T id, an exported span id, an xmi:id)
    line: int | None  # None where the file has no lines to speak of (XMI)
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor: str | None = None  # an actor's name
    note: str = ""


@dataclass
class RelationDraft:
    line: int | None
    source: str
    target: str
    type: str


@dataclass
class DocumentDraft:
    name: str
    file: str  # where the spans were read, for messages
    text: str | None = None
    title: str = ""
    source: str = ""
    url: str = ""
    published: date | None = None
    sha256: str = ""  # when the text is not in the file: a document the debate holds
    layer: str = ""  # the layer the file says (JSON Lines), for an import as exported
    spans: list[SpanDraft] = field(default_factory=list)
    relations: list[RelationDraft] = field(default_factory=list)
    actors: dict[str, dict[str, Any]] = field(default_factory=dict)  # may be created, by name
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int | None, reason: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, line, reason))
