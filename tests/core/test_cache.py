"""The production cache fails open: with Redis unreachable it acts as an empty cache."""

import socket
import time

import pytest

from core.cache import FailOpenRedisCache


@pytest.fixture
def unreachable_cache() -> FailOpenRedisCache:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return FailOpenRedisCache(
        f"redis://127.0.0.1:{port}/1",
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )


def test_an_unreachable_cache_answers_as_an_empty_one(unreachable_cache):
    cache = unreachable_cache
    started = time.monotonic()

    cache.set("throttle_login_1.2.3.4", [1.0], 60)
    assert cache.get("throttle_login_1.2.3.4", []) == []
    assert cache.add("lock", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    assert cache.delete("a") is False
    assert cache.touch("a") is False
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    assert cache.clear() is False
    with pytest.raises(ValueError):
        cache.incr("counter")

    # Refused connections fail at once: no retries with backoff on the request's time.
    assert time.monotonic() - started < 5


def test_a_cache_that_answers_stores_as_usual(settings):
    from tests.celery_worker import redis_answers

    url = settings.CELERY_BROKER_URL
    assert redis_answers(url), f"Redis does not answer at {url}; start it (see README)."
    cache = FailOpenRedisCache(url.rsplit("/", 1)[0] + "/1", {"KEY_PREFIX": "fail-open-test"})
    cache.set("key", [1.0], 60)
    assert cache.get("key") == [1.0]
    cache.delete("key")
