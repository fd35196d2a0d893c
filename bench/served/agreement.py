"""agreement: the debate's agreement endpoint, a few requests one after another."""

from __future__ import annotations

import statistics
import time

import requests

from bench.served.common import BASE, BenchError, say
from bench.served.cpu import ServerCpu
from bench.served.results import figure, save_result


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
