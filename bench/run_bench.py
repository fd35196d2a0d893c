"""Run the served benchmarks and write docs/BENCHMARKS.md (``make bench``).

    .venv/bin/python bench/run_bench.py                 # full size, about 10 minutes
    .venv/bin/python bench/run_bench.py --scale small   # a quick check, about 3 minutes
    .venv/bin/python bench/run_bench.py --only map --reuse-data

The site is served as production serves it: a dedicated PostgreSQL database
(``debatemap_bench``, dropped and made again), migrations, data from the
``generate_bench_scenarios`` command, gunicorn with DJANGO_ENV=production and DEBUG off, and a
Celery worker on Redis (database 9 for the broker, 10 for the cache, so no other worker on
this machine takes the benchmark's tasks). Plain http on 127.0.0.1: SECURE_SSL_REDIRECT=0.

Benchmarks, each writing ``bench/results/<name>.json``:

- span_create: POST /api/v1/documents/<id>/spans/ under wrk, 8 and 32 connections, beside
  the bare endpoint of bench/urls.py on the same gunicorn (the ceiling) and its database
  floor (a creation's database work alone, without DRF);
- span_read: GET of a document's 2,000 spans, one client after another;
- annotate_page: Chromium, from navigation start to ``document.body.dataset.ready``;
- map_build: POST /api/v1/debates/<slug>/maps/ until the build is done, with the worker
  running, then one more review decision (accept + finish) and the rebuild;
- agreement: GET /api/v1/debates/<slug>/agreement/;
- export: bench/export_bench.py, when it exists (its own section of docs/BENCHMARKS.md).

Everything it starts it stops, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import machine_facts, write_report  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results"
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "debatemap_bench")
# Each benchmark database keeps its own logs, manifest and wrk inputs, so engineers running
# the benchmarks side by side (each with BENCH_DATABASE and BENCH_PORT of their own) never
# read one another's scenario or overwrite one another's files.
WORK = ROOT / "var" / ("bench" if DATABASE == "debatemap_bench" else DATABASE)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/10")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
# As docs/DEPLOY.md runs them: 2 x cores + 1 worker processes of GUNICORN_THREADS threads
# ("gthread"). Sync workers were measured blocking in recv() on connections whose client had
# not sent its request yet (wrk reconnects at once after a close, then waits out its delay,
# as a browser's idle connection does): 5 workers, 5 idle clients, and every other request
# queued behind them (paced p95 0.5-0.9 s). gthread workers wait for requests in a poller and
# hand only complete ones to a thread, and keep connections alive.
# BENCH_GUNICORN_WORKERS / BENCH_GUNICORN_THREADS try other shapes (bench/notes/spans4.md).
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))

SCALES: dict[str, dict[str, int]] = {
    "small": {
        "map_spans": 10_000,
        "map_documents": 1_000,
        "agreement_documents": 1_000,
        "wrk_seconds": 5,
        "get_seconds": 5,
        "page_loads": 8,
        "agreement_runs": 3,
    },
    "full": {
        "map_spans": 100_000,
        "map_documents": 10_000,
        "agreement_documents": 10_000,
        "wrk_seconds": 20,
        "get_seconds": 15,
        # 60 warm loads: the p95 of 20 was the second-slowest load, and moved by 60 ms between
        # runs on the same code.
        "page_loads": 60,
        "agreement_runs": 3,
    },
    # Twice the sizes, to see how the map and agreement grow.
    "large": {
        "map_spans": 200_000,
        "map_documents": 20_000,
        "agreement_documents": 20_000,
        "wrk_seconds": 20,
        "get_seconds": 15,
        "page_loads": 60,
        "agreement_runs": 3,
    },
}
PACE_MS = 1000  # about a span a second per annotator: brisk for a person
BENCHMARKS = ("span_create", "span_read", "annotate_page", "map_build", "agreement", "export")


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


def say(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def loud_stop(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\n!!! {message}\n{bar}\n", file=sys.stderr, flush=True)
    raise SystemExit(2)


def percentile(samples: list[float], q: float) -> float:
    """Return the nearest-rank percentile (q in 0..100) of the samples."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil, at least the first
    return ordered[int(rank) - 1]


