"""Memory helpers for code that allocates millions of short-lived objects."""

import ctypes
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block that allocates millions of objects."""
    # A build allocates millions of small objects that reference counting frees and that form
    # no cycles; with the cyclic collector on, its repeated full passes over the growing heap
    # took two thirds of a 100k-span build. It is switched back on however the build ends.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collector_paused_then_frozen() -> Iterator[None]:
    """Pause the cyclic collector for a whole job, and keep it off what the job leaves alive.

    A job may leave millions of objects alive for the next one (a map worker's ``BuildCache``:
    the last build's spans, nodes, edges and their JSON), all made while the collector was
    off; its first pass afterwards would scan them all, in the path of the job's "done" or of
    the next job. ``gc.freeze`` moves them out of its sight. They are freed by reference
    counting when replaced; only a cycle that was already garbage when the job ended stays,
    and a worker's ``--max-tasks-per-child`` bounds that. tests/maps/test_services.py holds
    both: the collector off through the job, what it leaves frozen.
    """
    with collector_paused():
        try:
            yield
        finally:
            gc.freeze()


# mallopt(3) parameters of glibc, the largest value it takes (a C int), and the highest
# threshold glibc's own adjustment gives large allocations on 64-bit systems.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_LARGEST = 2**31 - 1
_GLIBC_HIGHEST_MMAP_THRESHOLD = 32 * 2**20
_kept = False


@cache
def _libc() -> ctypes.CDLL | None:
    """Return the process's C library when it is glibc's (the one with ``mallopt``)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt.argtypes, libc.mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
        libc.malloc_trim.argtypes, libc.malloc_trim.restype = (ctypes.c_size_t,), ctypes.c_int
    except (OSError, AttributeError):
        return None
    return libc


def keep_freed_memory() -> bool:
    """Have the C allocator keep what this process frees for its next allocations.

    glibc gives an allocation above a threshold pages of its own, unmapped again when it is
    freed, and hands the free top of its heap back to the system: so each map rebuild wrote
    its tens of megabytes of JSON into fresh pages, which the kernel zeroes at their first
    touch, a page fault each (docs/BENCHMARKS.md has what they cost). With both thresholds
    at their largest, freed memory stays in the heap and serves the next build; the process
    stays at its largest size so far. For a map worker whose builds keep a cache
    (``maps.services.build_cache_for``); ``return_freed_memory`` undoes it before a build
    too large for one. Returns whether it took effect: only glibc has ``mallopt``.
    """
    global _kept
    libc = _libc()
    if libc is None:
        return False
    _kept = bool(libc.mallopt(_M_MMAP_THRESHOLD, _LARGEST)) and bool(
        libc.mallopt(_M_TRIM_THRESHOLD, _LARGEST)
    )
    return _kept


def return_freed_memory() -> bool:
    """Undo ``keep_freed_memory``, if it was done, and give back what is free now.

    Large allocations get pages of their own again from the threshold glibc's own adjustment
    ends at, and the heap's free top goes back beyond twice that (glibc cannot be told to
    adjust them itself again). Kept freed memory would add to the peak of a build that keeps
    no cache, whose peak is the one that counts. Returns whether there was anything to undo.
    """
    global _kept
    libc = _libc()
    if not _kept or libc is None:
        return False
    libc.mallopt(_M_MMAP_THRESHOLD, _GLIBC_HIGHEST_MMAP_THRESHOLD)
    libc.mallopt(_M_TRIM_THRESHOLD, 2 * _GLIBC_HIGHEST_MMAP_THRESHOLD)
    libc.malloc_trim(0)
    _kept = False
    return True
