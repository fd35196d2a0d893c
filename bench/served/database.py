"""The benchmark database: made again, migrated, and filled by ``generate_bench_scenarios``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import psycopg

from bench.served.common import DATABASE, MAP_TEXT, PG_URL, ROOT, WORK, say
from bench.served.services import child_env


def recreate_database() -> None:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def manage(*args: str, settings: str = "config.settings") -> None:
    command = [sys.executable, "manage.py", *args]
    say("$ " + " ".join(["manage.py", *args]))
    subprocess.run(command, cwd=ROOT, env=child_env(settings), check=True)


def scenario_data(
    scale: str, sizes: dict[str, int], *, reuse_data: bool, facts: dict[str, Any]
) -> dict[str, Any]:
    """Return the manifest of the benchmark's data, made again unless ``reuse_data`` keeps it.

    The last run's data is kept only when it was made for the same scale; data made now
    records how long it took in ``facts["data_seconds"]``.
    """
    manifest_path = WORK / "scenarios.json"
    stamp_path = WORK / "scale"
    reuse = (
        reuse_data
        and manifest_path.exists()
        and stamp_path.exists()
        and stamp_path.read_text() == f"{scale} {MAP_TEXT}"
    )
    if not reuse:
        say(f"creating database {DATABASE} for scale {scale}")
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
            "--map-text",
            MAP_TEXT,
            "--agreement-documents",
            str(sizes["agreement_documents"]),
            settings="bench.settings",
        )
        facts["data_seconds"] = round(time.monotonic() - started, 1)
        stamp_path.write_text(f"{scale} {MAP_TEXT}")
    return json.loads(manifest_path.read_text(encoding="utf-8"))
