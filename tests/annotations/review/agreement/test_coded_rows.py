"""coded_rows: rows of codes counted as Counter counts them, packed or too wide to pack."""

import random
from collections import Counter

import numpy as np
import pytest

from annotations.review.agreement.coded_rows import NONE, counted_rows, distinct_rows, packed


@pytest.mark.parametrize("largest", [3, 1000, 2**40])
def test_rows_are_counted_as_counter_counts_them(largest):
    rng = random.Random(largest)
    rows = [
        tuple(rng.choice((NONE, rng.randint(0, largest), 0)) for _ in range(4)) for _ in range(500)
    ]
    columns = [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)]
    assert dict(counted_rows(*columns)) == Counter(rows)
    distinct, counts = distinct_rows(*columns)
    assert [tuple(row) for row in distinct.tolist()] == sorted(set(rows))
    assert counts.sum() == 500


def test_packed_keeps_the_rows_order_and_equality():
    first = np.array([0, 0, 1, NONE, 2**40], dtype=np.int64)
    second = np.array([5, 5, 0, 3, NONE], dtype=np.int64)
    third = np.array([2**41, 2**41, 0, 0, 7], dtype=np.int64)  # too wide: rows renumbered
    keys = packed(first, second, third)
    rows = list(zip(first.tolist(), second.tolist(), third.tolist(), strict=True))
    assert keys[0] == keys[1]
    assert len(set(keys.tolist())) == 4
    assert np.argsort(keys, kind="stable").tolist() == sorted(range(5), key=rows.__getitem__)
