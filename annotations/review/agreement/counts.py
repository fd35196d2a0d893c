"""Agreement kept as counts that add up: one document's tally stored, a debate's summed from them.

A ``Tally`` (``report``) holds nothing but sums over documents: units, F1 counts, the stance
confusion, and, for every alpha, the units counted by the values they got (alpha's coincidence
matrix is a sum over units, computed from these in exact fractions). So the tally of many
documents is the sum of their tallies, and ``Tally.report`` of that sum is exactly
``debate_agreement`` of the documents. ``document_tally`` tallies one document,
``tally_merge`` adds one tally to another (or takes it away), and ``tally_data`` /
``tally_from_data`` write and read a tally as plain JSON-able data for storage.

A value alpha compares (a label, an actor key, "not marked", "not linked", two relation types
as one) is written as a string naming its kind (``value_key``) and read back by
``value_from_key``, so no two values collide and reading gives back the very values.
"""

import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from annotations.review.agreement.alpha import NOT_LINKED, NOT_MARKED
from annotations.review.agreement.data import AnnotatedDocument, F1Counts
from annotations.review.agreement.report import PairTally, Tally

_PAIR_TOTALS = ("documents", "exact", "overlap", "left", "right")
# A label's counts before any: [exact matched, overlap matched, left, right].
_NO_COUNTS = (0, 0, 0, 0)
_SPECIAL = {"~not marked": NOT_MARKED, "~not linked": NOT_LINKED, "~none": None}
# The entry of ``tally_data``'s ``keys`` that holds the keys of tuples of values: no value is
# this object.
_TUPLES = object()


def value_key(value: Hashable) -> str:
    """Return a string naming ``value`` and its kind; ``value_from_key`` reads it back."""
    if value is NOT_MARKED:
        return "~not marked"
    if value is NOT_LINKED:
        return "~not linked"
    if value is None:
        return "~none"
    if isinstance(value, bool):
        raise TypeError("a label, actor or relation type is never a bool")
    if isinstance(value, int):
        return f"#{value}"
    if isinstance(value, str):
        return f"'{value}"
    if isinstance(value, tuple):
        return "(" + json.dumps([value_key(item) for item in value])
    raise TypeError(f"no key for the value {value!r} of type {type(value).__name__}")


def value_from_key(key: str) -> Hashable:
    """Return the value ``value_key`` wrote as ``key``."""
    kind, rest = key[0], key[1:]
    if kind == "'":
        return rest
    if kind == "#":
        return int(rest)
    if kind == "(":
        return tuple(value_from_key(item) for item in json.loads(rest))
    if key in _SPECIAL:
        return _SPECIAL[key]
    raise ValueError(f"not a value key: {key!r}")


def document_tally(document: AnnotatedDocument) -> Tally:
    """Return the tally of one document: every figure's counts, to be summed with others."""
    tally = Tally()
    tally.add(document)
    return tally


def tally_sum(tallies: Iterable[Tally]) -> Tally:
    """Return the sum of many tallies (a new one; the arguments are left alone)."""
    total = Tally()
    for tally in tallies:
        tally_merge(total, tally)
    return total


def tally_merge(total: Tally, other: Tally, sign: int = 1) -> None:
    """Add ``other`` to ``total`` in place, or take it away with ``sign=-1``.

    Counts that fall to zero are dropped, so taking away what was added leaves the tally as
    it was before; a count below zero means ``other`` was never part of ``total`` and raises
    ValueError.
    """
    total.documents += sign * other.documents
    total.units += sign * other.units
    total.units_agreed += sign * other.units_agreed
    _merge_counter(total.annotators, other.annotators, sign)
    for dimension, values in other.values.items():
        _merge_counter(total.values[dimension], values, sign)
    _merge_counter(total.characters, other.characters, sign)
    for key, pair in other.pairs.items():
        if key not in total.pairs:
            total.pairs[key] = PairTally(key)
        kept = total.pairs[key]
        # _PAIR_TOTALS, spelled out: a debate's count merges every document's pairs.
        kept.documents += sign * pair.documents
        kept.exact += sign * pair.exact
        kept.overlap += sign * pair.overlap
        kept.left += sign * pair.left
        kept.right += sign * pair.right
        labels = kept.labels
        for label, counts in pair.labels.items():
            merged = [
                a + sign * b for a, b in zip(labels.get(label, _NO_COUNTS), counts, strict=True)
            ]
            if any(merged):
                labels[label] = merged
            elif label in labels:
                del labels[label]
        _merge_counter(kept.confusion, pair.confusion, sign)
        _merge_counter(kept.marks, pair.marks, sign)
        if pair.links:
            _merge_counter(kept.links, pair.links, sign)
        if _any_f1(pair.relations):
            kept.relations = _merge_f1(kept.relations, pair.relations, sign)
        if _any_f1(pair.relations_untyped):
            kept.relations_untyped = _merge_f1(kept.relations_untyped, pair.relations_untyped, sign)
        if kept.documents == 0:
            del total.pairs[key]
    if min(total.documents, total.units, total.units_agreed) < 0:
        raise ValueError("took away a tally that was not part of the total")


