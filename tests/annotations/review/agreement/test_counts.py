"""Agreement tallies add up: the sum of documents' tallies reports what debate_agreement does."""

import json
import random
from itertools import pairwise

import pytest

from annotations.review.agreement import (
    NOT_LINKED,
    NOT_MARKED,
    AnnotatedDocument,
    AnnotatedRelation,
    debate_agreement,
    document_agreement,
)
from annotations.review.agreement.counts import (
    document_tally,
    tally_data,
    tally_from_data,
    tally_merge,
    tally_sum,
    value_from_key,
    value_key,
)
from annotations.review.alignment import AnnotatedSpan

NAMES = ("ann", "bea", "cid", "dee")


def generated(count: int, seed: int = 3) -> list[AnnotatedDocument]:
    """Documents with 2 to 4 annotators, shifted boundaries, other labels and relations."""
    rng = random.Random(seed)
    next_id = 1
    documents = []
    for number in range(count):
        names = tuple(sorted(rng.sample(NAMES, rng.randint(2, 4))))
        truth = [(start, start + rng.randint(5, 40)) for start in range(0, 400, 60)]
        spans, relations = [], []
        for name in names:
            layer = []
            for start, end in truth:
                if rng.random() < 0.2:
                    continue
                shift = rng.choice((0, 0, -3, 4))
                layer.append(
                    AnnotatedSpan(
                        next_id,
                        name,
                        max(0, start + shift),
                        end + shift,
                        rng.choice(("pro", "contra", "neutral")),
                        rng.choice(("claim", "premise")),
                        rng.choice((1, 2, "speaker", None)),
                    )
                )
                next_id += 1
            for source, target in pairwise(layer):
                if rng.random() < 0.5:
                    relations.append(
                        AnnotatedRelation(source.id, target.id, rng.choice(("supports", "attacks")))
                    )
            if len(layer) >= 2 and rng.random() < 0.3:
                relations.append(AnnotatedRelation(layer[1].id, layer[0].id, "supports"))
                relations.append(AnnotatedRelation(layer[1].id, layer[0].id, "attacks"))
            spans += layer
        documents.append(AnnotatedDocument(number, 420, names, tuple(spans), tuple(relations)))
    return documents


def test_the_sum_of_document_tallies_reports_exactly_debate_agreement():
    documents = generated(40)
    total = tally_sum(document_tally(document) for document in documents)
    report = total.report()
    assert report == debate_agreement(documents)
    assert report.documents == 40
    assert len(report.pairs) == 6
    assert report.relation_alpha is not None and report.linked_unit_pairs > 0


def test_taking_a_document_away_reports_the_others():
    documents = generated(12)
    total = tally_sum(document_tally(document) for document in documents)
    tally_merge(total, document_tally(documents[4]), -1)
    assert total.report() == debate_agreement(documents[:4] + documents[5:])
    for document in documents[:4] + documents[5:]:
        tally_merge(total, document_tally(document), -1)
    assert total.report() == debate_agreement([])
    assert (total.documents, total.pairs, dict(total.annotators)) == (0, {}, {})


def test_taking_away_what_was_never_added_is_refused():
    first, second = generated(2)
    total = document_tally(first)
    with pytest.raises(ValueError, match="not part of the total"):
        tally_merge(total, document_tally(second), -1)


def test_a_tally_written_as_json_and_read_back_is_the_same():
    documents = generated(10)
    for document in documents:
        tally = document_tally(document)
        again = tally_from_data(json.loads(json.dumps(tally_data(tally))))
        assert again.report() == document_agreement(document)
        assert tally_data(again) == tally_data(tally)


@pytest.mark.parametrize(
    "value",
    [NOT_MARKED, NOT_LINKED, None, "pro", "~none", "#1", "", 0, 17, ("attacks", "supports")],
)
def test_value_keys_read_back_and_never_collide(value):
    assert value_from_key(value_key(value)) == value
    others = [NOT_MARKED, NOT_LINKED, None, "pro", "~none", "#1", "", 0, 17, ("attacks",)]
    assert [value_key(other) == value_key(value) for other in others].count(True) <= 1
