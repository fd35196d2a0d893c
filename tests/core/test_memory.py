"""The allocator setting a map worker runs with: freed memory kept for the next build."""

import resource

from core import memory

# Above every threshold glibc's own adjustment gives large allocations.
SIZE = 64 * 2**20
PAGES = SIZE // resource.getpagesize()


def _faults_of_a_large_block() -> int:
    """Return the page faults of filling, then freeing, a block of SIZE bytes."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = b"\x01" * SIZE  # every page written
    del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_kept_freed_memory_serves_the_next_large_block_without_page_faults():
    try:
        assert memory.keep_freed_memory() is True
        _faults_of_a_large_block()  # the heap grows to hold it once
        assert _faults_of_a_large_block() < PAGES // 10
    finally:
        assert memory.return_freed_memory() is True
    # Given back: a large block gets fresh pages of its own again, each faulted in.
    assert _faults_of_a_large_block() > PAGES * 9 // 10
    assert memory.return_freed_memory() is False  # nothing left to undo
