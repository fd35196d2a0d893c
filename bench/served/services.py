"""The services a run needs (PostgreSQL, Redis, wrk) and the ones it starts (Celery, gunicorn).

Each process it starts gets a process group of its own and is stopped, also on failure,
Ctrl-C or SIGTERM (``stopped_on_exit``).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import psycopg
import requests

from bench.served.common import (
    BASE,
    CACHE_URL,
    GUNICORN_THREADS,
    GUNICORN_TIMEOUT,
    GUNICORN_WORKERS,
    PG_URL,
    PORT,
    REDIS_URL,
    ROOT,
    VENV_BIN,
    WORK,
    BenchError,
    database_url,
    loud_stop,
    say,
)


def check_services() -> None:
    """Stop loudly unless PostgreSQL and Redis answer."""
    try:
        psycopg.connect(f"{PG_URL}/postgres", connect_timeout=3).close()
    except Exception as exc:
        loud_stop(
            f"PostgreSQL does not answer at {PG_URL} ({exc}). `make bench` needs PostgreSQL "
            "and Redis running; start them (or set BENCH_POSTGRES_URL) and run it again."
        )
    redis = urlparse(REDIS_URL)
    try:
        with socket.create_connection((redis.hostname, redis.port or 6379), 3) as conn:
            conn.sendall(b"PING\r\n")
            if not conn.recv(64).startswith(b"+PONG"):
                raise OSError("no PONG")
    except OSError as exc:
        loud_stop(
            f"Redis does not answer at {REDIS_URL} ({exc}). `make bench` needs PostgreSQL and "
            "Redis running; start them (or set BENCH_REDIS_URL) and run it again."
        )
    for tool in ("wrk",):
        if not any((Path(p) / tool).exists() for p in os.environ["PATH"].split(os.pathsep)):
            loud_stop(f"{tool} is not installed: `apt-get install -y {tool}` (make bench does).")


def redis_command(url: str, *words: str) -> bytes:
    parsed = urlparse(url)
    database = (parsed.path or "/0").lstrip("/") or "0"
    with socket.create_connection((parsed.hostname, parsed.port or 6379), 3) as conn:
        for command in (("SELECT", database), words):
            parts = [f"${len(w)}\r\n{w}\r\n" for w in command]
            conn.sendall(f"*{len(command)}\r\n{''.join(parts)}".encode())
            time.sleep(0.05)
        return conn.recv(4096)


def child_env(settings: str = "config.settings") -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_URL": CACHE_URL,
        "PYTHONUNBUFFERED": "1",
    }


SECRET_KEY = secrets.token_urlsafe(64)


class Services:
    """The gunicorn and Celery processes of one run; stopped whatever happens."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], settings: str) -> subprocess.Popen:
        log = (WORK / f"{name}.log").open("w")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=child_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it stops its children
        )
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is not None:
                continue
            say(f"stopping {name} (pid {process.pid})")
            os.killpg(process.pid, signal.SIGTERM)  # warm shutdown for both
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()


def wait_for_log(path: Path, text: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{path.name}: the process exited; see {path}")
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise BenchError(f"{path.name}: no {text!r} after {seconds} s; see {path}")


def wait_for_http(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError("gunicorn exited; see var/bench/gunicorn.log")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise BenchError(f"{url} did not answer 200 within {seconds} s")


def start_services(services: Services) -> dict[str, Any]:
    redis_command(REDIS_URL, "FLUSHDB")  # no message of an earlier run may reach this worker
    redis_command(CACHE_URL, "FLUSHDB")
    worker = services.start(
        "celery",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            "maps,celery",
            "-n",
            "bench@%h",
            # One process, so the rebuild runs where the first build left the builder's caches.
            "--concurrency=1",
            "--loglevel=INFO",
        ],
        "config.settings",
    )
    wait_for_log(WORK / "celery.log", "ready.", worker, 90)
    web = services.start(
        "gunicorn",
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(GUNICORN_THREADS),
            "--timeout",
            str(GUNICORN_TIMEOUT),
            "--backlog",
            "2048",
        ],
        "bench.settings",
    )
    wait_for_http(f"{BASE}/login/", web, 60)
    return {
        "gunicorn": f"{GUNICORN_WORKERS} gthread workers x {GUNICORN_THREADS} threads, "
        f"--timeout {GUNICORN_TIMEOUT}, bench.settings "
        "(production settings plus the bare endpoint)",
        "celery": "one worker, queues maps and celery, --concurrency=1 (prefork)",
        "worker_pid": worker.pid,
        "web_pid": web.pid,
    }


@contextmanager
def stopped_on_exit(services: Services):
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        yield services
    finally:
        services.stop()
        signal.signal(signal.SIGTERM, previous)
