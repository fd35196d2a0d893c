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
def world(module_world_ids, db) -> RoleWorld:
    """The world of one test, or, in a module that sets ``ONE_WORLD_PER_MODULE = True``, the
    world built once for the module, read afresh so no test sees another's Python objects.

    Both are asked for by name, so pytest-django sets up the test database even for a module
    run alone, and the module's world (a wider scope) is built before the test's transaction
    opens, whatever order a test names its fixtures in.
    """
    if module_world_ids is None:
        return role_world()
    return RoleWorld.load(module_world_ids)


@pytest.fixture(scope="module")
def module_world_ids(request, django_db_setup, django_db_blocker):
    """Build the world once per test module, in a transaction undone after the module; None
    for a module without ``ONE_WORLD_PER_MODULE = True``.

    For modules whose tests each start from the world as built: each test runs in a
    savepoint inside the module's transaction (pytest-django's ``db``), so what a test writes
    is undone before the next one, as when each built its own world. Only for modules with no
    transactional test (a surrounding transaction would break its flush) and no database test
    that counts on an empty database (it would find the world's rows).
    """
    if not getattr(request.module, "ONE_WORLD_PER_MODULE", False):
        yield None
        return
    # The hasher tests use (tests/conftest.py), or their logins could not check the passwords.
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield role_world().ids()
        transaction.set_rollback(True)
