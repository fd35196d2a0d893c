"""The argument-map job: request a build, run it, and recover builds a broker or worker lost.

The database is the source of truth. A request is a ``MapBuild`` row written in the caller's
transaction; sending it to Celery happens after commit and may fail (Redis down) without
losing it, because ``map_builds_reconcile`` re-sends whatever waits too long. Running a build
is idempotent: a build runs only from ``queued`` (or from ``running`` when its worker is known
dead), and the same input hash never makes a second ``MapVersion``.
"""

import logging
import os
import socket
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app as celery_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.db.text_bytes import text_bytes_insert_missing
from core.memory import collector_paused_then_frozen, keep_freed_memory, return_freed_memory
from debate.models import Debate
from maps import gold
from maps.builder import (
    ArgumentMap,
    BuildCache,
    Memo,
    build_map,
    input_hash,
    map_json_pieces,
    map_to_json_bytes,
    merge_similarity,
)
from maps.chunks import chunked, chunks_of
from maps.embeddings import claim_embedding_table, claim_embeddings_store
from maps.heartbeat import ProgressReport, heartbeat
from maps.metrics import MAP_BUILD_SECONDS
from maps.models import LARGE_FIELDS, MapBuild, MapBuildStatus, MapChunk, MapVersion

logger = logging.getLogger(__name__)


# The task is found by name (registered when MapsConfig.ready imports maps.tasks), since the
# tasks module imports this one.
BUILD_TASK = "maps.tasks.build_argument_map"


class MapBuildBusy(Exception):
    """Another build of the same debate is running; try again shortly."""


@transaction.atomic
def map_build_request(
    *, debate: Debate, reason: str, requested_by: AbstractBaseUser | None = None
) -> MapBuild:
    """Ask for a new map of a debate; join the build already waiting, if there is one."""
    build = (
        MapBuild.objects.select_for_update()
        .filter(debate=debate, status=MapBuildStatus.QUEUED)
        .first()
    )
    if build is not None:
        MapBuild.objects.filter(pk=build.pk).update(requests=F("requests") + 1)
        build.refresh_from_db()
        return build
    try:
        with transaction.atomic():
            build = MapBuild.objects.create(
                debate=debate,
                reason=reason[:300],
                requested_by=requested_by if requested_by and requested_by.pk else None,
            )
    except IntegrityError:
        # A concurrent request created the waiting build first: join it.
        build = MapBuild.objects.get(debate=debate, status=MapBuildStatus.QUEUED)
        MapBuild.objects.filter(pk=build.pk).update(requests=F("requests") + 1)
        build.refresh_from_db()
        return build
    build_id = build.pk
    transaction.on_commit(lambda: map_build_dispatch(build_id=build_id))
    return build


def map_build_dispatch(*, build_id: int) -> bool:
    """Send a build to the Celery queue; return False (and keep it queued) if that fails."""
    try:
        # ignore_result: progress and outcome live in the MapBuild row, and waiting for a
        # result would subscribe to the result store first, which retries for ~20 s while
        # Redis is down, holding the request that asked for the build.
        celery_app.tasks[BUILD_TASK].apply_async(
            args=[build_id], queue=settings.CELERY_MAP_QUEUE, ignore_result=True
        )
    except Exception:  # the broker is down or unreachable: the reconciler will resend
        logger.warning("Map build %s stays queued: the broker is unreachable.", build_id)
        return False
    MapBuild.objects.filter(pk=build_id).update(dispatched_at=timezone.now())
    return True


def _stale_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.MAP_BUILD_STALE_SECONDS)


