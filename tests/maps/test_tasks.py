"""The map task's retries, run eagerly: how long a build waits, and how often it retries errors.

Celery's ``retry(max_retries=None)`` means "the task's limit", not "no limit": a build waiting
behind a long one must not run out of the retries meant for database errors.
"""

import pytest
from celery.exceptions import MaxRetriesExceededError
from django.db import OperationalError

from config.celery import app as celery_app
from maps import tasks
from maps.services import MapBuildBusy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def retries_run_inline(monkeypatch):
    # Eagerly, a retry runs again at once (no countdown) unless errors propagate, which would
    # raise the first Retry instead.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


def failing(times: int, error: Exception):
    """Return a map_build_run that raises ``error`` ``times`` times, then builds nothing."""
    calls = []

    def run(**kwargs):
        calls.append(kwargs["build_id"])
        if len(calls) <= times:
            raise error
        return None

    return run, calls


def test_a_build_waits_behind_a_busy_debate_for_as_many_turns_as_it_takes(monkeypatch):
    run, calls = failing(40, MapBuildBusy("Another build of this debate is running."))
    monkeypatch.setattr(tasks, "map_build_run", run)

    result = tasks.build_argument_map.apply(args=[7])

    assert result.successful(), result.traceback
    assert calls == [7] * 41


def test_database_errors_are_retried_five_times_then_fail(monkeypatch):
    run, calls = failing(100, OperationalError("the server closed the connection"))
    monkeypatch.setattr(tasks, "map_build_run", run)

    result = tasks.build_argument_map.apply(args=[7])

    assert result.failed()
    assert isinstance(result.result, OperationalError | MaxRetriesExceededError)
    assert calls == [7] * 6