def figure(name: str, value: float, unit: str, target: float | None, *, higher_is_better=False):
    """Return one result figure with its target and whether it meets it."""
    passed = None
    if target is not None:
        passed = value >= target if higher_is_better else value <= target
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "target": target,
        "target_op": ">=" if higher_is_better else "<=",
        "pass": passed,
    }


def save_result(name: str, scale: str, figures: list[dict], details: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": name,
        "scale": scale,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        # The machine is shared: how busy it was says how far to trust a time.
        "load_average": [LOAD_AT_START.get(name), round(os.getloadavg()[0], 2)],
        "figures": figures,
        "details": details,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for item in figures:
        verdict = {True: "PASS", False: "MISS", None: "info"}[item["pass"]]
        target = "" if item["target"] is None else f" (target {item['target_op']} {item['target']})"
        say(f"  {name}: {item['name']} = {item['value']} {item['unit']}{target} {verdict}")


# --- Services and processes -----------------------------------------------------------------
def check_services() -> None:
    """Stop loudly unless PostgreSQL and Redis answer."""
    try:
        psycopg.connect(f"{PG_URL}/postgres", connect_timeout=3).close()
    except Exception as exc:
        loud_stop(
            f"PostgreSQL does not answer at {PG_URL} ({exc}). `make bench` needs PostgreSQL "
            "and Redis running; start them (or set BENCH_POSTGRES_URL) and run it again."
        )
    redis = urlparse(REDIS_URL)
    try:
        with socket.create_connection((redis.hostname, redis.port or 6379), 3) as conn:
            conn.sendall(b"PING\r\n")
            if not conn.recv(64).startswith(b"+PONG"):
                raise OSError("no PONG")
    except OSError as exc:
        loud_stop(
            f"Redis does not answer at {REDIS_URL} ({exc}). `make bench` needs PostgreSQL and "
            "Redis running; start them (or set BENCH_REDIS_URL) and run it again."
        )
    for tool in ("wrk",):
        if not any((Path(p) / tool).exists() for p in os.environ["PATH"].split(os.pathsep)):
            loud_stop(f"{tool} is not installed: `apt-get install -y {tool}` (make bench does).")


def redis_command(url: str, *words: str) -> bytes:
    parsed = urlparse(url)
    database = (parsed.path or "/0").lstrip("/") or "0"
    with socket.create_connection((parsed.hostname, parsed.port or 6379), 3) as conn:
        for command in (("SELECT", database), words):
            parts = [f"${len(w)}\r\n{w}\r\n" for w in command]
            conn.sendall(f"*{len(command)}\r\n{''.join(parts)}".encode())
            time.sleep(0.05)
        return conn.recv(4096)


def database_url() -> str:
    return f"{PG_URL}/{DATABASE}"


def recreate_database() -> None:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def child_env(settings: str = "config.settings") -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_URL": CACHE_URL,
        "PYTHONUNBUFFERED": "1",
    }


SECRET_KEY = secrets.token_urlsafe(64)


def manage(*args: str, settings: str = "config.settings") -> None:
    command = [sys.executable, "manage.py", *args]
    say("$ " + " ".join(["manage.py", *args]))
    subprocess.run(command, cwd=ROOT, env=child_env(settings), check=True)


