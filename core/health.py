"""Liveness and readiness for load balancers and orchestrators, with django-health-check.

- ``GET /health/live/``: the process answers (no dependency is asked). Restart it when this
  fails.
- ``GET /health/``: ready to serve: the database answers a query, the cache stores and reads a
  key, and, unless tasks run eagerly (development without Redis), the Celery broker (Redis)
  answers a ping and a worker answers for every queue the site sends tasks to
  (``HEALTH_WORKER_QUEUES``: the map queue and ``celery``), asked with one broadcast that
  waits ``HEALTH_PING_SECONDS`` (1 s) for the replies. Take the instance out of rotation while
  this fails.

Both answer JSON, ``200`` when healthy and ``503`` (with each check's state) when not, are
never cached, and need no login: a load balancer has none. They say which check fails but not
why (no host names or error texts); the logs have the details.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheckResult
from health_check.checks import Cache, Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class WorkerQueues(Ping):
    """Some worker answers, and for each of the site's queues some worker consumes it.

    One broadcast (``inspect().active_queues()``) answers both: it collects replies for
    ``replies_within`` seconds. ``timeout``, after which the check gives up, leaves room for
    reaching the broker on a loaded machine (Ping's own ping followed by a second inspect
    would take twice as long).
    """

    replies_within: float = dataclasses.field(default=1.0, repr=False)

    def run(self):
        try:
            # The broker the settings name, as the broker check asks (not the app's own copy,
            # which Celery reads once).
            with self.app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
                replies = self.app.control.inspect(
                    timeout=self.replies_within, connection=connection
                ).active_queues()
        except OSError as exc:
            raise ServiceUnavailable("IOError") from exc
        if not replies:
            raise ServiceUnavailable("Celery workers unavailable")
        active = {queue.get("name") for queues in replies.values() for queue in queues or ()}
        for queue in sorted(set(settings.HEALTH_WORKER_QUEUES) - active):
            raise ServiceUnavailable(f"No worker for Celery task queue {queue}")


def readiness_checks() -> list:
    """Return the checks ``/health/`` runs with the current settings."""
    checks = [Database(), Cache()]
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from redis.asyncio import Redis as RedisClient

        broker = settings.CELERY_BROKER_URL
        checks += [
            Redis(client_factory=lambda: RedisClient.from_url(broker)),
            # The current Celery app: config.celery's, which config/__init__ loads.
            WorkerQueues(
                replies_within=settings.HEALTH_PING_SECONDS,
                timeout=datetime.timedelta(seconds=settings.HEALTH_PING_SECONDS + 4),
            ),
        ]
    return checks


def _result(check) -> HealthCheckResult:
    """Run one check on an event loop of its own thread, then let go of its connections.

    The view is synchronous on purpose: an async view needs the thread that serves the request
    to be free of an event loop, which a WSGI worker's is but a caller's may not be.
    """
    try:
        return asyncio.run(check.get_result())
    finally:
        connections.close_all()


@never_cache
def readiness(request):
    """Run the readiness checks at once, each in its own thread; answer JSON."""
    checks = readiness_checks()
    with ThreadPoolExecutor(max_workers=len(checks)) as pool:
        results = list(pool.map(_result, checks))
    failing = [result for result in results if result.error]
    for result in failing:
        logger.warning("Readiness check %s failed: %s", _name(result.check), result.error)
    return JsonResponse(
        {
            "status": "unavailable" if failing else "ok",
            "checks": {
                _name(result.check): "failing" if result.error else "ok" for result in results
            },
        },
        status=503 if failing else 200,
    )


def _name(check) -> str:
    return {
        "Database": "database",
        "Cache": "cache",
        "Redis": "broker",
        "WorkerQueues": "worker",
    }.get(type(check).__name__, type(check).__name__.lower())


@never_cache
def liveness(request):
    """Answer that this process serves requests; asks nothing else."""
    return JsonResponse({"status": "ok"})
