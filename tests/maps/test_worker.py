"""The map job through a real Celery worker process on Redis."""

import time

import pytest

from maps.models import MapBuild, MapVersion
from maps.selectors import map_version_graph_bytes
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


def test_a_worker_builds_a_semantic_map_and_keeps_its_vectors(celery_worker, debate, gold):
    from debate.models import MergeMethod
    from maps.models import ClaimEmbedding
    from tests.factories import gold_claim_document

    # A second contra claim in a third document: the contra group has two texts to compare.
    text = "Tech firms warn that a backdoor leaves their services less secure for every user."
    gold_claim_document(debate, text, stance="contra", like=gold[0])
    debate.merge_method = MergeMethod.SEMANTIC
    debate.save()
    build = map_build_request(debate=debate, reason="semantic, in a worker")

    wait_for(lambda: build_status(build.pk) == "done", what=f"build {build.pk}")

    version = MapVersion.objects.get()
    # The two contra claims are one argument, merged by their sentence vectors.
    assert (version.argument_count, version.source_count) == (2, 3)
    assert '"method":"semantic-cosine/v1 (wordllama-0.4.0.post1/l2_supercat_256' in (
        map_version_graph_bytes(version=version).decode()
    )
    assert ClaimEmbedding.objects.count() == 2
