"""A map's JSON text cut into content-defined chunks, so versions share what they have in common.

A rebuild after one review decision changes a handful of a map's arguments and edges and
leaves the other tens of megabytes as they were. Stored whole, every version writes all of it
again (1.2-1.6 s and 70 MB for a map of 100,000 gold spans); cut into chunks named by their
content, a version stores only the chunks no earlier version has, and lists the rest.

Where to cut depends only on the bytes around the cut, never on what came before, so an
insertion moves the cuts near it and no others: a cut may fall where an object element of an
array starts (``,{``), and falls there when a fingerprint of the ``WINDOW`` bytes around it
(the end of the element before and the start of the next) is divisible by ``DIVISOR``. A cut
closer than ``MINIMUM`` to the one before is passed over, and a chunk that would be longer than
``MAXIMUM`` is cut at the last candidate that keeps it shorter (blindly, at a character
boundary, where there is none). Cuts fall before ASCII bytes or characters, so every chunk of
UTF-8 text is UTF-8 text itself.
Pure: no database here (``maps.services`` stores chunks, ``maps.selectors`` reads them).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

WINDOW = 16
DIVISOR = 128
MINIMUM = 16 * 1024
MAXIMUM = 512 * 1024
_BATCH = 1 << 17
# How far after the cut before it a cut's choice may look: a chunk's longest length and the
# window around its end.
LOOKAHEAD = MAXIMUM + WINDOW
# The window is read as two little-endian 64-bit words, each multiplied by a fixed odd number
# (modulo 2**64); the fingerprint is the high bits of their sum. Fixed forever: other numbers
# would cut other chunks (still correct, shared less with versions stored before).
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F], dtype=np.uint64)


def chunk_digest(chunk: bytes) -> str:
    """Return a chunk's name: BLAKE2b-256 of its bytes, in hex (64 characters)."""
    return hashlib.blake2b(chunk, digest_size=32).hexdigest()


def _candidates(data: np.ndarray) -> np.ndarray:
    """Return the offsets where an array's object element starts (the ``{`` after ``,``)."""
    return np.flatnonzero((data[:-1] == ord(",")) & (data[1:] == ord("{"))) + 1


