"""``LexicalSimilarity``'s spanning forest without a guard, compiled: the same pairs in order.

``spanning_pairs`` is ``LexicalSimilarity._spanning_pairs`` step for step, over integers:
each text's content words as ranks (rarest first), the prefix posting lists as linked lists
of nodes, each word's components in the order a dict keeps its keys (a key taken away and set
again goes last; a key set again keeps its place), each component's words as a set of
(set, word) keys. A posting list that ``_regroup`` extends shares the nodes it was extended
with, as the Python lists share their items, and a list is walked for the length it had when
it was looked at, so the pairs yielded, and their order, are the Python's.
``tests/maps/builder/test_forest_kernel.py`` holds the two to the same pairs.
"""

import math

import numpy as np
from numba import njit, types
from numba.typed import Dict, List

_INT = types.int64
# The columns of the table of entries (a word's components).
_COMPONENT, _LIST, _NEXT, _ALIVE = 0, 1, 2, 3


@njit(cache=True)
def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@njit(cache=True)
def spanning_pairs(order, word_ptr, words, groups, threshold, min_shared, ranks):
    """Return the pairs (i, j, score), i < j, ``_spanning_pairs`` yields, in its order.

    ``order``: the texts with words, by (number of words, place); ``word_ptr`` and ``words``:
    each text's word ranks, sorted (text t's are ``words[word_ptr[t]:word_ptr[t + 1]]``);
    ``groups``: each text's group (document); ``ranks``: how many words there are.
    """
    n = groups.shape[0]
    parent = np.arange(n)
    # Component word sets: set objects, each a list of words and membership keys.
    set_of = np.full(n, -1, np.int64)
    set_size = List.empty_list(_INT)
    set_words = List()
    set_words.append(List.empty_list(_INT))
    set_words.pop()
    # Membership keys (set * ranks + word) in an open-addressing table (``_has``, ``_added``):
    # a text checks its words against each component it meets, millions of look-ups.
    member = np.full(1 << 10, -1, np.int64)
    members_held = 0
    # Posting lists: linked lists of nodes. One node for each text a prefix word indexes and
    # at most one list for each, so both fit in as many places as there are words.
    capacity = max(words.shape[0], 1)
    node_text = np.empty(capacity, np.int64)
    node_next = np.empty(capacity, np.int64)
    nodes = 0
    list_head = np.empty(capacity, np.int64)
    list_tail = np.empty(capacity, np.int64)
    list_size = np.empty(capacity, np.int64)
    lists = 0
    # Each word's components, in a dict's key order: entries of a linked list per word,
    # dead once their key is taken away (grown as needed).
    # Columns: _COMPONENT, _LIST, _NEXT, _ALIVE (1 or 0).
    entry = np.empty((64, 4), np.int64)
    entries = 0
    word_first = np.full(ranks, -1, np.int64)
    word_last = np.full(ranks, -1, np.int64)
    # (word * n + component) -> its entry.
    entry_of = Dict.empty(key_type=_INT, value_type=_INT)
    # A word's (component, list) items as they were when the word was looked up: one entry
    # for each component at most.
    snapshot_components = np.empty(max(n, 1), np.int64)
    snapshot_lists = np.empty(max(n, 1), np.int64)
    # Each pair joins two components: a forest of n texts has fewer than n pairs.
    first = np.empty(n, np.int64)
    second = np.empty(n, np.int64)
    scores = np.empty(n, np.float64)
    pairs = 0
    for x in order:
        first_word, last_word = word_ptr[x], word_ptr[x + 1]
        size = last_word - first_word
        group = groups[x]
        smallest = threshold * size - 1e-9
        needed = max(math.ceil(smallest), min(min_shared, size))
        needed_indexed = max(
            math.ceil(2 * threshold / (1 + threshold) * size - 1e-9), min(min_shared, size)
        )
        own = x
        # The tables grow here, before the text's loops, never within them: an array that a
        # loop may rebind is reference-counted at every turn of it.
        # This text adds an entry at most for each word it indexes and each regroup, which
        # takes one away; and membership keys at most for each of its words and each key of
        # the sets its joins merge (union by size: no more keys than are held).
        if entry.shape[0] < 2 * entries + size:
            entry = _grown(entry, 2 * entries + size)
        if member.shape[0] < 2 * (2 * members_held + size):
            member = _rehashed(member, 2 * members_held + size)
        for position in range(first_word, first_word + size - needed + 1):
            word = words[position]
            # A snapshot of the word's (component, list) items.
            items = 0
            # Dead entries are unlinked as they are passed: the living keep their order.
            at = word_first[word]
            before = -1
            while at >= 0:
                after = entry[at, _NEXT]
                if entry[at, _ALIVE]:
                    snapshot_components[items] = entry[at, _COMPONENT]
                    snapshot_lists[items] = entry[at, _LIST]
                    items += 1
                    before = at
                else:
                    if before >= 0:
                        entry[before, _NEXT] = after
                    else:
                        word_first[word] = after
                    if word_last[word] == at:
                        word_last[word] = before
                at = after
            for item in range(items):
                component = snapshot_components[item]
                members = snapshot_lists[item]
                count = list_size[members]
                root = component if parent[component] == component else _find(parent, component)
                if root != component:
                    # _regroup: the list now under the component's key (an earlier regroup of
                    # this snapshot may have put another there) goes under its root.
                    gone = entry_of[word * n + component]
                    del entry_of[word * n + component]
                    entry[gone, _ALIVE] = 0
                    moved = entry[gone, _LIST]
                    key = word * n + root
                    if key not in entry_of:
                        entries = _add_entry(
                            entry, entries, word, root, moved, key, entry_of, word_first, word_last
                        )
                    else:
                        present = entry[entry_of[key], _LIST]
                        if list_size[present] >= list_size[moved]:
                            _extend(present, moved, list_head, list_tail, list_size, node_next)
                        else:
                            _extend(moved, present, list_head, list_tail, list_size, node_next)
                            entry[entry_of[key], _LIST] = moved
                if root == own:
                    continue
                shared_component = 0
                held = set_of[root]
                if held >= 0:
                    for p in range(first_word, last_word):
                        if _has(member, held * ranks + words[p]):
                            shared_component += 1
                if shared_component < needed:
                    continue
                node = list_head[members]
                for _ in range(count):
                    y = node_text[node]
                    node = node_next[node]
                    other_size = word_ptr[y + 1] - word_ptr[y]
                    if other_size < smallest or groups[y] == group:
                        continue
                    shared = _shared(words, word_ptr, x, y)
                    score = shared / (size + other_size - shared)
                    if score >= threshold and (
                        shared >= min_shared or (shared == size and shared == other_size)
                    ):
                        own, members_held = _join(
                            parent, set_of, set_size, set_words, member, members_held, ranks, x, y
                        )
                        first[pairs] = min(x, y)
                        second[pairs] = max(x, y)
                        scores[pairs] = score
                        pairs += 1
                        break
        # component_words.setdefault(own, set()).update(words)
        held = set_of[own]
        if held < 0:
            held = len(set_size)
            set_size.append(0)
            set_words.append(List.empty_list(_INT))
            set_of[own] = held
        for p in range(first_word, last_word):
            key = held * ranks + words[p]
            if not _has(member, key):
                members_held = _added(member, members_held, key)
                set_words[held].append(words[p])
                set_size[held] += 1
        for position in range(first_word, first_word + size - needed_indexed + 1):
            word = words[position]
            key = word * n + own
            if key in entry_of:
                posting = entry[entry_of[key], _LIST]
            else:
                posting = lists
                lists += 1
                list_head[posting] = -1
                list_tail[posting] = -1
                list_size[posting] = 0
                entries = _add_entry(
                    entry, entries, word, own, posting, key, entry_of, word_first, word_last
                )
            node = nodes
            nodes += 1
            node_text[node] = x
            node_next[node] = -1
            if list_tail[posting] >= 0:
                node_next[list_tail[posting]] = node
            else:
                list_head[posting] = node
            list_tail[posting] = node
            list_size[posting] += 1
    return first[:pairs], second[:pairs], scores[:pairs]


