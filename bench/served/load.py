"""Load from wrk (``bench/wrk_requests.lua``), with the server's CPU time per request."""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path
from typing import Any

from bench.served.common import BASE, ROOT, say
from bench.served.cpu import ServerCpu


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