def map_build_claim(*, build_id: int, worker: str) -> MapBuild | None:
    """Mark a build running for this worker; None if it is finished or someone else runs it.

    A build left ``running`` by a worker that died (its heartbeat is stale, or the same worker
    name restarted) can be taken over. Raises MapBuildBusy while another build of the same
    debate is running.
    """
    now = timezone.now()
    claimable = Q(status=MapBuildStatus.QUEUED) | Q(
        Q(heartbeat_at__lt=_stale_before()) | Q(worker=worker), status=MapBuildStatus.RUNNING
    )
    try:
        with transaction.atomic():
            claimed = MapBuild.objects.filter(claimable, pk=build_id).update(
                status=MapBuildStatus.RUNNING,
                worker=worker,
                started_at=now,
                heartbeat_at=now,
                attempts=F("attempts") + 1,
                progress=0,
                message="Starting",
            )
            if claimed:
                # The claim may have waited for the debate's last build to finish (its
                # row, or the database): the build starts once the claim holds it.
                now = timezone.now()
                MapBuild.objects.filter(pk=build_id).update(started_at=now, heartbeat_at=now)
    except IntegrityError as exc:  # one_running_map_build_per_debate
        raise MapBuildBusy(
            f"Another build of this debate is running (build {build_id} waits)."
        ) from exc
    if not claimed:
        claimed = _take_over_from_dead_sibling(build_id=build_id, worker=worker, now=now)
    if not claimed:
        return None
    return MapBuild.objects.select_related("debate").get(pk=build_id)


def _take_over_from_dead_sibling(*, build_id: int, worker: str, now: datetime) -> int:
    # A build running in a process of this worker's own node that no longer exists (the pool
    # child was killed: the message comes back at once, long before the heartbeat is stale) is
    # taken over now; a live process keeps it (test_a_build_of_a_dead_pool_child_is_taken_over).
    running = (
        MapBuild.objects.filter(pk=build_id, status=MapBuildStatus.RUNNING)
        .values_list("worker", flat=True)
        .first()
    )
    if running is None or not _dead_sibling(running, worker):
        return 0
    return MapBuild.objects.filter(
        pk=build_id, status=MapBuildStatus.RUNNING, worker=running
    ).update(
        worker=worker,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=0,
        message="Starting",
    )


def _dead_sibling(running: str, worker: str) -> bool:
    # Worker ids are "<node>:<pid>"; a node name is one machine, so its pids are this one's.
    node, _, pid = running.rpartition(":")
    if node != worker.rpartition(":")[0] or not pid.isdigit() or running == worker:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class BuildOutcome:
    """How a build ended: done or failed, and the version it made or found."""

    build_id: int
    status: str
    version_id: int | None
    reused: bool


def map_build_run(
    *, build_id: int, worker: str | None = None, cache: BuildCache | None = None
) -> BuildOutcome | None:
    """Run one build: read the gold layer, build the map, store it unless the input is known.

    Return None when there is nothing to do (finished already, or another worker has it).
    A failure marks the build failed with its error and leaves the current map as it was.
    ``cache`` is the worker process's own (``maps.tasks``): what its last build made, so a
    rebuild after one decision redoes only what changed; without one, the same map is built.
    """
    worker = worker or f"inline@{socket.gethostname()}"
    build = map_build_claim(build_id=build_id, worker=worker)
    if build is None:
        return None
    # The cyclic collector stays off for the whole job, not only the build: reading,
    # hashing and serialising a large map allocate millions of objects too.
    started = time.perf_counter()
    with collector_paused_then_frozen(), heartbeat(build, worker):
        outcome = _run_claimed(build, worker, cache)
    MAP_BUILD_SECONDS.labels(outcome=outcome.status).observe(time.perf_counter() - started)
    return outcome


