"""One benchmark's figures, checked against their targets, into ``bench/results/<name>.json``."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Any

from bench.served.common import RESULTS, say

LOAD_AT_START: dict[str, float] = {}  # one-minute load average as each benchmark began


def percentile(samples: list[float], q: float) -> float:
    """Return the nearest-rank percentile (q in 0..100) of the samples."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil, at least the first
    return ordered[int(rank) - 1]


def figure(name: str, value: float, unit: str, target: float | None, *, higher_is_better=False):
    """Return one result figure with its target and whether it meets it."""
    passed = None
    if target is not None:
        passed = value >= target if higher_is_better else value <= target
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "target": target,
        "target_op": ">=" if higher_is_better else "<=",
        "pass": passed,
    }


def save_result(name: str, scale: str, figures: list[dict], details: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": name,
        "scale": scale,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        # The machine is shared: how busy it was says how far to trust a time.
        "load_average": [LOAD_AT_START.get(name), round(os.getloadavg()[0], 2)],
        "figures": figures,
        "details": details,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    for item in figures:
        verdict = {True: "PASS", False: "MISS", None: "info"}[item["pass"]]
        target = "" if item["target"] is None else f" (target {item['target_op']} {item['target']})"
        say(f"  {name}: {item['name']} = {item['value']} {item['unit']}{target} {verdict}")
