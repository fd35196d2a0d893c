import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from debate.importers import ImportItem, collect_paths, read_import_items
from debate.models import Debate
from debate.services import document_create


def _reason(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Import documents into a debate from .txt, .md, .html and .jsonl files or folders. "
        "Texts already in the debate (same SHA-256 after normalisation) are skipped."
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
        files, problems = collect_paths(paths)
        counts: Counter[str] = Counter()
        rejected: list[ImportItem] = list(problems)
        show_bar = sys.stderr.isatty() and options["verbosity"] > 0
        for path in tqdm(files, desc="Importing", unit="file", disable=not show_bar):
            for item in read_import_items(path, source=source.strip()):
                if item.error:
                    rejected.append(item)
                    continue
                try:
                    with transaction.atomic():
                        _document, created = document_create(debate=target, data=item.data)
                except ValidationError as exc:
                    rejected.append(replace(item, data=None, field="", reason=_reason(exc)))
                    continue
                counts["imported" if created else "skipped"] += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{'imported' if created else 'skipped'}: {item.where}")
        for item in rejected:
            self.stderr.write(f"rejected: {item.where}: {item.error}")
        summary = (
            f"Imported {counts['imported']}, skipped {counts['skipped']} duplicate(s), "
            f"rejected {len(rejected)} into {target.slug}."
        )
        self.stdout.write(
            self.style.SUCCESS(summary) if not rejected else self.style.WARNING(summary)
        )
