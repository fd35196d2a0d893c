"""A real Celery worker process for tests about Celery, on its own queue and the test database.

The worker is a separate ``celery -A config worker`` process talking to the Redis at
``REDIS_URL`` and to the database the test runs on (PostgreSQL in CI, or SQLite's test file),
so what is tested is what runs in production: messages, acknowledgements, redelivery.
Each test gets a fresh queue name, so no other worker on the machine can take its tasks.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """Return a DATABASE_URL for the database this test process uses."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


def redis_answers(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), 0.5).close()
        return True
    except OSError:
        return False


class Service:
    """One long-running subprocess of the stack (gunicorn, a worker, beat), with its log."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.command = command
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, ready: Callable[[str], bool], timeout: float = 60) -> None:
        """Start the process and wait until ``ready`` is true of the log it writes from now."""
        self.spawn()
        self.wait_ready(ready, timeout)

    def spawn(self) -> None:
        """Start the process without waiting for it (``wait_ready`` waits): a stack of several
        services starts them all at once and then waits for each."""
        self._offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so a kill reaches its children (gunicorn and Celery
                # fork their workers).
                start_new_session=True,
            )

    def wait_ready(self, ready: Callable[[str], bool], timeout: float = 60) -> None:
        """Wait until ``ready`` is true of the log the process wrote since ``spawn``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready(self.log_path.read_bytes()[self._offset :].decode("utf-8", "replace")):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start; its log:\n{self.log()[-5000:]}")

    def kill(self) -> None:
        """SIGKILL the process and its children, as the OOM killer or a lost machine would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        """Stop it as an operator would (SIGTERM: a warm shutdown), or kill it if it hangs."""
        self.terminate()
        self.wait_stopped()

    def terminate(self) -> None:
        """Send SIGTERM (a warm shutdown) without waiting: ``wait_stopped`` waits."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait_stopped(self, timeout: float = 30) -> None:
        """Wait for the process to exit after ``terminate``; kill it if it hangs."""
        if self.process and self.process.poll() is None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""


class WorkerProcess(Service):
    """One worker process; start, kill and restart it like an operator would."""

    def __init__(self, queue: str, log_dir: Path, extra_env: dict[str, str] | None = None):
        super().__init__(f"{queue}@{socket.gethostname()}", [], {}, log_dir)
        self.queue = queue
        self.log_path = log_dir / f"{queue}.log"
        self.extra_env = extra_env or {}

    def start(self, timeout: float = 60) -> None:  # type: ignore[override]
        self.spawn()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60) -> None:  # type: ignore[override]
        super().wait_ready(lambda log: " ready." in log, timeout)

    def spawn(self) -> None:
        # Built at start, so a test may rename the node before starting it.
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_MAP_QUEUE": self.queue,
            **self.extra_env,
        }
        self.command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            self.queue,
            "-n",
            self.name,
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
        ]
        super().spawn()


def start_worker(log_dir: Path, wait: bool = True, **extra_env: str) -> WorkerProcess:
    """Start a worker on a fresh queue and point this process's map builds at it.

    ``wait=False`` returns as soon as the process is started: call ``wait_ready`` before
    relying on it (a test starting two workers starts both, then waits for both)."""
    if not redis_answers(settings.CELERY_BROKER_URL):
        raise RuntimeError(
            f"Redis does not answer at {settings.CELERY_BROKER_URL}; the Celery worker tests "
            "need it (start it with redis-server, see README)."
        )
    worker = WorkerProcess(f"test-{uuid.uuid4().hex[:10]}", log_dir, extra_env)
    settings.CELERY_MAP_QUEUE = worker.queue
    app.conf.task_always_eager = False
    worker.spawn()
    if wait:
        worker.wait_ready()
    return worker


def inside_build_map(build) -> bool:
    """Return whether a build's row was last written from inside the builder itself.

    ``_run_claimed`` writes 10 before reading the gold layer and 15 just before ``build_map``;
    only the builder's own progress callbacks write between 16 and 85 (at most one write per
    half second: here the first is its second merge, about half-way through the build), with
    a message naming the builder's stage after the step's.
    """
    return 15 < build.progress < 85 and build.message.startswith("Building from ")
