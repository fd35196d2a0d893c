"""UtcIsoText: the text the database writes equals what Python writes from the ORM's datetime."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from annotations.models import Span
from core.db.timestamps import UtcIsoText, utc_iso
from tests.factories import SpanFactory

pytestmark = pytest.mark.django_db

MOMENTS = [
    datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),  # no microseconds: still six digits
    datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC),  # trailing zeros kept
    datetime(2030, 6, 7, 8, 9, 10, 1, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
]


@pytest.mark.parametrize("zone", ["+00:00", "Z"])
def test_the_database_writes_what_python_writes_from_the_orm_value(zone):
    spans = []
    for moment in MOMENTS:
        span = SpanFactory()
        Span.objects.filter(pk=span.pk).update(created_at=moment)
        spans.append(span.pk)

    rows = (
        Span.objects.filter(pk__in=spans)
        .annotate(text=UtcIsoText("created_at", zone=zone))
        .order_by("pk")
        .values_list("created_at", "text")
    )

    for stored, text in rows:
        assert text == utc_iso(stored, zone=zone)
    assert [text for _stored, text in rows][:2] == [
        f"2024-01-02T03:04:05.000000{zone}",
        f"2024-01-02T03:04:05.120000{zone}",
    ]
    assert rows[3][1] == f"2000-01-01T04:59:59.999999{zone}"


def test_only_utc_suffixes_are_taken():
    with pytest.raises(ValueError, match="Not a UTC suffix"):
        UtcIsoText("created_at", zone="'; DROP TABLE x; --")
