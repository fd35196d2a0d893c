"""Export a million spans as JSON Lines through gunicorn, beside PostgreSQL's own COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/debatemap_exports_bench \\
        .venv/bin/python bench/export_bench.py --spans 1000000 --runs 3 --write-docs

Target: peak RSS of the exporting process under 150 MB, and the export within 3x
of the time PostgreSQL takes to ``COPY (SELECT ...) TO STDOUT`` the same rows. The data are
made once by ``manage.py generate_bench_data`` (kept between runs; ``--regenerate`` makes them
again). The export is served the way production serves it: gunicorn (port 8774), one sync
worker, ``DJANGO_ENV=production``, warmed by an export of one document (a fresh worker
imports the views on its first request). The worker's peak RSS is the kernel's high-water
mark (VmHWM), reset before each run, and its CPU time is read from /proc.

Both sides are read the same way, by a C client whose output a pipe reader with 1 MiB reads
counts and throws away: the export by ``curl``, COPY by ``psql``. (Reading 588 MiB of HTTP
in Python on the same two cores cost seconds of its own and was half the measured time.)
COPY gets the export's own span query (same filters, columns and order) and its relation
query, in one psql session. Runs alternate between COPY and the export so both see the same
machine load; the best and median of each are reported.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from annotations.exports.selectors import (  # noqa: E402
    ExportFilters,
    export_relation_queryset,
    export_span_queryset,
)
from annotations.models import Span  # noqa: E402
from bench.scenarios.common import bench_token  # noqa: E402
from core.db import is_postgresql  # noqa: E402
from debate.models import Debate  # noqa: E402

SLUG = "bench-export"
# What profiling found and what was changed, kept beside the script and written with the
# figures: a re-run replaces the figures, never the findings.
NOTES = Path(__file__).with_name("export_bench_notes.md")
DOCS = ROOT / "docs" / "BENCHMARKS.md"
SECTION = "## Exports"


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0].split(" on ")[0].removeprefix("PostgreSQL ")
    import psycopg

    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{int(memory[1]) / 2**20:.1f} GiB" if memory else "unknown",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "psycopg": psycopg.__version__,
        "PostgreSQL": postgres,
        "Debatemap": settings.DEBATEMAP_VERSION,
    }


def ensure_data(spans: int, regenerate: bool) -> Debate:
    call_command("migrate", verbosity=0)
    debate = Debate.objects.filter(slug=SLUG).first()
    have = Span.objects.filter(document__debate=debate).count() if debate else 0
    if regenerate or have != spans:
        print(f"Generating {spans} spans (had {have})...", flush=True)
        call_command("generate_bench_data", "--spans", str(spans), "--slug", SLUG, "--replace")
        debate = Debate.objects.get(slug=SLUG)
    return debate


PORT = 8774
READ_BYTES = 1 << 20


def drain(process: subprocess.Popen, began: float) -> dict[str, float]:
    """Read a client's output to the end, counting bytes and lines; return times and sizes."""
    first_byte = None
    size = lines = 0
    while block := process.stdout.read1(READ_BYTES):
        if first_byte is None:
            first_byte = time.perf_counter() - began
        size += len(block)
        lines += block.count(b"\n")
    seconds = time.perf_counter() - began
    if process.wait() != 0:
        raise SystemExit(f"{process.args[0]} failed: {process.stderr.read()[:500]!r}")
    return {"seconds": seconds, "first_byte": first_byte or seconds, "bytes": size, "lines": lines}


def copy_run(debate: Debate) -> dict[str, float]:
    """Return the time and bytes of psql's COPY of the export's span and relation queries."""
    filters = ExportFilters()
    commands = []
    with connection.cursor() as cursor:
        for queryset in (
            export_span_queryset(debate=debate, filters=filters),
            export_relation_queryset(debate=debate, filters=filters),
        ):
            sql, params = queryset.query.sql_with_params()
            query = cursor.cursor.mogrify(sql, params)
            commands += ["-c", f"COPY ({query}) TO STDOUT"]
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGHOST": str(database["HOST"] or ""),
        "PGPORT": str(database["PORT"] or ""),
        "PGUSER": str(database["USER"] or ""),
        "PGPASSWORD": str(database["PASSWORD"] or ""),
        "PGDATABASE": str(database["NAME"]),
    }
    began = time.perf_counter()
    process = subprocess.Popen(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *commands],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    return drain(process, began)


def start_gunicorn(port: int) -> subprocess.Popen:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise SystemExit(
                f"Port {port} is taken: is another export benchmark running?"
            ) from None
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "1800",  # a sync worker streaming a long export must not be taken for hung
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if not children:
        raise SystemExit("no gunicorn worker")
    return int(children[0])


