"""core.db.read_ahead: reads run in a thread with its own connection while the caller works."""

import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from core.db.read_ahead import read_ahead
from debate.models import Document
from tests.factories import DebateFactory, DocumentFactory


def titles_of(debate_id, seen, used=None):
    """A read of a debate's titles that records its thread, and its connection in ``used``."""

    def read():
        seen.append(threading.get_ident())
        if used is not None:
            # The thread and its own connection (Django's are per thread).
            used.append((threading.get_ident(), connections[DEFAULT_DB_ALIAS]))
        return sorted(Document.objects.filter(debate_id=debate_id).values_list("title", flat=True))

    return read


def closed(used) -> dict[bool, bool]:
    """Whether the reads' connections were closed (Django sets them to None), by whether the
    read ran in this thread; the reads of one thread share its connection."""
    here = threading.get_ident()
    found: dict[bool, bool] = {}
    for thread, wrapper in used:
        found[thread == here] = found.get(thread == here, True) and wrapper.connection is None
    return found


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_reads_run_in_another_thread_in_order():
    debates = [DebateFactory() for _ in range(3)]
    for number, debate in enumerate(debates):
        for letter in "ab"[: number + 1]:
            DocumentFactory(debate=debate, title=f"{letter}{number}")
    seen: list[int] = []
    used: list = []
    found = list(read_ahead(titles_of(debate.pk, seen, used) for debate in debates))
    assert found == [["a0"], ["a1", "b1"], ["a2", "b2"]]
    assert len(seen) == 3 and threading.get_ident() not in seen
    # The thread's connection is closed with it.
    assert len(used) == 3 and closed(used) == {False: True}


@pytest.mark.django_db
def test_inside_a_transaction_the_reads_run_here_and_see_its_writes():
    debate = DebateFactory()
    with transaction.atomic():
        DocumentFactory(debate=debate, title="unsaved elsewhere")
        seen: list[int] = []
        found = list(read_ahead([titles_of(debate.pk, seen), titles_of(debate.pk, seen)]))
    assert found == [["unsaved elsewhere"], ["unsaved elsewhere"]]
    assert seen == [threading.get_ident()] * 2


@pytest.mark.django_db(transaction=True)
def test_a_read_that_fails_raises_here():
    def failing():
        raise ValueError("the read failed")

    with pytest.raises(ValueError, match="the read failed"):
        list(read_ahead([lambda: 1, failing]))
