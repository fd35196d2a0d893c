"""Celery tasks: thin wrappers that take ids and call a service."""

import os

from celery import shared_task
from celery.signals import celeryd_init, worker_ready
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from debate.models import Debate
from maps.agreement import map_agreement_compute
from maps.builder import BuildCache
from maps.services import MapBuildBusy, map_build_run, map_builds_reconcile

# One per worker process (each pool process imports this module): a rebuild after one reviewer
# decision takes what the process's last build made instead of working it out again, and
# builds the same map as without it (tests/maps/builder/test_cache.py). A gold layer above
# MAP_BUILD_CACHE_MAX_SPANS is built without it (maps.services.build_cache_for).
BUILD_CACHE = BuildCache()


@shared_task(
    bind=True,
    # Acknowledge after the build, and give the message back if the worker process dies, so
    # a killed build is delivered again; map_build_run makes a second delivery harmless.
    acks_late=True,
    reject_on_worker_lost=True,
    # Database hiccups (a failover, a dropped connection) are worth five retries with backoff.
    autoretry_for=(OperationalError, InterfaceError),
    retry_kwargs={"max_retries": 5},
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    # No limit of the task's own: a build waiting behind a running one of its debate retries
    # for as long as that one runs; retry(max_retries=None) would mean this limit, not none
    # (tests/maps/test_tasks.py).
    max_retries=None,
    # Below the broker's visibility timeout (settings), so a running build is never redelivered
    # to a second worker while the first still works on it.
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def build_argument_map(self, build_id: int) -> dict | None:
    """Build the argument map a MapBuild asks for."""
    try:
        outcome = map_build_run(
            build_id=build_id,
            worker=f"{self.request.hostname or 'eager'}:{os.getpid()}",
            cache=BUILD_CACHE,
        )
    except MapBuildBusy as exc:
        # Another build of this debate runs; this one waits its turn.
        raise self.retry(exc=exc, countdown=5) from exc
    return None if outcome is None else outcome.__dict__


@shared_task(
    # Idempotent: the same layers give the same figures, kept under the same key, so a second
    # delivery (acks_late and reject_on_worker_lost are on for every task, settings) only
    # does the work again.
    # Nobody reads its result: the figures go to the cache, where the API finds them.
    ignore_result=True,
    # Database hiccups (a failover, a dropped connection) are worth a few retries.
    autoretry_for=(OperationalError, InterfaceError),
    retry_kwargs={"max_retries": 3},
    retry_backoff=2,
    # Below maps.agreement.PENDING_SECONDS, after which a request asks for the figures again.
    soft_time_limit=10 * 60,
    time_limit=12 * 60,
)
def compare_layer_maps(debate_id: int) -> None:
    """Compare the map of each annotator's layer and of the majority vote with the gold map."""
    debate = Debate.objects.filter(pk=debate_id).first()
    if debate is not None:  # deleted since it was asked for
        map_agreement_compute(debate=debate)


# Nobody reads its result; storing one would make beat wait on the result store while Redis is
# down, at every tick.
@shared_task(ignore_result=True)
def reconcile_map_builds() -> list[int]:
    """Re-send map builds that a lost message or a dead worker left behind."""
    return map_builds_reconcile()


_booted_at = None


@celeryd_init.connect
def _remember_boot_time(sender=None, **kwargs) -> None:
    global _booted_at
    _booted_at = timezone.now()


@worker_ready.connect
def _requeue_builds_of_previous_run(sender=None, **kwargs) -> None:
    # Builds this worker node was running when it was killed died with it: send them again.
    map_builds_reconcile(
        worker_restarted=sender.hostname if sender else None, restarted_at=_booted_at
    )
