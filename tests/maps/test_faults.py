"""Faults in the map job, with real worker processes: SIGKILL mid-build, two workers at once."""

import re
import time

import pytest

from debate.models import Debate
from debate.scheme import default_scheme
from maps.models import MapBuild, MapVersion
from maps.services import map_build_request
from maps.tasks import build_argument_map
from tests.celery_worker import WorkerProcess, inside_build_map, start_worker
from tests.scenes import make_gold_layer

pytestmark = pytest.mark.celery_worker


def new_debate(slug: str) -> Debate:
    return Debate.objects.create(slug=slug, title=slug, proposition="P", scheme=default_scheme())


def wait_for(predicate, timeout: float, what: str, *workers: WorkerProcess):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    logs = "".join(f"\n--- {w.name} ---\n{w.log()[-3000:]}" for w in workers)
    raise AssertionError(f"Timed out waiting for {what}{logs}")


def test_a_build_killed_mid_way_completes_after_the_worker_restarts(transactional_db, tmp_path):
    debate = new_debate("killed")
    # About 3 s of build_map on an idle machine: the kill lands well inside it.
    spans = make_gold_layer(debate, documents=600, spans_per_document=40, seed=1)
    worker = start_worker(tmp_path)
    try:
        build = map_build_request(debate=debate, reason="fault test")
        wait_for(
            lambda: inside_build_map(MapBuild.objects.get(pk=build.pk)),
            60,
            "the build to report progress from inside build_map",
            worker,
        )

        worker.kill()  # SIGKILL, mid-build

        build.refresh_from_db()
        # The row is as the dead worker left it: running, inside build_map, nothing stored.
        assert build.status == "running"
        assert inside_build_map(build), (build.progress, build.message)
        assert build.message.startswith(f"Building from {spans} gold spans: ")
        assert build.attempts == 1
        assert MapVersion.objects.count() == 0
        worker.start()  # same node name: it recognises its dead build and sends it again
        wait_for(
            lambda: MapBuild.objects.filter(pk=build.pk, status="done").exists(),
            120,
            "the build to complete after the restart",
            worker,
        )
    finally:
        worker.stop()

    build.refresh_from_db()
    assert build.attempts == 2
    assert build.reused_version is False
    assert MapVersion.objects.filter(debate=debate).count() == 1
    assert build.version == MapVersion.objects.get(debate=debate)


def test_two_workers_build_two_debates_at_once_and_never_one_debate_twice(
    transactional_db, tmp_path
):
    first, second = new_debate("first"), new_debate("second")
    # The first debate's build runs for seconds (about 5 s of build_map on an idle machine),
    # the second's for a fraction of one: the second debate, then a second request and a
    # duplicate message for the first, all reach the other worker while the first still runs.
    make_gold_layer(first, documents=800, spans_per_document=40, seed=2)
    make_gold_layer(second, documents=20, spans_per_document=10, seed=3)
    one = start_worker(tmp_path, wait=False, MAP_BUILD_STALE_SECONDS="120")
    two = WorkerProcess(one.queue, tmp_path, {"MAP_BUILD_STALE_SECONDS": "120"})
    two.name = f"second-{one.name}"
    two.log_path = tmp_path / "second.log"
    two.spawn()  # both start at once; each is ready before the first request
    one.wait_ready()
    two.wait_ready()
    workers = {one.name: one, two.name: two}

    def node(build: MapBuild) -> str:
        return build.worker.split(":")[0]

    def running(build: MapBuild) -> bool:
        return MapBuild.objects.filter(pk=build.pk, status="running").exists()

    try:
        a = map_build_request(debate=first, reason="x")
        wait_for(
            lambda: MapBuild.objects.filter(pk=a.pk, status="running").exists(),
            60,
            "the first debate's build to start",
            one,
            two,
        )
        a.refresh_from_db()
        busy = workers[node(a)]
        (free,) = (w for w in workers.values() if w is not busy)

        # The second debate goes to the free worker and is built while the first still runs.
        b = map_build_request(debate=second, reason="x")
        wait_for(
            lambda: MapBuild.objects.filter(pk=b.pk, status="done").exists(),
            60,
            "the second debate's build",
            one,
            two,
        )
        assert running(a), "the first build finished before the second: make it bigger"

        # A second request for the first debate, and a duplicate of its running build's
        # message (as a redelivery would send), reach the free worker while the first runs.
        c = map_build_request(debate=first, reason="y")
        assert c.pk != a.pk and c.status == "queued"
        duplicate = build_argument_map.apply_async(args=[a.pk], queue=one.queue, ignore_result=True)
        busy_retry = (
            f"retry: Retry in 5s: MapBuildBusy('Another build of this debate is running "
            f"(build {c.pk} waits).')"
        )
        duplicate_refused = re.compile(
            rf"build_argument_map\[{duplicate.id}\] succeeded in [0-9.]+s: None"
        )
        wait_for(
            lambda: busy_retry in free.log() and duplicate_refused.search(free.log()),
            30,
            "the free worker to defer the request and refuse the duplicate",
            one,
            two,
        )
        # Still running after both were answered, so it was running when they were.
        assert running(a), "the first build finished too soon to test anything: make it bigger"
        assert MapBuild.objects.get(pk=c.pk).status == "queued"
        assert busy_retry not in busy.log() and not duplicate_refused.search(busy.log())

        wait_for(
            lambda: MapBuild.objects.filter(pk__in=[a.pk, c.pk], status="done").count() == 2,
            120,
            "the first debate's two builds to finish",
            one,
            two,
        )
    finally:
        one.terminate()
        two.terminate()
        one.wait_stopped()
        two.wait_stopped()

    a, b, c = (MapBuild.objects.select_related("version").get(pk=x.pk) for x in (a, b, c))
    # The two debates were built at the same time, on two different workers.
    assert {node(a), node(b)} == {one.name, two.name}
    assert a.started_at < b.started_at < b.finished_at < a.finished_at
    # The first debate was never built twice at once: the running build was claimed once,
    # and the request that came meanwhile started only after it finished, found the same
    # gold layer and kept its version.
    assert a.attempts == 1
    assert c.attempts == 1
    assert c.started_at >= a.finished_at
    assert (c.reused_version, c.version) == (True, a.version)
    assert (a.reused_version, b.reused_version) == (False, False)
    assert (a.version.debate, b.version.debate) == (first, second)
    assert MapVersion.objects.filter(debate=first).get() == a.version
    assert MapVersion.objects.filter(debate=second).get() == b.version
