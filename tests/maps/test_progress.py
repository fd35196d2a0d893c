"""A running map build reports the builder's progress, throttled to a few writes a second."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps import heartbeat as map_heartbeat
from maps import services as map_services
from maps.builder import build_map
from maps.models import MapBuild
from maps.services import map_build_request, map_build_run

pytestmark = pytest.mark.django_db


def row(pk: int) -> tuple:
    return MapBuild.objects.values_list("status", "progress", "message", "heartbeat_at").get(pk=pk)


def test_progress_message_and_heartbeat_move_while_the_builder_runs(
    debate,
    gold,
    no_dispatch,
    monkeypatch,
):
    monkeypatch.setattr(map_heartbeat, "PROGRESS_INTERVAL_SECONDS", 0)
    seen = []

    def observed_build_map(data, *, progress, **options):
        def spy(fraction, stage):
            progress(fraction, stage)
            seen.append(row(build.pk))

        return build_map(data, progress=spy, **options)

    monkeypatch.setattr(map_services, "build_map", observed_build_map)
    build = map_build_request(debate=debate, reason="x")

    map_build_run(build_id=build.pk, worker="w:1")

    assert [status for status, *_ in seen] == ["running"] * len(seen)
    percents = [percent for _, percent, _, _ in seen]
    assert percents == sorted(percents)
    assert percents[0] == 15 and percents[-1] == 85
    assert len(set(percents)) >= 4  # it moves, not only jumps at the end
    assert all(message.startswith("Building from 2 gold spans: ") for _, _, message, _ in seen)
    assert seen[-1][2] == "Building from 2 gold spans: done"
    beats = [beat for *_, beat in seen]
    assert beats == sorted(beats)
    assert row(build.pk)[:2] == ("done", 100)


def test_progress_writes_are_throttled_to_two_a_second(
    debate,
    gold,
    no_dispatch,
    monkeypatch,
):
    clock = SimpleNamespace(now=0.0)
    monkeypatch.setattr(map_heartbeat, "time", SimpleNamespace(monotonic=lambda: clock.now))

    def chatty_build_map(data, *, progress, **options):
        # 100 callbacks over 12.5 (fake) seconds: one every eighth of a second.
        for tick in range(1, 101):
            clock.now = tick * 0.125
            progress(tick / 100, f"tick {tick}")
        return build_map(data, **options)

    monkeypatch.setattr(map_services, "build_map", chatty_build_map)
    build = map_build_request(debate=debate, reason="x")

    with CaptureQueriesContext(connection) as queries:
        map_build_run(build_id=build.pk, worker="w:1")

    progress_writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "Building from 2 gold spans: tick" in q["sql"]
    ]
    # Every fourth tick is half a second after the last write: 25 writes, not 100.
    assert len(progress_writes) == 25
    assert row(build.pk)[:2] == ("done", 100)
