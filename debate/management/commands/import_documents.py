import sys
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from debate.importers import ImportItem, collect_paths, read_import_items
from debate.imports.services import REJECTED, SKIPPED, ImportProblem, documents_import
from debate.models import Debate


def _where(problem: ImportProblem) -> str:
    """Return where an item was read, as ImportItem.where says it: file, file:line or [index]."""
    if problem.index is not None:
        return f"[{problem.index}]"
    return problem.file if problem.line is None else f"{problem.file}:{problem.line}"


def _key(thing: ImportItem | ImportProblem) -> tuple:
    return (thing.file, thing.line, thing.index)


class Command(BaseCommand):
    help = (
        "Import documents into a debate from .txt, .md, .html and .jsonl files or folders, in "
        "batches of 1,000 (as the API's bulk import). Texts already in the debate (same "
        "SHA-256 after normalisation) are skipped; a bad file or line rejects only itself."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("debate", help="slug of the debate")
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
        parser.add_argument(
            "--source",
            default="",
            help="the outlet the documents come from, stored as their source and never taken "
            "for their title (default: each file's name; a JSON Lines item may name its own)",
        )

    def handle(self, *args, debate: str, paths: list[Path], source: str, **options) -> None:
        target = Debate.objects.filter(slug=debate).first()
        if target is None:
            raise CommandError(f"No debate with slug {debate!r}. Create it with create_debate.")
        files, unreadable = collect_paths(paths)
        verbose = options["verbosity"] > 1
        show_bar = sys.stderr.isatty() and options["verbosity"] > 0
        bar = tqdm(total=len(files), desc="Importing", unit="file", disable=not show_bar)
        batch: list[ImportItem] = []  # the items read since the last commit

        def items() -> Iterator[ImportItem]:
            for path in files:
                for item in read_import_items(path, source=source.strip()):
                    batch.append(item)
                    yield item
                bar.update(1)

        rejected: list[tuple[str, str]] = [(item.where, item.error) for item in unreadable]
        progress = None
        for progress in documents_import(debate=target, items=items()):
            problems = {key: list(group) for key, group in groupby(progress.problems, _key)}
            for item in batch:
                found = problems.get(_key(item))
                if found is None:
                    if verbose:
                        self.stdout.write(f"imported: {item.where}")
                elif found[0].status == SKIPPED:
                    if verbose:
                        self.stdout.write(f"skipped: {item.where}")
                elif found[0].status == REJECTED:
                    reasons = "; ".join(
                        f"{p.field}: {p.reason}" if p.field else p.reason for p in found
                    )
                    rejected.append((_where(found[0]), reasons))
            batch.clear()
        bar.close()
        for where, reason in rejected:
            self.stderr.write(f"rejected: {where}: {reason}")
        imported = progress.imported if progress else 0
        skipped = progress.skipped if progress else 0
        summary = (
            f"Imported {imported}, skipped {skipped} duplicate(s), "
            f"rejected {len(rejected)} into {target.slug}."
        )
        self.stdout.write(
            self.style.SUCCESS(summary) if not rejected else self.style.WARNING(summary)
        )
