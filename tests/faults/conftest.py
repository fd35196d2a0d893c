"""Fixtures of the fault tests: a private Redis and the app served as production serves it.

The stack itself (gunicorn, a Celery worker and beat, the clients' helpers) is in
``tests/faults/stack.py``; the data they work on in ``tests.scenes.team_create``.
"""

from collections.abc import Iterator

import pytest

from tests.faults.stack import PrivateRedis, Stack


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    """Start a redis-server of this test's own; the test may stop and restart it."""
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    yield redis
    if redis.process and redis.process.poll() is None:
        redis.process.kill()
        redis.process.wait(10)


@pytest.fixture
def stack(transactional_db, private_redis, tmp_path) -> Iterator[Stack]:
    """Serve the app the production way on the test database; stop it all afterwards."""
    stack = Stack(redis=private_redis, log_dir=tmp_path)
    try:
        stack.start()
        yield stack
    finally:
        # Before the database is flushed: no process of the stack holds a connection then.
        stack.stop()
