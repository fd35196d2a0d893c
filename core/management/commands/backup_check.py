"""``python manage.py backup_check``: the backup drill (``core.db.backup``), table by table."""

from django.core.management.base import BaseCommand, CommandError

from core.db.backup import backup_drill


class Command(BaseCommand):
    help = (
        "Back up the database as docs/DEPLOY.md says (pg_dump on PostgreSQL), restore the backup "
        "into a fresh database, compare every table and sequence, and drop the copy."
    )

    def handle(self, *args, **options) -> None:
        report = backup_drill()
        for table in report.tables:
            mark = "same" if table.same else "DIFFERENT"
            self.stdout.write(f"{table.name:<40} {table.rows:>9} rows  {mark}")
        self.stdout.write(
            f"{len(report.tables)} tables and {len(report.sequences)} sequences compared; "
            f"backup {report.backup_bytes:,} bytes"
        )
        if not report.ok:
            raise CommandError("The restored backup differs: " + "; ".join(report.problems()))
        self.stdout.write(self.style.SUCCESS(f"Restored {report.database} identically."))
