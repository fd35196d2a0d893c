"""Relations between aligned units and the alphas of each annotator pair, computed by hand."""

import krippendorff
import numpy as np
import pytest

from annotations.review.agreement import (
    NOT_LINKED,
    NOT_MARKED,
    AlphaFigure,
    AnnotatedDocument,
    AnnotatedRelation,
    F1Counts,
    debate_agreement,
    document_agreement,
    krippendorff_alpha_nominal,
    link_f1,
    link_values,
    unit_links,
)
from annotations.review.alignment import AnnotatedSpan, align_spans


def span(id, annotator, start, end, stance="pro", role="claim", actor=None):
    return AnnotatedSpan(id, annotator, start, end, stance, role, actor)


def link(source, target, type="supports"):
    return AnnotatedRelation(source, target, type)


# Two annotators, four units, three relations each. b's spans of units 2 and 4 are shifted by
# a few characters: they still align with a's, so links through them are compared.
#   unit 1 [0, 10)   a: 1        b: 11
#   unit 2 [20, 30)  a: 2        b: 12 [22, 31)
#   unit 3 [40, 50)  a: 3        b: 13
#   unit 4 [60, 70)  a: 4        b: 14 [58, 70)
FOUR_UNITS = (
    span(1, "a", 0, 10),
    span(2, "a", 20, 30),
    span(3, "a", 40, 50),
    span(4, "a", 60, 70),
    span(11, "b", 0, 10),
    span(12, "b", 22, 31),
    span(13, "b", 40, 50),
    span(14, "b", 58, 70),
)
# a: 1->2 supports, 3->2 attacks, 4->3 supports; b: 1->2 supports, 3->2 attacks, 4->1 supports.
THREE_EACH = (
    link(1, 2),
    link(3, 2, "attacks"),
    link(4, 3),
    link(11, 12),
    link(13, 12, "attacks"),
    link(14, 11),
)


def document(spans, relations, annotators=("a", "b"), id=1):
    return AnnotatedDocument(id, 100, tuple(annotators), tuple(spans), tuple(relations))


def test_relation_f1_and_alpha_of_two_annotators_by_hand():
    """Linked unit pairs (source, target): values of a, b.

    (1, 2): supports, supports    (3, 2): attacks, attacks
    (4, 3): supports, not linked  (4, 1): not linked, supports

    F1 typed: 2 matched of 3 + 3 relations, 2·2/6 = 2/3; ignoring the type the same.
    Alpha: n = 8 values, supports 4, attacks 2, not linked 2; the two one-sided pairs
    give 4 disagreeing coincidences: 1 - (8 - 1)·4 / (64 - 16 - 4 - 4) = 1 - 28/40 = 0.3.
    """
    report = document_agreement(document(FOUR_UNITS, THREE_EACH))

    assert report.relations == F1Counts(matched=2, left=3, right=3)
    assert report.relations_untyped == F1Counts(matched=2, left=3, right=3)
    assert report.relations.f1 == 2 / 3
    assert report.linked_unit_pairs == 4
    assert report.relation_alpha == pytest.approx(0.3, abs=1e-15)
    (pair,) = report.pairs
    assert (pair.relations, pair.relations_untyped) == (report.relations, report.relations_untyped)
    assert pair.alphas[3] == AlphaFigure("relation", report.relation_alpha, 4)


def test_the_relation_alpha_is_the_package_s_on_the_same_table():
    table = [
        ["supports", "attacks", "supports", "none"],
        ["supports", "attacks", "none", "supports"],
    ]
    codes = {"supports": 0, "attacks": 1, "none": 2}
    package = krippendorff.alpha(
        np.array([[codes[v] for v in row] for row in table], dtype=float),
        level_of_measurement="nominal",
    )

    report = document_agreement(document(FOUR_UNITS, THREE_EACH))

    assert report.relation_alpha == pytest.approx(package, abs=1e-12)


def test_a_type_disagreement_counts_typed_but_not_untyped():
    """b's 3->2 is a support where a has an attack.

    Typed: 1 matched (1->2) of 3 + 3: 2/6 = 1/3. Untyped: 2 matched (1->2, 3->2): 4/6 = 2/3.
    Alpha: supports 5, attacks 1, not linked 2 (n = 8); disagreeing coincidences 2 + 2 + 2:
    1 - 7·6 / (64 - 25 - 1 - 4) = 1 - 42/34 = -4/17.
    """
    relations = [*THREE_EACH[:4], link(13, 12, "supports"), THREE_EACH[5]]

    report = document_agreement(document(FOUR_UNITS, relations))

    assert report.relations == F1Counts(1, 3, 3)
    assert report.relations_untyped == F1Counts(2, 3, 3)
    assert report.relation_alpha == pytest.approx(-4 / 17, abs=1e-15)


def test_a_link_to_a_unit_the_other_did_not_mark_cannot_match():
    """b did not mark unit 4: a's 4->3 has nowhere to match, and b gives it "not linked"."""
    spans = [s for s in FOUR_UNITS if s.id != 14]
    relations = [r for r in THREE_EACH if 14 not in (r.source, r.target)]

    report = document_agreement(document(spans, relations))

    assert report.relations == F1Counts(2, 3, 2)
    links = unit_links(align_spans(spans, ["a", "b"]), relations)
    assert link_values(links, ["a", "b"]) == {
        ("supports", "supports"): 1,
        ("attacks", "attacks"): 1,
        ("supports", NOT_LINKED): 1,
    }


