"""A group's columns edited from the last build's equal the columns read anew, whatever changed.

``group_columns`` takes the last build's columns of a group and removes and inserts the
members that changed; these tests compare the result, column by column and member by member
(by identity), with the group sorted and read afresh, for spans added, removed, replaced,
moved in the input, and for changes too large to edit.
"""

from dataclasses import replace

import pytest

from maps.builder.members import SPLICED, GroupColumns, group_columns, member_columns
from maps.builder.merge import BuildSpan
from maps.builder.model import SourceSpan


def _span(span_id: int, document: int, start: int, text: str = "") -> BuildSpan:
    quote = text or f"claim {span_id} about encryption"
    source = SourceSpan(
        span_id=str(span_id),
        document_id=str(document),
        document_title=f"Article {document}",
        start=start,
        end=start + len(quote),
        quote=quote,
        stance="pro",
        role="claim",
        actor_id=None,
        published=None,
    )
    key = ((0, document, str(document)), start, start + len(quote), (0, span_id, str(span_id)))
    return BuildSpan(source=source, side="pro", kind="claim", key=key)


def _fresh(bucket: list[BuildSpan]) -> GroupColumns:
    return group_columns(bucket, None)


def _assert_same(found: GroupColumns, expected: GroupColumns) -> None:
    assert found.bucket == expected.bucket
    assert [id(m) for m in found.members] == [id(m) for m in expected.members]
    assert found.keys == expected.keys
    assert found.texts == expected.texts
    assert found.documents == expected.documents
    assert found.span_ids == expected.span_ids
    assert found.places == expected.places


@pytest.fixture
def bucket() -> list[BuildSpan]:
    # Input order (the gold layer's) is not key order: documents come 5, 3, 1, 4, 2.
    return [
        _span(document * 10 + n, document, 100 * n)
        for document in (5, 3, 1, 4, 2)
        for n in range(4)
    ]


def test_fresh_columns_are_the_members_sorted_by_key(bucket):
    columns = _fresh(bucket)

    assert columns.span_ids == [
        "10", "11", "12", "13", "20", "21", "22", "23", "30", "31", "32", "33",
        "40", "41", "42", "43", "50", "51", "52", "53",
    ]  # fmt: skip
    assert columns.documents[:5] == ["1", "1", "1", "1", "2"]
    assert columns.places[1] == ((0, 1, "1"), 100, 100 + len("claim 11 about encryption"))
    assert columns.texts[0] == "claim 10 about encryption"
    assert member_columns(columns.members).keys == columns.keys


def test_a_document_added_in_the_middle_of_the_input(bucket):
    last = _fresh(bucket)
    added = [_span(60 + n, 6, 50 * n) for n in range(3)]
    now = [*bucket[:8], *added, *bucket[8:]]

    columns = group_columns(now, last)

    _assert_same(columns, _fresh(now))
    assert columns.span_ids[-3:] == ["60", "61", "62"]
    # The last build's columns are left as they were (a build in another thread may read them).
    assert len(last.members) == 20


def test_spans_removed_and_one_replaced_by_a_new_object(bucket):
    last = _fresh(bucket)
    edited = replace(bucket[5], source=replace(bucket[5].source, quote="edited text"))
    now = [*bucket[:4], edited, *bucket[6:10], *bucket[12:]]

    columns = group_columns(now, last)

    _assert_same(columns, _fresh(now))
    assert columns.texts[columns.members.index(edited)] == "edited text"
    # Gone: 30 (before the edited 31), 12 and 13.
    assert {"30", "12", "13"}.isdisjoint(columns.span_ids)
    assert len(columns.members) == 17


def test_a_span_moved_in_the_input_keeps_its_place_among_members(bucket):
    last = _fresh(bucket)
    now = [bucket[3], *bucket[:3], *bucket[4:]]

    _assert_same(group_columns(now, last), _fresh(now))


def test_the_same_span_annotated_twice_keeps_both_in_input_order():
    first = _span(1, 1, 0, "backdoors weaken security for everyone")
    again = _span(2, 1, 0, "backdoors weaken security for everyone")
    last = _fresh([first])

    columns = group_columns([first, again], last)

    _assert_same(columns, _fresh([first, again]))
    assert columns.places[0] == columns.places[1]


def test_two_members_with_one_key_are_sorted_anew():
    # Keys are unique in a gold read (span ids are); were two equal, the sort keeps them in
    # input order, which an edit cannot know: the columns are read anew.
    first = _span(1, 1, 0)
    twin = replace(first, source=replace(first.source, quote="other words"))
    last = _fresh([first])

    columns = group_columns([twin, first], last)

    assert [id(m) for m in columns.members] == [id(twin), id(first)]
    assert columns.texts == ["other words", "claim 1 about encryption"]


def test_more_changes_than_edited_sort_the_group_anew(bucket):
    last = _fresh(bucket)
    many = [_span(1000 + n, 7, n) for n in range(SPLICED + 1)]
    now = [*bucket, *many]

    columns = group_columns(now, last)

    _assert_same(columns, _fresh(now))
    assert len(columns.members) == 20 + SPLICED + 1


def test_an_empty_group_and_back(bucket):
    last = _fresh(bucket)
    empty = group_columns([], last)
    assert empty.members == [] and empty.keys == []

    _assert_same(group_columns(bucket, empty), _fresh(bucket))
