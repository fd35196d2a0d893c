"""A running build's signs of life: its progress, throttled, and a heartbeat of its own.

A build silent for ``MAP_BUILD_STALE_SECONDS`` is taken for dead and may be claimed by another
worker, so a running build writes its heartbeat with every progress report and, in phases
without any (reading a large gold layer, hashing it, storing the graph), from a thread of its
own (tests/maps/test_progress.py and test_faults.py hold both).
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from maps.models import MapBuild, MapBuildStatus

logger = logging.getLogger(__name__)

# A build reports progress (and so its heartbeat) at most this often; the builder may call
# back far more often on a large map, and every report is a database write.
PROGRESS_INTERVAL_SECONDS = 0.5


class ProgressReport:
    """Write a running build's progress, message and heartbeat, throttled.

    ``step`` writes at once (the few fixed steps of a build); the builder's own callbacks
    (``during``) are written at most every ``PROGRESS_INTERVAL_SECONDS``, and never move the
    percentage backwards.
    """

    def __init__(self, build: MapBuild) -> None:
        self.build = build
        self.percent = 0
        self.written_at: float | None = None

    def step(self, percent: int, message: str) -> None:
        """Record a step of the build now."""
        self._write(percent, message)

    def during(self, first: int, last: int, prefix: str) -> Callable[[float, str], None]:
        """Return a ``progress(fraction, stage)`` callback mapping 0..1 onto first..last percent."""

        def report(fraction: float, stage: str) -> None:
            now = time.monotonic()
            if self.written_at is not None and now - self.written_at < PROGRESS_INTERVAL_SECONDS:
                return
            fraction = min(max(fraction, 0.0), 1.0)
            self._write(first + int((last - first) * fraction), f"{prefix}: {stage}")

        return report

    def _write(self, percent: int, message: str) -> None:
        self.percent = max(self.percent, min(percent, 99))
        self.written_at = time.monotonic()
        MapBuild.objects.filter(pk=self.build.pk, worker=self.build.worker).update(
            progress=self.percent, message=message[:300], heartbeat_at=timezone.now()
        )


@contextmanager
def heartbeat(build: MapBuild, worker: str) -> Iterator[None]:
    """Keep a running build's heartbeat fresh for as long as its job runs, in any phase.

    Progress reports write the heartbeat too, but a phase can run long without one (reading a
    large gold layer, hashing it, storing the graph), and a build silent for
    ``MAP_BUILD_STALE_SECONDS`` is taken for dead and claimed by another worker: the same
    build twice at once, which the one-running-build-per-debate index cannot see because it
    is the same row. This beat writes from its own thread and database connection every
    quarter of that delay, and only while the row is still this worker's running build.
    """
    interval = settings.MAP_BUILD_STALE_SECONDS / 4
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    MapBuild.objects.filter(
                        pk=build.pk, worker=worker, status=MapBuildStatus.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # The build goes on; if the database stays away it fails on its own.
                    logger.warning("Map build %s: could not write its heartbeat.", build.pk)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"map-build-{build.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
