"""How busy the machine is, and the CPU time and memory the server's processes spend.

The server's processes are the children of the gunicorn master and of the Celery worker's
main process (``watch_server`` names both once they run), and the PostgreSQL backends of the
benchmark database.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import psycopg

from bench.served.common import DATABASE, PG_URL

WEB_PID = 0  # the gunicorn master, set once it runs
WORKER_PID = 0  # the Celery worker's main process


def watch_server(web_pid: int, worker_pid: int) -> None:
    """Name the gunicorn master and the Celery worker whose children ``ServerCpu`` measures."""
    global WEB_PID, WORKER_PID
    WEB_PID, WORKER_PID = web_pid, worker_pid


def cpu_busy(seconds: float = 1.0) -> float:
    """Return the share of all cores' time spent busy over the next ``seconds`` (/proc/stat)."""

    def sample() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields), idle

    total_before, idle_before = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else 0.0


def wait_until_quiet(threshold: float = 0.25, limit: float = 60.0) -> float:
    """Wait (at most ``limit`` seconds) until the cores are mostly idle; return the last share.

    A benchmark should not inherit the tail of the one before it (PostgreSQL's autovacuum and
    checkpoint after span creation's inserts, a worker still collecting garbage); the machine's
    own other work, if any, is what the load average in the results records.
    """
    deadline = time.monotonic() + limit
    busy = cpu_busy()
    while busy > threshold and time.monotonic() < deadline:
        busy = cpu_busy()
    return busy


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_of(pids: list[int]) -> dict[int, float]:
    """Return the CPU seconds (user + system) each process has used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def _server_processes() -> tuple[list[int], list[int]]:
    """Return the pids of the gunicorn and Celery pool processes, and the database's backends."""
    with psycopg.connect(f"{PG_URL}/postgres") as conn:
        backends = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [DATABASE]
            ).fetchall()
        ]
    return _children(WEB_PID) + _children(WORKER_PID), backends


class ServerCpu:
    """CPU time the server spent (gunicorn and Celery processes, PostgreSQL) over a stretch."""

    def __enter__(self) -> ServerCpu:
        self.web, self.db = (_cpu_of(pids) for pids in _server_processes())
        self.worker = _cpu_of(_children(WORKER_PID))
        return self

    def __exit__(self, *exc) -> None:
        web, db = (_cpu_of(pids) for pids in _server_processes())
        worker = _cpu_of(_children(WORKER_PID))
        self.web_seconds = sum(used - self.web.get(pid, 0.0) for pid, used in web.items())
        self.db_seconds = sum(used - self.db.get(pid, 0.0) for pid, used in db.items())
        # The Celery pool's share of ``web_seconds``: the build itself, without the web
        # processes answering the client's polls.
        self.worker_seconds = sum(used - self.worker.get(pid, 0.0) for pid, used in worker.items())


def worker_peak_memory(worker_pid: int) -> float | None:
    """Return the peak resident memory of the worker's pool processes, in MB."""
    peak = None
    try:
        children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children").read_text().split()
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    kb = int(line.split()[1])
                    peak = max(peak or 0, kb / 1024)
    except OSError:
        return None
    return peak
