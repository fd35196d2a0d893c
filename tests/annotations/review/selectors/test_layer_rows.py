"""A chunk's layers read as plain rows: exactly the debate's compared documents, by one array.

``annotated_rows`` checks the debate by the documents' read alone and sends the ids as one
array (``core.db.any_of``): seeded random layers over two debates, with documents of one
layer, unsubmitted layers and ids of the other debate asked for, read as
``annotated_documents`` reads them, and tallied to the same bytes.
"""

import random

import pytest

from annotations.models import Assignment, AssignmentStatus
from annotations.review.agreement.bulk import rows_tally
from annotations.review.agreement.counts import document_tally
from annotations.review.selectors import annotated_documents
from annotations.review.selectors.layers import annotated_rows
from annotations.review.selectors.tallies import tally_bytes
from debate.models import Debate
from tests.annotations.review.selectors.rows import assert_rows_are_the_documents
from tests.factories import (
    DebateFactory,
    DocumentFactory,
    RelationFactory,
    SpanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEXT = "Chat hosts say keys weaken every service while police want access to messages."


def _random_debate(rng: random.Random, annotators: list) -> tuple[Debate, list[int]]:
    debate = DebateFactory()
    ids = []
    for number in range(6):
        document = DocumentFactory(debate=debate, text=f"{TEXT} ({number})")
        ids.append(document.pk)
        for annotator in rng.sample(annotators, rng.randint(1, 3)):
            spans = []
            for _ in range(rng.randint(0, 4)):
                start = rng.randrange(len(TEXT) - 1)
                end = rng.randint(start + 1, min(len(TEXT), start + 20))  # in every text
                spans.append(
                    SpanFactory(
                        document=document,
                        annotator=annotator,
                        start=start,
                        end=end,
                        stance=rng.choice(("pro", "contra")),
                        role=rng.choice(("claim", "premise")),
                    )
                )
            if len(spans) >= 2 and rng.random() < 0.5:
                RelationFactory(source=spans[0], target=spans[1])
            status = rng.choice((AssignmentStatus.SUBMITTED,) * 3 + (AssignmentStatus.ASSIGNED,))
            Assignment.objects.create(document=document, annotator=annotator, status=status)
    return debate, ids


@pytest.mark.parametrize("seed", range(3))
def test_rows_of_a_chunk_are_the_debate_s_compared_documents(seed):
    rng = random.Random(seed)
    annotators = [UserFactory() for _ in range(3)]
    debate, ids = _random_debate(rng, annotators)
    _other, others = _random_debate(rng, annotators)
    documents = annotated_documents(debate=debate)
    asked = [*ids, *others, max(others) + 1000]
    rows = annotated_rows(debate=debate, document_ids=rng.sample(asked, len(asked)))
    assert len(documents) >= 2
    assert_rows_are_the_documents(rows, documents)
    for document, (pk, length, names, spans, relations) in zip(documents, rows, strict=True):
        assert tally_bytes(rows_tally(pk, length, names, spans, relations)) == tally_bytes(
            document_tally(document)
        )
