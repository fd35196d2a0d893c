"""Run the served benchmarks and write docs/BENCHMARKS.md (``make bench``).

    .venv/bin/python bench/run_bench.py                 # full size, about 15 minutes
    .venv/bin/python bench/run_bench.py --scale small   # a quick check, about 3 minutes
    .venv/bin/python bench/run_bench.py --only map_build --reuse-data

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
- semantic_build: bench/semantic_build_bench.py, a full build of a million gold spans (at scale
  full) with semantic merging, every text encoded, in a process of its own: its CPU and peak
  memory against the issue's targets;
- agreement: GET /api/v1/debates/<slug>/agreement/;
- peer: bench/peer_client.py, the workload that compared us with doccano and Label Studio
  (every request on a fresh connection), beside the figures those tools measured;
- export: bench/export_bench.py, when it exists (its own section of docs/BENCHMARKS.md).

Everything it starts it stops, also on failure or Ctrl-C. Each job is a module of
``bench/served/``; this script parses the command line and runs them in order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# Run as a script, Python puts bench/ first on the path; the repository root makes the
# ``bench``, ``config`` and ``tests`` packages importable.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import machine_facts, write_report  # noqa: E402
from bench.served import cpu  # noqa: E402
from bench.served.agreement import bench_agreement  # noqa: E402
from bench.served.common import (  # noqa: E402
    BENCHMARKS,
    PG_URL,
    REDIS_URL,
    RESULTS,
    SCALES,
    WORK,
    BenchError,
    say,
)
from bench.served.database import manage, scenario_data  # noqa: E402
from bench.served.export import bench_export  # noqa: E402
from bench.served.maps import bench_map_build  # noqa: E402
from bench.served.page import bench_annotate_page  # noqa: E402
from bench.served.peer import bench_peer  # noqa: E402
from bench.served.results import LOAD_AT_START  # noqa: E402
from bench.served.semantic import bench_semantic_build  # noqa: E402
from bench.served.services import (  # noqa: E402
    Services,
    check_services,
    start_services,
    stopped_on_exit,
)
from bench.served.spans import bench_span_create, bench_span_read  # noqa: E402


def main() -> None:
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
    parser.add_argument(
        "--agreement-documents",
        type=int,
        help="documents of the agreement scenario instead of the scale's (100000: the issue's "
        "size; give BENCH_GUNICORN_TIMEOUT=1800 for its cold request)",
    )
    options = parser.parse_args()
    sizes = dict(SCALES[options.scale])
    if options.agreement_documents:
        sizes["agreement_documents"] = options.agreement_documents
    chosen = options.only or list(BENCHMARKS)
    began = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)
    check_services()
    facts = machine_facts(database_url=f"{PG_URL}/postgres", redis_url=REDIS_URL)
    # Data of another agreement size is made and kept apart from the scale's own.
    stamp = options.scale
    if options.agreement_documents:
        stamp += f"-agreement-{options.agreement_documents}"
    manifest = scenario_data(stamp, sizes, reuse_data=options.reuse_data, facts=facts)
    manage("collectstatic", "--noinput", "-v0", settings="bench.settings")
    # As the container image does: no measured request or build compiles a kernel.
    manage("warm_kernels", settings="bench.settings")
    services = Services()
    with stopped_on_exit(services):
        facts["services"] = start_services(services)
        worker_pid = facts["services"].pop("worker_pid")
        cpu.watch_server(facts["services"].pop("web_pid"), worker_pid)
        steps = {
            "span_create": lambda: bench_span_create(manifest, sizes, options.scale),
            "span_read": lambda: bench_span_read(manifest, sizes, options.scale),
            "annotate_page": lambda: bench_annotate_page(manifest, sizes, options.scale),
            "map_build": lambda: bench_map_build(manifest, options.scale, worker_pid),
            "semantic_build": lambda: bench_semantic_build(options.scale),
            "agreement": lambda: bench_agreement(manifest, sizes, options.scale),
            "peer": lambda: bench_peer(options.scale),
        }
        for name in chosen:
            if name in steps:
                busy = cpu.wait_until_quiet()
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
