import time

from django.core.management.base import BaseCommand, CommandError

from annotations.review.selectors import debate_tally_get
from annotations.review.selectors.status_counts import debate_status_counts_recount
from debate.models import Debate


class Command(BaseCommand):
    help = (
        "Count the agreement of every document whose kept counts are missing or stale, so the "
        "first request for a debate's agreement only sums them. Run it after the migration that "
        "adds the counts, or after bumping TALLY_VERSION; running it again counts nothing. It "
        "checks every document's key, so it also finds changes no assignment's time recorded. "
        "It also counts each debate's documents and assignments by status afresh (the progress "
        "the triggers keep), which repairs them after anything that went around the triggers."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--debate", action="append", metavar="SLUG", help="only this debate (repeatable)"
        )

    def handle(self, *args, **options) -> None:
        debates = Debate.objects.order_by("slug")
        if options["debate"]:
            debates = debates.filter(slug__in=options["debate"])
            missing = set(options["debate"]) - set(debates.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No debate {', '.join(sorted(missing))}.")
        for debate in debates:
            started = time.perf_counter()

            def progress(done: int, todo: int, slug: str = debate.slug) -> None:
                self.stdout.write(f"{slug}: {done:,} of {todo:,} documents counted")

            tally = debate_tally_get(debate=debate, progress=progress, full_check=True)
            statuses = debate_status_counts_recount(debate=debate)
            self.stdout.write(
                f"{debate.slug}: {tally.documents:,} documents compared "
                f"of {sum(statuses['document'].values()):,}, "
                f"{time.perf_counter() - started:.1f} s"
            )
        self.stdout.write(self.style.SUCCESS("Agreement counts are up to date."))
