"""Reads done in a thread with its own connection, while the caller works.

``read_ahead(reads)`` yields the result of each read in turn; while the caller works on one,
the next runs in a second thread. A read that waits on the database (its own
connection, so PostgreSQL answers on another core) then costs the caller nothing but what is
left of it. Inside a transaction the reads run in the caller's thread, one after another:
another connection would not see what the transaction wrote.
"""

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def read_ahead(reads: Iterable[Callable[[], T]]) -> Iterator[T]:
    """Yield each read's result, the next read running while the caller works on this one."""
    if connection.in_atomic_block:
        for read in reads:
            yield read()
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        try:
            pending: Future[T] | None = None
            for read in reads:
                submitted = pool.submit(read)
                if pending is not None:
                    yield pending.result()
                pending = submitted
            if pending is not None:
                yield pending.result()
        finally:
            # The thread's own connection (Django's are per thread) is closed with it; the
            # proxy ``connection`` is looked up in the thread that calls it.
            pool.submit(lambda: connection.close()).result()
