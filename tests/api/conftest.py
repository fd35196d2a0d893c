"""The API tests' world: one debate with a user per role, and a foreign debate (tests.scenes)."""

import pytest
from django.core.cache import cache

from tests.scenes import RoleWorld, role_world


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 costs a noticeable fraction of a second per hash by design; tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_throttles():
    # Throttle counters live in the cache, which outlives each test's database rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> RoleWorld:
    return role_world()
