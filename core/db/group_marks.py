"""A content mark of each group of rows, so a reader reads again only the groups that changed.

A group's mark is its row count and the sum of a 64-bit fingerprint of each row: the first 16
hex digits of the MD5 of the row's values, each written as ``<length>:<text>`` (``-`` for
NULL), as a signed 64-bit integer. A sum, because it needs no order: PostgreSQL computes it in
one pass over the rows, with no sort (an ordered digest with ``string_agg`` sorted 100,000
rows on disk and took longer than reading them). A changed value changes its row's
fingerprint, so the group's mark changes unless other rows of the group changed by exactly
the opposite amount, which takes an MD5 collision on 64 bits to arrange.

On PostgreSQL the database computes the marks and sends one row per group; elsewhere the rows
are read and marked here. ``rows_mark`` marks rows a reader already has, as the database
would: tests/core/db/test_group_marks.py holds that all three agree.
"""

from collections.abc import Iterable, Sequence
from hashlib import md5
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from core.db import is_postgresql

Mark = tuple[int, int]
_SIGN, _WRAP = 1 << 63, 1 << 64


def _text(value: Any) -> str:
    if value is None:
        return "-"
    text = str(value)
    return f"{len(text)}:{text}"


def _fingerprint(values: Sequence[Any]) -> int:
    text = "".join(_text(value) for value in values)
    number = int(md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16], 16)
    return number - _WRAP if number >= _SIGN else number


def rows_mark(rows: Iterable[Sequence[Any]]) -> Mark:
    """Return the mark of one group's rows (each row's values in the marked columns' order,
    integers and texts)."""
    count = total = 0
    for row in rows:
        count += 1
        total += _fingerprint(row)
    return count, total


def group_marks(queryset: QuerySet, *, group: str, columns: Sequence[str]) -> dict[Any, Mark]:
    """Return the mark of each group of the queryset's rows, by the value of ``group``, over
    the ``columns`` (integers and texts) in that order; a group without rows has none."""
    rows = queryset.order_by().values_list(group, *columns)
    connection = connections[queryset.db]
    if not is_postgresql(connection):
        grouped: dict[Any, list] = {}
        for key, *values in rows:
            grouped.setdefault(key, []).append(values)
        return {key: rows_mark(values) for key, values in grouped.items()}
    sql, params = rows.query.sql_with_params()
    names = [f"c{number}" for number in range(len(columns))]
    text = " || ".join(
        f"coalesce(length(q.{name}::text)::text || ':' || q.{name}::text, '-')" for name in names
    )
    # Column names of our own making; the query's values stay parameters.
    query = (
        f"SELECT q.g, count(*), sum(('x' || left(md5({text}), 16))::bit(64)::bigint) "  # noqa: S608
        f"FROM ({sql}) AS q(g, {', '.join(names)}) GROUP BY q.g"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {key: (count, int(total)) for key, count, total in cursor.fetchall()}