class Services:
    """The gunicorn and Celery processes of one run; stopped whatever happens."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], settings: str) -> subprocess.Popen:
        log = (WORK / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=child_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it stops its children
        )
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is not None:
                continue
            say(f"stopping {name} (pid {process.pid})")
            os.killpg(process.pid, signal.SIGTERM)  # warm shutdown for both
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()


def wait_for_log(path: Path, text: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{path.name}: the process exited; see {path}")
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise BenchError(f"{path.name}: no {text!r} after {seconds} s; see {path}")


def wait_for_http(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError("gunicorn exited; see var/bench/gunicorn.log")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise BenchError(f"{url} did not answer 200 within {seconds} s")


def start_services(services: Services) -> dict[str, Any]:
    redis_command(REDIS_URL, "FLUSHDB")  # no message of an earlier run may reach this worker
    redis_command(CACHE_URL, "FLUSHDB")
    worker = services.start(
        "celery",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            "maps,celery",
            "-n",
            "bench@%h",
            # One process, so the rebuild runs where the first build left the builder's caches.
            "--concurrency=1",
            "--loglevel=INFO",
        ],
        "config.settings",
    )
    wait_for_log(WORK / "celery.log", "ready.", worker, 90)
    web = services.start(
        "gunicorn",
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(GUNICORN_THREADS),
            "--timeout",
            "120",
            "--backlog",
            "2048",
        ],
        "bench.settings",
    )
    wait_for_http(f"{BASE}/login/", web, 60)
    return {
        "gunicorn": f"{GUNICORN_WORKERS} gthread workers x {GUNICORN_THREADS} threads, "
        "--timeout 120, bench.settings "
        "(production settings plus the bare endpoint)",
        "celery": "one worker, queues maps and celery, --concurrency=1 (prefork)",
        "worker_pid": worker.pid,
        "web_pid": web.pid,
    }


# --- Benchmarks -----------------------------------------------------------------------------
WEB_PID = 0  # the gunicorn master, set once it runs
WORKER_PID = 0  # the Celery worker's main process
LOAD_AT_START: dict[str, float] = {}  # one-minute load average as each benchmark began


def cpu_busy(seconds: float = 1.0) -> float:
    """Return the share of all cores' time spent busy over the next ``seconds`` (/proc/stat)."""

    def sample() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields), idle

    total_before, idle_before = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else 0.0


def wait_until_quiet(threshold: float = 0.25, limit: float = 60.0) -> float:
    """Wait (at most ``limit`` seconds) until the cores are mostly idle; return the last share.

    A benchmark should not inherit the tail of the one before it (PostgreSQL's autovacuum and
    checkpoint after 14,000 span inserts, a worker still collecting garbage); the machine's
    own other work, if any, is what the load average in the results records.
    """
    deadline = time.monotonic() + limit
    busy = cpu_busy()
    while busy > threshold and time.monotonic() < deadline:
        busy = cpu_busy()
    return busy


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_of(pids: list[int]) -> dict[int, float]:
    """Return the CPU seconds (user + system) each process has used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def _server_processes() -> tuple[list[int], list[int]]:
    """Return the pids of the gunicorn and Celery pool processes, and the database's backends."""
    with psycopg.connect(f"{PG_URL}/postgres") as conn:
        backends = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DATABASE]
            ).fetchall()
        ]
    return _children(WEB_PID) + _children(WORKER_PID), backends


class ServerCpu:
    """CPU time the server spent (gunicorn and Celery processes, PostgreSQL) over a stretch."""

    def __enter__(self) -> ServerCpu:
        self.web, self.db = (_cpu_of(pids) for pids in _server_processes())
        return self

    def __exit__(self, *exc) -> None:
        web, db = (_cpu_of(pids) for pids in _server_processes())
        self.web_seconds = sum(used - self.web.get(pid, 0.0) for pid, used in web.items())
        self.db_seconds = sum(used - self.db.get(pid, 0.0) for pid, used in db.items())


def run_wrk(
    clients_file: Path,
    mode: str,
    connections: int,
    seconds: int,
    threads: int = 2,
    pace_ms: int = 0,
) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk_requests.lua"),
        BASE,
        "--",
        str(clients_file),
        mode,
        secrets.token_hex(4),
        str(pace_ms),
    ]
    with ServerCpu() as cpu:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    if done.stderr.strip():
        say(f"  wrk ({mode}): {done.stderr.strip()[:600]}")
    line = [row for row in done.stdout.splitlines() if row.startswith("{")][-1]
    result = json.loads(line)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["ok"] = result["requests"] - result["bad_status"]
    # Server CPU per answered request: what a request costs, whatever else the machine runs.
    answered = max(result["requests"], 1)
    result["web_cpu_ms"] = 1000 * cpu.web_seconds / answered
    result["db_cpu_ms"] = 1000 * cpu.db_seconds / answered
    return result