def _run_claimed(build: MapBuild, worker: str, cache: BuildCache | None) -> BuildOutcome:
    debate = build.debate
    report = ProgressReport(build)
    try:
        report.step(10, "Reading the gold layer")
        data = gold.gold_map_input(debate=debate, cache=cache)
        cache = build_cache_for(spans=len(data.spans), cache=cache)
        # The debate's merge method is part of the input hash: changing it makes a new version.
        embeddings = claim_embedding_table()
        similarity = merge_similarity(debate.merge_method, embeddings)
        digest = input_hash(data, similarity=similarity, cache=cache)
        # Only whether it exists: its graph (tens of megabytes) stays in the database.
        existing = (
            MapVersion.objects.filter(debate=debate, input_hash=digest).defer(*LARGE_FIELDS).first()
        )
        if existing is None:
            building = f"Building from {len(data.spans)} gold spans"
            report.step(15, building)

            def merged() -> None:
                # The vectors the build had to encode for the group, so the next group and
                # the next build read them instead; stored, they go, and the table holds one
                # group's at a time (the worker's cache keeps the similarity, and so the
                # table, until the next build).
                claim_embeddings_store(model=embeddings.model, vectors=embeddings.new)
                embeddings.release()

            graph = build_map(
                data,
                similarity=similarity,
                progress=report.during(15, 85, building),
                known_input_hash=digest,
                cache=cache,
                after_group=merged,
            )
            report.step(90, "Saving the map")
            version, created = map_version_store(
                debate=debate,
                digest=digest,
                graph=graph,
                document_count=len(data.documents),
                cache=cache,
            )
        else:
            version, created = existing, False
    except Exception as exc:
        if _is_transient(exc):
            _release(build)
            raise
        MapBuild.objects.filter(pk=build.pk, worker=worker).update(
            status=MapBuildStatus.FAILED,
            error="".join(traceback.format_exception_only(exc)).strip()[:5000],
            message="Failed; the previous map stays current",
            finished_at=timezone.now(),
        )
        logger.exception("Map build %s of %s failed", build.pk, debate.slug)
        return BuildOutcome(build.pk, MapBuildStatus.FAILED, None, False)
    MapBuild.objects.filter(pk=build.pk, worker=worker).update(
        status=MapBuildStatus.DONE,
        version=version,
        reused_version=not created,
        progress=100,
        message="Built a new version" if created else "Input unchanged: kept the same version",
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    return BuildOutcome(build.pk, MapBuildStatus.DONE, version.pk, not created)


def build_cache_for(*, spans: int, cache: BuildCache | None) -> BuildCache | None:
    """Return the worker's cache for a build of this many gold spans, or None, emptied, above
    ``MAP_BUILD_CACHE_MAX_SPANS``: what a build keeps for the next is about as large as the
    map itself, so a very large debate is rebuilt in full rather than held twice.

    A worker that keeps a cache keeps the memory its builds free too, for the next
    (``core.memory.keep_freed_memory``); before a build too large for a cache it gives back
    what is free and returns to the allocator's way.
    """
    if cache is None:
        return None
    limit = settings.MAP_BUILD_CACHE_MAX_SPANS
    if limit and spans > limit:
        cache.clear()
        return_freed_memory()
        logger.info(
            "Building %d gold spans without the worker's build cache (above "
            "MAP_BUILD_CACHE_MAX_SPANS=%d): a rebuild redoes everything",
            spans,
            limit,
        )
        return None
    keep_freed_memory()
    return cache


def map_version_store(
    *,
    debate: Debate,
    digest: str,
    graph: ArgumentMap,
    document_count: int,
    cache: BuildCache | None = None,
) -> tuple[MapVersion, bool]:
    """Store a built map as a new version; return it and whether it is new.

    The map's JSON is cut into content-named chunks (``map_chunks``) and only the chunks no
    version holds yet are written: a rebuild after one decision writes a few hundred kilobytes,
    not the whole map. Without the worker's cache the chunks are written a few megabytes at a
    time as the text is cut, in the version's transaction. A version of the same input stored
    meanwhile (a redelivered task) is returned instead. The version comes without its graph:
    nothing in the job reads it back.
    """
    try:
        with transaction.atomic():
            # Chunks first: a version never lists a chunk that is not there.
            digests: list[str] = []
            for batch in _batches(map_chunks(graph, cache=cache), whole=cache is not None):
                text_bytes_insert_missing(MapChunk, key="digest", column="text", rows=dict(batch))
                digests.extend(name for name, _ in batch)
            version = MapVersion.objects.create(
                debate_id=debate.pk,
                input_hash=digest,
                builder_version=graph.builder,
                chunks=digests,
                argument_count=len(graph.arguments),
                source_count=sum(len(node.sources) for node in graph.arguments),
                document_count=document_count,
            )
    except IntegrityError:
        return MapVersion.objects.defer(*LARGE_FIELDS).get(debate=debate, input_hash=digest), False
    return MapVersion.objects.defer(*LARGE_FIELDS).get(pk=version.pk), True


# A chunk of a map's JSON: its name and its bytes.
Chunk = tuple[str, bytes]


def map_chunks(graph: ArgumentMap, *, cache: BuildCache | None = None) -> Iterator[Chunk]:
    """Return the (name, bytes) of each chunk of the map's JSON, in order.

    With the worker's cache, the whole text is written (mostly from the last map's kept
    JSON of its arguments and edges) and cut with the help of the last map's chunks, kept for
    the next; without one (a debate above ``MAP_BUILD_CACHE_MAX_SPANS``), the text is written
    and cut as it goes, so the job never holds all of it, nor its dicts.
    """
    if cache is None:
        return chunks_of(map_json_pieces(graph))
    stored = Memo(cache, "stored chunks")
    cut = chunked(map_to_json_bytes(graph, cache=cache), stored.get(None))
    stored.keep(None, cut)
    stored.remember()
    return zip(cut.digests, cut.chunks, strict=True)


# Bytes of chunks a statement writes while the map's text is cut as it goes.
WRITE_BYTES = 8 * 2**20


def _batches(chunks: Iterable[Chunk], *, whole: bool) -> Iterator[list[Chunk]]:
    """Return the chunks in lists of about ``WRITE_BYTES``, or in one list when ``whole`` (their
    text is held anyway, and one statement is quicker)."""
    batch: list[Chunk] = []
    held = 0
    for chunk in chunks:
        batch.append(chunk)
        held += len(chunk[1])
        if not whole and held >= WRITE_BYTES:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def _is_transient(exc: Exception) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def _requeue(builds, message: str) -> list[int]:
    """Put running builds back in the queue and return their ids; one that a newer waiting
    build supersedes fails instead."""
    requeued = []
    for build in builds:
        try:
            with transaction.atomic():
                if MapBuild.objects.filter(pk=build.pk, status=MapBuildStatus.RUNNING).update(
                    status=MapBuildStatus.QUEUED, message=message, dispatched_at=None
                ):
                    requeued.append(build.pk)
        except IntegrityError:  # one_queued_map_build_per_debate: the newer one reads newer data
            MapBuild.objects.filter(pk=build.pk).update(
                status=MapBuildStatus.FAILED,
                error="Superseded by a newer request for the same debate.",
                message=message,
                finished_at=timezone.now(),
            )
    return requeued


def _release(build: MapBuild) -> None:
    """Put a build back in the queue after a transient error, so a retry can claim it."""
    try:
        _requeue([build], "Retrying after a database error")
    except Exception:  # the database is still away: the retry takes it over as its own worker
        logger.warning("Could not release map build %s; its retry will take it over.", build.pk)


def map_builds_reconcile(
    *, worker_restarted: str | None = None, restarted_at: datetime | None = None
) -> list[int]:
    """Re-send builds a lost message or a dead worker left behind; return their ids.

    ``worker_restarted`` names a worker node (Celery hostname) that just started: builds its
    previous processes were running died with them and are re-queued at once instead of after
    the stale delay (only builds started before ``restarted_at``: the new processes may
    already be running fresh ones). Worker ids are ``<hostname>:<pid>``.
    """
    restarted: list[int] = []
    if worker_restarted:
        restarted = _requeue(
            MapBuild.objects.filter(
                status=MapBuildStatus.RUNNING,
                worker__startswith=f"{worker_restarted}:",
                started_at__lt=restarted_at or timezone.now(),
            ).only("pk"),
            "Re-queued: its worker restarted",
        )
    stale = _stale_before()
    # A request sent a moment ago may still be on its way; leave it to its own dispatch.
    grace = timezone.now() - timedelta(seconds=settings.MAP_BUILD_DISPATCH_GRACE_SECONDS)
    waiting = (
        MapBuild.objects.filter(
            Q(status=MapBuildStatus.QUEUED, dispatched_at__isnull=True, requested_at__lt=grace)
            | Q(status=MapBuildStatus.QUEUED, dispatched_at__lt=stale)
            | Q(status=MapBuildStatus.RUNNING, heartbeat_at__lt=stale)
        )
        .exclude(pk__in=restarted)
        .values_list("pk", flat=True)
    )
    resent = [pk for pk in [*restarted, *waiting] if map_build_dispatch(build_id=pk)]
    if resent:
        logger.info("Re-sent map builds %s", resent)
    return resent


def map_version_current(*, debate: Debate) -> MapVersion | None:
    """Return the map of the latest successful build of a debate (failed builds keep it).

    Without its graph (tens of megabytes on a big map): ``maps.selectors`` reads it if needed.
    """
    build = (
        MapBuild.objects.filter(debate=debate, status=MapBuildStatus.DONE, version__isnull=False)
        .select_related("version")
        .defer(*(f"version__{name}" for name in LARGE_FIELDS))
        .order_by("-finished_at", "-id")
        .first()
    )
    return build.version if build else None
