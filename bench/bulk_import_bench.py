"""Time the bulk document import served by gunicorn: a JSON list and a JSON Lines upload.

    .venv/bin/python bench/bulk_import_bench.py                      # 10,000 and 100,000
    .venv/bin/python bench/bulk_import_bench.py --list 2000 --jsonl 10000 --runs 1

It makes a PostgreSQL database of its own (``BENCH_DATABASE``, default
``debatemap_bulk_import_bench``), migrates it, starts gunicorn on it as docs/DEPLOY.md runs it
(production settings, gthread) but with one worker process, so the process that served the
upload is the one measured, and posts:

- a JSON Lines file of ``--jsonl`` documents (default 100,000) as a multipart upload, with
  ``?progress=ndjson``, reading the progress lines as they come (first, to a fresh worker,
  so its peak memory is the upload's own);
- a JSON list of ``--list`` documents (default 10,000) in one request.

Each run imports into a debate of its own, so nothing is skipped as a duplicate. Documents
are articles of about 3,000 characters (a headline, a byline, paragraphs with curly quotes and
accents), without a title, so the import picks each headline. Prints, per run, documents a
second, the wall time, the CPU time of the gunicorn worker and of the PostgreSQL backends,
the worker's peak resident memory (VmHWM, reset before each run) and the load average.
"""

import argparse
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "debatemap_bulk_import_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PORT = int(os.environ.get("BENCH_PORT", "8792"))
BASE = f"http://127.0.0.1:{PORT}"
# fmt: off
WORDS = [
    "the", "minister", "said", "scanning", "of", "private", "messages", "would", "weaken",
    "encryption", "for", "everyone", "while", "charities", "argued", "that",
    "\u201cchildren\u2019s", "safety\u201d", "must", "come", "first", "and", "the", "caf\u00e9",
    "owners", "of", "the", "high", "street", "worried", "about", "a", "master", "key", "that",
    "opens", "any", "door", "in", "the", "country",
]
# fmt: on
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def article(rng: random.Random, number: int) -> str:
    """Return a news article of about 3,000 characters, unique by ``number``."""
    headline = f"Scanning row deepens as ministers meet charities ({number})"
    paragraphs, length = [], 0
    while length < 2_850:
        words = [rng.choice(WORDS) for _ in range(rng.randint(30, 60))]
        paragraph = " ".join(words).capitalize() + "."
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return f"{headline}\n\nBy Jane Smith, Technology Editor\n\n" + "\n\n".join(paragraphs)


def documents(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [
        {"text": article(rng, number), "source": "Example News", "published": "2023-07-01"}
        for number in range(count)
    ]


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"{PG_URL}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "CACHE_URL": REDIS_URL,
        "THROTTLE_IMPORT": "1000/min",
        "PYTHONUNBUFFERED": "1",
    }


def manage(*args: str) -> str:
    command = [sys.executable, "manage.py", *args]
    done = subprocess.run(
        command, cwd=ROOT, env=child_env(), check=True, capture_output=True, text=True
    )
    return done.stdout


def prepare_database() -> str:
    """Create and migrate the database; return a manager's API token."""
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    manage("migrate", "--noinput")
    script = (
        "from django.contrib.auth import get_user_model; "
        "from bench.scenarios.common import bench_token; "
        "User = get_user_model(); "
        "user, _ = User.objects.get_or_create(username='bulk-bench', "
        "defaults={'is_staff': True}); "
        "print(bench_token(user))"
    )
    return manage("shell", "-c", script).strip().splitlines()[-1]


