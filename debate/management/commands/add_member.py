from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from debate.models import Debate, Role
from debate.services import member_add


class Command(BaseCommand):
    help = "Add a user (created if needed) to a debate with a role, and print what changed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("debate", help="slug of the debate")
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument(
            "--password", help="set this password (a new user without one cannot log in)"
        )

    def handle(
        self, *args, debate: str, username: str, role: str, password: str | None, **options
    ) -> None:
        target = Debate.objects.filter(slug=debate).first()
        if target is None:
            raise CommandError(f"No debate with slug {debate!r}.")
        try:
            change = member_add(debate=target, username=username, role=role, password=password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(change.describe(target))
        if change.user_created and password is None:
            self.stdout.write(
                self.style.WARNING(
                    "The new user has no password; pass --password to let them log in."
                )
            )