def bench_span_create(manifest: dict, sizes: dict[str, int], scale: str) -> None:
    scenario = manifest["spans"]
    clients_file = WORK / "clients.tsv"
    with clients_file.open("w", encoding="utf-8") as out:
        for client in scenario["clients"]:
            payloads = [json.dumps(p, ensure_ascii=True)[:-1] for p in client["payloads"]]
            out.write("\t".join([client["token"], str(client["document"]), *payloads]) + "\n")
    before = count_spans(scenario["debate"])
    seconds = sizes["wrk_seconds"]
    runs: dict[str, dict[str, Any]] = {}
    expected_created = 0
    in_flight = 0  # requests wrk stops waiting for at the end of a run (sent, maybe stored)
    for connections in (8, 32):
        for mode in ("bare", "floor", "spans"):
            warm = run_wrk(clients_file, mode, connections, 2)  # fill caches and connections
            result = run_wrk(clients_file, mode, connections, seconds)
            if mode != "bare":  # the floor writes spans too
                expected_created += warm["ok"] + result["ok"]
                in_flight += 2 * connections
            runs[f"{mode}@{connections}"] = result
            say(
                f"  {mode:5} c={connections:2}: {result['rps']:7.1f} req/s, p50 "
                f"{result['p50_us'] / 1000:.1f} ms, p95 {result['p95_us'] / 1000:.1f} ms, "
                f"{result['bad_status']} non-2xx, "
                f"{result['connect_errors'] + result['read_errors'] + result['timeouts']} errors;"
                f" server CPU {result['web_cpu_ms']:.1f} + {result['db_cpu_ms']:.1f} ms a request"
            )
    # The same 32 annotators at a human pace, each saving a span once a second: the latency a
    # person feels when the server is not saturated.
    paced = run_wrk(clients_file, "spans", 32, seconds, pace_ms=PACE_MS)
    expected_created += paced["ok"]
    in_flight += 32
    runs["spans@32, one a second each"] = paced
    say(
        f"  paced c=32: {paced['rps']:7.1f} req/s, p50 {paced['p50_us'] / 1000:.1f} ms, "
        f"p95 {paced['p95_us'] / 1000:.1f} ms, {paced['bad_status']} non-2xx"
    )
    created = count_spans(scenario["debate"]) - before
    figures = []
    for connections in (8, 32):
        spans, bare = runs[f"spans@{connections}"], runs[f"bare@{connections}"]
        figures += [
            figure(
                f"span creation, {connections} clients: throughput", spans["rps"], "req/s", None
            ),
            figure(f"bare endpoint, {connections} clients: throughput", bare["rps"], "req/s", None),
            figure(
                f"span creation, {connections} clients: share of the bare endpoint",
                100 * spans["rps"] / bare["rps"],
                "%",
                50,
                higher_is_better=True,
            ),
            figure(
                f"span creation, {connections} clients: p50", spans["p50_us"] / 1000, "ms", None
            ),
            figure(f"span creation, {connections} clients: p95", spans["p95_us"] / 1000, "ms", 30),
            figure(f"bare endpoint, {connections} clients: p95", bare["p95_us"] / 1000, "ms", None),
        ]
        floor = runs[f"floor@{connections}"]
        figures.append(
            figure(
                f"database floor (a creation's database work, no DRF), {connections} clients: "
                "share of the bare endpoint",
                100 * floor["rps"] / bare["rps"],
                "%",
                None,
            )
        )
    spans8, bare8, floor8 = runs["spans@8"], runs["bare@8"], runs["floor@8"]
    figures += [
        figure(
            "server CPU per span creation (gunicorn worker + PostgreSQL)",
            spans8["web_cpu_ms"] + spans8["db_cpu_ms"],
            "ms",
            None,
        ),
        figure(
            "server CPU per database-floor request (gunicorn worker + PostgreSQL)",
            floor8["web_cpu_ms"] + floor8["db_cpu_ms"],
            "ms",
            None,
        ),
        figure(
            "server CPU per bare request (gunicorn worker + PostgreSQL)",
            bare8["web_cpu_ms"] + bare8["db_cpu_ms"],
            "ms",
            None,
        ),
    ]
    figures.append(
        figure(
            "span creation, 32 annotators saving once a second each: p95",
            paced["p95_us"] / 1000,
            "ms",
            30,
        )
    )
    failures = sum(
        r["bad_status"] + r["connect_errors"] + r["read_errors"] + r["timeouts"]
        for r in runs.values()
    )
    save_result(
        "span_create",
        scale,
        figures,
        {
            "load_generator": "wrk 4.1 (Debian), 2 threads, bench/wrk_requests.lua",
            "seconds_per_run": seconds,
            "clients": len(scenario["clients"]),
            "runs": runs,
            "spans_created": created,
            "spans_acknowledged": expected_created,
            "failed_requests": failures,
        },
    )
    # Every 201 is a stored span; a few more may be stored from requests still in flight
    # when wrk stopped counting.
    if not expected_created <= created <= expected_created + in_flight:
        raise BenchError(f"{expected_created} spans acknowledged but {created} stored")


