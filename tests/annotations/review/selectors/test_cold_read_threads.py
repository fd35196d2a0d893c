"""A cold read as served: outside a transaction, each chunk is read ahead in a thread.

Its own module: the kept-count tests' world is built inside a transaction open for the whole
module, which would hold this test's reads in one thread and its flush at teardown.
"""

import threading

import pytest

from annotations.review.selectors import tallies
from tests.annotations.review.selectors.conftest import build_world
from tests.annotations.review.selectors.test_tallies import full_count
from tests.factories import DebateFactory


@pytest.mark.django_db(transaction=True)
def test_the_chunks_read_ahead_outside_a_transaction_sum_to_the_full_count(monkeypatch):
    """As served: no transaction, so each chunk is read in a thread while the last is counted."""
    debate = DebateFactory()
    build_world(debate)  # seven documents compared, with relations
    monkeypatch.setattr(tallies, "QUICK_CHUNK", 2)
    threads = []
    read = tallies.layer_columns

    def recorded(**arguments):
        threads.append(threading.get_ident())
        return read(**arguments)

    monkeypatch.setattr(tallies, "layer_columns", recorded)
    assert tallies._quick_total(debate).report() == full_count(debate)
    assert len(threads) == 4 and threading.get_ident() not in threads
