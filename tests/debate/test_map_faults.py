"""Faults in the map job, with real worker processes: SIGKILL mid-build, two workers at once."""

import random
import time

import pytest
from django.contrib.auth import get_user_model

from annotations.models import Span
from debate.map_services import map_build_request
from debate.models import Debate, Document, DocumentStatus, MapBuild, MapVersion
from debate.scheme import default_scheme
from debate.text import text_sha256
from tests.celery_worker import WorkerProcess, start_worker

pytestmark = pytest.mark.celery_worker

WORDS = [
    "encryption",
    "backdoor",
    "privacy",
    "safety",
    "children",
    "abuse",
    "platform",
    "scanning",
    "message",
    "secure",
    "vulnerable",
    "journalist",
    "regulator",
    "police",
    "grooming",
    "evidence",
    "report",
    "client",
    "server",
    "key",
    "device",
    "trust",
    "harm",
    "law",
    "duty",
    "care",
    "risk",
    "access",
    "content",
    "private",
    "public",
    "network",
]


def make_gold_layer(debate: Debate, documents: int, spans_per_document: int, seed: int) -> int:
    """Fill a debate with adjudicated documents and gold claims; return the span count."""
    rng = random.Random(seed)
    reviewer, _ = get_user_model().objects.get_or_create(username=f"rev-{debate.slug}")
    docs = []
    for n in range(documents):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))) + "."
            for _ in range(spans_per_document)
        ]
        text = " ".join(sentences)
        docs.append(
            Document(
                debate=debate,
                title=f"Doc {n}",
                text=text,
                sha256=text_sha256(text),
                status=DocumentStatus.ADJUDICATED,
            )
        )
    Document.objects.bulk_create(docs)
    spans = []
    for document in Document.objects.filter(debate=debate):
        position = 0
        for sentence in document.text.split(". "):
            end = position + len(sentence)
            spans.append(
                Span(
                    document=document,
                    annotator=None,
                    created_by=reviewer,
                    start=position,
                    end=end,
                    quote=document.text[position:end],
                    stance=rng.choice(["pro", "contra"]),
                    role="claim",
                )
            )
            position = end + 2
    Span.objects.bulk_create(spans, batch_size=5000)
    return len(spans)


def new_debate(slug: str) -> Debate:
    return Debate.objects.create(slug=slug, title=slug, proposition="P", scheme=default_scheme())


def wait_for(predicate, timeout: float, what: str, worker: WorkerProcess | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    log = worker.log()[-3000:] if worker else ""
    raise AssertionError(f"Timed out waiting for {what}\n{log}")


def test_a_build_killed_mid_way_completes_after_the_worker_restarts(transactional_db, tmp_path):
    debate = new_debate("killed")
    make_gold_layer(debate, documents=600, spans_per_document=40, seed=1)
    worker = start_worker(tmp_path)
    try:
        build = map_build_request(debate=debate, reason="fault test")
        wait_for(
            lambda: MapBuild.objects.filter(
                pk=build.pk, status="running", progress__gte=10
            ).exists(),
            60,
            "the build to start",
            worker,
        )

        worker.kill()  # SIGKILL, mid-build

        build.refresh_from_db()
        assert build.status == "running"  # the row still says so: nobody finished it
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
    assert MapVersion.objects.filter(debate=debate).count() == 1
    assert build.version == MapVersion.objects.get(debate=debate)


def test_two_workers_build_two_debates_at_once_and_never_one_debate_twice(
    transactional_db, tmp_path
):
    first, second = new_debate("first"), new_debate("second")
    make_gold_layer(first, documents=300, spans_per_document=30, seed=2)
    make_gold_layer(second, documents=300, spans_per_document=30, seed=3)
    one = start_worker(tmp_path)
    two = WorkerProcess(one.queue, tmp_path, {"MAP_BUILD_STALE_SECONDS": "120"})
    two.name = f"second-{one.name}"
    two.start()
    try:
        a = map_build_request(debate=first, reason="x")
        b = map_build_request(debate=second, reason="x")
        # Both debates run at the same time, one on each worker.
        wait_for(
            lambda: MapBuild.objects.filter(status="running").count() == 2,
            60,
            "both builds to run at once",
            one,
        )
        workers = set(MapBuild.objects.values_list("worker", flat=True))
        assert {w.split(":")[0] for w in workers} == {one.name, two.name}
        # A request for the first debate while it runs waits; a second message for the running
        # build (as a redelivery would) does not start it twice.
        c = map_build_request(debate=first, reason="y")
        from debate.tasks import build_argument_map

        build_argument_map.apply_async(args=[a.pk], queue=one.queue)
        seen_running = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            running = list(
                MapBuild.objects.filter(status="running").values_list("debate_id", flat=True)
            )
            assert len(running) == len(set(running)), "one debate built twice at the same time"
            seen_running.update(running)
            if MapBuild.objects.filter(pk__in=[a.pk, b.pk, c.pk], status="done").count() == 3:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(
                "the three builds did not finish\n" + one.log()[-2000:] + two.log()[-2000:]
            )
    finally:
        one.stop()
        two.stop()

    assert seen_running == {first.pk, second.pk}
    assert MapBuild.objects.get(pk=a.pk).attempts == 1
    # c read the same gold layer as a, so it reused a's version instead of making another.
    assert MapVersion.objects.filter(debate=first).count() == 1
    assert MapVersion.objects.filter(debate=second).count() == 1
