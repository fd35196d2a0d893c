"""32 annotators save spans for 30 s while Redis and the Celery worker fail: nothing is lost.

The app is served the production way (conftest.py). 32 client threads, each a keep-alive HTTP
client for one annotator, save spans as fast as the server answers: mostly one at a time,
every fifth request a bulk of five. Like the annotate page's save queue, a client that gets no
answer or a 5xx sends the same request again with the same ``client_id``s, so a save the
server committed but could not acknowledge is answered as a replay, not stored twice. A
reviewer asks for a new map every two seconds. Meanwhile, on a fixed schedule (fractions of
the duration):

- 15 %: Redis is killed (SIGKILL); 40 %: it starts again, empty;
- 55 %: a batch of 600 documents with 24,000 gold claims is adjudicated at once, the reviewer
  asks for the map, and the Celery worker is killed (SIGKILL) as soon as that build reports
  progress from inside the builder (a build of seconds: until then every build found the
  small gold layer unchanged and kept its version in a fraction of one); 70 %: it starts
  again.

Afterwards every span acknowledged with a 2xx must be in the database with its history (ids
and client_ids compared), the build the kill interrupted must have been superseded or run
again, and every map build asked for must have run once Redis and the worker were back: two
versions in all, one per gold layer. The counts of 2xx, 4xx and 5xx answers are printed; no
4xx or 5xx is expected at all, since nothing on the span write path needs Redis or the worker.

Duration: ``FAULTS_LOAD_SECONDS``, 30 by default and in CI (``.ci/run`` sets it), at least 20
so the schedule fits. What is proved does not grow with the duration: each fault is injected
once, on the same fractions of it, under the same 32 clients. At 30 s Redis is down for 7.5 s
(hundreds of saves and three or four map requests, which is all the outbox needs), the worker
is killed at 16.5 s or later (once the batch's build is inside the builder, however long that
takes) and restarted at 21 s or later, and the checks after the load wait for the builds as
long as they need (90 s at most), whatever the duration. A longer run only adds more of the
same saves; set it higher for a soak (``FAULTS_LOAD_SECONDS=300``).
"""

import os
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import pytest
import requests
from django.utils import timezone

from annotations.models import Span
from debate.models import Document, DocumentStatus
from maps.builder import input_hash
from maps.gold import gold_map_input
from maps.models import MapBuild, MapVersion
from tests.celery_worker import inside_build_map
from tests.faults.stack import (
    Acknowledged,
    Stack,
    api_session,
    span_payload,
    wait_for,
)
from tests.scenes import Team, make_gold_layer, team_create

ANNOTATORS = 32
DURATION = float(os.environ.get("FAULTS_LOAD_SECONDS", "30"))
BULK_EVERY = 5
BULK_SIZE = 5
MAX_TRIES = 20
# The batch adjudicated before the worker is killed: about 3 s of build_map on an idle machine.
BATCH_DOCUMENTS = 600
BATCH_SPANS_PER_DOCUMENT = 40
SUPERSEDED = "Superseded by a newer request for the same debate."

# one_process: make test runs it after the parallel part, alone: its clients' deadlines and the
# fault schedule were set for a machine that runs nothing else (beside another pytest process
# at load 7, one map request timed out and the small gold's version was never built).
pytestmark = [pytest.mark.faults, pytest.mark.one_process]


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    transport_errors: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    replays: int = 0
    requests: int = 0
    given_up: int = 0
    phase: str = "all up"
    acknowledged_in: Counter = field(default_factory=Counter)  # phase -> 2xx answers

    def record(self, status: int | None, seconds: float, error: str = "") -> None:
        with self.lock:
            self.requests += 1
            if status is None:
                self.transport_errors[error] += 1
            else:
                self.statuses[status] += 1
                self.latencies.append(seconds)
                if status < 300:
                    self.acknowledged_in[self.phase] += 1

    def by_class(self) -> dict[str, int]:
        classes = Counter()
        for status, count in self.statuses.items():
            classes[f"{status // 100}xx"] += count
        return dict(sorted(classes.items()))