def test_two_types_between_the_same_spans_are_one_value_of_their_own():
    links = unit_links(
        align_spans(FOUR_UNITS, ["a", "b"]),
        [link(1, 2), link(1, 2, "attacks"), link(11, 12)],
    )

    assert link_values(links, ["a", "b"]) == {(("attacks", "supports"), "supports"): 1}
    # Typed: one of a's two relations is matched; untyped: the one linked pair is.
    assert link_f1(links, "a", "b") == (F1Counts(1, 2, 1), F1Counts(1, 1, 1))


def test_direction_counts():
    links = unit_links(align_spans(FOUR_UNITS, ["a", "b"]), [link(1, 2), link(12, 11)])

    assert link_f1(links, "a", "b") == (F1Counts(0, 1, 1), F1Counts(0, 1, 1))


@pytest.mark.parametrize(
    ("relation", "message"),
    [
        (link(1, 99), "has an end that is not compared"),
        (link(1, 12), "joins two annotators' spans"),
    ],
)
def test_impossible_relations_are_refused(relation, message):
    with pytest.raises(ValueError, match=message):
        document_agreement(document(FOUR_UNITS, [relation]))


def test_no_relations_leave_relation_figures_undefined():
    report = document_agreement(document(FOUR_UNITS, []))

    assert (report.relation_alpha, report.linked_unit_pairs) == (None, 0)
    assert (report.relations.f1, report.relations_untyped.f1) == (None, None)


def test_relation_figures_pool_over_documents():
    first = document(FOUR_UNITS, THREE_EACH, id=1)
    second = document(FOUR_UNITS, THREE_EACH[:1] + THREE_EACH[3:4], id=2)

    report = debate_agreement([first, second])

    # Document 2: only 1->2 linked by both, matched. Pooled: 3 of 4 + 4.
    assert report.relations == F1Counts(3, 4, 4)
    assert report.linked_unit_pairs == 5
    assert report.relation_alpha == krippendorff_alpha_nominal(
        [
            ["supports", "attacks", "supports", NOT_LINKED, "supports"],
            ["supports", "attacks", NOT_LINKED, "supports", "supports"],
        ]
    )


# --- Alpha per annotator pair ---------------------------------------------------------------
# Three annotators, three units with identical boundaries:
#   unit 1: a pro,    b pro,    c pro
#   unit 2: a pro,    b contra, c pro
#   unit 3: a contra, b contra, c (not marked)
THREE_ANNOTATORS = (
    span(1, "a", 0, 10, "pro"),
    span(2, "b", 0, 10, "pro"),
    span(3, "c", 0, 10, "pro"),
    span(4, "a", 20, 30, "pro"),
    span(5, "b", 20, 30, "contra"),
    span(6, "c", 20, 30, "pro"),
    span(7, "a", 40, 50, "contra"),
    span(8, "b", 40, 50, "contra"),
)


def test_alpha_per_pair_by_hand():
    """Stance, each pair aligned on its own, three units each:

    a-b: pro/pro, pro/contra, contra/contra. n = 6, pro 3, contra 3, 2 disagreeing
         coincidences: 1 - 5·2 / (36 - 9 - 9) = 4/9.
    a-c: pro/pro, pro/pro, contra/not marked. n = 6, pro 4, contra 1, not marked 1:
         1 - 5·2 / (36 - 16 - 1 - 1) = 4/9.
    b-c: pro/pro, contra/pro, contra/not marked. n = 6, pro 3, contra 2, not marked 1,
         4 disagreeing: 1 - 5·4 / (36 - 9 - 4 - 1) = 1/11.
    Role: a-b marked all three alike (claim): no variation, undefined (n/a) over 3 units.
    a-c: claim 5, not marked 1, 2 disagreeing: 1 - 5·2 / (36 - 25 - 1) = 0.
    """
    report = document_agreement(AnnotatedDocument(1, 100, ("a", "b", "c"), THREE_ANNOTATORS))

    alphas = {pair.annotators: {f.attribute: f for f in pair.alphas} for pair in report.pairs}
    assert alphas["a", "b"]["stance"] == AlphaFigure("stance", pytest.approx(4 / 9), 3)
    assert alphas["a", "c"]["stance"].alpha == pytest.approx(4 / 9, abs=1e-15)
    assert alphas["b", "c"]["stance"].alpha == pytest.approx(1 / 11, abs=1e-15)
    assert alphas["a", "b"]["role"] == AlphaFigure("role", None, 3)
    assert alphas["a", "c"]["role"] == AlphaFigure("role", 0.0, 3)
    # Nobody linked anything: relation alpha is undefined over no unit pairs.
    assert alphas["a", "b"]["relation"] == AlphaFigure("relation", None, 0)
    assert [f.attribute for f in report.pairs[0].alphas] == ["stance", "role", "actor", "relation"]
    assert alphas["b", "c"]["stance"].alpha == krippendorff_alpha_nominal(
        [["pro", "contra", "contra"], ["pro", "pro", NOT_MARKED]]
    )


def test_pair_alphas_pool_over_the_documents_the_pair_shares():
    first = AnnotatedDocument(1, 100, ("a", "b", "c"), THREE_ANNOTATORS)
    # A second document only a and b annotated: one unit, pro/contra.
    second = AnnotatedDocument(
        2, 100, ("a", "b"), (span(9, "a", 0, 5), span(10, "b", 0, 5, "contra"))
    )

    report = debate_agreement([first, second])

    pairs = {pair.annotators: pair for pair in report.pairs}
    # a-b: pro/pro, pro/contra, contra/contra, pro/contra: n = 8, pro 4, contra 4,
    # 4 disagreeing: 1 - 7·4 / (64 - 16 - 16) = 1/8.
    assert pairs["a", "b"].alphas[0] == AlphaFigure("stance", pytest.approx(1 / 8), 4)
    assert pairs["a", "b"].documents == 2
    assert pairs["a", "c"].alphas[0].units == 3