@njit(cache=True)
def _grown(array, rows):
    """Return a copy of a table with at least ``rows`` rows (twice as many at least), the
    first the same."""
    bigger = np.empty((max(rows, 2 * array.shape[0]), array.shape[1]), array.dtype)
    bigger[: array.shape[0]] = array
    return bigger


@njit(cache=True)
def _add_entry(entry, entries, word, component, posting, key, entry_of, word_first, word_last):
    """Set ``by_component[component] = posting`` for a key the word's dict does not hold: a
    new entry, last in the word's order (the table has room). Return the table's length."""
    entry[entries, _COMPONENT] = component
    entry[entries, _LIST] = posting
    entry[entries, _NEXT] = -1
    entry[entries, _ALIVE] = 1
    if word_last[word] >= 0:
        entry[word_last[word], _NEXT] = entries
    else:
        word_first[word] = entries
    word_last[word] = entries
    entry_of[key] = entries
    return entries + 1


@njit(cache=True)
def _extend(kept, other, list_head, list_tail, list_size, node_next):
    """``kept.extend(other)``: kept's last node points at other's first (they share nodes)."""
    if list_size[other] == 0:
        return
    if list_size[kept] == 0:
        list_head[kept] = list_head[other]
    else:
        node_next[list_tail[kept]] = list_head[other]
    list_tail[kept] = list_tail[other]
    list_size[kept] += list_size[other]


