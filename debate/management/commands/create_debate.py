import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from debate.models import Debate
from debate.scheme import validate_scheme
from debate.services import debate_create


class Command(BaseCommand):
    help = "Create a debate with the default label scheme, or the scheme in a JSON file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--title", required=True)
        parser.add_argument("--proposition", required=True)
        parser.add_argument("--scheme", type=Path, help="JSON file: stances, roles, relation_types")

    def handle(
        self, *args, slug: str, title: str, proposition: str, scheme: Path | None, **options
    ) -> None:
        if Debate.objects.filter(slug=slug).exists():
            raise CommandError(f"A debate with slug {slug!r} already exists.")
        data = None
        if scheme is not None:
            try:
                data = json.loads(scheme.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CommandError(f"Cannot read the scheme file {scheme}: {exc}") from exc
            try:
                validate_scheme(data)
            except ValidationError as exc:
                raise CommandError(
                    f"Invalid scheme file {scheme}: " + " ".join(exc.messages)
                ) from exc
        try:
            debate = debate_create(slug=slug, title=title, proposition=proposition, scheme=data)
        except ValidationError as exc:
            raise CommandError("Invalid debate: " + " ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created debate {debate.slug!r}: {debate.title}"))
