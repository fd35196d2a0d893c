import random

import pytest

from annotations.review.alignment import AlignedUnit, AnnotatedSpan, DocumentAlignment, align_spans


def span(id, annotator, start, end, stance="pro", role="claim", actor=None):
    return AnnotatedSpan(id, annotator, start, end, stance, role, actor)


def layout(alignment: DocumentAlignment) -> list[tuple]:
    """Reduce units to (start, end, span ids, missing, differing) for exact comparison."""
    return [
        (unit.start, unit.end, [s.id for s in unit.spans], unit.missing, unit.differing)
        for unit in alignment.units
    ]


def test_identical_spans_of_all_annotators_form_one_agreed_unit():
    spans = [span(1, "a", 5, 15), span(2, "b", 5, 15), span(3, "c", 5, 15)]

    alignment = align_spans(spans, ["c", "a", "b"])

    assert alignment.annotators == ("a", "b", "c")
    assert layout(alignment) == [(5, 15, [1, 2, 3], (), ())]
    assert alignment.units[0].agreed is True
    assert alignment.units[0].annotators == ("a", "b", "c")


def test_exact_match_names_each_differing_label():
    spans = [
        span(1, "a", 0, 10, stance="pro", role="claim", actor=7),
        span(2, "b", 0, 10, stance="contra", role="claim", actor=None),
    ]

    (unit,) = align_spans(spans, ["a", "b"]).units

    assert unit.differing == ("stance", "actor")
    assert unit.agreed is False


def test_all_four_attributes_are_named_in_a_fixed_order():
    spans = [
        span(1, "a", 0, 10, stance="pro", role="claim", actor="nspcc"),
        span(2, "b", 2, 10, stance="contra", role="premise", actor="citizen lab"),
    ]

    (unit,) = align_spans(spans, ["a", "b"]).units

    assert unit.differing == ("boundaries", "stance", "role", "actor")


def test_partial_overlap_forms_one_unit_covering_both_spans():
    spans = [span(1, "a", 0, 10), span(2, "b", 4, 12)]

    assert layout(align_spans(spans, ["a", "b"])) == [(0, 12, [1, 2], (), ("boundaries",))]


def test_exact_match_is_taken_before_a_better_looking_overlap():
    # b's [0, 9) overlaps a's [0, 10) by 0.9, but b also has the exact [0, 10); c's exact [0, 9)
    # then pairs with b's [0, 9), and a unit can hold only one span of b.
    spans = [
        span(1, "a", 0, 10),
        span(2, "b", 0, 10),
        span(3, "b", 0, 9),
        span(4, "c", 0, 9),
    ]

    assert layout(align_spans(spans, ["a", "b", "c"])) == [
        (0, 9, [3, 4], ("a",), ()),
        (0, 10, [1, 2], ("c",), ()),
    ]


def test_best_overlap_wins_when_there_is_no_exact_match():
    # a's long span overlaps b's first span by 5/30 and b's second by 10/30.
    spans = [span(1, "a", 0, 30), span(2, "b", 5, 10), span(3, "b", 15, 25)]

    assert layout(align_spans(spans, ["a", "b"])) == [
        (0, 30, [1, 3], (), ("boundaries",)),
        (5, 10, [2], ("a",), ()),
    ]


def test_nested_spans_of_three_annotators():
    # c's short span sits inside the exact pair of a and b and overlaps both, so it joins them.
    spans = [span(1, "a", 10, 40), span(2, "b", 10, 40), span(3, "c", 20, 25, stance="contra")]

    assert layout(align_spans(spans, ["a", "b", "c"])) == [
        (10, 40, [1, 2, 3], (), ("boundaries", "stance")),
    ]


def test_spans_of_one_annotator_never_share_a_unit():
    spans = [span(1, "a", 0, 10), span(2, "a", 5, 15)]

    assert layout(align_spans(spans, ["a"])) == [(0, 10, [1], (), ()), (5, 15, [2], (), ())]


def test_duplicate_exact_spans_of_one_annotator_pair_with_one_partner_only():
    spans = [span(1, "a", 0, 10), span(2, "a", 0, 10), span(3, "b", 0, 10)]

    assert layout(align_spans(spans, ["a", "b"])) == [
        (0, 10, [1, 3], (), ()),
        (0, 10, [2], ("b",), ()),
    ]


def test_annotator_who_marked_nothing_is_missing_from_every_unit():
    spans = [span(1, "a", 0, 10), span(2, "b", 0, 10), span(3, "a", 20, 30)]

    alignment = align_spans(spans, ["a", "b", "silent"])

    assert layout(alignment) == [
        (0, 10, [1, 2], ("silent",), ()),
        (20, 30, [3], ("b", "silent"), ()),
    ]
    assert [unit.agreed for unit in alignment.units] == [False, False]
    assert alignment.units[1].span_of("b") is None
    assert alignment.units[1].span_of("a") == spans[2]


