"""The production stack in subprocesses, and the faults to inject into it.

A fault test serves the app the way docs/DEPLOY.md runs it: gunicorn's gthread workers with
``DJANGO_ENV=production`` (DEBUG off, the Redis cache, PostgreSQL), a Celery worker on the
``maps`` and ``celery`` queues and one ``celery beat``, all on the test database and on a
*private* ``redis-server`` this module starts on a free port. Faults are injected into those
processes only: the machine's shared Redis at 6379 is never touched.

Clients send ``X-Forwarded-Proto: https`` as the TLS proxy in front of gunicorn does, so the
production security settings (https redirect, secure cookies) stay as they are.

CI runs them on PostgreSQL. They also run on SQLite, where the stack runs with
``DJANGO_ENV=test`` instead, because production mode refuses SQLite by design: the same
processes with DEBUG off, but the cache is local memory (the fail-open Redis cache is then
covered by tests/core/test_cache.py only) and the https settings are off.
"""

import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.db import connection

from annotations.models import Span, SpanEvent, SpanEventAction
from core.db import is_postgresql
from debate.models import Document
from tests.celery_worker import Service, database_url

SECRET_KEY = secrets.token_urlsafe(64)
# Small timings so the outbox and the reconciler act within a test, not within minutes.
FAST_RECOVERY = {
    "MAP_BUILD_DISPATCH_GRACE_SECONDS": "1",
    "MAP_BUILD_STALE_SECONDS": "10",
    "MAP_BUILD_RECONCILE_SECONDS": "1",
}


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(
    predicate: Callable[[], object],
    timeout: float,
    what: str,
    logs: Callable[[], str] = lambda: "",
):
    """Return the first truthy value of ``predicate``; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}\n{logs()}")


class PrivateRedis:
    """A redis-server of the test's own, without persistence: a restart starts it empty."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def cache_url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/1"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), 0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server).")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, 10, f"the private redis-server on port {self.port}")

    def stop(self) -> None:
        """Kill the server (SIGKILL): its queues and cache entries are gone with it."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        wait_for(lambda: not self.answers(), 5, "the private Redis to stop answering")


@dataclass
class Stack:
    """gunicorn, a Celery worker and beat on the test database and a private Redis."""

    redis: PrivateRedis
    log_dir: Path
    web_workers: int = 2 * (os.cpu_count() or 1) + 1
    port: int = field(default_factory=free_port)
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            # Production refuses SQLite; test mode lacks the Redis cache and the https settings.
            "DJANGO_ENV": "production" if is_postgresql(connection) else "test",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.redis.url,
            "CACHE_URL": self.redis.cache_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_MAP_QUEUE": "maps",
            "PYTHONUNBUFFERED": "1",
            **FAST_RECOVERY,
        }

    def start(self) -> None:
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        self.services = {
            "web": Service(
                "web",
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.web_workers),
                    "--worker-class",
                    "gthread",
                    "--threads",
                    "4",
                    "--timeout",
                    "60",
                    # Its default path is shared by every gunicorn of the user on the machine.
                    "--no-control-socket",
                ],
                self.env(),
                self.log_dir,
            ),
            "worker": Service(
                "worker",
                [
                    *celery,
                    "worker",
                    "-Q",
                    "maps,celery",
                    # A stable node name: a restarted worker re-queues the builds it died in.
                    "-n",
                    f"faults@{socket.gethostname()}",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "--without-mingle",
                    "--without-gossip",
                ],
                self.env(),
                self.log_dir,
            ),
            "beat": Service(
                "beat",
                [
                    *celery,
                    "beat",
                    "--loglevel=INFO",
                    "-s",
                    str(self.log_dir / "celerybeat-schedule"),
                ],
                self.env(),
                self.log_dir,
            ),
        }
        # All three at once (each spends seconds importing Django), then wait for each.
        for service in self.services.values():
            service.spawn()
        self.services["web"].wait_ready(lambda _log: self.web_answers())
        self.services["worker"].wait_ready(lambda log: " ready." in log)
        self.services["beat"].wait_ready(lambda log: "beat: Starting" in log)

    def start_web(self) -> None:
        self.services["web"].start(lambda _log: self.web_answers())

    def start_worker(self) -> None:
        self.services["worker"].start(lambda log: " ready." in log)

    def web_answers(self) -> bool:
        try:
            requests.get(
                f"{self.url}/api/v1/debates/",
                headers={"X-Forwarded-Proto": "https"},
                allow_redirects=False,
                timeout=1,
            )
            return True
        except requests.RequestException:
            return False

    def stop(self) -> None:
        # All at once (each takes a second or two to shut down warm), then wait for each.
        for service in reversed(self.services.values()):
            service.terminate()
        for service in reversed(self.services.values()):
            service.wait_stopped()

    def logs(self, tail: int = 4000) -> str:
        return "\n".join(
            f"--- {name} log (tail) ---\n{service.log()[-tail:]}"
            for name, service in self.services.items()
        )


def api_session(stack: Stack, token: str) -> requests.Session:
    """Return a keep-alive HTTP client that authenticates with ``token`` through the proxy."""
    session = requests.Session()
    session.headers.update(
        {
            "Authorization": f"Token {token}",
            # What the TLS proxy in front of gunicorn sets (SECURE_PROXY_SSL_HEADER).
            "X-Forwarded-Proto": "https",
        }
    )
    return session


def span_payload(rng: random.Random, document: Document) -> dict:
    """Return a valid new span over a random stretch of the document, with a fresh client_id."""
    start = rng.randrange(0, len(document.text) - 40)
    end = start + rng.randint(1, 40)
    return {
        "start": start,
        "end": end,
        "quote": document.text[start:end],
        "stance": rng.choice(["pro", "contra", "neutral"]),
        "role": rng.choice(["claim", "premise"]),
        "client_id": uuid.uuid4().hex,
    }


@dataclass
class Acknowledged:
    """Spans the server acknowledged with a 2xx: the id it answered, by client_id."""

    spans: dict[str, int] = field(default_factory=dict)  # client_id -> span id

    def lost(self) -> dict[str, int]:
        """Return acknowledged spans missing from the database (client_id and id) or history."""
        rows = dict(
            Span.objects.filter(client_id__in=list(self.spans)).values_list("client_id", "id")
        )
        with_history = set(
            SpanEvent.objects.filter(
                span_pk__in=list(self.spans.values()), action=SpanEventAction.CREATED
            ).values_list("span_pk", flat=True)
        )
        return {
            key: pk
            for key, pk in self.spans.items()
            if rows.get(key) != pk or pk not in with_history
        }

    def check_all_stored(self) -> int:
        """Assert every acknowledged span is a row with its history; return how many there are."""
        lost = self.lost()
        assert not lost, f"{len(lost)} acknowledged span(s) are not in the database: {lost}"
        return len(self.spans)