def new_debate(token: str, run: str) -> str:
    slug = f"bulk-{run}-{secrets.token_hex(3)}"
    response = requests.post(
        f"{BASE}/api/v1/debates/",
        json={"slug": slug, "title": f"Bulk import {run}", "proposition": "Benchmarks help."},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    response.raise_for_status()
    return slug


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def backends_cpu() -> float:
    """Return the CPU time of the PostgreSQL backends connected to this benchmark's database.

    Only this database's: other work on the machine has backends of its own, which come and go.
    """
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = Path(entry, "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if title.startswith("postgres: ") and f" {DATABASE} " in title:
                    total += process_cpu(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
    return total


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak(pid: int) -> None:
    # Writing 5 to clear_refs resets the peak resident set size (Linux 4.0+).
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def measure(worker: int, send) -> dict:
    reset_peak(worker)
    load = Path("/proc/loadavg").read_text().split()[:3]
    cpu, database, wall = process_cpu(worker), backends_cpu(), time.perf_counter()
    result = send()
    wall = time.perf_counter() - wall
    return {
        **result,
        "wall_s": round(wall, 2),
        "worker_cpu_s": round(process_cpu(worker) - cpu, 2),
        "postgres_cpu_s": round(backends_cpu() - database, 2),
        "worker_peak_rss_mib": round(peak_rss_mib(worker), 1),
        "loadavg_before": " ".join(load),
        "loadavg_after": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def send_list(token: str, slug: str, body: bytes) -> dict:
    response = requests.post(
        f"{BASE}/api/v1/debates/{slug}/documents/import/",
        data=body,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        timeout=600,
    )
    report = response.json()
    return {"status": response.status_code, "imported": report.get("imported")}


def send_jsonl(token: str, slug: str, path: Path) -> dict:
    lines = []
    with path.open("rb") as upload:
        response = requests.post(
            f"{BASE}/api/v1/debates/{slug}/documents/import/?progress=ndjson",
            files={"file": (path.name, upload, "application/x-ndjson")},
            headers={"Authorization": f"Token {token}"},
            timeout=600,
            stream=True,
        )
        first = None
        for line in response.iter_lines():
            first = first or time.perf_counter()
            lines.append(json.loads(line))
    last = lines[-1]
    return {
        "status": response.status_code,
        "imported": last.get("imported"),
        "last_event": last["event"],
        "progress_lines": sum(1 for line in lines if line["event"] == "progress"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", type=int, default=10_000, help="documents in the JSON list")
    parser.add_argument("--jsonl", type=int, default=100_000, help="documents in the upload")
    parser.add_argument("--runs", type=int, default=3, help="runs of the JSON list")
    parser.add_argument("--jsonl-runs", type=int, default=1)
    options = parser.parse_args()

    token = prepare_database()
    log = (ROOT / "var").joinpath(f"{DATABASE}-gunicorn.log")
    log.parent.mkdir(exist_ok=True)
    master = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "600",
        ],
        cwd=ROOT,
        env=child_env(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{BASE}/login/", timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or master.poll() is not None:
                    raise SystemExit(f"gunicorn did not start; see {log}") from None
                time.sleep(0.3)
        worker = worker_pid(master.pid)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "articles.jsonl"
            rng_seed = 2
            with path.open("w", encoding="utf-8") as out:
                for chunk in range(0, options.jsonl, 10_000):
                    count = min(10_000, options.jsonl - chunk)
                    for number, item in enumerate(documents(count, seed=rng_seed + chunk)):
                        item["text"] = item["text"].replace("(", f"({chunk + number}/", 1)
                        out.write(json.dumps(item, ensure_ascii=False) + "\n")
            size = path.stat().st_size / 2**20
            print(f"JSON Lines: {options.jsonl:,} documents, {size:.1f} MiB", flush=True)
            for run in range(options.jsonl_runs):
                slug = new_debate(token, f"jsonl{run}")
                result = measure(worker, lambda slug=slug: send_jsonl(token, slug, path))
                result["docs_per_s"] = round(options.jsonl / result["wall_s"])
                print(json.dumps({"run": f"jsonl {run + 1}", **result}), flush=True)
        body = json.dumps(documents(options.list, seed=1), ensure_ascii=False).encode()
        print(f"JSON list: {options.list:,} documents, {len(body) / 2**20:.1f} MiB", flush=True)
        for run in range(options.runs):
            slug = new_debate(token, f"list{run}")
            result = measure(worker, lambda slug=slug: send_list(token, slug, body))
            result["docs_per_s"] = round(options.list / result["wall_s"])
            print(json.dumps({"run": f"list {run + 1}", **result}), flush=True)
    finally:
        os.killpg(master.pid, signal.SIGTERM)
        master.wait(timeout=30)


if __name__ == "__main__":
    main()
