"""quick_tally gives the sum of rows_tally of every document: the same counts, the same report."""

import dataclasses
import random

import pytest

from annotations.review.agreement import AnnotatedDocument
from annotations.review.agreement.bulk import rows_tally
from annotations.review.agreement.counts import tally_sum
from annotations.review.agreement.quick import columns_from_rows, quick_tally
from annotations.review.agreement.report import Tally
from annotations.review.alignment import AnnotatedSpan
from tests.annotations.review.agreement.test_bulk import NAMES, REFUSED, as_rows, random_document

IDS = {name: 100 + index for index, name in enumerate(NAMES)}


def counts(tally: Tally) -> dict:
    """Every count of a tally, as plain dicts: equal whatever order the counts came in."""
    return {
        "documents": tally.documents,
        "annotators": dict(tally.annotators),
        "units": tally.units,
        "agreed": tally.units_agreed,
        "values": {name: dict(counter) for name, counter in tally.values.items() if counter},
        "characters": dict(tally.characters),
        "pairs": {
            key: {
                "totals": (pair.documents, pair.exact, pair.overlap, pair.left, pair.right),
                "labels": dict(pair.labels),
                "confusion": dict(pair.confusion),
                "marks": dict(pair.marks),
                "links": dict(pair.links),
                "relations": (pair.relations, pair.relations_untyped),
            }
            for key, pair in tally.pairs.items()
        },
    }


def summed(documents: list[AnnotatedDocument]) -> Tally:
    return tally_sum(rows_tally(*as_rows(document, IDS)) for document in documents)


def quick(documents: list[AnnotatedDocument]) -> Tally:
    return quick_tally(columns_from_rows([as_rows(document, IDS) for document in documents]))


def without_relations(document: AnnotatedDocument) -> AnnotatedDocument:
    return dataclasses.replace(document, relations=())


@pytest.mark.parametrize("seed", range(6))
def test_random_layers_give_the_counts_of_rows_tally(seed):
    rng = random.Random(seed)
    documents = [without_relations(random_document(rng, number)) for number in range(300)]
    expected, found = summed(documents), quick(documents)
    assert counts(found) == counts(expected)
    assert found.report() == expected.report()


@pytest.mark.parametrize("seed", range(3))
def test_relations_give_the_counts_of_rows_tally_without_it(seed, monkeypatch):
    rng = random.Random(11 + seed)
    documents = [random_document(rng, number) for number in range(300)]
    assert sum(bool(document.relations) for document in documents) > 100
    expected = summed(documents)
    monkeypatch.setattr("annotations.review.agreement.quick.rows_tally", None)
    found = quick(documents)
    assert counts(found) == counts(expected)
    assert found.report() == expected.report()
    assert found.report().linked_unit_pairs > 100


def test_a_known_debate_of_two_documents():
    """Two layers, two documents: each figure worked out by hand."""

    def span(span_id, name, start, end, stance="pro", role="claim", actor=None):
        return AnnotatedSpan(span_id, name, start, end, stance, role, actor)

    first = AnnotatedDocument(
        1,
        20,
        ("ann", "bea"),
        (span(1, "ann", 0, 10), span(2, "bea", 0, 10), span(3, "ann", 12, 15, "contra")),
        (),
    )
    second = AnnotatedDocument(
        2, 10, ("ann", "bea"), (span(4, "ann", 0, 4), span(5, "bea", 2, 6, "contra")), ()
    )
    tally = quick([first, second])
    assert tally.documents == 2
    assert tally.units == 3  # (1, 2), (3), (4, 5)
    assert tally.units_agreed == 1  # only (1, 2) is marked alike by both
    assert dict(tally.annotators) == {"ann": 2, "bea": 2}
    pair = tally.pairs["ann", "bea"]
    assert (pair.documents, pair.exact, pair.overlap, pair.left, pair.right) == (2, 1, 2, 3, 2)
    assert dict(pair.confusion) == {("pro", "pro"): 1, ("contra", None): 1, ("pro", "contra"): 1}
    # Characters: 20 + 10 in all; both layers cover 0-10 and 2-4, one covers 12-15, 0-2, 4-6.
    assert dict(tally.characters) == {(True, True): 12, (True, False): 7, (False, False): 11}
    assert pair.labels["stance", "pro"] == [1, 1, 2, 1]
    assert pair.labels["stance", "contra"] == [0, 0, 1, 1]


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_document_rows_tally_refuses_raises_its_error(case):
    spans, relations = REFUSED[case]
    document = AnnotatedDocument(1, 10, ("ann", "bea"), spans, relations)
    # Annotators are ids in a read: one not among the document's layers has an id too.
    ids = {**IDS, "zed": 999}
    with pytest.raises(ValueError) as expected:
        rows_tally(*as_rows(document, ids))
    with pytest.raises(ValueError) as raised:
        quick_tally(columns_from_rows([as_rows(document, ids)]))
    assert str(raised.value) == str(expected.value)


def test_no_documents_give_an_empty_tally():
    assert counts(quick([])) == counts(Tally())
