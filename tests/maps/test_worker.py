"""The map job through a real Celery worker process on Redis."""

import time

import pytest

from maps.models import MapBuild, MapVersion
from maps.services import map_build_request
from maps.tasks import build_argument_map

pytestmark = pytest.mark.celery_worker


def wait_for(predicate, timeout=60.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


def build_status(pk):
    return MapBuild.objects.values_list("status", flat=True).get(pk=pk)


def test_a_worker_builds_the_map_requested_after_commit(celery_worker, debate, gold):
    build = map_build_request(debate=debate, reason="asked in a test")

    wait_for(lambda: build_status(build.pk) == "done", what=f"build {build.pk}; worker log:\n")

    build.refresh_from_db()
    version = MapVersion.objects.get()
    assert (build.version_id, build.progress, build.attempts) == (version.pk, 100, 1)
    assert build.worker.startswith(celery_worker.name + ":")
    assert version.argument_count == 2


def test_a_redelivered_task_makes_no_second_version(celery_worker, debate, gold):
    build = map_build_request(debate=debate, reason="first")
    wait_for(lambda: build_status(build.pk) == "done", what="the first build")
    finished = MapBuild.objects.values().get(pk=build.pk)

    # The broker delivers the same message again (as after a lost acknowledgement).
    result = build_argument_map.apply_async(args=[build.pk], queue=celery_worker.queue)

    assert result.get(timeout=30) is None  # nothing to do
    assert MapVersion.objects.count() == 1
    assert MapBuild.objects.values().get(pk=build.pk) == finished
