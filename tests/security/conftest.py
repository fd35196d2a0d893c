"""The security tests' world: two debates, each with every role and every kind of object.

``alpha`` and ``bravo`` are built alike through the services (``tests.scenes.build_side``),
so each holds an open document with an annotator's spans and relation, a document in review
with a recorded decision, an adjudicated document with gold spans and a gold relation, and a
built map. The words of every text field come from a function, so the XSS tests can fill them
with payloads.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from tests.scenes import Side, TwoDebates, build_side


@pytest.fixture(autouse=True)
def fresh_cache():
    # Throttle and lockout counters live in the cache, which outlives each test's rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def world_ids(django_db_setup, django_db_blocker):
    """Build the two debates once per test module, in a transaction undone after the module.

    Each test runs in a savepoint inside it (pytest-django's ``db``), so what a test writes is
    undone before the next one. Not for modules with live-server tests, whose flush and
    separate connection a surrounding transaction would break: they use ``fresh_world``.
    """
    # The hasher tests use (tests/conftest.py), or their logins could not check the passwords.
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield {name: build_side(name).ids() for name in ("alpha", "bravo")}
        transaction.set_rollback(True)


@pytest.fixture
def world(world_ids, db) -> TwoDebates:
    """Return the two debates, read afresh so no test sees another's Python objects."""
    return TwoDebates(alpha=Side.load(world_ids["alpha"]), bravo=Side.load(world_ids["bravo"]))


@pytest.fixture
def fresh_world(db) -> TwoDebates:
    """Return the two debates built for this test alone."""
    return TwoDebates(alpha=build_side("alpha"), bravo=build_side("bravo"))
