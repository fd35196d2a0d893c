import pytest

from debate.models import Role
from tests.factories import DebateFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s per hash by design; tests hash many passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