class Annotator(threading.Thread):
    """One annotator saving spans until told to stop; retries a save until it is answered."""

    def __init__(self, stack: Stack, team: Team, token: str, seed: int, tally, acknowledged):
        super().__init__(daemon=True)
        self.stack = stack
        self.team = team
        self.session = api_session(stack, token)
        self.rng = random.Random(seed)
        self.tally = tally
        self.acknowledged = acknowledged
        self.stopping = threading.Event()

    def run(self) -> None:
        sent = 0
        while not self.stopping.is_set():
            document = self.rng.choice(self.team.documents)
            sent += 1
            if sent % BULK_EVERY == 0:
                body = [span_payload(self.rng, document) for _ in range(BULK_SIZE)]
            else:
                body = span_payload(self.rng, document)
            self.save(document.pk, body)

    def save(self, document_id: int, body) -> None:
        url = f"{self.stack.url}/api/v1/documents/{document_id}/spans/"
        for _ in range(MAX_TRIES):
            started = time.monotonic()
            try:
                response = self.session.post(url, json=body, timeout=30)
            except requests.RequestException as exc:
                self.tally.record(None, time.monotonic() - started, type(exc).__name__)
                time.sleep(0.2)
                continue
            self.tally.record(response.status_code, time.monotonic() - started)
            if response.status_code in (200, 201):
                answered = response.json()
                spans = answered if isinstance(answered, list) else [answered]
                with self.tally.lock:
                    self.tally.replays += response.status_code == 200
                    for span in spans:
                        self.acknowledged.spans[span["client_id"]] = span["id"]
                return
            if response.status_code < 500:
                with self.tally.lock:
                    self.tally.failures.append(f"{response.status_code} {response.text[:300]}")
                return
            time.sleep(float(response.headers.get("Retry-After", "1")))
        with self.tally.lock:
            self.tally.given_up += 1


class Reviewer(threading.Thread):
    """Ask for a new map every two seconds; remember the builds the server named."""

    def __init__(self, stack: Stack, team: Team):
        super().__init__(daemon=True)
        self.url = f"{stack.url}/api/v1/debates/{team.debate.slug}/maps/"
        self.session = api_session(stack, team.reviewer_token)
        self.builds: set[int] = set()
        self.statuses: Counter = Counter()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(2):
            try:
                response = self.session.post(self.url, json={"reason": "load"}, timeout=30)
            except requests.RequestException as exc:
                self.statuses[type(exc).__name__] += 1
                continue
            self.statuses[response.status_code] += 1
            if response.status_code == 202:
                self.builds.add(response.json()["id"])


@dataclass
class KilledBuild:
    """The build the worker was running when it was killed, as its row was just after."""

    id: int
    worker: str
    progress: int
    message: str
    killed_at: datetime
    gold_hash: str  # the input hash of the gold layer it was building


