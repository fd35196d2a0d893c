from io import StringIO

import pytest
from django.core.management import call_command

from config.celery import app as celery_app
from debate.models import Role
from tests.factories import DebateFactory, MembershipFactory, UserFactory
from tests.playwright_fixtures import artifacts, browser, login, page  # noqa: F401 - shared by all


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s per hash by design; tests hash many passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def celery_runs_tasks_inline():
    # Unit tests run tasks in-process; tests about Celery itself start a real worker instead.
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def celery_worker(transactional_db, settings, tmp_path):
    """Start a real Celery worker process on this test's own queue; stop it afterwards."""
    from tests.celery_worker import start_worker

    worker = start_worker(tmp_path)
    yield worker
    worker.stop()


@pytest.fixture
def debate(db):
    return DebateFactory(slug="encryption", title="Encryption")


@pytest.fixture
def member(debate):
    """Return a function that makes a user with a role in ``debate``."""

    def make(role: str = Role.ANNOTATOR, username: str | None = None, **kwargs):
        user = UserFactory(**({"username": username} if username else {}), **kwargs)
        MembershipFactory(debate=debate, user=user, role=role)
        return user

    return make


@pytest.fixture
def run_command(db):
    """Return a function that runs a management command and returns (stdout, stderr)."""

    def run(name: str, *args: str, **options) -> tuple[str, str]:
        stdout, stderr = StringIO(), StringIO()
        call_command(name, *args, stdout=stdout, stderr=stderr, **options)
        return stdout.getvalue(), stderr.getvalue()

    return run
