"""The map job's services, run inline: requests coalesce, builds are idempotent, failures keep
the current map, and lost or dead builds are re-sent."""

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import nullcontext
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from debate.models import DocumentStatus
from maps import gold as gold_module
from maps import heartbeat as map_heartbeat
from maps import services as map_services
from maps.models import MapBuild, MapVersion
from maps.selectors import map_version_graph_bytes
from maps.services import (
    MapBuildBusy,
    map_build_claim,
    map_build_request,
    map_build_run,
    map_builds_reconcile,
    map_version_current,
    map_version_store,
)
from tests.maps.conftest import TEXT_A, TEXT_B

pytestmark = pytest.mark.django_db


def test_requests_while_one_waits_join_it(debate, no_dispatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = map_build_request(debate=debate, reason="gold changed")
        second = map_build_request(debate=debate, reason="gold changed again")
        third = map_build_request(debate=debate, reason="asked on the map page")

    assert first.pk == second.pk == third.pk
    build = MapBuild.objects.get()
    assert (build.status, build.requests, build.reason) == ("queued", 3, "gold changed")
    assert no_dispatch == [build.pk]  # one message for the burst


def test_a_request_is_sent_only_after_its_transaction_commits(debate, no_dispatch):
    with transaction.atomic():
        map_build_request(debate=debate, reason="x")
        assert no_dispatch == []
    # pytest-django's db fixture wraps the test in a transaction, so nothing commits here;
    # the callback is still pending, never sent early.
    assert no_dispatch == []


def test_a_build_stores_one_version_with_provenance(debate, gold, no_dispatch):
    build = map_build_request(debate=debate, reason="x")

    outcome = map_build_run(build_id=build.pk, worker="w:1")

    build.refresh_from_db()
    version = MapVersion.objects.get()
    assert (outcome.status, outcome.version_id, outcome.reused) == ("done", version.pk, False)
    assert (build.status, build.progress, build.version_id, build.attempts) == (
        "done",
        100,
        version.pk,
        1,
    )
    assert (version.argument_count, version.source_count, version.document_count) == (2, 2, 2)
    graph = json.loads(map_version_graph_bytes(version=version))
    quotes = sorted(s["quote"] for node in graph["arguments"] for s in node["sources"])
    assert quotes == sorted([TEXT_A, TEXT_B])
    assert map_version_current(debate=debate) == version


def test_running_a_finished_build_again_does_nothing(debate, gold, no_dispatch):
    build = map_build_request(debate=debate, reason="x")
    map_build_run(build_id=build.pk, worker="w:1")

    assert map_build_run(build_id=build.pk, worker="w:2") is None

    assert MapVersion.objects.count() == 1
    build.refresh_from_db()
    assert (build.attempts, build.worker) == (1, "w:1")


def test_the_same_input_never_makes_a_second_version(debate, gold, no_dispatch):
    first = map_build_request(debate=debate, reason="x")
    map_build_run(build_id=first.pk, worker="w:1")
    second = map_build_request(debate=debate, reason="nothing changed")

    outcome = map_build_run(build_id=second.pk, worker="w:1")

    assert outcome.reused is True
    assert MapVersion.objects.count() == 1
    second.refresh_from_db()
    assert (second.status, second.reused_version, second.message) == (
        "done",
        True,
        "Input unchanged: kept the same version",
    )


def test_a_changed_gold_layer_makes_a_new_version(debate, gold, no_dispatch):
    map_build_run(build_id=map_build_request(debate=debate, reason="x").pk, worker="w:1")
    gold[0].stance = "neutral"
    gold[0].save()

    map_build_run(build_id=map_build_request(debate=debate, reason="y").pk, worker="w:1")

    assert MapVersion.objects.filter(debate=debate).count() == 2
    assert map_version_current(debate=debate) == MapVersion.objects.order_by("-id").first()


def test_only_adjudicated_documents_feed_the_map(debate, gold, no_dispatch):
    gold[1].document.status = DocumentStatus.READY_FOR_REVIEW
    gold[1].document.save()

    map_build_run(build_id=map_build_request(debate=debate, reason="x").pk, worker="w:1")

    graph = json.loads(map_version_graph_bytes(version=MapVersion.objects.get()))
    assert [s["quote"] for node in graph["arguments"] for s in node["sources"]] == [TEXT_A]


def test_a_failed_build_keeps_the_previous_map_and_shows_the_error(
    debate, gold, no_dispatch, monkeypatch
):
    map_build_run(build_id=map_build_request(debate=debate, reason="x").pk, worker="w:1")
    good = map_version_current(debate=debate)
    gold[0].stance = "neutral"
    gold[0].save()

    def explode(data, **options):
        raise ValueError("the builder broke")

    monkeypatch.setattr(map_services, "build_map", explode)
    build = map_build_request(debate=debate, reason="y")

    outcome = map_build_run(build_id=build.pk, worker="w:1")

    build.refresh_from_db()
    assert outcome.status == "failed"
    assert (build.status, build.error, build.message) == (
        "failed",
        "ValueError: the builder broke",
        "Failed; the previous map stays current",
    )
    assert map_version_current(debate=debate) == good
    assert MapVersion.objects.count() == 1


def test_one_debate_never_builds_twice_at_once(debate, gold, no_dispatch):
    running = map_build_request(debate=debate, reason="x")
    assert map_build_claim(build_id=running.pk, worker="w:1") is not None
    waiting = map_build_request(debate=debate, reason="y")

    with pytest.raises(MapBuildBusy):
        map_build_claim(build_id=waiting.pk, worker="w:2")

    waiting.refresh_from_db()
    assert waiting.status == "queued"


def test_a_build_whose_worker_went_silent_is_taken_over(debate, gold, no_dispatch, settings):
    settings.MAP_BUILD_STALE_SECONDS = 60
    build = map_build_request(debate=debate, reason="x")
    map_build_claim(build_id=build.pk, worker="dead:1")
    assert map_build_claim(build_id=build.pk, worker="alive:2") is None  # still fresh

    MapBuild.objects.filter(pk=build.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))

    outcome = map_build_run(build_id=build.pk, worker="alive:2")
    build.refresh_from_db()
    assert (outcome.status, build.worker, build.attempts) == ("done", "alive:2", 2)