def test_nothing_acknowledged_is_lost_under_load_while_redis_and_the_worker_fail(stack):
    assert DURATION >= 20, "FAULTS_LOAD_SECONDS must be at least 20 to fit the fault schedule"
    team = team_create(annotators=ANNOTATORS)
    # Faults, not merging, are under test: the lexical builder, whose input hash the test can
    # compute without the worker's sentence vectors (new debates merge semantically).
    team.debate.merge_method = "lexical"
    team.debate.save(update_fields=["merge_method"])
    # Documents in review with their gold claims so far: not part of the gold layer until the
    # reviewer adjudicates them, mid-test.
    batch_spans = make_gold_layer(
        team.debate,
        documents=BATCH_DOCUMENTS,
        spans_per_document=BATCH_SPANS_PER_DOCUMENT,
        seed=8,
        status=DocumentStatus.READY_FOR_REVIEW,
    )
    batch = Document.objects.filter(debate=team.debate, status=DocumentStatus.READY_FOR_REVIEW)
    small_gold = gold_map_input(debate=team.debate)
    tally, acknowledged = Tally(), Acknowledged()
    clients = [
        Annotator(stack, team, token, seed, tally, acknowledged)
        for seed, token in enumerate(team.annotators.values())
    ]
    reviewer = Reviewer(stack, team)
    killed: list[KilledBuild] = []

    def kill_the_worker_mid_build() -> None:
        assert batch.update(status=DocumentStatus.ADJUDICATED) == BATCH_DOCUMENTS
        response = api_session(stack, team.reviewer_token).post(
            reviewer.url, json={"reason": "batch adjudicated"}, timeout=30
        )
        assert response.status_code == 202, response.text
        reviewer.builds.add(response.json()["id"])
        gold = gold_map_input(debate=team.debate)
        assert len(gold.spans) == len(small_gold.spans) + batch_spans
        build = wait_for(
            lambda: MapBuild.objects.filter(
                debate=team.debate,
                status="running",
                progress__gt=15,
                message__startswith=f"Building from {len(gold.spans)} gold spans: ",
            ).first(),
            60,
            "the worker to be inside the build of the adjudicated batch",
            stack.logs,
        )
        stack.services["worker"].kill()
        killed_at = timezone.now()
        build.refresh_from_db()
        # Still running, inside the builder, after the kill: the kill interrupted it.
        assert build.status == "running" and inside_build_map(build), (
            build.status,
            build.progress,
            build.message,
        )
        killed.append(
            KilledBuild(
                build.pk, build.worker, build.progress, build.message, killed_at, input_hash(gold)
            )
        )

    faults = [
        (0.15, "Redis killed", stack.redis.stop, "Redis down"),
        (0.40, "Redis back (empty)", stack.redis.start, "Redis back"),
        (0.55, "worker killed mid-build", kill_the_worker_mid_build, "worker down"),
        (0.70, "worker back", stack.start_worker, "worker back"),
    ]
    injected = []

    started = time.monotonic()
    for thread in [*clients, reviewer]:
        thread.start()
    for at, what, act, phase in faults:
        time.sleep(max(0.0, started + at * DURATION - time.monotonic()))
        act()
        tally.phase = phase
        injected.append(f"{time.monotonic() - started:.1f} s {what}")
    time.sleep(max(0.0, started + DURATION - time.monotonic()))
    for thread in [*clients, reviewer]:
        thread.stopping.set()
    for thread in [*clients, reviewer]:
        thread.join(60)
        assert not thread.is_alive(), "a client is stuck"
    elapsed = time.monotonic() - started

    # Every build asked for runs once Redis and the worker are back (the outbox and the
    # reconciler); builds of an unchanged gold layer share its version.
    wait_for(
        lambda: not MapBuild.objects.filter(status__in=["queued", "running"]).exists(),
        90,
        "every map build to finish after the faults",
        stack.logs,
    )
    builds = Counter(
        MapBuild.objects.filter(pk__in=reviewer.builds).values_list("status", flat=True)
    )
    lost = acknowledged.lost()
    (kill,) = killed
    interrupted = MapBuild.objects.get(pk=kill.id)
    saved = len(acknowledged.spans)
    annotator_rows = Span.objects.filter(annotator__isnull=False).count()
    latencies = sorted(tally.latencies)
    p50, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95)]
    print(
        f"\n[faults] load: {ANNOTATORS} annotators for {elapsed:.0f} s; faults at "
        f"{'; '.join(injected)}\n"
        f"[faults] {tally.requests} span requests: {tally.by_class()} "
        f"(by status {dict(tally.statuses)}), transport errors {dict(tally.transport_errors)}, "
        f"replayed {tally.replays}, given up {tally.given_up}; 2xx by phase "
        f"{dict(tally.acknowledged_in)}; latency p50 "
        f"{p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms\n"
        f"[faults] spans acknowledged {saved}, in the database {saved - len(lost)} (lost "
        f"{len(lost)}), annotator rows {annotator_rows}; map requests {dict(reviewer.statuses)}, "
        f"builds {dict(builds)}, versions {MapVersion.objects.count()}\n"
        f"[faults] the worker was killed in build {kill.id} at {kill.progress} % "
        f"({kill.message!r}); that build ended {interrupted.status} after "
        f"{interrupted.attempts} attempt(s) {interrupted.error!r}"
    )

    assert tally.failures == [], tally.failures[:5]
    assert tally.given_up == 0
    assert lost == {}, f"{len(lost)} acknowledged span(s) are not in the database"
    # Nothing was stored that was never acknowledged: a retried save is a replay, not a copy.
    assert annotator_rows == saved
    assert tally.by_class().keys() == {"2xx"}, tally.statuses
    # Saves went on while each fault lasted.
    assert tally.acknowledged_in["Redis down"] > 0
    assert tally.acknowledged_in["worker down"] > 0
    assert builds["done"] >= 1 and set(builds) <= {"done", "failed"}
    assert not MapBuild.objects.filter(status="failed").exclude(error=SUPERSEDED).exists()
    # The kill landed mid-build; that build was later superseded by a newer request, or taken
    # up again by the restarted worker.
    assert (interrupted.status, interrupted.attempts) == ("done", 2) or (
        interrupted.status,
        interrupted.error,
    ) == ("failed", SUPERSEDED), (interrupted.status, interrupted.attempts, interrupted.error)
    # One version per gold layer: the small one from before the batch, and the large one,
    # built from scratch after the kill by the restarted worker.
    versions = dict(MapVersion.objects.values_list("input_hash", "pk"))
    assert versions.keys() == {input_hash(small_gold), kill.gold_hash}
    assert len(versions) == 2
    built_after = MapBuild.objects.get(version=versions[kill.gold_hash], reused_version=False)
    assert built_after.started_at > kill.killed_at
    assert built_after.worker != kill.worker