@njit(cache=True)
def _shared(words, word_ptr, x, y):
    """The number of words two texts share (both sorted)."""
    a, a_end = word_ptr[x], word_ptr[x + 1]
    b, b_end = word_ptr[y], word_ptr[y + 1]
    shared = 0
    while a < a_end and b < b_end:
        if words[a] == words[b]:
            shared += 1
            a += 1
            b += 1
        elif words[a] < words[b]:
            a += 1
        else:
            b += 1
    return shared


@njit(cache=True)
def _join(parent, set_of, set_size, set_words, member, members_held, ranks, a, b):
    """``_join``: union by the smaller root, the smaller word set added to the larger.
    Return the root and how many membership keys there are (the table has room)."""
    root_a, root_b = _find(parent, a), _find(parent, b)
    parent[max(root_a, root_b)] = min(root_a, root_b)
    root, other = min(root_a, root_b), max(root_a, root_b)
    merged, extra = set_of[root], set_of[other]
    set_of[other] = -1
    merged_size = set_size[merged] if merged >= 0 else 0
    extra_size = set_size[extra] if extra >= 0 else 0
    if merged_size < extra_size:
        merged, extra = extra, merged
    if merged < 0:
        # Both empty: the root gets an empty set of its own.
        merged = len(set_size)
        set_size.append(0)
        set_words.append(List.empty_list(_INT))
    if extra >= 0:
        for word in set_words[extra]:
            key = merged * ranks + word
            if not _has(member, key):
                members_held = _added(member, members_held, key)
                set_words[merged].append(word)
                set_size[merged] += 1
    set_of[root] = merged
    return root, members_held


# Fibonacci hashing: the key times 2^64 / phi; the slot from its high half (tables of up to
# 2^32 slots).
_SPREAD = np.uint64(11400714819323198485)
_HIGH = np.uint64(32)


@njit(cache=True)
def _slot(table, key):
    """The slot of ``key`` in an open-addressing table of non-negative keys (-1: empty): its
    own, or the empty one where it would go."""
    mask = table.shape[0] - 1
    at = np.int64((np.uint64(key) * _SPREAD) >> _HIGH) & mask
    while table[at] != key and table[at] != -1:
        at = (at + 1) & mask
    return at


@njit(cache=True)
def _has(table, key):
    return table[_slot(table, key)] == key


@njit(cache=True)
def _added(table, held, key):
    """Add ``key`` (not in the table yet, which has room); return how many keys it holds."""
    table[_slot(table, key)] = key
    return held + 1


@njit(cache=True)
def _rehashed(table, keys):
    """Return the table's keys in a table at most half full with ``keys`` keys."""
    size = table.shape[0]
    while size < 2 * keys:
        size *= 2
    bigger = np.full(size, -1, np.int64)
    for old in table:
        if old != -1:
            bigger[_slot(bigger, old)] = old
    return bigger


def warm() -> None:
    """Compile the kernel into the cache now (the container image does, as it is built)."""
    words = np.array([0, 1, 2, 0, 1, 2], dtype=np.int64)
    spanning_pairs(
        np.array([0, 1], dtype=np.int64),
        np.array([0, 3, 6], dtype=np.int64),
        words,
        np.array([0, 1], dtype=np.int64),
        0.5,
        3,
        3,
    )
