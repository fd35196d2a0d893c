"""export: bench/export_bench.py on a database of its own, which writes its own section."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg

from bench.served.common import PG_URL, ROOT, say
from bench.served.services import child_env

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
    # bench.settings, as when it runs alone: its data generator is a command of the bench app.
    env = child_env("bench.settings")
    env["DATABASE_URL"] = f"{PG_URL}/{database}"
    spans, runs = EXPORT_SIZES[scale]
    command = [sys.executable, str(script), "--spans", spans, "--runs", runs, "--write-docs"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