def test_reconcile_resends_lost_and_dead_builds(debate, gold, no_dispatch, settings):
    settings.MAP_BUILD_STALE_SECONDS = 60
    settings.MAP_BUILD_DISPATCH_GRACE_SECONDS = 0
    other = gold[0].document.debate.__class__.objects.create(
        slug="other", title="Other", proposition="P", scheme=debate.scheme
    )
    never_sent = map_build_request(debate=debate, reason="broker was down")
    dead = map_build_request(debate=other, reason="x")
    map_build_claim(build_id=dead.pk, worker="node-a:41")
    MapBuild.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=90))

    assert sorted(map_builds_reconcile()) == sorted([never_sent.pk, dead.pk])


def test_a_restarted_worker_requeues_what_its_previous_processes_were_running(
    debate, gold, no_dispatch
):
    build = map_build_request(debate=debate, reason="x")
    map_build_claim(build_id=build.pk, worker="node-a@host:41")
    fresh = map_build_request(debate=gold[0].document.debate, reason="y")

    resent = map_builds_reconcile(worker_restarted="node-a@host", restarted_at=timezone.now())

    build.refresh_from_db()
    # The waiting request supersedes the dead build; the newer one reads the newer gold layer.
    assert (build.status, build.error) == (
        "failed",
        "Superseded by a newer request for the same debate.",
    )
    assert resent == []  # the waiting build was requested just now: its own dispatch sends it
    assert fresh.status == "queued"


def test_a_restarted_worker_leaves_builds_its_new_processes_started(debate, gold, no_dispatch):
    booted = timezone.now()
    build = map_build_request(debate=debate, reason="x")
    map_build_claim(build_id=build.pk, worker="node-a@host:77")

    map_builds_reconcile(worker_restarted="node-a@host", restarted_at=booted)

    build.refresh_from_db()
    assert (build.status, build.worker) == ("running", "node-a@host:77")


def test_a_restarted_worker_requeues_its_dead_build(debate, gold, no_dispatch):
    build = map_build_request(debate=debate, reason="x")
    map_build_claim(build_id=build.pk, worker="node-a@host:41")

    resent = map_builds_reconcile(worker_restarted="node-a@host", restarted_at=timezone.now())

    build.refresh_from_db()
    assert (build.status, build.message) == ("queued", "Re-queued: its worker restarted")
    assert resent == [build.pk] == no_dispatch


