"""The machine a benchmark ran on, and the served benchmarks' part of docs/BENCHMARKS.md.

``write_report`` rewrites only the text between its two markers, which sit under the heading
"Served benchmarks" (heading and markers are appended the first time), so the other sections
of docs/BENCHMARKS.md (exports, written by bench/export_bench.py; the notes on what the
measurements changed) stay as their authors wrote them. It reads the result files in
``bench/results/`` that run_bench.py wrote; run it alone to re-render:

    .venv/bin/python bench/report.py
"""

from __future__ import annotations

import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

from bench.served.common import BENCHMARKS

START = "<!-- served-benchmarks:start (written by bench/run_bench.py; edits here are lost) -->"
END = "<!-- served-benchmarks:end -->"
HEADING = "## Served benchmarks (`make bench`)"
# The served benchmarks in their order; the export writes a section of its own.
ORDER = tuple(name for name in BENCHMARKS if name != "export")
TITLES = {
    "span_create": "Span creation under load",
    "span_read": "Reading a document's 2,000 spans",
    "annotate_page": "The annotate page with 2,000 spans in Chromium",
    "map_build": "Argument map through the job",
    "semantic_build": "A full build with semantic merging, in a process of its own",
    "agreement": "Debate agreement",
    "peer": "The peer workload: fresh connections, beside doccano and Label Studio",
}
# The rows of the peer table: the recorded figures' key, and the figure measured now.
PEER_ROWS = (
    ("import 200 documents through the API", "import"),
    ("span saves, sequential", "spans_sequential"),
    ("span saves, 8 threads", "spans_threads"),
    ("server CPU per span (sequential)", "cpu_per_span"),
    ("fetch a document with its 20 spans", "fetch"),
    ("export every span", "export"),
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def _postgres_version(database_url: str) -> str:
    try:
        import psycopg

        with psycopg.connect(database_url, connect_timeout=3) as conn:
            return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:
        return f"unknown ({exc})"


def _redis_version(redis_url: str) -> str:
    parsed = urlparse(redis_url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), 3) as conn:
            conn.sendall(b"INFO server\r\n")
            reply = conn.recv(8192).decode(errors="replace")
    except OSError as exc:
        return f"unknown ({exc})"
    match = re.search(r"redis_version:(\S+)", reply)
    return f"Redis {match[1]}" if match else "unknown"


def _chromium_version() -> str:
    # Debian's /usr/bin/chromium is a wrapper script that may print a shell warning first.
    found = re.search(r"Chromium [\d.]+", subprocess_output(["/usr/bin/chromium", "--version"]))
    return found[0] if found else "unknown"


def subprocess_output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout + done.stderr


def machine_facts(*, database_url: str, redis_url: str) -> dict:
    """Return what the benchmark ran on, and how busy the machine was when it started."""
    wrk = re.search(r"wrk \S+", subprocess_output(["wrk", "-v"]))
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": _os_name(),
        "python": platform.python_version(),
        "postgresql": _postgres_version(database_url),
        "redis": _redis_version(redis_url),
        "chromium": _chromium_version(),
        "wrk": wrk[0] if wrk else "not found",
        "packages": {
            name: metadata.version(name)
            for name in ("Django", "djangorestframework", "gunicorn", "celery", "psycopg")
        },
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpu_speed_seconds": cpu_speed_seconds(),
    }


def cpu_speed_seconds() -> float:
    """Return the CPU seconds a fixed pure-Python loop takes: how fast this core is just now.

    The machines these benchmarks run on are shared virtual machines whose cores run faster
    or slower from one hour to the next (the same page view measured 31 to 52 ms of CPU within
    an hour); this figure, beside each run, says which kind of hour it was.
    """
    started = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return round(time.process_time() - started, 2)


def _verdict(item: dict) -> str:
    return {True: "**PASS**", False: "**MISS**", None: ""}[item["pass"]]


def _value(item: dict) -> str:
    value = item["value"]
    if item["unit"] == "s":
        text = f"{value:.2f} s"
    elif item["unit"] == "ms":
        text = f"{value:.1f} ms"
    elif item["unit"] == "%":
        text = f"{value:.0f} %"
    elif not item["unit"]:  # a ratio, such as a purity
        text = f"{value:.3f}"
    else:
        text = f"{value:,.0f} {item['unit']}"
    return text


