"""The agreement endpoint after one more submission, served, several times over (kept data).

    BENCH_DATABASE=... .venv/bin/python bench/agreement_after_submission.py [--rounds 5]

On the data and kept counts ``run_bench.py --only agreement`` left (its cold request counted
every document), with the same gunicorn and worker: first one request per gunicorn process,
so each has served once (a process's first request loads the URLconf, the views and their
modules, 0.5 s of CPU or more, which the single "after" request of ``run_bench.py`` may or
may not pay); then, each round, the pending layer is reopened (in SQL, as ``run_bench.py``
resets it), a request counts the reopening, the layer is submitted again (POST), and the
request after it is timed. Prints wall and CPU (gunicorn, worker and PostgreSQL) of each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.served import cpu  # noqa: E402
from bench.served.agreement import _timed, reopen_pending  # noqa: E402
from bench.served.common import BASE, GUNICORN_WORKERS, WORK, say  # noqa: E402
from bench.served.services import Services, start_services, stopped_on_exit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    scenario = json.loads((WORK / "scenarios.json").read_text())["agreement"]
    pending = scenario["pending"]
    token = scenario["researcher"]["token"]
    url = f"{BASE}/api/v1/debates/{scenario['debate']}/agreement/"
    submit_url = f"{BASE}/api/v1/documents/{pending['document']}/submit/"
    services = Services()
    with stopped_on_exit(services):
        started = start_services(services)
        cpu.watch_server(started.pop("web_pid"), started.pop("worker_pid"))
        for _ in range(2 * GUNICORN_WORKERS):
            _timed("GET", url, token)
        after, after_cpu = [], []
        for round_ in range(options.rounds):
            reopen_pending(scenario)
            _timed("GET", url, token)
            submit, submit_cpu, _answer = _timed("POST", submit_url, pending["annotator"]["token"])
            seconds, cpu_seconds, _answer = _timed("GET", url, token)
            after.append(seconds)
            after_cpu.append(cpu_seconds)
            say(
                f"round {round_ + 1}: submission {submit:.3f} s ({submit_cpu:.3f} s CPU), "
                f"the request after it {seconds:.3f} s ({cpu_seconds:.3f} s CPU), "
                f"load {os.getloadavg()[0]:.1f}"
            )
        say(
            f"after a submission: median {statistics.median(after):.3f} s wall "
            f"({statistics.median(after_cpu):.3f} s CPU), max {max(after):.3f} s"
        )


if __name__ == "__main__":
    main()
