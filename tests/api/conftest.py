"""The API tests' world: one debate with a user per role, and a foreign debate (tests.scenes)."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

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


@pytest.fixture(scope="module")
def module_world_ids(django_db_setup, django_db_blocker):
    """Build the world once per test module, in a transaction undone after the module.

    For modules of many tests that each start from the world as built (the permission
    matrix, the schema run): such a module asks for ``module_world`` as its ``world``. Each
    test runs in a savepoint inside the module's transaction (pytest-django's ``db``), so
    what a test writes is undone before the next one, as when each built its own world. Not
    for modules with transactional tests, whose flush a surrounding transaction would break.
    """
    # The hasher tests use (tests/conftest.py), or their logins could not check the passwords.
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield role_world().ids()
        transaction.set_rollback(True)


@pytest.fixture
def module_world(module_world_ids, db) -> RoleWorld:
    """Return the module's world, read afresh so no test sees another's Python objects."""
    return RoleWorld.load(module_world_ids)
