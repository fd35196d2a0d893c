from django.core.management.base import BaseCommand

from annotations.demo import seed_demo
from debate.demo import DEMO_PASSWORD, USERS


class Command(BaseCommand):
    help = (
        "Load the demo encryption debate: actors, one user per role and a small corpus. Idempotent."
    )

    def handle(self, *args, **options) -> None:
        report = seed_demo()
        if report.created:
            for what in report.created:
                self.stdout.write(f"created {what}")
        else:
            self.stdout.write("The demo debate is already loaded; nothing changed.")
        logins = ", ".join(f"{user.username} ({user.role})" for user in USERS)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password {DEMO_PASSWORD!r}): {logins}"))
