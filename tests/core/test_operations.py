"""Liveness, readiness, Prometheus metrics and JSON logs with a request id (docs/DEPLOY.md)."""

import asyncio
import copy
import io
import json
import logging
import logging.config
import socket
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.test import Client
from prometheus_client import REGISTRY

from maps.models import MapBuild, MapBuildStatus

pytestmark = pytest.mark.django_db


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- /health/live/ and /health/ -------------------------------------------------------------
def test_liveness_answers_without_asking_anything(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/health/live/")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-store" in response["Cache-Control"]


def test_readiness_with_tasks_run_eagerly_asks_the_database_and_the_cache(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = Client().get("/health/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_readiness_answers_a_caller_whose_thread_runs_an_event_loop(settings):
    # As Playwright's sync API does in a test process: an async view could not be called here.
    settings.CELERY_TASK_ALWAYS_EAGER = True

    async def ask():
        return Client().get("/health/")

    # In a thread of its own, whose loop is this test's: the test's thread may run one already
    # (Playwright's, once a browser test ran in this process), and asyncio.run refuses to nest.
    answers = []
    thread = threading.Thread(target=lambda: answers.append(asyncio.run(ask())))
    thread.start()
    thread.join()
    (response,) = answers

    assert (response.status_code, response.json()["status"]) == (200, "ok")


def test_readiness_fails_with_a_cache_that_does_not_answer(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port()}/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = Client().get("/health/")

    assert response.status_code == 503
    # Which check fails, never why: no host names or error texts to strangers.
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "failing"},
    }


def test_readiness_fails_without_a_broker_and_a_worker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{unused_port()}/0"
    settings.HEALTH_PING_SECONDS = 0.2

    response = Client().get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "failing",
        "worker": "failing",
    }


def test_readiness_is_ok_when_a_worker_consumes_every_queue(celery_worker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEALTH_WORKER_QUEUES = [celery_worker.queue]
    settings.HEALTH_PING_SECONDS = 5  # a loaded test machine answers slowly
    client = Client()

    ready = client.get("/health/")
    settings.HEALTH_WORKER_QUEUES = [celery_worker.queue, "a-queue-nobody-consumes"]
    missing = client.get("/health/")

    assert (ready.status_code, ready.json()) == (
        200,
        {
            "status": "ok",
            "checks": {"database": "ok", "cache": "ok", "broker": "ok", "worker": "ok"},
        },
    )
    assert missing.status_code == 503
    assert missing.json()["checks"]["worker"] == "failing"


# --- /metrics -------------------------------------------------------------------------------
def test_metrics_count_requests_and_the_builds_waiting(settings, debate):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    MapBuild.objects.create(debate=debate, status=MapBuildStatus.QUEUED)
    client = Client()
    client.get("/health/live/")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert 'debatemap_map_builds{status="queued"} 1.0' in text
    assert 'debatemap_map_builds{status="running"} 0.0' in text
    assert "# TYPE debatemap_map_build_seconds histogram" in text
    assert (
        'django_http_requests_total_by_view_transport_method_total{method="GET",'
        'transport="http",view="health-live"}'
    ) in text


def test_metrics_answer_only_the_machine_itself_without_a_token(settings):
    client = Client()

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    settings.PRODUCTION = True  # production without METRICS_TOKEN: nobody
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_with_a_token_need_it_from_everywhere(settings):
    settings.METRICS_TOKEN = "s3cret-scraper"
    client = Client()

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    allowed = client.get(
        "/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-scraper"
    )
    assert allowed.status_code == 200


def test_a_map_build_is_timed_by_outcome(debate, settings):
    from maps.services import map_build_request, map_build_run

    settings.CELERY_TASK_ALWAYS_EAGER = True

    def count() -> float:
        value = REGISTRY.get_sample_value("debatemap_map_build_seconds_count", {"outcome": "done"})
        return value or 0.0

    before = count()
    build = map_build_request(debate=debate, reason="timed")
    map_build_run(build_id=build.pk, worker="w:1")

    assert count() == before + 1


# --- JSON logs with a request id --------------------------------------------------------------
@pytest.fixture
def json_log():
    """Send django.request's and django-structlog's records through the JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        # A copy: configuring a formatter takes its "()" out of the dict it is given.
        logging.config.DictConfigurator({"version": 1}).configure_formatter(
            copy.deepcopy(django_settings.LOGGING["formatters"]["json"])
        )
    )
    loggers = [logging.getLogger(name) for name in ("django.request", "django_structlog")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_every_line_a_request_causes_carries_its_request_id(json_log):
    Client().get("/api/v1/no-such-thing/", HTTP_X_REQUEST_ID="req-0042")

    lines = json_log()
    assert [line["event"] for line in lines] == [
        "request_finished",
        "Not Found: /api/v1/no-such-thing/",
    ]
    assert {line["request_id"] for line in lines} == {"req-0042"}
    assert lines[0]["code"] == 404
    # Django's own line, written after the middleware returned, and one line (no traceback).
    assert lines[1]["logger"] == "django.request" and lines[1]["level"] == "info"
    assert not any("ip" in line for line in lines)
    assert all(line["timestamp"].endswith("Z") for line in lines)


@pytest.fixture
def json_worker(transactional_db, tmp_path):
    """A real Celery worker that logs JSON, as production's do."""
    from tests.celery_worker import start_worker

    worker = start_worker(tmp_path, LOG_FORMAT="json")
    yield worker
    worker.stop()


def test_a_celery_task_a_request_sends_logs_with_the_request_s_id(json_worker, debate):
    from maps.selectors import map_build_list
    from tests.factories import MembershipFactory, UserFactory

    reviewer = UserFactory(username="ops-reviewer")
    MembershipFactory(debate=debate, user=reviewer, role="reviewer")
    client = Client()
    client.force_login(reviewer)

    response = client.post(
        f"/api/v1/debates/{debate.slug}/maps/",
        data={"reason": "from the operations test"},
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-celery-7",
    )

    assert response.status_code == 202

    def worker_lines():
        return [
            json.loads(line)
            for line in json_worker.log().splitlines()
            if line.startswith("{") and "req-celery-7" in line
        ]

    # The build is marked done inside the task; "task_succeeded" is logged
    # after the task returns, so wait for the line, not only the status.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        events = {line["event"] for line in worker_lines()}
        if "task_succeeded" in events or "task_failed" in events:
            break
        time.sleep(0.2)
    assert [b.status for b in map_build_list(debate=debate)] == ["done"]
    assert {line["event"] for line in worker_lines()} >= {"task_started", "task_succeeded"}
    assert {line["request_id"] for line in worker_lines()} == {"req-celery-7"}


def test_the_request_started_line_is_written_at_debug_only(json_log):
    logging.getLogger("django_structlog").setLevel(logging.DEBUG)
    Client().get("/api/v1/no-such-thing/", HTTP_X_REQUEST_ID="req-0043")

    assert [line["event"] for line in json_log()][:2] == ["request_started", "request_finished"]
