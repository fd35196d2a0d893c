"""The canonical JSON text of maps and inputs: ``json.dumps`` compact with sorted keys.

orjson writes it several times faster; ``orjson_or_none`` gives exactly ``json``'s bytes
when every float went through ``json_float``, and None for a value orjson refuses, which the
caller then writes with ``reference_json`` (tests/maps/builder/test_json_text.py holds both).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson


def same(value: float) -> float:
    """Return a float as it is: the ``number`` hook for data ``json`` writes itself."""
    return value


def reference_json(value: Any) -> str:
    """Return the canonical JSON text of a value, as ``json`` writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def json_float(value: float) -> float | orjson.Fragment:
    """Return a float for orjson such that orjson writes the digits ``json`` writes."""
    # orjson and json write the same shortest digits, but below 1e-4 (and from 1e16) orjson
    # writes "2.9e-5" or "0.000029" where json writes "2.9e-05", and NaN as null; small
    # DF-QuAD strengths are common. Those go in as json's own text, so the bytes stay equal.
    if value == 0.0 or 1e-4 <= abs(value) < 1e16:
        return value
    return orjson.Fragment(json.dumps(value))


def orjson_or_none(make: Callable[[], Any]) -> bytes | None:
    """Return ``reference_json(make())`` as UTF-8, written by orjson, when its floats went
    through ``json_float``; None for a value orjson refuses (an integer beyond 64 bits, a lone
    surrogate, a key that is not a string)."""
    try:
        return orjson.dumps(make(), option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        return None


def kept_fragment(value: Any, option: int | None = None) -> orjson.Fragment:
    """Return orjson's text of a value as a ``Fragment`` to keep between builds.

    orjson's bytes sit in a buffer of at least a few kilobytes whatever the text's length; a
    copy of exactly its size is kept instead (a cache keeping one per span and relation held
    2 KB each that way: 570 MB at 100,000 spans).
    """
    return orjson.Fragment(bytes(memoryview(orjson.dumps(value, option=option))))