def _target(item: dict) -> str:
    if item["target"] is None:
        return ""
    unit = {"%": " %"}.get(item["unit"], f" {item['unit']}")
    op = "≥" if item["target_op"] == ">=" else "≤"
    return f"{op} {item['target']:g}{unit}"


def _details(name: str, result: dict) -> list[str]:
    details = result["details"]
    lines: list[str] = []
    if name == "span_create":
        lines.append(
            f"Load: {details['load_generator']}; {details['seconds_per_run']} s per run after a "
            f"2 s warm-up, requests spread over {details['clients']} annotators (each with a "
            "token and a document of their own, a fresh `client_id`/`Idempotency-Key` per "
            "request, as the annotate page sends). Spans acknowledged with 201: "
            f"{details['spans_acknowledged']:,}; stored: {details['spans_created']:,} (requests "
            "still in flight when wrk stopped counting are stored too); failed "
            f"requests: {details['failed_requests']}."
        )
        lines.append("")
        lines.append(
            "| run | req/s | p50 | p95 | p99 | non-2xx | server CPU a request (web + db) |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for key, run in details["runs"].items():
            lines.append(
                f"| {key} | {run['rps']:,.0f} | {run['p50_us'] / 1000:.1f} ms | "
                f"{run['p95_us'] / 1000:.1f} ms | {run['p99_us'] / 1000:.1f} ms | "
                f"{run['bad_status']} | {run['web_cpu_ms']:.1f} + {run['db_cpu_ms']:.1f} ms |"
            )
    elif name == "span_read":
        run = details["run"]
        lines.append(
            f"`{details['request']}`, {details['load_generator']}: {run['requests']:,} requests, "
            f"{details['response_bytes'] / 1e6:.2f} MB each, p99 {run['p99_us'] / 1000:.1f} ms."
        )
    elif name == "annotate_page":
        lines.append(
            f"{details['browser']}. Measured: {details['measure']}. {details['loads']} loads; "
            f"HTML received after {details['html_received_ms_median']} ms and DOMContentLoaded "
            f"after {details['dom_content_loaded_ms_median']} ms (medians); the page listed "
            f"{details['spans_listed']:,} spans. Samples (ms): "
            + ", ".join(f"{s:g}" for s in details["samples_ms"])
            + "."
        )
    elif name == "map_build":
        peak = details.get("worker_peak_rss_mb")
        lines.append(
            f"{details['path']}. Input: {details['gold_spans']:,} gold spans, "
            f"{details['gold_relations']:,} gold relations, {details['documents']:,} adjudicated "
            + MAP_TEXTS[details.get("text", "syllables")]
            + ". The decision is a real "
            "review through the API (accept the waiting document's only unit, finish the "
            f"review: {details['decision_and_finish_seconds']:.2f} s); finishing asks for the "
            "new build itself. "
            + (f"Peak memory of the worker process: {peak:,.0f} MB." if peak else "")
        )
        for key in ("first", "rebuild"):
            build = details[key]
            lines.append(
                f"- {key}: build {build['id']}, {build['message']!r}, version {build['version']}; "
                f"requested {build['requested_at']}, started {build['started_at']}, finished "
                f"{build['finished_at']}."
            )
    elif name == "semantic_build":
        kept = "with" if details["build_cache"] else "without"
        lines.append(
            f"`bench/semantic_build_bench.py --spans {details['spans']} --method semantic "
            f"--cold --job`: the English claims of `bench/claims_text.py` "
            f"({details['true_arguments']:,} true arguments), every one of "
            f"{details['encoded']:,} distinct texts encoded; input hash "
            f"{details['hash_cpu_seconds']:.2f} s, build {details['build_cpu_seconds']:.2f} s, "
            f"JSON in {details['chunks']:,} chunks {details['json_cpu_seconds']:.2f} s "
            f"({details['json_mb']:,.0f} MB) of CPU, {kept} the worker's build cache "
            f"(`MAP_BUILD_CACHE_MAX_SPANS`); {details['arguments']:,} nodes, "
            f"{details['nodes_per_argument']} a true argument; "
            f"{details['rss_before_build_mb']:,} MB resident before the job (input and model)."
        )
    elif name == "agreement":
        lines.append(
            f"`{details['request']}` over {details['spans']:,} submitted spans: cold (counting "
            f"every document) {details['cold_seconds']:.2f} s; warm runs (s): "
            + ", ".join(f"{s:.2f}" for s in details["runs_seconds"])
            + f"; one more submission {details['submit_seconds']:.2f} s, then "
            f"{details['after_seconds']:.2f} s; answer {details['response_bytes'] / 1e3:,.0f} kB."
        )
    elif name == "peer":
        lines += _peer_details(details)
    return lines


# What the map scenario's text was, and how its debate merged (bench/scenarios/maps.py).
MAP_TEXTS = {
    "syllables": "documents (the made-up words of `bench/map_build_bench.py`, merged lexically)",
    "english": "documents (the English claims of `bench/claims_text.py`, merged semantically)",
}


def _peer_details(details: dict) -> list[str]:
    phases = details["phases"]
    sequential, threads = phases["c1_spans_sequential"], phases["c2_spans_concurrent"]
    fetch, imported, export = phases["d_fetch_doc"], phases["b_import"], phases["e_export"]
    requests = fetch.get("requests_per_fetch", 1)
    now = {
        "import": f"{imported['docs_per_s']:,.0f} docs/s",
        "spans_sequential": f"{sequential['throughput_per_s']:,.0f}/s, p50 "
        f"{sequential['p50_ms']:g} ms",
        "spans_threads": f"{threads['throughput_per_s']:,.0f}/s, p95 {threads['p95_ms']:g} ms",
        "cpu_per_span": f"{1000 * sequential['server_cpu_s'] / sequential['ok']:.1f} ms",
        "fetch": f"p50 {fetch['p50_ms']:g} ms ({requests} request{'s' if requests > 1 else ''})",
        "export": f"{export['wall_s']:.2f} s, streamed",
    }
    recorded = details["recorded"]
    lines = [
        f"`{details['client']}`: {details['documents']} documents x "
        f"{details['spans_per_document']} spans, half saved one after another, half from "
        f"{details['threads']} threads; import through `{details['import_api']}`, fetch through "
        f"`{details['fetch_api']}`. Server CPU is the gunicorn processes' (the client reads "
        "/proc, as it did for the other tools); PostgreSQL spent "
        f"{details['database_cpu_seconds_whole_run']:.1f} s of CPU over the whole run. The "
        "other columns are the figures the same client recorded for the other tools (one "
        "window on 2026-12-06, 2 cores, each tool in its recommended single-machine setup).",
        "",
        "| task | Debatemap now | " + " | ".join(recorded) + " |",
        "|---|---|" + "---|" * len(recorded),
    ]
    for title, key in PEER_ROWS:
        cells = [now[key], *(column[key] for column in recorded.values())]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "The same client's span saves (same documents, offsets, threads, fresh connections) "
        "sent to `/bench/bare/` (Django and gunicorn answering the body, nothing else) and to "
        "`/bench/floor/<id>/` (a save's database work alone, no DRF): what no save can go "
        "below on this server and machine.",
        "",
        "| run | saves/s | p50 | p95 | server CPU a request (gunicorn + PostgreSQL) |",
        "|---|---:|---:|---:|---:|",
    ]
    floors = details.get("floors", {})
    runs = {
        "span saves sequential": {**sequential, "database_cpu_s": None},
        "span saves threads": {**threads, "database_cpu_s": None},
        **{name: run for name, run in floors.items() if "throughput_per_s" in run},
    }
    for name, run in runs.items():
        database = run.get("database_cpu_s")
        cpu = f"{1000 * run['server_cpu_s'] / run['ok']:.2f}" + (
            "" if database is None else f" + {1000 * database / run['ok']:.2f}"
        )
        lines.append(
            f"| {name.replace(' threads', ' 8 threads')} | {run['throughput_per_s']:,.0f} | "
            f"{run['p50_ms']:g} ms | {run['p95_ms']:g} ms | {cpu} ms |"
        )
    if "fetch floor" in floors and "import floor" in floors:
        fetch_floor, import_floor = floors["fetch floor"], floors["import floor"]
        lines += [
            "",
            "The fetch and the import against their floors, the same client on fresh "
            "connections: `/bench/fetch-floor/<id>/` reads what the fetch reads (the token, "
            "the document with the caller's role, the spans and relations, by the same compiled "
            "queries) and answers it as JSON without DRF; `/bench/import-floor/<slug>/` COPYs "
            "the same 200 texts as they come, with no normalisation, duplicate check or report.",
            "",
            "| request | the API | its floor |",
            "|---|---:|---:|",
            f"| fetch a document with its spans: p50 (p95) | {fetch['p50_ms']:g} ms "
            f"({fetch['p95_ms']:g} ms) | {fetch_floor['p50_ms']:g} ms "
            f"({fetch_floor['p95_ms']:g} ms) |",
            f"| import 200 documents | {imported['docs_per_s']:,.0f} docs/s | "
            f"{import_floor['docs_per_s']:,.0f} docs/s |",
        ]
    return lines


