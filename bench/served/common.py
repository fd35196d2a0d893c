"""Where the served benchmarks run, how big they are, and how they report progress.

Each setting comes from the environment (``BENCH_*``) with the default ``make bench`` uses.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
# The map scenario's text: made-up words merged lexically (the recorded figures), or English
# claims merged semantically (BENCH_MAP_TEXT=english; bench/scenarios/maps.py).
MAP_TEXT = os.environ.get("BENCH_MAP_TEXT", "syllables")
BASE = f"http://127.0.0.1:{PORT}"
# As docs/DEPLOY.md runs them: 2 x cores + 1 worker processes of GUNICORN_THREADS threads
# ("gthread"). A gthread worker waits for requests in a poller and hands only complete ones to
# a thread, so a client holding a connection open without sending on it (a browser's idle
# connection, wrk between paced requests) never holds a worker; connections are kept alive.
# BENCH_GUNICORN_WORKERS / BENCH_GUNICORN_THREADS try other shapes (bench/notes/spans4.md).
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
# A cold agreement count of 100,000 documents takes longer than the 120 s a request may take
# in production; BENCH_GUNICORN_TIMEOUT lets that run measure it.
GUNICORN_TIMEOUT = int(os.environ.get("BENCH_GUNICORN_TIMEOUT", "120"))

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
        # Enough warm loads that the p95 is not one slow load (bench/notes/page3.md).
        "page_loads": 60,
        "agreement_runs": 3,
    },
    # Twice the full sizes, to see how the map and agreement grow.
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
BENCHMARKS = (
    "span_create",
    "span_read",
    "annotate_page",
    "map_build",
    "semantic_build",
    "agreement",
    "peer",
    "export",
)


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


def say(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def loud_stop(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\n!!! {message}\n{bar}\n", file=sys.stderr, flush=True)
    raise SystemExit(2)


def database_url() -> str:
    return f"{PG_URL}/{DATABASE}"
