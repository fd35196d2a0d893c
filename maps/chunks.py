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

import numpy as np

WINDOW = 16
DIVISOR = 128
MINIMUM = 16 * 1024
MAXIMUM = 512 * 1024
_BATCH = 1 << 17
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
    data = np.frombuffer(text, dtype=np.uint8)
    candidates = _candidates(data)
    wanted = _content_cuts(data, candidates)
    ends: list[int] = []
    last = 0
    for cut in [*wanted.tolist(), size]:
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
            ends.append(forced)
            last = forced
        if cut - last < MINIMUM and cut != size:
            continue
        if cut > last:
            ends.append(cut)
            last = cut
    return ends


def split_chunks(text: bytes) -> list[bytes]:
    """Return ``text`` cut into its content-defined chunks (joined, they are ``text``)."""
    chunks, start = [], 0
    for end in chunk_ends(text):
        chunks.append(text[start:end])
        start = end
    return chunks