def test_equal_overlaps_go_to_the_earlier_span():
    # a's [0, 10) overlaps b's [0, 5) and [5, 10) equally (Jaccard 0.5, 5 shared characters).
    spans = [span(1, "a", 0, 10), span(2, "b", 0, 5), span(3, "b", 5, 10)]
    expected = [(0, 10, [1, 2], (), ("boundaries",)), (5, 10, [3], ("a",), ())]

    assert layout(align_spans(spans, ["a", "b"])) == expected
    assert layout(align_spans(list(reversed(spans)), ["b", "a"])) == expected


def test_equal_jaccard_prefers_the_longer_shared_stretch():
    # Both candidates score 1/2: b1 shares 10 of 20 characters, b2 shares 5 of 10.
    spans = [span(1, "a", 10, 20), span(2, "b", 0, 20), span(3, "b", 15, 20)]

    assert layout(align_spans(spans, ["a", "b"])) == [
        (0, 20, [1, 2], (), ("boundaries",)),
        (15, 20, [3], ("a",), ()),
    ]


def test_partial_overlaps_do_not_chain_unrelated_text_into_one_unit():
    # b overlaps both a and c, but a and c share no character: b stays with c, its better match.
    spans = [span(1, "a", 0, 10), span(2, "b", 8, 20), span(3, "c", 12, 20)]

    assert layout(align_spans(spans, ["a", "b", "c"])) == [
        (0, 10, [1], ("b", "c"), ()),
        (8, 20, [2, 3], ("a",), ("boundaries",)),
    ]


def test_touching_spans_do_not_overlap():
    spans = [span(1, "a", 0, 10), span(2, "b", 10, 20)]

    assert layout(align_spans(spans, ["a", "b"])) == [
        (0, 10, [1], ("b",), ()),
        (10, 20, [2], ("a",), ()),
    ]


def test_units_are_ordered_by_text_position():
    spans = [span(1, "a", 50, 60), span(2, "b", 0, 5), span(3, "a", 0, 30), span(4, "b", 52, 60)]

    assert [(u.start, u.end) for u in align_spans(spans, ["a", "b"]).units] == [(0, 30), (50, 60)]


def test_no_spans_give_no_units():
    assert align_spans([], ["a", "b"]) == DocumentAlignment(annotators=("a", "b"), units=())


def test_single_annotator_units_are_trivially_agreed():
    (unit,) = align_spans([span(1, "a", 0, 10)], ["a"]).units

    assert unit == AlignedUnit(0, 10, (span(1, "a", 0, 10),), missing=(), differing=())
    assert unit.agreed is True


@pytest.mark.parametrize(
    ("spans", "annotators", "message"),
    [
        ([span(1, "a", 5, 5)], ["a"], "span 1 has an empty or negative range"),
        ([span(1, "a", 6, 5)], ["a"], "span 1 has an empty or negative range"),
        ([span(1, "a", -1, 5)], ["a"], "span 1 has an empty or negative range"),
        ([span(1, "a", 0, 5), span(1, "b", 0, 5)], ["a", "b"], "span id 1 appears twice"),
        ([span(1, "x", 0, 5)], ["a"], "span 1 belongs to unlisted annotator 'x'"),
    ],
)
def test_impossible_input_is_refused(spans, annotators, message):
    with pytest.raises(ValueError, match=message):
        align_spans(spans, annotators)


def random_layers(seed: int, annotators=("a", "b", "c"), spans_each=12, length=300):
    rng = random.Random(seed)
    spans = []
    for name in annotators:
        for _ in range(spans_each):
            start = rng.randrange(0, length - 1)
            end = min(length, start + rng.randint(1, 40))
            spans.append(
                span(len(spans) + 1, name, start, end, rng.choice(["pro", "contra"]), "claim")
            )
    return spans


@pytest.mark.parametrize("seed", range(10))
def test_alignment_does_not_depend_on_input_order(seed):
    spans = random_layers(seed)
    shuffled = spans[:]
    random.Random(seed + 100).shuffle(shuffled)

    assert align_spans(shuffled, ["c", "b", "a"]) == align_spans(spans, ["a", "b", "c"])


@pytest.mark.parametrize("seed", range(10))
def test_units_keep_their_invariants_on_random_layers(seed):
    spans = random_layers(seed)

    alignment = align_spans(spans, ["a", "b", "c"])

    placed = [s.id for unit in alignment.units for s in unit.spans]
    assert sorted(placed) == [s.id for s in spans]  # every span in exactly one unit
    for unit in alignment.units:
        names = [s.annotator for s in unit.spans]
        assert names == sorted(set(names))  # at most one span per annotator, in name order
        assert sorted(names + list(unit.missing)) == ["a", "b", "c"]
        assert unit.start == min(s.start for s in unit.spans)
        assert unit.end == max(s.end for s in unit.spans)
        assert all(x.start < y.end and y.start < x.end for x in unit.spans for y in unit.spans)
    positions = [(unit.start, unit.end) for unit in alignment.units]
    assert positions == sorted(positions)
    # These layers are dense enough that partial overlaps must have been joined.
    assert any(len(unit.spans) == 3 and unit.differing for unit in alignment.units)
