"""What a build may keep for the next one: an explicit cache object, passed in, never global.

A map-build worker rebuilds the same debate after one reviewer decision: one (kind, side)
group of spans changes and the rest is as it was. A ``BuildCache`` handed to ``build_map``,
``input_hash`` and ``map_to_json``/``map_to_json_bytes`` keeps what the last build made (spans,
(kind, side) groups, argument nodes, edges, actors, DF-QuAD strengths, the input's and the
map's JSON) and the pairs and clusters of the last few groups, so a rebuild takes the
unchanged parts from it instead of working them out again; the map job keeps the last gold
read's documents and the last stored map's chunks in it too (``maps.gold``,
``maps.services``). Without a cache a build does all the work; with a warm cache, a cold one
or none, the map's bytes are the same (tests/maps/builder/test_cache.py and test_rebuild.py
hold that).

Only the last build's objects are kept (``Memo.remember`` replaces them), so what a cache holds
is bounded by one map plus ``recent_groups`` groups. Builds running at once in threads may
share one cache: each reads the last finished build's objects, which are immutable.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import compress, count
from operator import is_not, ne
from types import MappingProxyType
from typing import Any

from maps.builder.similarity import ClaimSimilarity, PairArrays

RECENT_GROUPS = 32

_NOTHING: Mapping[Any, Any] = MappingProxyType({})


def _forget(key: Any, value: Any) -> None:
    return None


class Memo:
    """One kind of object of the last build, by key, and the ones this build makes.

    ``get(key[, default])`` returns the last build's object for an equal key, or None (the
    default); ``keep(key, value)`` records this build's, ``keep_all(pairs)`` many at once;
    ``remember()`` hands this build's to the next build. A key holds everything the object is
    made of, or holds the objects it names by ``id()``, so an equal key always means an equal
    object.
    """

    __slots__ = ("_cache", "_made", "_name", "active", "get", "keep")

    def __init__(self, cache: BuildCache | None, name: str) -> None:
        self._cache, self._name = cache, name
        # Without a cache ``get`` finds nothing and ``keep`` keeps nothing: a caller may skip
        # making their keys.
        self.active = cache is not None
        self._made: dict = {}
        self.get: Callable[..., Any]
        self.keep: Callable[[Hashable, Any], None]
        if cache is None:
            self.get, self.keep = _NOTHING.get, _forget
        else:
            self.get, self.keep = cache._last.get(name, {}).get, self._made.__setitem__

    def keep_all(self, pairs: Iterable[tuple[Hashable, Any]]) -> None:
        """Record this build's object for each ``(key, value)``, as ``keep`` does one."""
        if self.active:
            self._made.update(pairs)

    def remember(self) -> None:
        """Make what this build kept the objects the next build finds."""
        if self._cache is not None:
            self._cache._last[self._name] = self._made


class _Hashed:
    """A key hashed once: a group's texts or signature hold tens of thousands of items, and
    a look-up that misses is followed by an insertion under the same key."""

    __slots__ = ("_hash", "value")

    def __init__(self, value: Hashable) -> None:
        self.value, self._hash = value, hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _Hashed) and self._hash == other._hash and self.value == other.value
        )


def same_ends(
    old: Sequence[Any], new: Sequence[Any], differ: Callable[[Any, Any], bool] = is_not
) -> tuple[int, int]:
    """Return how many of ``new``'s first items, then of its last, are the very objects in the
    same places at the start and the end of ``old`` (the two counts add up to no more than
    the shorter length); with ``differ=operator.ne``, equal items rather than the same.

    A rebuild's input is the last one's objects with one document's added or changed: a stage
    that kept what it made of each item in input order takes both ends from there and works
    on the middle alone.
    """
    shorter = min(len(old), len(new))
    # The first place where the objects differ, found by C iterators (no Python step an item).
    head = next(compress(count(), map(differ, old, new)), shorter)
    room = shorter - head
    if not room:  # one list is the other's start: no end to look at
        return head, 0
    tail = next(compress(count(), map(differ, reversed(old), reversed(new))), room)
    return head, min(tail, room)