def tally_data(tally: Tally, keys: dict[Hashable, Any] | None = None) -> dict[str, Any]:
    """Return the tally as plain data (lists, strings, numbers, None) for storage.

    Tuples of values are written as tuples of their keys, which JSON writes as lists.
    ``keys`` remembers each value's ``value_key``, and each tuple's keys, across calls when
    the caller writes many tallies (a few dozen values recur in every document).
    """
    keys = {} if keys is None else keys
    tuples = keys.get(_TUPLES)
    if tuples is None:
        tuples = keys[_TUPLES] = {}

    def key(value: Hashable) -> str:
        found = keys.get(value)
        if found is None:
            found = keys[value] = value_key(value)
        return found

    def keyed(values: tuple[Hashable, ...]) -> tuple[str, ...]:
        found = tuples.get(values)
        if found is None:
            found = tuples[values] = tuple([key(v) for v in values])
        return found

    return {
        "documents": tally.documents,
        "units": tally.units,
        "agreed": tally.units_agreed,
        "annotators": sorted([name, n] for name, n in tally.annotators.items()),
        "values": {
            dimension: [[keyed(values), n] for values, n in counter.items()]
            for dimension, counter in tally.values.items()
            if counter
        },
        "characters": [[values, n] for values, n in tally.characters.items()],
        "pairs": [_pair_data(tally.pairs[pair], keyed) for pair in sorted(tally.pairs)],
    }


def tally_from_data(data: dict[str, Any]) -> Tally:
    """Return the tally ``tally_data`` wrote."""
    tally = Tally()
    tally.documents = data["documents"]
    tally.units = data["units"]
    tally.units_agreed = data["agreed"]
    tally.annotators.update({name: n for name, n in data["annotators"]})
    for dimension, rows in data["values"].items():
        tally.values[dimension].update(
            {tuple(value_from_key(v) for v in values): n for values, n in rows}
        )
    tally.characters.update({tuple(values): n for values, n in data["characters"]})
    for row in data["pairs"]:
        pair = _pair_from_data(row)
        tally.pairs[pair.annotators] = pair
    return tally


def _merge_counter(total: Counter, other: Counter, sign: int) -> None:
    if sign == 1:
        # Adding counts above zero can neither make one zero nor negative. (What
        # ``Counter.update`` does, without its checks: a tally has many small counters.)
        get = total.get
        for key, n in other.items():
            total[key] = get(key, 0) + n
        return
    for key, n in other.items():
        merged = total[key] + sign * n
        if merged < 0:
            raise ValueError("took away a tally that was not part of the total")
        if merged:
            total[key] = merged
        else:
            del total[key]


def _any_f1(counts: F1Counts) -> bool:
    return bool(counts.matched or counts.left or counts.right)


def _merge_f1(total: F1Counts, other: F1Counts, sign: int) -> F1Counts:
    return F1Counts(
        total.matched + sign * other.matched,
        total.left + sign * other.left,
        total.right + sign * other.right,
    )


def _side_from(data: list[str] | None) -> tuple[Hashable, ...] | None:
    return None if data is None else tuple(value_from_key(v) for v in data)


def _pair_data(
    pair: PairTally, keyed: Callable[[tuple[Hashable, ...]], tuple[str, ...]]
) -> dict[str, Any]:
    return {
        "annotators": list(pair.annotators),
        **{name: getattr(pair, name) for name in _PAIR_TOTALS},
        "labels": sorted([*label, *counts] for label, counts in pair.labels.items()),
        "confusion": [[row, column, n] for (row, column), n in pair.confusion.items()],
        "marks": [
            [None if left is None else keyed(left), None if right is None else keyed(right), n]
            for (left, right), n in pair.marks.items()
        ],
        "links": [[keyed(values), n] for values, n in pair.links.items()],
        "relations": [pair.relations.matched, pair.relations.left, pair.relations.right],
        "relations_untyped": [
            pair.relations_untyped.matched,
            pair.relations_untyped.left,
            pair.relations_untyped.right,
        ],
    }


def _pair_from_data(data: dict[str, Any]) -> PairTally:
    pair = PairTally(tuple(data["annotators"]))
    for name in _PAIR_TOTALS:
        setattr(pair, name, data[name])
    for attribute, label, *counts in data["labels"]:
        pair.labels[attribute, label] = counts
    pair.confusion.update({(row, column): n for row, column, n in data["confusion"]})
    pair.marks.update(
        {(_side_from(left), _side_from(right)): n for left, right, n in data["marks"]}
    )
    pair.links.update({tuple(value_from_key(v) for v in values): n for values, n in data["links"]})
    pair.relations = F1Counts(*data["relations"])
    pair.relations_untyped = F1Counts(*data["relations_untyped"])
    return pair