def count_spans(slug: str) -> int:
    with psycopg.connect(database_url()) as conn:
        return conn.execute(
            "SELECT count(*) FROM annotations_span s JOIN debate_document d "
            "ON d.id = s.document_id JOIN debate_debate b ON b.id = d.debate_id "
            "WHERE b.slug = %s",
            [slug],
        ).fetchone()[0]


def bench_span_read(manifest: dict, sizes: dict[str, int], scale: str) -> None:
    page = manifest["page"]
    answer = requests.get(
        f"{BASE}/api/v1/documents/{page['document']}/spans/?page_size=5000",
        headers={"Authorization": f"Token {page['token']}"},
        timeout=30,
    )
    answer.raise_for_status()
    body = answer.json()
    if len(body["results"]) != page["spans"] or body["next"]:
        raise BenchError(f"expected {page['spans']} spans in one page, got {len(body['results'])}")
    clients_file = WORK / "reader.tsv"
    clients_file.write_text(f"{page['token']}\t{page['document']}\t{{}}\n", encoding="utf-8")
    run_wrk(clients_file, "get", 1, 2, threads=1)
    result = run_wrk(clients_file, "get", 1, sizes["get_seconds"], threads=1)
    save_result(
        "span_read",
        scale,
        [
            figure("GET 2,000 spans: p50", result["p50_us"] / 1000, "ms", None),
            figure("GET 2,000 spans: p95", result["p95_us"] / 1000, "ms", 50),
            figure(
                "server CPU per GET of 2,000 spans (gunicorn worker + PostgreSQL)",
                result["web_cpu_ms"] + result["db_cpu_ms"],
                "ms",
                None,
            ),
        ],
        {
            "request": "GET /api/v1/documents/<id>/spans/?page_size=5000 (the annotator's layer)",
            "load_generator": "wrk, 1 connection: one request after another",
            "response_bytes": len(answer.content),
            "run": result,
        },
    )


# "ready" is when the page says so (its DOM built); "painted" is after the frame that shows
# it: the style, layout and paint the drawing causes come after the flag, and a person sees
# the page only then. The target is held against the painted time.
READY_PROBE = """
(() => {
  const mark = () => {
    if (window.__benchReady === undefined && document.body
        && document.body.dataset.ready === "true") {
      window.__benchReady = performance.now();
      requestAnimationFrame(() => setTimeout(() => {
        window.__benchPainted = performance.now();
        document.documentElement.dataset.benchPainted = "true";
      }));
    }
  };
  new MutationObserver(mark).observe(document, {
    subtree: true, attributes: true, attributeFilter: ["data-ready"],
  });
})();
"""


