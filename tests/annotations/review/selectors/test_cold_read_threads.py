"""A cold read as served: outside a transaction, each chunk is read ahead in a thread.

Its own module: the kept-count tests' world is built inside a transaction open for the whole
module, which would hold this test's reads in one thread and its flush at teardown.
"""

import threading

import pytest

from annotations.review.selectors import tallies
from annotations.services import SpanInput, document_submit, span_create
from debate.models import Role
from tests.annotations.review.selectors.test_tallies import full_count
from tests.factories import DebateFactory, DocumentFactory, MembershipFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_the_chunks_read_ahead_outside_a_transaction_sum_to_the_full_count(monkeypatch):
    """As served: no transaction, so each chunk is read in a thread while the last is counted."""
    debate = DebateFactory()
    annotators = [UserFactory(username=name) for name in ("ann", "bea", "cid")]
    for annotator in annotators:
        MembershipFactory(debate=debate, user=annotator, role=Role.ANNOTATOR)
    for number in range(7):
        text = "police want access to messages " * 3 + str(number)
        document = DocumentFactory(debate=debate, text=text)
        for place, annotator in enumerate(annotators[: 2 + number % 2]):
            for start in (0, 13 + place, 40):
                span_create(
                    document=document,
                    annotator=annotator,
                    by=annotator,
                    data=SpanInput(
                        start=start,
                        end=start + 9 + place,
                        quote=document.text[start : start + 9 + place],
                        stance=("pro", "contra")[(number + place + start) % 2],
                        role="claim",
                    ),
                )
            document_submit(document=document, annotator=annotator)
    monkeypatch.setattr(tallies, "QUICK_CHUNK", 2)
    threads = []
    read = tallies.layer_columns

    def recorded(**arguments):
        threads.append(threading.get_ident())
        return read(**arguments)

    monkeypatch.setattr(tallies, "layer_columns", recorded)
    assert tallies._quick_total(debate).report() == full_count(debate)
    assert len(threads) == 4 and threading.get_ident() not in threads
