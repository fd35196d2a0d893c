"""map_build: a first build, the rebuild after one more decision, and an export beside a build.

All through the API, with the Celery worker running the builds.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any
from urllib.parse import urljoin

import psycopg
import requests

from bench.served.common import BASE, BenchError, database_url, say
from bench.served.cpu import ServerCpu, worker_peak_memory
from bench.served.results import figure, save_result


def _poll_build(session: requests.Session, url: str, started: float) -> dict[str, Any]:
    while True:
        build = session.get(url, timeout=30).json()
        if build["status"] in ("done", "failed"):
            build["seconds"] = time.perf_counter() - started
            return build
        if time.perf_counter() - started > 15 * 60:
            raise BenchError(f"map build {build['id']} still {build['status']} after 15 min")
        time.sleep(0.05)


def request_map(session: requests.Session, slug: str, reason: str) -> dict[str, Any]:
    started = time.perf_counter()
    answer = session.post(f"{BASE}/api/v1/debates/{slug}/maps/", json={"reason": reason})
    if answer.status_code != 202:
        raise BenchError(f"map request answered {answer.status_code}: {answer.text[:300]}")
    build = _poll_build(session, urljoin(BASE, answer.headers["Location"]), started)
    if build["status"] != "done":
        raise BenchError(f"map build failed: {build['error'][:500]}")
    return build


def wait_for_training(session: requests.Session, slug: str) -> dict[str, Any]:
    """Follow the suggestion training that finishing a review asked for until it is done.

    It runs on the maps queue, after the rebuild on the bench's one worker process; a map
    request sent before it ends would wait behind it and time the training, not the map.
    """
    started = time.perf_counter()
    url = f"{BASE}/api/v1/debates/{slug}/suggestions/model/"
    while True:
        training = session.get(url, timeout=30).json()["training"]
        if training is None:
            raise BenchError("finishing the review asked for no suggestion training")
        if training["status"] in ("done", "failed"):
            if training["status"] == "failed":
                raise BenchError(f"the suggestion training failed: {training['error'][:500]}")
            return {**training, "seconds": time.perf_counter() - started}
        if time.perf_counter() - started > 15 * 60:
            raise BenchError(f"suggestion training {training['id']} not done after 15 min")
        time.sleep(0.2)


def forget_maps(conn: psycopg.Connection, slug: str) -> int:
    """Delete a debate's map builds and versions, so its next request builds from nothing."""
    debate = conn.execute("SELECT id FROM debate_debate WHERE slug = %s", [slug]).fetchone()[0]
    conn.execute("DELETE FROM maps_mapbuild WHERE debate_id = %s", [debate])
    conn.execute("DELETE FROM maps_mapversion WHERE debate_id = %s", [debate])
    return debate


def reset_map_scenario(scenario: dict) -> None:
    """Undo an earlier run's builds and decision, so a rerun on kept data measures the same."""
    document = scenario["pending_document"]
    with psycopg.connect(database_url()) as conn:
        debate = forget_maps(conn, scenario["debate"])
        # Every run trains a model of its own: one kept from an earlier run would be reused.
        for table in ("suggestions_suggestiontraining", "suggestions_suggestionmodel"):
            conn.execute(f"DELETE FROM {table} WHERE debate_id = %s", [debate])  # noqa: S608
        for table in (
            "annotations_reviewdecision",
            "annotations_documentreview",
            "annotations_spanevent",
        ):
            conn.execute(f"DELETE FROM {table} WHERE document_id = %s", [document])  # noqa: S608
        conn.execute(
            "DELETE FROM annotations_span WHERE document_id = %s AND annotator_id IS NULL",
            [document],
        )
        conn.execute(
            "UPDATE debate_document SET status = 'ready_for_review' WHERE id = %s", [document]
        )


def timed_export(session: requests.Session, slug: str) -> dict[str, Any]:
    """Time a JSON Lines export of the debate's gold layer to its first byte and to its end."""
    started = time.perf_counter()
    url = f"{BASE}/api/v1/debates/{slug}/export/spans/?format=jsonl&layer=gold"
    with session.get(url, stream=True, timeout=600) as answer:
        if answer.status_code != 200:
            raise BenchError(f"export answered {answer.status_code}: {answer.text[:300]}")
        chunks = answer.iter_content(64 * 1024)
        size = len(next(chunks, b""))
        first_byte = time.perf_counter() - started
        for chunk in chunks:
            size += len(chunk)
    return {
        "first_byte_seconds": round(first_byte, 3),
        "seconds": round(time.perf_counter() - started, 3),
        "bytes": size,
    }


def export_during_a_build(session: requests.Session, slug: str) -> dict[str, Any]:
    """Export the debate alone, then again while a full map build of it runs.

    Exports are not Celery tasks (docs/DEPLOY.md): a build should delay one only by sharing
    the machine's cores, never by being ahead of it in a queue.
    """
    alone = timed_export(session, slug)
    with psycopg.connect(database_url()) as conn:
        forget_maps(conn, slug)  # so the build below starts from nothing and runs seconds
    during: dict[str, Any] = {}
    builds_url = f"{BASE}/api/v1/debates/{slug}/maps/"
    exporter = requests.Session()
    exporter.headers.update(session.headers)

    def export_once_the_build_runs() -> None:
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            builds = exporter.get(builds_url, timeout=30).json()["builds"]
            if builds and builds[0]["status"] == "running":
                break
            time.sleep(0.05)
        during.update(timed_export(exporter, slug))
        builds = exporter.get(builds_url, timeout=30).json()["builds"]
        during["build_status_when_done"] = builds[0]["status"]

    thread = threading.Thread(target=export_once_the_build_runs)
    thread.start()
    build = request_map(session, slug, "benchmark: a build beside an export")
    thread.join()
    if during.get("build_status_when_done") != "running":
        say("  the export outlasted the build: its figure is not all beside a build")
    return {"alone": alone, "during_build": during, "build_seconds": build["seconds"]}