class BuildCache:
    """What the builds of one process keep for the next: create one per worker, pass it in."""

    def __init__(self, *, recent_groups: int = RECENT_GROUPS) -> None:
        self.recent_groups = recent_groups
        self._last: dict[str, dict] = {}
        self._pairs: OrderedDict[Hashable, tuple] = OrderedDict()
        self._clusters: OrderedDict[Hashable, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget everything kept: the next build works everything out."""
        with self._lock:
            self._last.clear()
            self._pairs.clear()
            self._clusters.clear()

    def last(self, name: str) -> Mapping[Any, Any]:
        """Return, read-only, what the last build kept of one kind of object ("spans",
        "nodes", "json", ...: the names the builder gives its ``Memo``s)."""
        return MappingProxyType(self._last.get(name, {}))

    def similar_pairs(
        self, similarity: ClaimSimilarity, texts: Sequence[str], groups: Sequence[object]
    ) -> tuple[tuple[int, int, float], ...]:
        """Return ``similarity.similar_pairs(texts, groups)`` as a tuple, taken from the last
        few groups' when the similarity, texts and groups are the same."""
        key = (similarity, tuple(texts), tuple(groups))
        return self._recent(
            self._pairs, key, lambda: tuple(similarity.similar_pairs(texts, groups))
        )

    def similar_pair_arrays(
        self, similarity: ClaimSimilarity, texts: Sequence[str], groups: Sequence[object]
    ) -> PairArrays:
        """Return ``similarity.similar_pair_arrays(texts, groups)`` (arrays the caller never
        changes), taken from the last few groups' as ``similar_pairs`` is."""
        key = ("arrays", similarity, tuple(texts), tuple(groups))
        return self._recent(
            self._pairs,
            key,
            lambda: similarity.similar_pair_arrays(texts, groups),  # type: ignore[attr-defined]
        )

    def clusters(
        self, similarity: ClaimSimilarity, signature: Hashable, make: Callable[[], tuple]
    ) -> tuple:
        """Return ``make()``, the clusters of a group with this signature (its members' keys
        and texts), taken from the last few groups' when the signature and similarity match."""
        return self._recent(self._clusters, (similarity, signature), make)

    def _recent(
        self, recent: OrderedDict[Hashable, tuple], key: Hashable, make: Callable[[], tuple]
    ) -> tuple:
        try:
            key = _Hashed(key)
            with self._lock:
                found = recent.get(key)
                if found is not None:
                    recent.move_to_end(key)
                    return found
        except TypeError:  # an unhashable similarity: never cached
            return make()
        found = make()
        with self._lock:
            recent[key] = found
            while len(recent) > self.recent_groups:
                recent.popitem(last=False)
        return found


# A middle longer than this looks its items up among all of the last list's (a few changes far
# apart); a shorter one makes its records anew.
LOOKED_UP = 64


def records_in_order(
    last_items: Sequence[Any],
    last_records: Sequence[Any],
    items: Sequence[Any],
    make: Callable[[Any], Any],
    *,
    by_value: bool = False,
) -> tuple[list[Any], int, int]:
    """Return a record of each item, in order, and how many at the start and at the end were
    taken from the last list's places (``same_ends``).

    ``last_records`` are the records of ``last_items``, in their order; the caller keeps
    ``last_items`` alive with them, so an item with the id of a last item is that item. The
    items between the ends take the record of the same item anywhere in the last list (an
    equal item, ``by_value``) when there are more than ``LOOKED_UP`` of them, and otherwise
    ``make(item)``.
    """
    head, tail = same_ends(last_items, items, ne if by_value else is_not)
    middle = items[head : len(items) - tail]
    found: dict[Any, Any] = {}
    if len(middle) > LOOKED_UP:
        keys = last_items if by_value else map(id, last_items)
        found = dict(zip(keys, last_records, strict=True))
    if found:
        made = []
        for item in middle:
            record = found.get(item if by_value else id(item))
            made.append(make(item) if record is None else record)
    else:  # nothing kept to look up (a first build): no item is hashed
        made = list(map(make, middle))
    return [*last_records[:head], *made, *last_records[len(last_records) - tail :]], head, tail
