"""Timestamps written as ISO 8601 text by the database, so Python never parses them.

A PostgreSQL timestamp reaches Python through a loader that builds a datetime in the current
time zone, and formatting it back costs more again; for thousands of rows that was most of
a read. ``UtcIsoText`` has the database write the text: UTC, always six digits of
microseconds, then the zone suffix. ``tests/core/db/test_timestamps.py`` holds it to what
Python writes from the datetimes the ORM reads.
"""

from datetime import UTC, datetime

from django.db.models import CharField, Func


class UtcIsoText(Func):
    """A timestamp as ISO 8601 text in UTC with microseconds: ``2024-01-02T03:04:05.000000``.

    ``zone`` is written after it: ``"+00:00"`` (as ``datetime.isoformat`` writes UTC) or
    ``"Z"``. Only fixed suffixes without quotes or backslashes are accepted.
    """

    output_field = CharField()

    def __init__(self, expression, *, zone: str = "+00:00"):
        if zone not in ("+00:00", "Z"):
            raise ValueError(f"Not a UTC suffix: {zone!r}")
        self.zone = zone
        super().__init__(expression)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = (
            "to_char(%(expressions)s AT TIME ZONE 'UTC', "
            f'\'YYYY-MM-DD"T"HH24:MI:SS.US"{self.zone}"\')'
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite holds the text Django wrote, in UTC: "YYYY-MM-DD HH:MM:SS", with
        # ".ffffff" only when there are microseconds.
        template = (
            "REPLACE(CASE WHEN LENGTH(%(expressions)s) = 19 THEN %(expressions)s || '.000000' "
            f"ELSE %(expressions)s END, ' ', 'T') || '{self.zone}'"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


def utc_iso(value: datetime, *, zone: str = "+00:00") -> str:
    """Return a timestamp as ``UtcIsoText`` writes it, in Python."""
    text = value.astimezone(UTC).isoformat(timespec="microseconds")
    return text if zone == "+00:00" else text[:-6] + zone
