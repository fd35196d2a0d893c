"""A Redis cache that fails open: while Redis is unreachable it behaves like an empty cache.

The cache holds nothing that must survive (login throttle counters; the lockout after bad
passwords is django-axes' and lives in PostgreSQL), so a Redis outage should cost those
counters, never a request. Django's own ``RedisCache`` raises instead, which turned every login
into a 500 while Redis was down. Only connection failures and timeouts are swallowed (and
logged); any other Redis error is a bug and still raises.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# One warning per this many seconds is enough to see an outage in the logs.
WARN_EVERY_SECONDS = 30.0
_warned_at = float("-inf")


def _unreachable(operation: str, exc: Exception) -> None:
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY_SECONDS:
        _warned_at = now
        logger.warning("Cache unreachable, %s answered as by an empty cache: %s", operation, exc)


class FailOpenRedisCacheClient(RedisCacheClient):
    """Answer as an empty cache that stores nothing while Redis cannot be reached."""

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except UNREACHABLE as exc:
            _unreachable("add", exc)
            return False

    def get(self, key, default):
        try:
            return super().get(key, default)
        except UNREACHABLE as exc:
            _unreachable("get", exc)
            return default

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except UNREACHABLE as exc:
            _unreachable("set", exc)

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except UNREACHABLE as exc:
            _unreachable("touch", exc)
            return False

    def delete(self, key):
        try:
            return super().delete(key)
        except UNREACHABLE as exc:
            _unreachable("delete", exc)
            return False

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except UNREACHABLE as exc:
            _unreachable("get_many", exc)
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except UNREACHABLE as exc:
            _unreachable("has_key", exc)
            return False

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except UNREACHABLE as exc:
            _unreachable("incr", exc)
            raise ValueError(f"Key '{key}' not found.") from exc  # as for a missing key

    def set_many(self, data, timeout):
        try:
            super().set_many(data, timeout)
        except UNREACHABLE as exc:
            _unreachable("set_many", exc)

    def delete_many(self, keys):
        try:
            super().delete_many(keys)
        except UNREACHABLE as exc:
            _unreachable("delete_many", exc)

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as exc:
            _unreachable("clear", exc)
            return False


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache, failing open when Redis is unreachable (see the module)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient
