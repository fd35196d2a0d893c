"""The majority-vote layer: units more than half of the annotators label alike, and their links."""

from annotations.review.agreement import AnnotatedDocument, AnnotatedRelation
from annotations.review.alignment import AnnotatedSpan
from annotations.review.majority import MajorityLayer, majority_layer


def span(id, annotator, start, end, stance="pro", role="claim", actor=None):
    return AnnotatedSpan(id, annotator, start, end, stance, role, actor, quote=f"q{id}")


# Three annotators, four units:
#   unit 1 [0, 10):  a pro claim, b pro claim, c pro claim [0, 6)  -> in, a's span (0, 10 twice)
#   unit 2 [20, 30): a pro claim, b contra claim                  -> out, 1 vote each of 3
#   unit 3 [40, 50): a contra premise, c contra premise [41, 50)  -> in, 2 of 3, a first by name
#   unit 4 [60, 70): b pro premise [61, 70), c pro premise         -> in, b first by name
SPANS = (
    span(1, "a", 0, 10),
    span(2, "b", 0, 10),
    span(3, "c", 0, 6),
    span(4, "a", 20, 30),
    span(5, "b", 20, 30, "contra"),
    span(6, "a", 40, 50, "contra", "premise"),
    span(7, "c", 41, 50, "contra", "premise"),
    span(8, "b", 61, 70, "pro", "premise", actor=3),
    span(9, "c", 60, 70, "pro", "premise"),
)
RELATIONS = (
    AnnotatedRelation(6, 1, "supports"),  # a: unit 3 -> 1
    AnnotatedRelation(7, 3, "supports"),  # c: unit 3 -> 1: two of three, in
    AnnotatedRelation(8, 2, "supports"),  # b: unit 4 -> 1
    AnnotatedRelation(9, 3, "attacks"),  # c: unit 4 -> 1, another type: one vote each, out
    AnnotatedRelation(4, 1, "supports"),  # a: unit 2 -> 1
    AnnotatedRelation(5, 2, "supports"),  # b: unit 2 -> 1: two votes, but unit 2 is out
)


def test_the_majority_layer_by_hand():
    layer = majority_layer(AnnotatedDocument(7, 100, ("a", "b", "c"), SPANS, RELATIONS))

    assert layer == MajorityLayer(
        document_id=7,
        spans=(SPANS[0], SPANS[5], SPANS[7]),
        relations=(AnnotatedRelation(6, 1, "supports"),),
    )
    # The representative keeps its own speaker and quote.
    assert (layer.spans[2].actor, layer.spans[2].quote) == (3, "q8")


def test_with_two_annotators_both_must_agree():
    spans = (span(1, "a", 0, 10), span(2, "b", 0, 10), span(3, "a", 20, 30))
    relations = (AnnotatedRelation(3, 1, "supports"),)

    layer = majority_layer(AnnotatedDocument(1, 100, ("a", "b"), spans, relations))

    assert layer.spans == (spans[0],)
    assert layer.relations == ()


def test_one_annotator_is_their_own_majority():
    spans = (span(1, "a", 0, 10), span(2, "a", 20, 30, "contra"))
    relations = (AnnotatedRelation(2, 1, "attacks"),)

    layer = majority_layer(AnnotatedDocument(1, 100, ("a",), spans, relations))

    assert (layer.spans, layer.relations) == (spans, relations)


def test_an_empty_layer_counts_against_the_majority():
    # b submitted nothing: a's span has one vote of two.
    layer = majority_layer(AnnotatedDocument(1, 100, ("a", "b"), (span(1, "a", 0, 10),)))

    assert layer.spans == ()
