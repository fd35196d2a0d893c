from django.core.management.base import BaseCommand, CommandError

from annotations.demo import ARTICLE_TITLE, DemoNotLoaded, seed_demo_annotations


class Command(BaseCommand):
    help = (
        "Tag the first demo article as both demo annotators, differently, and submit it, so "
        "the reviewer can try adjudication at once. Leaves layers that were started alone."
    )

    def handle(self, *args, **options) -> None:
        try:
            done = seed_demo_annotations()
        except DemoNotLoaded as exc:
            raise CommandError(str(exc)) from exc
        for line in done:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in as reviewer to review {ARTICLE_TITLE!r} (Review queue on the debate page)."
            )
        )
