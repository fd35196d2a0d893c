"""rows_tally gives exactly document_tally: the same counts, in the same order, the same bytes."""

import json
import random

import pytest

from annotations.review.agreement import AnnotatedDocument, AnnotatedRelation
from annotations.review.agreement.bulk import rows_tally
from annotations.review.agreement.counts import document_tally, tally_data
from annotations.review.alignment import AnnotatedSpan
from tests.annotations.review.agreement.test_counts import generated

NAMES = ("ann", "bea", "cid", "dee")


def random_document(rng: random.Random, number: int) -> AnnotatedDocument:
    """A document of 1 to 4 layers, some empty, with spans overlapping at random and relations.

    Short texts and many spans make ties, chains of partial overlaps, a layer's own spans
    overlapping, identical boundaries and units of every size.
    """
    names = tuple(sorted(rng.sample(NAMES, rng.randint(1, 4))))
    length = rng.randint(1, 120)
    spans, relations = [], []
    next_id = number * 1000
    for name in names:
        layer = []
        for _ in range(rng.choice((0, 1, 2, 5, 10, 20))):
            start = rng.randint(0, length - 1)
            end = rng.randint(start + 1, min(length, start + rng.choice((1, 5, 30, 80))))
            if layer and rng.random() < 0.2:
                start, end = rng.choice(spans + layer).start, end  # a shared start
                end = max(end, start + 1)
            next_id += 1
            layer.append(
                AnnotatedSpan(
                    next_id,
                    name,
                    start,
                    end,
                    rng.choice(("pro", "contra", "neutral")),
                    rng.choice(("claim", "premise")),
                    rng.choice((1, 2, "speaker", None)),
                )
            )
        for _ in range(rng.randint(0, 5)):
            if len(layer) >= 2:
                source, target = rng.sample(layer, 2)
                relations.append(
                    AnnotatedRelation(source.id, target.id, rng.choice(("supports", "attacks")))
                )
        spans += layer
    rng.shuffle(spans)
    rng.shuffle(relations)
    return AnnotatedDocument(number, length, names, tuple(spans), tuple(relations))


def as_rows(document: AnnotatedDocument, keys: dict[str, object] | None = None):
    """Return ``rows_tally``'s arguments for a document, annotators under ``keys`` (ids)."""
    keys = keys or {name: name for name in document.annotators}
    return (
        document.id,
        document.text_length,
        {keys[name]: name for name in document.annotators},
        [
            (
                *(span.id, keys.get(span.annotator, span.annotator), span.start, span.end),
                *(span.stance, span.role, span.actor, "ignored"),
            )
            for span in document.spans
        ],
        [(relation.source, relation.target, relation.type) for relation in document.relations],
    )


def written(tally) -> str:
    return json.dumps(tally_data(tally))


@pytest.mark.parametrize("seed", range(4))
def test_random_layers_give_the_same_bytes_as_document_tally(seed):
    rng = random.Random(seed)
    for number in range(400):
        document = random_document(rng, number)
        ids = {name: 100 + index for index, name in enumerate(NAMES)}
        assert written(rows_tally(*as_rows(document, ids))) == written(document_tally(document))


def test_the_documents_of_the_count_tests_give_the_same_bytes():
    for document in generated(60, seed=5):
        assert written(rows_tally(*as_rows(document))) == written(document_tally(document))


def test_a_report_of_rows_tallies_equals_the_report_of_document_tallies():
    rng = random.Random(9)
    documents = [random_document(rng, number) for number in range(50)]
    for document in documents:
        assert rows_tally(*as_rows(document)).report() == document_tally(document).report()


def span(span_id, name, start, end):
    return AnnotatedSpan(span_id, name, start, end, "pro", "claim", None)


REFUSED = {
    "unlisted annotator": ((span(1, "ann", 0, 4), span(2, "zed", 1, 5)), ()),
    "empty range": ((span(1, "ann", 3, 3),), ()),
    "negative range": ((span(1, "ann", -1, 3),), ()),
    "repeated id": ((span(1, "ann", 0, 4), span(1, "bea", 0, 4)), ()),
    "past the text": ((span(1, "ann", 0, 11),), ()),
    "relation between layers": (
        (span(1, "ann", 0, 4), span(2, "bea", 0, 4)),
        (AnnotatedRelation(1, 2, "supports"),),
    ),
    "relation to a span not compared": (
        (span(1, "ann", 0, 4),),
        (AnnotatedRelation(1, 9, "supports"),),
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_document_tally_refuses_raises_the_same_error(case):
    spans, relations = REFUSED[case]
    document = AnnotatedDocument(1, 10, ("ann", "bea"), spans, relations)
    with pytest.raises(ValueError) as expected:
        document_tally(document)
    with pytest.raises(ValueError) as raised:
        rows_tally(*as_rows(document))
    assert str(raised.value) == str(expected.value)


def test_tally_data_with_remembered_keys_writes_what_it_writes_without():
    keys: dict = {}
    for document in generated(20, seed=8):
        tally = document_tally(document)
        assert json.dumps(tally_data(tally, keys)) == json.dumps(tally_data(tally))