def bench_annotate_page(manifest: dict, sizes: dict[str, int], scale: str) -> None:
    from playwright.sync_api import sync_playwright

    page_data = manifest["page"]
    url = f"{BASE}/documents/{page_data['document']}/annotate/"
    samples: list[dict[str, float]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(READY_PROBE)
            page = context.new_page()
            page.goto(f"{BASE}/login/")
            page.fill("input[name=username]", page_data["username"])
            page.fill("input[name=password]", page_data["password"])
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_load_state("load")
            if "/login/" in page.url:
                raise BenchError("Chromium could not log in (see var/bench/login.png)")
            for attempt in range(sizes["page_loads"] + 1):
                page.goto(url, wait_until="commit")
                # A selector wait, not wait_for_function: the page's CSP forbids eval.
                page.wait_for_selector(
                    'html[data-bench-painted="true"]', state="attached", timeout=30_000
                )
                timing = page.evaluate(
                    """() => {
                      const nav = performance.getEntriesByType("navigation")[0];
                      return {ready: window.__benchReady, painted: window.__benchPainted,
                              response_end: nav.responseEnd,
                              dom_content_loaded: nav.domContentLoadedEventEnd,
                              marks: document.querySelectorAll("[data-span-ids], mark").length};
                    }"""
                )
                timing["cold"] = attempt == 0
                samples.append(timing)
            page.screenshot(path=str(WORK / "annotate-2000-spans.png"))
            shown = int(page.locator("#span-count").text_content())
        finally:
            browser.close()
    warm = [s["painted"] for s in samples if not s["cold"]]
    flagged = [s["ready"] for s in samples if not s["cold"]]
    save_result(
        "annotate_page",
        scale,
        [
            figure(
                "annotate page ready and painted (2,000 spans): median",
                statistics.median(warm),
                "ms",
                None,
            ),
            figure(
                "annotate page ready and painted (2,000 spans): p95",
                percentile(warm, 95),
                "ms",
                300,
            ),
            figure(
                "ready flag set (DOM built, before layout): median",
                statistics.median(flagged),
                "ms",
                None,
            ),
            figure("first load, empty cache (painted)", samples[0]["painted"], "ms", None),
        ],
        {
            "browser": "Debian Chromium, headless, through Playwright",
            "measure": "performance.now() in the first task after the animation frame that "
            'follows document.body.dataset.ready turning "true" (a MutationObserver installed '
            "before the page's scripts sees the flag), i.e. from navigation start to the page "
            "drawn on screen; the first load is with an empty cache, the others reuse cached "
            "scripts",
            "loads": len(warm),
            "spans_listed": shown,
            "samples_ms": [round(s["painted"], 1) for s in samples],
            "ready_flag_samples_ms": [round(s["ready"], 1) for s in samples],
            "html_received_ms_median": round(
                statistics.median(s["response_end"] for s in samples[1:]), 1
            ),
            "dom_content_loaded_ms_median": round(
                statistics.median(s["dom_content_loaded"] for s in samples[1:]), 1
            ),
        },
    )


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


def worker_peak_memory(worker_pid: int) -> float | None:
    """Return the peak resident memory of the worker's pool processes, in MB."""
    peak = None
    try:
        children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children").read_text().split()
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    kb = int(line.split()[1])
                    peak = max(peak or 0, kb / 1024)
    except OSError:
        return None
    return peak


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
        forget_maps(conn, scenario["debate"])
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
    say(f"  rebuild {rebuild['seconds']:.1f} s")
    if rebuild["status"] != "done" or rebuild["version"] == first["version"]:
        raise BenchError(f"the rebuild did not make a new version: {rebuild}")
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
                5,
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
            "decision_and_finish_seconds": round(decision_seconds, 3),
            "first": first,
            "rebuild": rebuild,
            "unchanged": unchanged,
            "export_beside_a_build": beside,
            "worker_peak_rss_mb": worker_peak_memory(worker_pid),
        },
    )


def bench_agreement(manifest: dict, sizes: dict[str, int], scale: str) -> None:
    scenario = manifest["agreement"]
    headers = {"Authorization": f"Token {scenario['researcher']['token']}"}
    url = f"{BASE}/api/v1/debates/{scenario['debate']}/agreement/"
    seconds = []
    body = None
    cpu_seconds = []
    for _ in range(sizes["agreement_runs"]):
        started = time.perf_counter()
        with ServerCpu() as cpu:
            answer = requests.get(url, headers=headers, timeout=300)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(cpu.web_seconds + cpu.db_seconds)
        if answer.status_code != 200:
            raise BenchError(f"agreement answered {answer.status_code}: {answer.text[:300]}")
        body = answer.json()
        say(f"  agreement {seconds[-1]:.2f} s")
    label = f"{scenario['documents']:,} documents x {scenario['annotators']} annotators"
    save_result(
        "agreement",
        scale,
        [
            figure(f"debate agreement, {label}: median", statistics.median(seconds), "s", 10),
            figure(f"debate agreement, {label}: slowest", max(seconds), "s", None),
            figure(
                "CPU of one agreement request (gunicorn worker + PostgreSQL), median",
                statistics.median(cpu_seconds),
                "s",
                None,
            ),
        ],
        {
            "request": "GET /api/v1/debates/<slug>/agreement/ (researcher token)",
            "runs_seconds": [round(s, 3) for s in seconds],
            "spans": scenario["spans"],
            "response_bytes": len(answer.content),
            "units": body.get("units") if isinstance(body, dict) else None,
        },
    )


