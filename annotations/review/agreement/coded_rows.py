"""Rows of small integer codes counted by NumPy: what the counts at once (``quick``) are made of.

A value is coded as its place in a list of values, ``NONE`` (-1) standing for "no value"
(a layer that did not mark a unit, a side without a span). Each row of codes is packed into
one 64-bit integer (``packed``), so NumPy counts rows by sorting plain integers, not rows of
bytes (``np.unique(..., axis=0)`` took three times as long where it was tried).
"""

import numpy as np

NONE = -1


def packed(*columns: np.ndarray) -> np.ndarray:
    """Return one integer per row of the columns (codes, ``NONE`` or more), equal only for
    equal rows and in the rows' order."""
    key = np.zeros(columns[0].size, dtype=np.int64)
    for column in columns:
        radix = int(column.max()) + 2 if column.size else 1
        if key.size and int(key.max()) >= (2**62) // radix:
            # Too wide to pack: number the rows so far (in order), then go on packing.
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
        key = key * radix + (column + 1)
    return key


def distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct rows of the columns, sorted, and how often each came."""
    _keys, first, counts = np.unique(packed(*columns), return_index=True, return_counts=True)
    return np.column_stack([column[first] for column in columns]), counts


def counted_rows(*columns: np.ndarray) -> list[tuple[tuple[int, ...], int]]:
    """Return each distinct row of the columns and how often it came."""
    rows, counts = distinct_rows(*columns)
    return [(tuple(row), n) for row, n in zip(rows.tolist(), counts.tolist(), strict=True)]
