import random
from fractions import Fraction

import krippendorff
import numpy as np
import pytest

from annotations.review.agreement import (
    NOT_MARKED,
    AnnotatedDocument,
    ConfusionMatrix,
    F1Counts,
    LabelF1,
    attribute_alpha,
    boundary_alpha,
    debate_agreement,
    document_agreement,
    krippendorff_alpha_nominal,
)
from annotations.review.alignment import AnnotatedSpan, align_spans

N = None  # a missing value, to keep the published tables readable


def span(id, annotator, start, end, stance="pro", role="claim", actor=None):
    return AnnotatedSpan(id, annotator, start, end, stance, role, actor)


def document(spans, annotators=("a", "b"), text_length=100, id=1):
    return AnnotatedDocument(id, text_length, tuple(annotators), tuple(spans))


def package_alpha(table) -> float:
    return krippendorff.alpha(np.array(table, dtype=float), level_of_measurement="nominal")


# Published worked examples ------------------------------------------------------------------


def test_krippendorff_2011_nominal_four_coders_with_missing_values():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: alpha = 0.743.
    table = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]

    alpha = krippendorff_alpha_nominal(table)

    assert round(alpha, 3) == 0.743
    # By hand, as in the paper: n = 40 pairable values, n_c = 9, 13, 10, 5, 3 for values 1..5,
    # 32 of them on the diagonal of the coincidence matrix: 1 - 39 * (40 - 32) / (1600 - 384).
    assert alpha == float(1 - Fraction(39 * 8, 1600 - 384)) == 113 / 152


def test_krippendorff_2011_binary_two_coders():
    # Krippendorff (2011), section A: two observers, ten units, alpha = 0.095.
    table = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]

    alpha = krippendorff_alpha_nominal(table)

    assert round(alpha, 3) == 0.095
    # By hand: n = 20, n_0 = 14, n_1 = 6, 4 disagreeing units: 1 - 19 * 8 / (400 - 196 - 36).
    assert alpha == 1 - 19 * 8 / 168 == 2 / 21


def test_krippendorff_2011_nominal_two_coders_five_categories():
    # Krippendorff (2011), section B: two observers, twelve units, values a..e, alpha = 0.692.
    table = [list("aabbdcccedda"), list("babbbccceddd")]

    alpha = krippendorff_alpha_nominal(table)

    assert round(alpha, 3) == 0.692
    # By hand: n = 24, n_c = 4, 6, 6, 6, 2, three disagreeing units: 1 - 23 * 6 / (576 - 128).
    assert alpha == 155 / 224


