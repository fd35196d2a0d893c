"""Import many documents into a debate in batches: one transaction per batch, none half-written.

Each item is normalised and validated as ``document_create`` does it (``document_text_clean``,
``document_build``) before its batch touches the database, and deduplicated by the SHA-256 of
its normalised text against the debate (one query per batch) and the batch. A batch is then
inserted in one transaction; should the database still refuse it (another import storing the
same text at that moment, a value it cannot store), the batch is rolled back and its documents
inserted one by one, so a bad item rejects only itself. The items are read lazily and a batch
is let go once committed, so memory holds one batch however long the upload.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from core.db.bulk_insert import insert_rows
from core.db.statistics import analyze
from debate.importers import ImportItem
from debate.models import Debate, Document
from debate.selectors import documents_held
from debate.services import document_build, document_text_clean
from debate.text import text_sha256

REJECTED = "rejected"
SKIPPED = "skipped"
DUPLICATE = "the debate already holds this text"
# A batch is committed when it holds this many documents or this many characters of text.
BATCH_DOCUMENTS = 1000
BATCH_CHARS = 8_000_000


@dataclass(frozen=True)
class ImportProblem:
    """An item not imported: rejected (with the field and reason) or skipped as a duplicate."""

    status: str
    reason: str
    field: str = ""
    file: str = ""
    line: int | None = None
    index: int | None = None
    document: int | None = None  # the document a skipped item duplicates

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "file": self.file or None,
            "line": self.line,
            "index": self.index,
            "field": self.field or None,
            "reason": self.reason,
            "document": self.document,
        }


@dataclass
class ImportProgress:
    """The counts so far, and the problems of the batch just committed."""

    read: int = 0
    imported: int = 0
    skipped: int = 0
    rejected: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "imported": self.imported,
            "skipped": self.skipped,
            "rejected": self.rejected,
        }


def _problem(item: ImportItem, status: str, reason: str, **extra: Any) -> ImportProblem:
    return ImportProblem(
        status=status,
        reason=reason,
        file=item.file,
        line=item.line,
        index=item.index,
        **{"field": item.field, **extra},
    )


def _refusals(item: ImportItem, error: ValidationError) -> list[ImportProblem]:
    return [
        _problem(item, REJECTED, " ".join(messages), field=name if name != "__all__" else "")
        for name, messages in error.message_dict.items()
    ]


def _insert_one_by_one(
    debate: Debate, documents: list[tuple[ImportItem, Document]]
) -> tuple[list[tuple[ImportItem, Document]], list[ImportProblem]]:
    stored, problems = [], []
    for item, document in documents:
        try:
            with transaction.atomic():
                document.save(force_insert=True)
        except IntegrityError:
            document.pk = None
            existing = documents_held(debate=debate, hashes={document.sha256}).get(document.sha256)
            if existing is None:
                problems.append(_problem(item, REJECTED, "the database refused it"))
            else:
                problems.append(_problem(item, SKIPPED, DUPLICATE, document=existing))
        except DataError as exc:
            document.pk = None
            reason = f"the database cannot store it ({str(exc).splitlines()[0]})"
            problems.append(_problem(item, REJECTED, reason))
        else:
            stored.append((item, document))
    return stored, problems


def _store_batch(debate: Debate, batch: list[ImportItem]) -> tuple[int, list[ImportProblem]]:
    """Store one batch; return how many documents it created and its problems."""
    problems: list[ImportProblem] = []
    clean: list[tuple[ImportItem, str, str]] = []
    for item in batch:
        if item.data is None:
            problems.append(_problem(item, REJECTED, item.reason))
            continue
        try:
            text = document_text_clean(item.data)
        except ValidationError as exc:
            problems.extend(_refusals(item, exc))
            continue
        clean.append((item, text, text_sha256(text)))
    held = documents_held(debate=debate, hashes={sha256 for _item, _text, sha256 in clean})
    new: dict[str, tuple[ImportItem, str]] = {}
    repeats: list[tuple[ImportItem, str]] = []
    for item, text, sha256 in clean:
        if sha256 in held:
            problems.append(_problem(item, SKIPPED, DUPLICATE, document=held[sha256]))
        elif sha256 in new:
            repeats.append((item, sha256))
        else:
            new[sha256] = (item, text)
    documents: list[tuple[ImportItem, Document]] = []

    def built() -> Iterator[Document]:
        # Built while the rows before are being written, so the database works meanwhile.
        for sha256, (item, text) in new.items():
            try:
                document = document_build(debate=debate, data=item.data, text=text, sha256=sha256)
            except ValidationError as exc:
                problems.extend(_refusals(item, exc))
                continue
            documents.append((item, document))
            yield document

    rows = built()
    try:
        with transaction.atomic():
            insert_rows(Document, rows)
    except (IntegrityError, DataError):
        # Nothing of the batch was written: each document on its own instead.
        for _document in rows:
            pass
        documents, refused = _insert_one_by_one(debate, documents)
        problems.extend(refused)
    stored = documents_held(debate=debate, hashes={sha256 for _item, sha256 in repeats})
    for item, sha256 in repeats:
        if sha256 in stored:
            problems.append(_problem(item, SKIPPED, DUPLICATE, document=stored[sha256]))
        else:  # its first copy was refused: so is this one, for the same reason
            problems.append(_problem(item, REJECTED, "the same text as an item refused above"))
    problems.sort(key=_reading_order)
    return len(documents), problems


def _reading_order(problem: ImportProblem) -> tuple[str, int, int]:
    # Files are read in the order of their names, and lines and list items in theirs.
    return (problem.file, problem.line or 0, -1 if problem.index is None else problem.index)


def documents_import(
    *,
    debate: Debate,
    items: Iterable[ImportItem],
    batch_documents: int = BATCH_DOCUMENTS,
    batch_chars: int = BATCH_CHARS,
) -> Iterator[ImportProgress]:
    """Store the documents read from ``items`` in batches; yield the progress after each commit.

    Every document counted as imported in a yielded progress is committed. An item that
    cannot be read, is invalid or whose text the debate holds is reported (rejected or
    skipped) and takes no other item with it.
    """
    progress = ImportProgress()
    batch: list[ImportItem] = []
    chars = 0
    # The duplicate check's plan needs statistics that know the debate's size: refreshed once
    # the import has stored a batch's worth, and again each time the count doubles.
    analyze_at = batch_documents
    for item in items:
        batch.append(item)
        chars += len(item.data.text) if item.data is not None else 0
        if len(batch) >= batch_documents or chars >= batch_chars:
            yield _commit(debate, batch, progress)
            batch, chars = [], 0
            if progress.imported >= analyze_at:
                analyze(Document, "debate", "sha256")
                analyze_at = 2 * progress.imported
    if batch:
        yield _commit(debate, batch, progress)


def _commit(debate: Debate, batch: list[ImportItem], progress: ImportProgress) -> ImportProgress:
    created, problems = _store_batch(debate, batch)
    progress.read += len(batch)
    progress.imported += created
    progress.skipped += sum(1 for problem in problems if problem.status == SKIPPED)
    # An item refused for two fields is one item rejected.
    progress.rejected += len({(p.file, p.line, p.index) for p in problems if p.status == REJECTED})
    progress.problems = problems
    return progress