EXPORT_DATABASE = os.environ.get("BENCH_EXPORT_DATABASE", "debatemap_exports_bench")
EXPORT_SIZES = {"small": ("100000", "1"), "full": ("1000000", "3"), "large": ("1000000", "3")}


def bench_export(scale: str) -> None:
    """Run the exports engineer's benchmark; it writes its own section of the document."""
    script = ROOT / "bench" / "export_bench.py"
    if not script.exists():
        say("  bench/export_bench.py does not exist: skipped")
        return
    # Its own database per size, kept between runs: its million spans are made once.
    database = EXPORT_DATABASE if scale != "small" else f"{EXPORT_DATABASE}_small"
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    env = child_env()
    env["DATABASE_URL"] = f"{PG_URL}/{database}"
    spans, runs = EXPORT_SIZES[scale]
    command = [sys.executable, str(script), "--spans", spans, "--runs", runs, "--write-docs"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


# --- Main -----------------------------------------------------------------------------------
@contextmanager
def stopped_on_exit(services: Services):
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        yield services
    finally:
        services.stop()
        signal.signal(signal.SIGTERM, previous)


def main() -> None:
    global WEB_PID, WORKER_PID
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="repeatable")
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="keep the benchmark database of the last run of the same scale (faster reruns; "
        "span creation then adds to it)",
    )
    parser.add_argument("--no-report", action="store_true", help="leave docs/BENCHMARKS.md")
    options = parser.parse_args()
    sizes = SCALES[options.scale]
    chosen = options.only or list(BENCHMARKS)
    began = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)
    check_services()
    facts = machine_facts(database_url=f"{PG_URL}/postgres", redis_url=REDIS_URL)
    manifest_path = WORK / "scenarios.json"
    stamp_path = WORK / "scale"
    reuse = (
        options.reuse_data
        and manifest_path.exists()
        and stamp_path.exists()
        and stamp_path.read_text() == options.scale
    )
    if not reuse:
        say(f"creating database {DATABASE} for scale {options.scale}")
        recreate_database()
        manage("migrate", "--noinput", "-v0")
        started = time.monotonic()
        manage(
            "generate_bench_scenarios",
            "--manifest",
            str(manifest_path),
            "--map-spans",
            str(sizes["map_spans"]),
            "--map-documents",
            str(sizes["map_documents"]),
            "--agreement-documents",
            str(sizes["agreement_documents"]),
            settings="bench.settings",
        )
        facts["data_seconds"] = round(time.monotonic() - started, 1)
        stamp_path.write_text(options.scale)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manage("collectstatic", "--noinput", "-v0", settings="bench.settings")
    services = Services()
    with stopped_on_exit(services):
        facts["services"] = start_services(services)
        worker_pid = facts["services"].pop("worker_pid")
        WEB_PID, WORKER_PID = facts["services"].pop("web_pid"), worker_pid
        steps = {
            "span_create": lambda: bench_span_create(manifest, sizes, options.scale),
            "span_read": lambda: bench_span_read(manifest, sizes, options.scale),
            "annotate_page": lambda: bench_annotate_page(manifest, sizes, options.scale),
            "map_build": lambda: bench_map_build(manifest, options.scale, worker_pid),
            "agreement": lambda: bench_agreement(manifest, sizes, options.scale),
        }
        for name in chosen:
            if name in steps:
                busy = wait_until_quiet()
                say(
                    f"benchmark {name} (load average {os.getloadavg()[0]:.1f}, "
                    f"CPU {busy:.0%} busy over the last second)"
                )
                LOAD_AT_START[name] = round(os.getloadavg()[0], 2)
                steps[name]()
    if "export" in chosen:
        say("benchmark export (bench/export_bench.py)")
        bench_export(options.scale)
    facts["total_seconds"] = round(time.monotonic() - began, 1)
    facts["scale"] = options.scale
    (RESULTS / "machine.json").write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    if not options.no_report:
        path = write_report(RESULTS, ROOT / "docs" / "BENCHMARKS.md")
        say(f"wrote {path.relative_to(ROOT)}")
    say(f"done in {facts['total_seconds'] / 60:.1f} min")


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        print(f"\nBENCHMARK FAILED: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