def test_wikipedia_computational_example_three_coders_fifteen_units():
    # en.wikipedia.org/wiki/Krippendorff's_alpha, "A computational example": nominal 0.691.
    table = [
        [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
        [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
        [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
    ]

    alpha = krippendorff_alpha_nominal(table)

    assert round(alpha, 3) == 0.691
    assert alpha == 56 / 81


# Against the krippendorff package ----------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_alpha_matches_the_krippendorff_package_on_random_tables_with_missing_values(seed):
    rng = np.random.default_rng(seed)
    coders, units = int(rng.integers(2, 7)), int(rng.integers(5, 200))
    table = rng.integers(0, int(rng.integers(2, 7)), size=(coders, units)).astype(float)
    table[rng.random(table.shape) < rng.uniform(0.0, 0.5)] = np.nan

    ours = krippendorff_alpha_nominal(table)

    assert ours is not None
    assert abs(ours - package_alpha(table)) < 1e-9
    # Only equality of values matters: the same table with labels instead of numbers agrees.
    labelled = [[None if np.isnan(v) else f"label {v:.0f}" for v in row] for row in table]
    assert krippendorff_alpha_nominal(labelled) == ours


def test_alpha_of_a_large_table_matches_the_package():
    rng = np.random.default_rng(2026)
    truth = rng.integers(0, 4, size=5000)
    table = np.array(
        [np.where(rng.random(5000) < 0.8, truth, rng.integers(0, 4, 5000)) for _ in range(3)],
        dtype=float,
    )
    table[rng.random(table.shape) < 0.1] = np.nan

    assert abs(krippendorff_alpha_nominal(table) - package_alpha(table)) < 1e-9


# Edge cases --------------------------------------------------------------------------------


def test_perfect_agreement_with_variation_is_one():
    assert krippendorff_alpha_nominal([["pro", "contra", "pro"], ["pro", "contra", "pro"]]) == 1.0


def test_systematic_disagreement_is_negative():
    # n = 4, n_c = 2 and 2, every pair differs: 1 - 3 * 4 / (16 - 8).
    assert krippendorff_alpha_nominal([[1, 2], [2, 1]]) == -0.5


@pytest.mark.parametrize(
    "table",
    [
        [],  # no coders
        [[], []],  # no units
        [[1, 2, 3]],  # a single coder: nothing is pairable
        [[1, N, N], [N, 2, N]],  # no unit has two values
        [["pro", "pro"], ["pro", "pro"]],  # no variation: 0/0
        [[1, 1, N], [1, N, 2]],  # the only pairable values are all 1; the 2 stands alone
    ],
)
def test_alpha_is_none_when_undefined(table):
    assert krippendorff_alpha_nominal(table) is None


def test_units_with_a_single_value_do_not_count():
    with_lone_values = [[1, 2, 1, 7, N], [1, 2, 2, N, 9]]

    assert krippendorff_alpha_nominal(with_lone_values) == krippendorff_alpha_nominal(
        [[1, 2, 1], [1, 2, 2]]
    )


def test_ragged_table_is_refused():
    with pytest.raises(ValueError, match="every coder needs a value"):
        krippendorff_alpha_nominal([[1, 2], [1]])


# Alpha over aligned units ------------------------------------------------------------------


def test_unmarked_units_count_as_a_not_marked_value():
    spans = [
        span(1, "a", 0, 10, stance="pro"),
        span(2, "b", 0, 10, stance="pro"),
        span(3, "a", 20, 30, stance="contra"),
        span(4, "b", 20, 30, stance="contra"),
        span(5, "a", 40, 50, stance="pro"),  # b did not mark this one
    ]
    alignment = align_spans(spans, ["a", "b"])

    alpha = attribute_alpha([alignment], "stance")

    # n = 6: pro 3, contra 2, not marked 1; one disagreeing unit: 1 - 5 * 2 / (36 - 14).
    assert alpha == 6 / 11
    assert alpha == krippendorff_alpha_nominal(
        [["pro", "contra", "pro"], ["pro", "contra", NOT_MARKED]]
    )
    # Treated as missing, the one-sided unit would vanish and hide the omission.
    assert krippendorff_alpha_nominal([["pro", "contra", "pro"], ["pro", "contra", N]]) == 1.0


def test_no_actor_and_not_marked_are_different_actor_values():
    spans = [
        span(1, "a", 0, 10, actor=None),
        span(2, "b", 0, 10, actor=None),
        span(3, "a", 20, 30, actor=4),
        span(4, "b", 20, 30, actor=4),
        span(5, "a", 40, 50, actor=None),
    ]

    alpha = attribute_alpha([align_spans(spans, ["a", "b"])], "actor")

    # Values: (none, none), (4, 4), (none, not marked): the same counts as the stance case.
    assert alpha == krippendorff_alpha_nominal([["none", 4, "none"], ["none", 4, "not marked"]])
    assert alpha == 6 / 11


def test_alpha_for_an_unknown_attribute_is_refused():
    with pytest.raises(ValueError, match="no alpha for 'note'"):
        attribute_alpha([], "note")


# Boundaries --------------------------------------------------------------------------------


def test_character_level_boundary_alpha_by_hand():
    # Characters 0-1: a only; 2-4: both; 5-6: b only; 7-9: neither.
    doc = document([span(1, "a", 0, 5), span(2, "b", 2, 7)], text_length=10)

    # n = 20, 10 inside and 10 outside, 4 disagreeing characters: 1 - 19 * 8 / (400 - 200).
    assert boundary_alpha([doc]) == 0.24
    a_row = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    b_row = [0, 0, 1, 1, 1, 1, 1, 0, 0, 0]
    assert abs(package_alpha([a_row, b_row]) - 0.24) < 1e-9


def test_own_overlapping_spans_cover_each_character_once():
    overlapping = document([span(1, "a", 0, 5), span(2, "a", 3, 7), span(3, "b", 2, 7)], id=1)
    merged = document([span(1, "a", 0, 7), span(3, "b", 2, 7)], id=2)

    assert boundary_alpha([overlapping]) == boundary_alpha([merged])
    assert boundary_alpha([overlapping]) == krippendorff_alpha_nominal(
        [[1] * 7 + [0] * 93, [0, 0] + [1] * 5 + [0] * 93]
    )


def test_identical_boundaries_are_one_and_no_spans_are_undefined():
    same = document([span(1, "a", 3, 9), span(2, "b", 3, 9)], text_length=20)
    empty = document([], text_length=20)

    assert boundary_alpha([same]) == 1.0
    assert boundary_alpha([empty]) is None
    assert boundary_alpha([]) is None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (span(2, "b", 5, 11), "span 2 ends after the text of document 1"),
        (span(2, "b", 5, 5), "span 2 has an empty or negative range"),
        (span(2, "x", 0, 5), "span 2 belongs to unlisted annotator 'x'"),
    ],
)
def test_impossible_spans_are_refused_by_boundary_alpha(bad, message):
    with pytest.raises(ValueError, match=message):
        boundary_alpha([document([span(1, "a", 0, 5), bad], text_length=10)])


# Random debates against the package ---------------------------------------------------------

ANNOTATORS = ("ann", "ben", "cat", "dan")


def random_debate(seed: int) -> list[AnnotatedDocument]:
    """Documents each annotated by two or three of four annotators, with noisy layers."""
    rng = random.Random(seed)
    documents, next_id = [], 1
    for id in range(1, 31):
        names = tuple(sorted(rng.sample(ANNOTATORS, rng.choice([2, 3]))))
        text_length = rng.randint(80, 200)
        spans = []
        for name in names:
            for _ in range(rng.randint(0, 5)):
                start = rng.randrange(0, text_length - 1)
                end = min(text_length, start + rng.randint(1, 30))
                stance, role = (
                    rng.choice(["pro", "contra", "neutral"]),
                    rng.choice(["claim", "premise"]),
                )
                actor = rng.choice([None, 1, 2])
                spans.append(span(next_id, name, start, end, stance, role, actor))
                next_id += 1
        documents.append(AnnotatedDocument(id, text_length, names, tuple(spans)))
    return documents


def pooled_table(documents, cell):
    """Coders x units over all documents, as the package wants it: NaN where a coder was absent."""
    codes: dict[object, int] = {}
    rows = [[] for _ in ANNOTATORS]
    for doc in documents:
        for unit in cell(doc):
            for row, name in zip(rows, ANNOTATORS, strict=True):
                value = unit.get(name, "absent")
                row.append(np.nan if value == "absent" else codes.setdefault(value, len(codes)))
    return rows


def unit_cells(attribute):
    def cells(doc):
        for unit in align_spans(doc.spans, doc.annotators).units:
            yield {
                name: NOT_MARKED if unit.span_of(name) is None else getattr(unit.span_of(name), a)
                for name in doc.annotators
                for a in [attribute]
            }

    return cells


def character_cells(doc):
    for position in range(doc.text_length):
        yield {
            name: any(s.start <= position < s.end for s in doc.spans if s.annotator == name)
            for name in doc.annotators
        }


@pytest.mark.parametrize("seed", range(5))
def test_debate_alphas_match_the_package_on_pooled_tables(seed):
    documents = random_debate(seed)

    report = debate_agreement(documents)

    for attribute in ("stance", "role", "actor"):
        expected = package_alpha(pooled_table(documents, unit_cells(attribute)))
        assert abs(getattr(report, f"{attribute}_alpha") - expected) < 1e-9
    expected = package_alpha(pooled_table(documents, character_cells))
    assert abs(report.boundary_alpha - expected) < 1e-9
    alignments = [align_spans(doc.spans, doc.annotators) for doc in documents]
    assert report.stance_alpha == attribute_alpha(alignments, "stance")
    assert report.boundary_alpha == boundary_alpha(documents)


# Span F1 and the stance confusion matrix ----------------------------------------------------

CRAFTED = [
    span(1, "a", 0, 10, "pro", "claim"),
    span(2, "a", 20, 30, "contra", "claim"),
    span(3, "a", 40, 50, "pro", "premise"),
    span(4, "a", 60, 70, "neutral", "claim"),  # only a
    span(5, "b", 0, 10, "pro", "claim"),  # exact, same labels
    span(6, "b", 22, 30, "contra", "premise"),  # overlap, role differs
    span(7, "b", 40, 50, "contra", "premise"),  # exact boundaries, stance differs
    span(8, "b", 80, 90, "pro", "claim"),  # only b
]


def test_pairwise_f1_exact_and_overlap_on_a_crafted_document():
    report = document_agreement(document(CRAFTED))

    (pair,) = report.pairs
    assert pair.annotators == ("a", "b")
    assert pair.documents == 1
    assert pair.exact == F1Counts(matched=2, left=4, right=4)
    assert pair.overlap == F1Counts(matched=3, left=4, right=4)
    assert (pair.exact.f1, pair.overlap.f1) == (0.5, 0.75)
    assert report.exact == pair.exact
    assert report.overlap == pair.overlap
    assert report.labels == pair.labels


def test_pairwise_f1_per_label_on_a_crafted_document():
    (pair,) = document_agreement(document(CRAFTED)).pairs

    assert pair.labels == (
        LabelF1("stance", "contra", exact=F1Counts(0, 1, 2), overlap=F1Counts(1, 1, 2)),
        LabelF1("stance", "neutral", exact=F1Counts(0, 1, 0), overlap=F1Counts(0, 1, 0)),
        LabelF1("stance", "pro", exact=F1Counts(1, 2, 2), overlap=F1Counts(1, 2, 2)),
        LabelF1("role", "claim", exact=F1Counts(1, 3, 2), overlap=F1Counts(1, 3, 2)),
        LabelF1("role", "premise", exact=F1Counts(1, 1, 2), overlap=F1Counts(1, 1, 2)),
    )
    f1 = {(label.attribute, label.label): label.overlap.f1 for label in pair.labels}
    assert f1 == {
        ("stance", "contra"): 2 / 3,
        ("stance", "neutral"): 0.0,
        ("stance", "pro"): 0.5,
        ("role", "claim"): 0.4,
        ("role", "premise"): 2 / 3,
    }


def test_stance_confusion_matrix_on_a_crafted_document():
    (pair,) = document_agreement(document(CRAFTED)).pairs

    assert pair.stance_confusion == ConfusionMatrix(
        annotators=("a", "b"),
        labels=("contra", "neutral", "pro", None),
        counts=(
            (1, 0, 0, 0),
            (0, 0, 0, 1),  # a's neutral span b did not mark
            (1, 0, 1, 0),  # a's pro against b's contra on [40, 50)
            (0, 0, 1, 0),  # b's pro span a did not mark
        ),
    )
    assert pair.stance_confusion.count("pro", "contra") == 1
    assert pair.stance_confusion.count("pro", "unknown") == 0


def test_document_report_counts_units_and_agreements():
    report = document_agreement(document(CRAFTED))

    assert (report.documents, report.annotators) == (1, ("a", "b"))
    assert (report.units, report.units_agreed) == (5, 1)


def test_pair_figures_ignore_a_third_annotator():
    # In the three-way alignment a stands alone (see the alignment tests), yet a and b overlap.
    spans = [span(1, "a", 0, 10), span(2, "b", 8, 20), span(3, "c", 12, 20)]

    report = document_agreement(document(spans, annotators=("a", "b", "c")))

    assert [pair.annotators for pair in report.pairs] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert [pair.overlap for pair in report.pairs] == [
        F1Counts(1, 1, 1),
        F1Counts(0, 1, 1),
        F1Counts(1, 1, 1),
    ]
    assert [pair.exact.matched for pair in report.pairs] == [0, 0, 0]
    assert report.overlap == F1Counts(2, 3, 3)
    assert report.units == 2


def test_debate_f1_is_micro_averaged_over_documents():
    agreeing = document([span(1, "a", 0, 10), span(2, "b", 0, 10)], id=1)  # F1 1.0
    disagreeing = document(
        [span(3, "a", 0, 10), span(4, "a", 20, 30), span(5, "a", 40, 50), span(6, "b", 60, 70)],
        id=2,
    )  # F1 0.0

    report = debate_agreement([agreeing, disagreeing])

    (pair,) = report.pairs
    assert pair.documents == 2
    assert pair.exact == F1Counts(matched=1, left=4, right=2)
    # Micro: 2 * 1 / (4 + 2); the macro mean of the two documents would be 0.5.
    assert pair.exact.f1 == 1 / 3
    assert report.exact.f1 == 1 / 3


def test_debate_pools_pairs_across_documents_with_different_annotators():
    first = document([span(1, "a", 0, 10), span(2, "b", 0, 10)], annotators=("a", "b"), id=1)
    second = document([span(3, "b", 0, 10), span(4, "c", 5, 10)], annotators=("b", "c"), id=2)

    report = debate_agreement([first, second])

    assert report.annotators == ("a", "b", "c")
    assert [(p.annotators, p.documents, p.exact, p.overlap) for p in report.pairs] == [
        (("a", "b"), 1, F1Counts(1, 1, 1), F1Counts(1, 1, 1)),
        (("b", "c"), 1, F1Counts(0, 1, 1), F1Counts(1, 1, 1)),
    ]
    assert report.exact == F1Counts(1, 2, 2)
    assert report.overlap == F1Counts(2, 2, 2)


def test_debate_of_one_document_is_that_document():
    documents = random_debate(7)

    for doc in documents[:5]:
        assert debate_agreement([doc]) == document_agreement(doc)


def test_debate_sums_document_counts():
    documents = random_debate(3)

    report = debate_agreement(documents)
    per_document = [document_agreement(doc) for doc in documents]

    assert report.documents == 30
    assert report.units == sum(r.units for r in per_document)
    assert report.units_agreed == sum(r.units_agreed for r in per_document)
    assert report.overlap == sum((r.overlap for r in per_document), F1Counts())
    assert report.exact == sum((r.exact for r in per_document), F1Counts())


# Edge cases of the reports -----------------------------------------------------------------


def test_everyone_agreeing_gives_one_everywhere():
    layer = [
        (0, 10, "pro", "claim", 1),
        (20, 40, "contra", "premise", None),
        (50, 60, "neutral", "claim", 2),
    ]
    spans = [
        span(10 * i + n, name, *attributes)
        for i, name in enumerate(["a", "b", "c"])
        for n, attributes in enumerate(layer)
    ]

    report = document_agreement(document(spans, annotators=("a", "b", "c")))

    assert (report.units, report.units_agreed) == (3, 3)
    alphas = (report.stance_alpha, report.role_alpha, report.actor_alpha, report.boundary_alpha)
    assert alphas == (1.0, 1.0, 1.0, 1.0)
    assert (report.exact.f1, report.overlap.f1) == (1.0, 1.0)
    assert all(label.exact.f1 == 1.0 for label in report.labels)
    assert len(report.labels) == 5


def test_no_variation_leaves_alpha_undefined():
    # Both annotators mark the same single claim: nothing varies, so alpha is 0/0.
    report = document_agreement(document([span(1, "a", 0, 100), span(2, "b", 0, 100)]))

    assert (report.stance_alpha, report.role_alpha, report.actor_alpha) == (None, None, None)
    assert report.boundary_alpha is None  # every character is inside for both
    assert report.overlap.f1 == 1.0


def test_document_without_spans():
    report = document_agreement(document([]))

    assert (report.units, report.units_agreed) == (0, 0)
    assert report.stance_alpha is None
    assert report.boundary_alpha is None
    (pair,) = report.pairs
    assert pair.exact == F1Counts(0, 0, 0)
    assert pair.exact.f1 is None
    assert pair.labels == ()
    assert pair.stance_confusion == ConfusionMatrix(("a", "b"), (None,), ((0,),))


def test_single_annotator_document():
    report = document_agreement(document([span(1, "a", 0, 10)], annotators=("a",)))

    assert (report.units, report.units_agreed) == (1, 1)
    assert (report.stance_alpha, report.boundary_alpha) == (None, None)
    assert report.pairs == ()
    assert report.labels == ()
    assert report.overlap == F1Counts()
    assert report.overlap.f1 is None


def test_debate_without_documents():
    report = debate_agreement([])

    assert (report.documents, report.units, report.annotators, report.pairs) == (0, 0, (), ())
    assert report.stance_alpha is None
    assert report.boundary_alpha is None
