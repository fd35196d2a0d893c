"""semantic_build: the full build of the issue's size with semantic merging, in a process of
its own (bench/semantic_build_bench.py --job: the map job's input hash, build and JSON chunks),
against its targets of CPU and peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.served.common import ROOT, BenchError
from bench.served.results import figure, save_result

# Gold spans by scale (a tenth as many documents); the targets are the million's.
SEMANTIC_SPANS = {"small": 100_000, "full": 1_000_000, "large": 1_000_000}
MILLION = 1_000_000
TARGET_SECONDS = 60
TARGET_MB = 2048


def bench_semantic_build(scale: str) -> None:
    """Build the English claims with every text encoded (a cold vector cache), as the map job
    does, with the worker's build cache where the worker keeps one (input hash, build, the
    map's JSON cut into chunks; not the database read and write), and record the job's CPU,
    the build's share, the wall time and the peak resident memory of its process."""
    spans = SEMANTIC_SPANS[scale]
    command = [
        sys.executable,
        str(ROOT / "bench" / "semantic_build_bench.py"),
        "--spans",
        str(spans),
        "--method",
        "semantic",
        "--cold",
        "--job",
    ]
    # One thread, as the map worker is one process on one core.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"bench/semantic_build_bench.py failed: {done.stderr.strip()[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    full = spans == MILLION
    label = f"{spans:,} gold spans / {spans // 10:,} documents"
    save_result(
        "semantic_build",
        scale,
        [
            figure(
                f"map job with semantic merging (input hash, build, JSON chunks), {label}: CPU",
                result["cpu_seconds"],
                "s",
                TARGET_SECONDS if full else None,
            ),
            figure("of it the build (build_map)", result["build_cpu_seconds"], "s", None),
            figure(f"the same job: wall time, {label}", result["seconds"], "s", None),
            figure(
                "peak resident memory of the job's process",
                result["peak_rss_mb"],
                "MB",
                TARGET_MB if full else None,
            ),
            figure(
                "purity of its nodes (share of spans in their node's true argument)",
                result["purity"],
                "",
                None,
                higher_is_better=True,
            ),
        ],
        result,
    )
