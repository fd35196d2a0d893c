"""A (kind, side) group's members in key order, with what merging reads of each, as columns.

Merging reads each member's key, text, document and span id, and the place (document, start,
end) that makes two members one span annotated twice. Read from the members themselves, each
is a pass over tens of thousands of objects scattered in memory; a rebuild after one decision
changes a handful of a group's members, so ``group_columns`` takes the last build's columns
and removes and inserts the members that changed, by key, instead of sorting the group and
reading every member again. The columns are the same either way
(tests/maps/builder/test_members.py compares them).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from maps.builder.cache import same_ends

if TYPE_CHECKING:
    from maps.builder.merge import BuildSpan

# Members changed between two builds (gone and new together) up to which the last build's
# columns are edited; past it the group is sorted and read anew.
SPLICED = 256

_key = attrgetter("key")
_quote = attrgetter("source.quote")
_document = attrgetter("source.document_id")
_span_id = attrgetter("source.span_id")
# A member's document, start and end (its key's first three): two members at one place are
# one span annotated twice.
_place = itemgetter(slice(0, 3))


@dataclass(slots=True)
class GroupColumns:
    """A group's spans in input order (``bucket``), its members in key order, and each
    member's key, text, document id, span id and place, in the members' order."""

    bucket: list[BuildSpan]
    members: list[BuildSpan]
    keys: list[Any]
    texts: list[str]
    documents: list[str]
    span_ids: list[str]
    places: list[tuple]

    def _lists(self) -> tuple[list, ...]:
        return (self.members, self.keys, self.texts, self.documents, self.span_ids, self.places)


def member_columns(members: list[BuildSpan], bucket: list[BuildSpan] | None = None) -> GroupColumns:
    """Return the columns of members already in key order, read from each member."""
    keys = list(map(_key, members))
    return GroupColumns(
        bucket=members if bucket is None else bucket,
        members=members,
        keys=keys,
        texts=list(map(_quote, members)),
        documents=list(map(_document, members)),
        span_ids=list(map(_span_id, members)),
        places=list(map(_place, keys)),
    )


def group_columns(bucket: list[BuildSpan], last: GroupColumns | None) -> GroupColumns:
    """Return the columns of a group whose spans in input order are ``bucket``: the last
    build's columns of the group with the members that changed taken out and put in, when
    few changed, else the members sorted by key and read anew."""
    if last is not None:
        spliced = _spliced(bucket, last)
        if spliced is not None:
            return spliced
    return member_columns(sorted(bucket, key=_key), bucket)


def _spliced(bucket: list[BuildSpan], last: GroupColumns) -> GroupColumns | None:
    """Return ``last`` edited into the columns of ``bucket``, or None when too much changed
    or two members share a key (the sort keeps them in input order; an edit would not)."""
    head, tail = same_ends(last.bucket, bucket)
    old = last.bucket[head : len(last.bucket) - tail]
    new = bucket[head : len(bucket) - tail]
    if len(old) + len(new) > SPLICED:
        return None
    # A span in both middles only moved in the input: its place among the members is kept.
    stayed = set(map(id, old)) & set(map(id, new))
    made = GroupColumns(bucket, *(list(column) for column in last._lists()))
    lists = made._lists()
    for span in old:
        if id(span) in stayed:
            continue
        at = bisect_left(made.keys, span.key)
        if at == len(made.members) or made.members[at] is not span:
            return None
        for column in lists:
            del column[at]
    for span in new:
        if id(span) in stayed:
            continue
        key = span.key
        at = bisect_left(made.keys, key)
        if at < len(made.keys) and made.keys[at] == key:
            return None
        for column, value in zip(lists, _row(span), strict=True):
            column.insert(at, value)
    return made


def _row(span: BuildSpan) -> Sequence[Any]:
    key = span.key
    return (span, key, _quote(span), _document(span), _span_id(span), _place(key))
