"""peer: the workload that compared Debatemap with doccano and Label Studio, on the served app.

``bench/peer_client.py`` is the client of that comparison: every request on a fresh connection
(``Connection: close``), as a researcher's one-off ``requests.post`` does; 200 documents of
about 3,000 characters imported through the API, 20 spans saved on each (half one request
after another, half from 8 threads), one document fetched with its spans 50 times, and the
export. This job makes the debate it fills (``generate_bench_scenarios --only peer --replace``),
runs the client against the served gunicorn and puts its figures beside the ones the other
tools measured with the same client (``RECORDED``).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import uuid
from typing import Any

from bench import peer_client
from bench.served import cpu
from bench.served.common import BASE, ROOT, WORK, BenchError, say
from bench.served.database import manage
from bench.served.results import figure, save_result
from bench.served.services import child_env

# The comparison's sizes at every scale, so each run compares with the recorded figures.
DOCUMENTS = 200
THREADS = 8
FETCH_REPS = 50  # the client's default
# The one window of 2026-12-06 (2 cores, runs interleaved): Debatemap at efcae63, doccano
# 1.8.4 (gunicorn 5 sync workers + Celery, SQLite), Label Studio CE 1.23.2 (its own server,
# SQLite), each in its recommended single-machine setup, 200 documents x 20 spans, 8 threads.
RECORDED: dict[str, dict[str, str]] = {
    "Debatemap at efcae63": {
        "import": "37-43 docs/s (one POST each)",
        "spans_sequential": "113-127/s, p50 7-8 ms",
        "spans_threads": "214-223/s, p95 67-69 ms",
        "cpu_per_span": "5.2-7.0 ms",
        "fetch": "p50 25-27 ms (2 requests)",
        "export": "0.09-0.10 s, streamed",
    },
    "doccano 1.8.4": {
        "import": "251 docs/s (file upload)",
        "spans_sequential": "57/s, p50 17 ms",
        "spans_threads": "81/s, p95 143 ms",
        "cpu_per_span": "16.7 ms",
        "fetch": "p50 25 ms (2 requests)",
        "export": "1.45 s (Celery job)",
    },
    "Label Studio 1.23.2": {
        "import": "1,990 docs/s (JSON list)",
        "spans_sequential": "14/s, p50 71 ms",
        "spans_threads": "9/s, p95 1,494 ms",
        "cpu_per_span": "62.5 ms",
        "fetch": "p50 157 ms",
        "export": "2.64 s",
    },
}


def bench_peer(scale: str) -> None:
    """Run the peer client against the served app and save its figures beside the peers'."""
    manifest_path = WORK / "peer.json"
    manage(
        "generate_bench_scenarios",
        "--only",
        "peer",
        "--replace",
        "--manifest",
        str(manifest_path),
        settings="bench.settings",
    )
    scenario = json.loads(manifest_path.read_text(encoding="utf-8"))["peer"]
    out = WORK / "peer_client.json"
    out.unlink(missing_ok=True)
    command = [
        sys.executable,
        str(ROOT / "bench" / "peer_client.py"),
        "--peer",
        "debatemap",
        "--base-url",
        BASE,
        "--token",
        scenario["annotator"]["token"],
        "--server-pid",
        f"web={cpu.WEB_PID}",
        "--docs",
        str(DOCUMENTS),
        "--threads",
        str(THREADS),
        "--out",
        str(out),
        "--export-dir",
        str(WORK / "peer_exports"),
    ]
    environment = {
        **child_env(),
        "DEBATEMAP_DEBATE": scenario["debate"],
        "DEBATEMAP_MANAGER_TOKEN": scenario["manager"]["token"],
    }
    with cpu.ServerCpu() as used:
        done = subprocess.run(
            command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False
        )
    (WORK / "peer_client.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0 or not out.exists():
        raise BenchError(f"bench/peer_client.py failed; see {WORK / 'peer_client.log'}")
    run = json.loads(out.read_text(encoding="utf-8"))["runs"][-1]
    floors = measured_floors(scenario)
    save_peer_result(run, scale, database_cpu_seconds=used.db_seconds, floors=floors)


class FloorAdapter(peer_client.Adapter):
    """The client's requests sent to the endpoints of bench/urls.py: same client, same bodies.

    ``/bench/bare/`` answers the body with no authentication or database work (what Django and
    gunicorn cost); ``/bench/floor/<id>/`` does a save's database work and nothing else (a
    fresh ``client_id`` goes with each, which its insert needs); ``/bench/fetch-floor/<id>/``
    and ``/bench/import-floor/<slug>/`` do a fetch's reads and an import's COPY alone.
    """

    name = "floor"

    def __init__(self, base: str, token: str, path: str):
        super().__init__(base, token)
        self.path = path

    def fetch(self, doc_id: int) -> None:
        self.req("GET", f"/bench/fetch-floor/{doc_id}/")

    def import_floor(self, slug: str, manager_token: str, texts: list[str]) -> None:
        # A line more at each text's end: the client's import stored these texts already.
        body = [
            {"title": f"floor {i}", "text": f"{text}\n.", "source": "bench"}
            for i, text in enumerate(texts)
        ]
        headers = {"Authorization": f"Token {manager_token}"}
        self.req("POST", f"/bench/import-floor/{slug}/", json=body, headers=headers)

    def create_span(self, doc_id, text, s, e, label) -> None:
        body = {
            "start": s,
            "end": e,
            "quote": text[s:e],
            "stance": peer_client.Debatemap.STANCE[label],
            "role": "claim",
            "client_id": uuid.uuid4().hex,
        }
        self.req("POST", self.path.format(document=doc_id), json=body)


def measured_floors(scenario: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the client's phases run against the bare endpoint and the floors.

    The same documents, offsets and threads as the client's own run (its generator, its seed),
    each request on a fresh connection: the span saves against the bare endpoint and the
    database floor, the fetch of the same document 50 times against the fetch floor, and the
    same 200 texts against the import floor; what no implementation can go below here.
    """
    os.environ.update(
        DEBATEMAP_DEBATE=scenario["debate"], DEBATEMAP_MANAGER_TOKEN=scenario["manager"]["token"]
    )
    token = scenario["annotator"]["token"]
    seed, documents, spans_per_document = 20240601, DOCUMENTS, 20  # the client's defaults
    rng = random.Random(seed)
    texts = [peer_client.make_doc(rng, i) for i in range(documents)]
    spans = [
        peer_client.make_spans(text, random.Random(seed * 7919 + i), spans_per_document)
        for i, text in enumerate(texts)
    ]
    deadline = peer_client.Deadline(900, "floors")
    ids = peer_client.Debatemap(BASE, token).doc_ids(documents, deadline)
    work = list(zip(ids, texts, spans, strict=True))
    half = len(work) // 2
    floors = {}
    for name, path in (("bare", "/bench/bare/"), ("floor", "/bench/floor/{document}/")):
        adapter = FloorAdapter(BASE, token, path)
        for phase, items, threads in (("sequential", work[:half], 1), ("threads", work[half:], 8)):
            busy = cpu.wait_until_quiet()
            before = peer_client.cpu_seconds(peer_client.process_tree([cpu.WEB_PID]))
            with cpu.ServerCpu() as used:
                result = peer_client.run_spans(adapter, items, threads, deadline)
            web = peer_client.cpu_seconds(peer_client.process_tree([cpu.WEB_PID])) - before
            if result["errors"] or result["timed_out"]:
                raise BenchError(f"{name} ({phase}): {result['error_samples']}")
            result["server_cpu_s"] = round(web, 2)
            result["database_cpu_s"] = round(used.db_seconds, 2)
            result["cpu_busy_before"] = round(busy, 2)
            floors[f"{name} {phase}"] = result
            say(
                f"  peer {name} {phase}: {result['throughput_per_s']}/s, p50 {result['p50_ms']} "
                f"ms; gunicorn CPU {1000 * web / result['ok']:.2f} ms a request"
            )
    adapter = FloorAdapter(BASE, token, "")
    target = ids[half // 2]  # the document the client fetches
    for _ in range(3):  # warm-up, not counted, as the client does
        adapter.fetch(target)
    cpu.wait_until_quiet()
    latencies = []
    for _ in range(FETCH_REPS):
        started = time.perf_counter()
        adapter.fetch(target)
        latencies.append(time.perf_counter() - started)
    floors["fetch floor"] = peer_client.lat_summary(latencies)
    cpu.wait_until_quiet()
    started = time.perf_counter()
    adapter.import_floor(scenario["debate"], scenario["manager"]["token"], texts)
    seconds = time.perf_counter() - started
    floors["import floor"] = {"docs": documents, "docs_per_s": round(documents / seconds, 1)}
    say(
        f"  peer fetch floor: p50 {floors['fetch floor']['p50_ms']} ms; import floor: "
        f"{floors['import floor']['docs_per_s']} docs/s"
    )
    return floors


def save_peer_result(
    run: dict[str, Any],
    scale: str,
    *,
    database_cpu_seconds: float,
    floors: dict[str, dict[str, Any]],
) -> None:
    """Save the client's run as the ``peer`` result: figures with their targets, and the table."""
    phases = run["phases"]
    sequential, threads = phases["c1_spans_sequential"], phases["c2_spans_concurrent"]
    fetch, imported, export = phases["d_fetch_doc"], phases["b_import"], phases["e_export"]
    for name, phase in (("sequential", sequential), ("8 threads", threads)):
        if phase["errors"] or phase["timed_out"]:
            raise BenchError(f"peer span saves ({name}): {phase['error_samples']}")
    if export["exported_spans"] != export["expected_spans"]:
        raise BenchError(
            f"peer export: {export['exported_spans']} spans of {export['expected_spans']} saved"
        )
    web_cpu_ms = 1000 * sequential["server_cpu_s"] / sequential["ok"]
    figures = [
        figure(
            "peer: documents imported",
            imported["docs_per_s"],
            "docs/s",
            10_000,
            higher_is_better=True,
        ),
        figure(
            "peer: span saves, sequential (fresh connections)",
            sequential["throughput_per_s"],
            "req/s",
            280,
            higher_is_better=True,
        ),
        figure(
            f"peer: span saves, {THREADS} threads (fresh connections)",
            threads["throughput_per_s"],
            "req/s",
            400,
            higher_is_better=True,
        ),
        figure("peer: gunicorn CPU per span saved, sequential", web_cpu_ms, "ms", None),
        figure("peer: fetch a document with its spans: p50", fetch["p50_ms"], "ms", 5),
        figure("peer: export of every span", export["wall_s"], "s", None),
    ]
    for name in ("bare", "floor"):
        what = {"bare": "bare endpoint", "floor": "database floor of a save"}[name]
        figures += [
            figure(
                f"peer: {what}, sequential (fresh connections)",
                floors[f"{name} sequential"]["throughput_per_s"],
                "req/s",
                None,
            ),
            figure(
                f"peer: {what}, {THREADS} threads (fresh connections)",
                floors[f"{name} threads"]["throughput_per_s"],
                "req/s",
                None,
            ),
        ]
    figures += [
        figure(
            "peer: fetch floor (the reads and the JSON, no DRF): p50",
            floors["fetch floor"]["p50_ms"],
            "ms",
            None,
        ),
        figure(
            "peer: import floor (COPY as sent, no normalisation)",
            floors["import floor"]["docs_per_s"],
            "docs/s",
            None,
        ),
    ]
    save_result(
        "peer",
        scale,
        figures,
        {
            "client": "bench/peer_client.py --peer debatemap, Connection: close",
            "documents": run["params"]["docs"],
            "spans_per_document": run["params"]["spans_per_doc"],
            "threads": run["params"]["threads"],
            "import_api": imported.get("api", "?"),
            "fetch_api": fetch.get("api", "?"),
            "phases": phases,
            "server_after": run.get("tree_after"),
            "database_cpu_seconds_whole_run": round(database_cpu_seconds, 2),
            "recorded": RECORDED,
            "floors": floors,
        },
    )
    say(f"  peer: import through {imported.get('api')}; fetch through {fetch.get('api')}")