def dead_pid() -> int:
    """Return the pid of a process that has just exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_build_of_a_dead_pool_child_is_taken_over(debate, gold, no_dispatch):
    # The pool child running it was killed: its message comes back at once to a new child of
    # the same node, while the heartbeat is still fresh.
    build = map_build_request(debate=debate, reason="x")
    map_build_claim(build_id=build.pk, worker=f"node-a@host:{dead_pid()}")

    claimed = map_build_claim(build_id=build.pk, worker=f"node-a@host:{os.getpid()}")

    assert claimed is not None
    build.refresh_from_db()
    assert (build.status, build.worker, build.attempts) == (
        "running",
        f"node-a@host:{os.getpid()}",
        2,
    )


def test_a_build_of_a_live_process_or_another_node_is_left_to_it(debate, gold, no_dispatch):
    build = map_build_request(debate=debate, reason="x")
    live = f"node-a@host:{os.getpid()}"
    map_build_claim(build_id=build.pk, worker=live)

    # A sibling of the live process, and a process of another node whose pid is gone here.
    assert map_build_claim(build_id=build.pk, worker=f"node-a@host:{dead_pid()}") is None
    MapBuild.objects.filter(pk=build.pk).update(worker=f"node-b@host:{dead_pid()}")
    assert map_build_claim(build_id=build.pk, worker=live) is None

    build.refresh_from_db()
    assert (build.status, build.attempts) == ("running", 1)


def test_a_request_survives_a_broker_that_is_down(
    debate, gold, monkeypatch, django_capture_on_commit_callbacks
):
    from maps.tasks import build_argument_map

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(build_argument_map, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        build = map_build_request(debate=debate, reason="gold changed")

    build.refresh_from_db()
    assert (build.status, build.dispatched_at) == ("queued", None)
    monkeypatch.undo()

    assert map_builds_reconcile() == []  # within the grace period its own dispatch may land
    MapBuild.objects.filter(pk=build.pk).update(requested_at=timezone.now() - timedelta(seconds=11))
    assert map_builds_reconcile() == [build.pk]  # Redis is back: the eager task runs it now
    build.refresh_from_db()
    assert build.status == "done"
    assert MapVersion.objects.count() == 1


def test_the_stored_graph_is_the_map_json_of_the_gold_layer(debate, gold, no_dispatch):
    from maps.builder import (
        EmbeddingTable,
        WordLlamaEncoder,
        build_map,
        map_to_json,
        merge_similarity,
    )
    from maps.gold import gold_map_input

    outcome = map_build_run(build_id=map_build_request(debate=debate, reason="x").pk, worker="w:1")

    # Built with the debate's merge method, its vectors encoded afresh (no stored ones).
    similarity = merge_similarity(debate.merge_method, EmbeddingTable(WordLlamaEncoder()))
    expected = map_to_json(build_map(gold_map_input(debate=debate), similarity=similarity))
    version = MapVersion.objects.get(pk=outcome.version_id)
    assert map_version_graph_bytes(version=version).decode() == expected


def test_storing_an_input_stored_meanwhile_returns_that_version(debate, gold, no_dispatch):
    from maps.builder import build_map, input_hash
    from maps.gold import gold_map_input

    data = gold_map_input(debate=debate)
    digest = input_hash(data)
    graph = build_map(data, known_input_hash=digest)
    first, created = map_version_store(debate=debate, digest=digest, graph=graph, document_count=2)

    again, created_again = map_version_store(
        debate=debate, digest=digest, graph=graph, document_count=2
    )

    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert (first.argument_count, first.source_count, first.document_count) == (2, 2, 2)
    assert MapVersion.objects.count() == 1


def test_an_unchanged_input_never_reads_a_stored_graph(debate, gold, no_dispatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    map_build_run(build_id=map_build_request(debate=debate, reason="x").pk, worker="w:1")
    again = map_build_request(debate=debate, reason="nothing changed")

    with CaptureQueriesContext(connection) as queries:
        outcome = map_build_run(build_id=again.pk, worker="w:1")

    assert outcome.reused is True
    reads = [q["sql"] for q in queries if "maps_mapversion" in q["sql"]]
    assert len(reads) == 1
    assert "graph_json" not in reads[0] and "chunks" not in reads[0]


def test_the_gold_layer_reads_every_field_of_each_gold_span(debate, gold, no_dispatch):
    from maps.builder import GoldSpan
    from maps.gold import gold_map_input

    data = gold_map_input(debate=debate)

    assert data.spans == [
        GoldSpan(
            id=span.pk,
            document_id=span.document_id,
            start=0,
            end=len(text),
            quote=text,
            stance=stance,
            role="claim",
            actor_id=span.actor_id,
        )
        for span, text, stance in zip(gold, (TEXT_A, TEXT_B), ("contra", "pro"), strict=True)
    ]


def test_the_job_keeps_the_collector_off_until_done_and_freezes_what_it_leaves(
    debate, gold, no_dispatch, monkeypatch
):
    import gc
    from types import SimpleNamespace

    collector_on_at = []

    def now():
        collector_on_at.append(gc.isenabled())
        return timezone.now()

    # Steps and "done" are written by the services, progress and heartbeats by maps.heartbeat.
    monkeypatch.setattr(map_services, "timezone", SimpleNamespace(now=now))
    monkeypatch.setattr(map_heartbeat, "timezone", SimpleNamespace(now=now))
    build = map_build_request(debate=debate, reason="x")
    gc.unfreeze()
    try:
        outcome = map_build_run(build_id=build.pk, worker="w:1")

        assert outcome.status == "done"
        # Claimed with the collector on; every progress write and the "done" write with it off.
        assert collector_on_at[0] is True
        assert collector_on_at == sorted(collector_on_at, reverse=True)
        assert collector_on_at.count(False) >= 4  # three steps and "done"
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _run_a_build_whose_gold_read_is_slow(monkeypatch, build_id: int, seconds: float):
    """Start ``map_build_run`` in a thread whose gold-layer read takes ``seconds`` and reports
    nothing meanwhile; return the thread and the list its outcome is put in."""
    read = gold_module.gold_map_input

    def slow_read(**kwargs):
        time.sleep(seconds)
        return read(**kwargs)

    monkeypatch.setattr(gold_module, "gold_map_input", slow_read)
    outcomes = []

    def run():
        try:
            outcomes.append(map_build_run(build_id=build_id, worker="slow:1"))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcomes


@pytest.mark.django_db(transaction=True)
def test_a_long_silent_phase_keeps_its_build_from_being_taken_over(
    debate, gold, no_dispatch, settings, monkeypatch
):
    # Stale after 1 s; the gold read alone takes 2 s and reports no progress.
    settings.MAP_BUILD_STALE_SECONDS = 1
    build = map_build_request(debate=debate, reason="x")
    thread, outcomes = _run_a_build_whose_gold_read_is_slow(monkeypatch, build.pk, 2.0)
    time.sleep(1.5)  # past the stale delay since the claim, inside the silent read

    taken = map_build_claim(build_id=build.pk, worker="other:2")
    beat_age = timezone.now() - MapBuild.objects.get(pk=build.pk).heartbeat_at
    thread.join(timeout=30)

    assert taken is None
    assert beat_age < timedelta(seconds=1)
    build.refresh_from_db()
    assert (outcomes[0].status, build.worker, build.attempts) == ("done", "slow:1", 1)
    assert MapVersion.objects.filter(debate=debate).count() == 1


@pytest.mark.django_db(transaction=True)
def test_without_the_heartbeat_the_same_silent_phase_would_lose_its_build(
    debate, gold, no_dispatch, settings, monkeypatch
):
    # The control for the test above: the only difference is the beat.
    settings.MAP_BUILD_STALE_SECONDS = 1
    monkeypatch.setattr(map_services, "heartbeat", lambda build, worker: nullcontext())
    build = map_build_request(debate=debate, reason="x")
    thread, outcomes = _run_a_build_whose_gold_read_is_slow(monkeypatch, build.pk, 2.0)
    time.sleep(1.5)

    taken = map_build_claim(build_id=build.pk, worker="other:2")
    thread.join(timeout=30)

    assert taken is not None and taken.worker == "other:2"
    build.refresh_from_db()
    assert (build.worker, build.attempts) == ("other:2", 2)
    # ...while the first worker went on building it: the same build twice at once.
    assert outcomes[0].status == "done"


def test_a_rebuild_stores_only_the_chunks_no_version_holds(debate, no_dispatch):
    from dataclasses import replace

    from bench.map_build_bench import generate
    from maps.builder import BuildCache, build_map, map_to_json_bytes
    from maps.models import MapChunk

    data, _ = generate(spans=3_000, documents=300, arguments=100, actors=20, seed=3)
    last = data.spans[-1]
    more = replace(
        data,
        spans=[
            *data.spans,
            replace(last, id=10_000, start=last.end + 1, end=last.end + 1 + len(last.quote)),
        ],
    )
    cache = BuildCache()
    first_map, second_map = build_map(data, cache=cache), build_map(more, cache=cache)

    first, created = map_version_store(
        debate=debate, digest="a" * 64, graph=first_map, document_count=300
    )
    chunks_after_first = MapChunk.objects.count()
    second, _ = map_version_store(
        debate=debate, digest="b" * 64, graph=second_map, document_count=300
    )

    assert created is True
    first, second = MapVersion.objects.get(pk=first.pk), MapVersion.objects.get(pk=second.pk)
    assert map_version_graph_bytes(version=first) == map_to_json_bytes(first_map)
    assert map_version_graph_bytes(version=second) == map_to_json_bytes(second_map)
    assert first.graph_json == second.graph_json == ""
    assert chunks_after_first == len(set(first.chunks)) > 10
    new = set(second.chunks) - set(first.chunks)
    # One more span touches its argument, actor, edges and strengths: a few chunks, not the
    # rest of the map behind them (3 of 1,015 at 100,000 spans).
    assert (len(new), len(second.chunks)) == (6, 29)
    assert MapChunk.objects.count() == chunks_after_first + len(new)


@pytest.mark.parametrize(
    ("limit", "spans", "kept"), [(0, 10_000_000, True), (5, 5, True), (5, 6, False)]
)
def test_a_build_keeps_the_worker_s_cache_up_to_the_span_limit(
    settings, monkeypatch, limit, spans, kept
):
    from maps.builder import BuildCache, Memo

    calls: list[str] = []
    monkeypatch.setattr(map_services, "keep_freed_memory", lambda: calls.append("keep"))
    monkeypatch.setattr(map_services, "return_freed_memory", lambda: calls.append("return"))
    settings.MAP_BUILD_CACHE_MAX_SPANS = limit
    cache = BuildCache()
    memo = Memo(cache, "spans in order")
    memo.keep(None, "the last build's")
    memo.remember()

    found = map_services.build_cache_for(spans=spans, cache=cache)

    assert (found is cache) is kept
    assert len(cache.last("spans in order")) == (1 if kept else 0)
    # The worker keeps freed memory while it keeps a cache, and gives it back without one.
    assert calls == (["keep"] if kept else ["return"])
    assert map_services.build_cache_for(spans=spans, cache=None) is None
    assert len(calls) == 1


def test_a_gold_layer_above_the_limit_empties_the_worker_s_cache(
    debate, gold, no_dispatch, settings, caplog
):
    from maps.builder import BuildCache

    cache = BuildCache()
    settings.MAP_BUILD_CACHE_MAX_SPANS = 2  # the gold layer's two spans
    first = map_build_run(
        build_id=map_build_request(debate=debate, reason="x").pk, worker="w:1", cache=cache
    )
    assert first.status == "done" and len(cache.last("spans in order")) == 1

    settings.MAP_BUILD_CACHE_MAX_SPANS = 1
    MapVersion.objects.all().delete()
    second = map_build_run(
        build_id=map_build_request(debate=debate, reason="y").pk, worker="w:1", cache=cache
    )

    # Built in full, without the cache, which holds nothing afterwards.
    assert second.status == "done" and second.version_id != first.version_id
    assert len(cache.last("spans in order")) == 0
    assert cache.last("stored chunks") == {}
    assert (
        "Building 2 gold spans without the worker's build cache (above "
        "MAP_BUILD_CACHE_MAX_SPANS=1): a rebuild redoes everything"
    ) in caplog.messages