def _content_cuts(data: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Return the candidates whose window fingerprint is divisible by ``DIVISOR``."""
    chosen: list[np.ndarray] = []
    offsets = np.arange(-(WINDOW // 2), WINDOW // 2)
    last = len(data) - 1
    for start in range(0, len(candidates), _BATCH):
        batch = candidates[start : start + _BATCH]
        windows = data[np.clip(batch[:, None] + offsets, 0, last)].view("<u8")
        with np.errstate(over="ignore"):
            prints = (windows * _MULTIPLIERS).sum(axis=1, dtype=np.uint64) >> np.uint64(40)
        chosen.append(batch[prints % DIVISOR == 0])
    return np.concatenate(chosen) if chosen else candidates[:0]


def chunk_ends(text: bytes) -> list[int]:
    """Return the end offset of each chunk of ``text``; the last is ``len(text)``."""
    size = len(text)
    if size <= MINIMUM:
        return [size] if size else []
    return _buffer_cuts(text, 0, final=True)


def _chain(
    data: np.ndarray, candidates: np.ndarray, wanted: np.ndarray, last: int, until: int, size: int
) -> Iterator[int]:
    """Yield the cuts after the cut at ``last``, given the text's candidates and wanted cuts up
    to ``until`` (the text's end, ``size``, or a point before it; then only cuts up to
    ``until - LOOKAHEAD`` are what the whole text gives, and the caller stops there)."""
    for cut in [*wanted.tolist(), until]:
        if cut - last < MINIMUM and cut != size:
            continue
        while cut - last > MAXIMUM:
            # Too long: cut at the last candidate that keeps it within MAXIMUM, or blindly
            # at MAXIMUM where the text offers none (never within a UTF-8 character there:
            # back to an ASCII byte).
            below = int(np.searchsorted(candidates, last + MAXIMUM, side="right")) - 1
            if below >= 0 and candidates[below] > last + MINIMUM:
                forced = int(candidates[below])
            else:
                forced = last + MAXIMUM
                while forced > last + 1 and data[forced] & 0xC0 == 0x80:
                    forced -= 1
            yield forced
            last = forced
        if cut - last < MINIMUM and cut != size:
            continue
        if cut > last:
            yield cut
            last = cut


@dataclass(frozen=True)
class Chunked:
    """A text cut into chunks: where each ends, each one's name (``chunk_digest``) and bytes
    (joined, the text, which is not kept besides)."""

    ends: tuple[int, ...]
    digests: tuple[str, ...]
    chunks: tuple[bytes, ...]


def chunked(text: bytes, previous: Chunked | None = None) -> Chunked:
    """Return ``text`` cut as ``split_chunks`` cuts it, with each chunk's name.

    ``previous``, an earlier text cut here (the last map the worker stored), saves the work on
    what the two share. A cut depends only on the bytes from ``WINDOW`` before the cut before
    it to ``LOOKAHEAD`` after that one, so once the new cuts fall where an old chunk starts
    with the same bytes around it, the old chunks that follow are the new ones for as long as
    the text holds them, up to ``LOOKAHEAD`` before the next change; between changes the text
    is cut and named afresh until the cuts fall in step again (tests/maps/test_chunks.py
    compares every result with a fresh cut).
    """
    if previous is None or len(text) <= MINIMUM or previous.ends[-1] <= MINIMUM:
        return _chunked(text, chunk_ends(text), [], [])
    old, size = previous, len(text)
    starts = (0, *old.ends[:-1])
    heads: dict[bytes, list[int]] = defaultdict(list)
    for number in range(1, len(old.chunks)):
        heads[old.chunks[number][:WINDOW]].append(number)

    def in_step(cut: int) -> int | None:
        """Return the old chunk that starts at ``cut`` in step with the new cuts, if any."""
        for number in heads.get(text[cut : cut + WINDOW], ()):
            start = starts[number]
            # startswith compares in place: slicing would copy tens of megabytes.
            if (
                start >= WINDOW
                and cut >= WINDOW
                and text.startswith(old.chunks[number], cut)
                # The chunk before ends with the bytes before this one: every chunk but the
                # last is longer than the window.
                and text.endswith(old.chunks[number - 1][-WINDOW:], cut - WINDOW, cut)
            ):
                return number
        return None

    data = np.frombuffer(text, dtype=np.uint8)
    ends: list[int] = []
    digests: list[str | None] = []
    chunks: list[bytes | None] = []
    last, step = 0, 0
    while True:
        if step is not None:
            # The run of old chunks from ``step`` the text holds from ``last`` on.
            shift, reach, number = last - starts[step], last, step
            while number < len(old.chunks) and text.startswith(old.chunks[number], reach):
                reach += len(old.chunks[number])
                number += 1
            whole = number == len(old.chunks) and reach == size
            for taken in range(step, number):
                if not whole and old.ends[taken] + shift + LOOKAHEAD > reach:
                    break
                ends.append(old.ends[taken] + shift)
                digests.append(old.digests[taken])
                chunks.append(old.chunks[taken])
            if whole:
                return _chunked(text, ends, digests, chunks)
            last = ends[-1] if ends else 0
        step = None
        # Cut afresh until a cut falls in step with an old chunk again.
        reach = last + 2 * LOOKAHEAD
        while step is None:
            until = min(size, reach)
            low = max(last - WINDOW, 0)
            candidates = _candidates(data[low:until]) + low
            limit = size if until == size else until - LOOKAHEAD
            for cut in _chain(data, candidates, _content_cuts(data, candidates), last, until, size):
                if cut > limit:
                    break
                ends.append(cut)
                digests.append(None)
                chunks.append(None)
                last = cut
                if cut == size:
                    return _chunked(text, ends, digests, chunks)
                step = in_step(cut)
                if step is not None:
                    break
            reach = until + 2 * LOOKAHEAD


def _chunked(
    text: bytes, ends: list[int], digests: list[str | None], chunks: list[bytes | None]
) -> Chunked:
    """Return the text's ``Chunked`` for these ends, cutting and naming the chunks not given
    (those past the lists' ends, or None)."""
    named, cut = list(digests), list(chunks)
    named.extend([None] * (len(ends) - len(named)))
    cut.extend([None] * (len(ends) - len(cut)))
    for number, (start, end) in enumerate(zip([0, *ends][: len(ends)], ends, strict=True)):
        if cut[number] is None:
            cut[number] = text[start:end]
            named[number] = chunk_digest(cut[number])
    return Chunked(tuple(ends), tuple(named), tuple(cut))


# How much text past the last cut ``chunks_of`` gathers before cutting: at least twice
# ``LOOKAHEAD`` (so every round cuts), and large enough that the ``LOOKAHEAD`` it reads again
# next round is a small part of it.
STREAM_AHEAD = 16 * LOOKAHEAD


def chunks_of(pieces: Iterable[bytes], *, ahead: int = STREAM_AHEAD) -> Iterator[tuple[str, bytes]]:
    """Yield the (name, bytes) of each chunk of the text the pieces make, joined: the chunks
    ``chunked`` cuts of the whole text, in order, without ever holding the whole text.

    Pieces gather until ``ahead`` bytes follow the last cut; the cuts up to ``LOOKAHEAD``
    before the end of what has come are then final (a cut depends on nothing further, which
    ``chunked`` relies on too), their chunks go, and the text before them is dropped.
    """
    if ahead < 2 * LOOKAHEAD:
        raise ValueError(f"ahead must be at least {2 * LOOKAHEAD} bytes")
    stream = _Stream()
    for piece in pieces:
        stream.buffer += piece
        if stream.waiting() >= ahead:
            yield from stream.cut(final=False)
    yield from stream.cut(final=True)


class _Stream:
    """A text coming in pieces, held from a window before its last cut."""

    __slots__ = ("base", "buffer", "last")

    def __init__(self) -> None:
        self.buffer = bytearray()
        # The text's offsets of the buffer's first byte and of the last cut.
        self.base = self.last = 0

    def waiting(self) -> int:
        """Return how many bytes follow the last cut."""
        return self.base + len(self.buffer) - self.last

    def cut(self, *, final: bool) -> list[tuple[str, bytes]]:
        """Return the chunks whose ends are final (all, at the text's end) and drop them."""
        start = self.last - self.base
        if final and self.base == 0:  # never cut: the whole text is here
            ends = chunk_ends(self.buffer)
        else:
            ends = _buffer_cuts(self.buffer, start, final=final)
        chunks = []
        with memoryview(self.buffer) as view:
            for end in ends:
                chunk = bytes(view[start:end])
                chunks.append((chunk_digest(chunk), chunk))
                start = end
        self.last = self.base + start
        # The window before the last cut stays: the next cut's look-back reads it.
        drop = max(start - WINDOW, 0)
        del self.buffer[:drop]
        self.base += drop
        return chunks


def _buffer_cuts(buffer: bytes | bytearray, start: int, *, final: bool) -> list[int]:
    """Return the cuts after ``start`` in the buffer that no later byte can move: up to
    ``LOOKAHEAD`` before its end, or all of them when the text ends there (``final``)."""
    data = np.frombuffer(buffer, dtype=np.uint8)
    size = len(data)
    low = max(start - WINDOW, 0)
    candidates = _candidates(data[low:]) + low
    limit = size if final else size - LOOKAHEAD
    cuts = []
    # Before the text's end, -1 for its size: no cut is ever taken for the last.
    for cut in _chain(
        data, candidates, _content_cuts(data, candidates), start, size, size if final else -1
    ):
        if cut > limit:
            break
        cuts.append(cut)
    return cuts


def split_chunks(text: bytes) -> list[bytes]:
    """Return ``text`` cut into its content-defined chunks (joined, they are ``text``)."""
    chunks, start = [], 0
    for end in chunk_ends(text):
        chunks.append(text[start:end])
        start = end
    return chunks