def bench_map_build(manifest: dict, scale: str, worker_pid: int) -> None:
    scenario = manifest["map"]
    slug = scenario["debate"]
    reset_map_scenario(scenario)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {scenario['reviewer']['token']}"
    with ServerCpu() as first_cpu:
        first = request_map(session, slug, "benchmark: first build")
    say(f"  first build {first['seconds']:.1f} s")
    # One more decision: the waiting document's only unit accepted, the review finished.
    document = scenario["pending_document"]
    decided = time.perf_counter()
    review = session.get(f"{BASE}/api/v1/documents/{document}/review/", timeout=30)
    unit = review.json()["units"][0]
    answer = session.post(
        f"{BASE}/api/v1/documents/{document}/review/decisions/",
        json={"action": "accept", "unit": unit["key"], "span": unit["spans"][0]["id"]},
        headers={"If-Match": review.headers["ETag"]},
    )
    if answer.status_code != 201:
        raise BenchError(f"decision answered {answer.status_code}: {answer.text[:300]}")
    rebuild_cpu = ServerCpu().__enter__()
    finished = time.perf_counter()
    answer = session.post(
        f"{BASE}/api/v1/documents/{document}/review/finish/",
        json={},
        headers={"If-Match": answer.headers["ETag"]},
    )
    if answer.status_code != 201:
        raise BenchError(f"finish answered {answer.status_code}: {answer.text[:300]}")
    decision_seconds = time.perf_counter() - decided
    # Finishing a review asks for a new map itself; follow that build. Without one, ask.
    builds = session.get(f"{BASE}/api/v1/debates/{slug}/maps/", timeout=30).json()["builds"]
    triggered = [build for build in builds if build["id"] > first["id"]]
    if triggered:
        rebuild = _poll_build(session, urljoin(BASE, triggered[0]["url"]), finished)
    else:
        rebuild = request_map(session, slug, "benchmark: after one more decision")
    rebuild_cpu.__exit__()
    rebuild["requested_by_finish"] = bool(triggered)
    for build, cpu in ((first, first_cpu), (rebuild, rebuild_cpu)):
        build["server_cpu_seconds"] = round(cpu.web_seconds, 2)
        build["database_cpu_seconds"] = round(cpu.db_seconds, 2)
        build["worker_cpu_seconds"] = round(cpu.worker_seconds, 2)
    say(
        f"  rebuild {rebuild['seconds']:.2f} s, CPU {rebuild['server_cpu_seconds']:.2f} s web and "
        f"worker (of it the worker {rebuild['worker_cpu_seconds']:.2f} s) + "
        f"{rebuild['database_cpu_seconds']:.2f} s PostgreSQL "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    if rebuild["status"] != "done" or rebuild["version"] == first["version"]:
        raise BenchError(f"the rebuild did not make a new version: {rebuild}")
    training = wait_for_training(session, slug)
    say(
        f"  suggestion training after the rebuild {training['seconds']:.1f} s: "
        f"{training['message']}"
    )
    unchanged = request_map(session, slug, "benchmark: nothing changed")
    beside = export_during_a_build(session, slug)
    say(
        f"  gold export alone {beside['alone']['seconds']:.2f} s, beside a build "
        f"{beside['during_build']['seconds']:.2f} s (first byte "
        f"{beside['alone']['first_byte_seconds'] * 1000:.0f} / "
        f"{beside['during_build']['first_byte_seconds'] * 1000:.0f} ms)"
    )
    save_result(
        "map_build",
        scale,
        [
            figure(
                f"map build, {scenario['gold_spans']:,} gold spans / "
                f"{scenario['documents']:,} documents (request to version stored)",
                first["seconds"],
                "s",
                60,
            ),
            figure(
                "rebuild after one more decision (finishing the review to version stored)",
                rebuild["seconds"],
                "s",
                1,
            ),
            figure(
                "suggestion training the finish asked for, after the rebuild on the same worker "
                f"({training['message']})",
                training["seconds"],
                "s",
                None,
            ),
            figure(
                "request again, input unchanged (version kept)", unchanged["seconds"], "s", None
            ),
            figure(
                "gold-layer export (JSON Lines) while a full build of the same debate runs: "
                "time to its first byte",
                1000 * beside["during_build"]["first_byte_seconds"],
                "ms",
                None,
            ),
            figure(
                "the same export alone: time to its first byte",
                1000 * beside["alone"]["first_byte_seconds"],
                "ms",
                None,
            ),
            figure(
                "CPU of the rebuild (worker and web processes + PostgreSQL)",
                rebuild["server_cpu_seconds"] + rebuild["database_cpu_seconds"],
                "s",
                None,
            ),
        ],
        {
            "path": "POST /api/v1/debates/<slug>/maps/ (202) -> Celery worker -> MapVersion; "
            "the client polls GET /api/v1/map-builds/<id>/ every 50 ms until done. The rebuild "
            "is the build that finishing the review asks for itself, timed from the finish "
            "request",
            "gold_spans": scenario["gold_spans"],
            "gold_relations": scenario["gold_relations"],
            "documents": scenario["documents"],
            "text": scenario.get("text", "syllables"),
            "merge_method": scenario.get("merge_method", "lexical"),
            "decision_and_finish_seconds": round(decision_seconds, 3),
            "first": first,
            "rebuild": rebuild,
            "unchanged": unchanged,
            "export_beside_a_build": beside,
            "worker_peak_rss_mb": worker_peak_memory(worker_pid),
        },
    )
