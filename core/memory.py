"""Memory helpers for code that allocates millions of short-lived objects."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