def render(results_dir: Path) -> str:
    """Return the served benchmarks' section from the result files."""
    machine = json.loads((results_dir / "machine.json").read_text(encoding="utf-8"))
    results = {}
    for name in ORDER:
        path = results_dir / f"{name}.json"
        if path.exists():
            results[name] = json.loads(path.read_text(encoding="utf-8"))
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
    services = machine.get("services", {})
    lines = [
        START,
        f"Scale `{machine['scale']}`, run on {machine['date'][:10]} "
        f"(the whole run took {machine['total_seconds'] / 60:.1f} min"
        + (
            f", of which {machine['data_seconds']:.0f} s making the data"
            if "data_seconds" in machine
            else ""
        )
        + ").",
        "",
        "| machine | |",
        "|---|---|",
        f"| CPU | {machine['cpu']}, {machine['cores']} cores |",
        f"| memory | {machine['memory_gib']} GiB |",
        f"| OS | {machine['os']} |",
        f"| Python | {machine['python']} ({packages}) |",
        f"| database, broker | {machine['postgresql']}, {machine['redis']} |",
        f"| browser, load generator | {machine['chromium']}, {machine['wrk']} |",
        f"| served by | gunicorn {services.get('gunicorn', '?')}; Celery "
        f"{services.get('celery', '?')} |",
        "| load average at start | "
        + " / ".join(f"{x:g}" for x in machine["load_average_at_start"])
        + " (other work on the machine adds noise) |",
        f"| CPU speed | {machine.get('cpu_speed_seconds', '?')} s of CPU for a fixed loop of "
        "10 million additions in Python (lower is faster; it varies with the host's load) |",
        "",
        "| figure | measured | target | |",
        "|---|---:|---:|---|",
    ]
    for result in results.values():
        for item in result["figures"]:
            lines.append(
                f"| {item['name']} | {_value(item)} | {_target(item)} | {_verdict(item)} |"
            )
    for name, result in results.items():
        lines += ["", f"### {TITLES[name]}", "", *_details(name, result)]
        start, end = result.get("load_average", (None, None))
        if start is not None:
            lines += ["", f"Load average (1 min) {start:g} as it began, {end:g} as it ended."]
        if result["scale"] != machine["scale"]:
            lines.append(f"(measured at scale `{result['scale']}` on {result['date'][:10]})")
    lines += ["", END]
    return "\n".join(lines)


def write_report(results_dir: Path, document: Path) -> Path:
    """Put the served benchmarks' section into the document, keeping everything else."""
    section = render(results_dir)
    if document.exists():
        text = document.read_text(encoding="utf-8")
    else:
        text = "# Benchmarks\n\nHow fast Debatemap is, measured on a named machine.\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{section}\n"
    document.write_text(text, encoding="utf-8")
    return document


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    written = write_report(root / "bench" / "results", root / "docs" / "BENCHMARKS.md")
    print(f"wrote {written}", file=sys.stderr)