def vm_kib(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB$", status, re.MULTILINE)[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def export_run(port: int, token: str, pid: int, query: str = "") -> dict[str, float]:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    cpu = cpu_seconds(pid)
    began = time.perf_counter()
    process = subprocess.Popen(
        [
            "curl",
            "--silent",
            "--show-error",
            "--fail",
            "--no-buffer",
            "--header",
            f"Authorization: Token {token}",
            f"http://127.0.0.1:{port}/api/v1/debates/{SLUG}/export/spans/?format=jsonl{query}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    result = drain(process, began)
    result["peak_rss_mib"] = vm_kib(pid, "VmHWM") / 1024
    result["worker_cpu"] = cpu_seconds(pid) - cpu
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--write-docs", action="store_true", help=f"update {DOCS}")
    args = parser.parse_args()
    if not is_postgresql(connection):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database: COPY is the yardstick.")
    debate = ensure_data(args.spans, args.regenerate)
    researcher = debate.memberships.get(role="researcher").user
    token = bench_token(researcher)
    load_before = os.getloadavg()
    port = PORT
    server = start_gunicorn(port)
    try:
        pid = worker_pid(server.pid)
        # A worker imports the views on its first request (about a second on the loaded
        # machine): one export of a single document first, as a running server has done.
        first_document = debate.documents.order_by("id").values_list("id", flat=True)[0]
        export_run(port, token, pid, query=f"&documents={first_document}")
        idle_rss = vm_kib(pid, "VmRSS") / 1024
        copies, exports = [], []
        for run in range(args.runs):
            copy = copy_run(debate)
            copies.append(copy["seconds"])
            result = export_run(port, token, pid)
            exports.append(result)
            print(
                f"run {run + 1}: COPY {copy['seconds']:.2f} s ({copy['bytes'] / 2**20:.0f} MiB); "
                f"export {result['seconds']:.2f} s, first byte "
                f"{result['first_byte'] * 1000:.0f} ms, {result['bytes'] / 2**20:.0f} MiB, "
                f"{result['lines']} lines, worker CPU {result['worker_cpu']:.2f} s, "
                f"peak RSS {result['peak_rss_mib']:.0f} MiB",
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    load_after = os.getloadavg()
    best = min(exports, key=lambda result: result["seconds"])
    figures = {
        "spans": args.spans,
        "copy_best": min(copies),
        "copy_median": statistics.median(copies),
        "export_best": best["seconds"],
        "export_median": statistics.median(result["seconds"] for result in exports),
        "first_byte_worst_ms": max(result["first_byte"] for result in exports) * 1000,
        "peak_rss": max(result["peak_rss_mib"] for result in exports),
        "idle_rss": idle_rss,
        "worker_cpu": min(result["worker_cpu"] for result in exports),
        "bytes": best["bytes"],
        "lines": best["lines"],
        "load": (load_before[0], load_after[0]),
    }
    report = render(figures, machine(), args.runs)
    print(report)
    if args.write_docs:
        write_section(report)


def render(figures: dict, machine_info: dict[str, str], runs: int) -> str:
    ratio = figures["export_best"] / figures["copy_best"]
    rate = figures["spans"] / figures["export_best"]
    rss_ok = "met" if figures["peak_rss"] < 150 else "missed"
    time_ok = "met" if ratio <= 3 else "missed"
    lines = [
        SECTION,
        "",
        f"`bench/export_bench.py --spans {figures['spans']} --runs {runs}`, run "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC: JSON Lines export of {figures['spans']:,} "
        f"spans ({figures['lines']:,} lines, {figures['bytes'] / 2**20:.0f} MiB with documents "
        "and relations) through gunicorn (one sync worker, production settings, warmed by a "
        "one-document export) read by "
        "`curl`, beside `psql` running PostgreSQL's `COPY (SELECT ...) TO STDOUT` of the "
        "export's own span and relation queries; both clients' output is counted and "
        "discarded by the same pipe reader.",
        "",
        "| measure | best | median | target |",
        "|---|---|---|---|",
        f"| COPY of the same rows | {figures['copy_best']:.2f} s | "
        f"{figures['copy_median']:.2f} s | the limit |",
        f"| export, whole response | {figures['export_best']:.2f} s | "
        f"{figures['export_median']:.2f} s | within 3x of COPY: {ratio:.1f}x, {time_ok} |",
        f"| export rate | {rate:,.0f} spans/s | | |",
        f"| first byte (worst run) | {figures['first_byte_worst_ms']:.0f} ms | | under 1 s |",
        f"| worker peak RSS (VmHWM) | {figures['peak_rss']:.0f} MiB | | under 150 MB: {rss_ok} |",
        f"| worker RSS before the export | {figures['idle_rss']:.0f} MiB | | |",
        f"| worker CPU per export (least) | {figures['worker_cpu']:.2f} s | | |",
        "",
        f"Load average (1 min) {figures['load'][0]:.1f} before and {figures['load'][1]:.1f} "
        "after: the machine is shared, so times vary between runs.",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in machine_info.items()) + ".",
        "",
        NOTES.read_text(encoding="utf-8"),
    ]
    return "\n".join(lines)


def write_section(report: str) -> None:
    """Put the report in docs/BENCHMARKS.md under its own heading, leaving the rest alone."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n\n"
    start = text.find(SECTION + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + report
    else:
        end = text.find("\n## ", start + len(SECTION))
        end = len(text) if end == -1 else end + 1
        text = text[:start] + report + ("\n" if end < len(text) else "") + text[end:]
    DOCS.parent.mkdir(exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
