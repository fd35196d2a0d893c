"""read_snapshot: one transaction that sees one moment; the caller's own, when it has one."""

import pytest
from django.db import connection, transaction

from core.db import is_postgresql
from core.db.snapshot import read_snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def _isolation() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        return cursor.fetchone()[0]


def test_a_fresh_read_is_its_own_transaction_and_sees_one_moment():
    with read_snapshot() as fresh:
        assert fresh is True
        assert connection.in_atomic_block
        if is_postgresql(connection):
            assert _isolation() == "repeatable read"
    assert not connection.in_atomic_block


def test_inside_a_callers_transaction_the_reads_join_it():
    with transaction.atomic(), read_snapshot() as fresh:
        assert fresh is False
        if is_postgresql(connection):
            assert _isolation() == "read committed"
