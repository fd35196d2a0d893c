"""A password change revokes the user's API tokens, whichever way the password changed.

The rule lives in one receiver (core/signals.py) on every save of a user: set_password() and
save() in code, the admin's password form and ``manage.py changepassword`` all go through it.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.management.commands import changepassword
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import PASSWORD, UserFactory, token_owner

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-staple-lantern"


class FastPBKDF2(PBKDF2PasswordHasher):
    """A newer hasher to upgrade to, cheap enough for a test."""

    iterations = 1000


API_ROUTE = "/api/v1/debates/"


def token_for(username: str, password: str = PASSWORD) -> str:
    """Log in through the token endpoint; return the token key."""
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(API_ROUTE).status_code


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.fixture
def bob():
    return UserFactory(username="bob")


def test_set_password_and_save_revoke_the_token_and_only_that_users(alice, bob):
    mine, theirs = token_for("alice"), token_for("bob")
    assert (api_status(mine), api_status(theirs)) == (200, 200)

    alice.set_password(NEW_PASSWORD)
    alice.save()

    assert api_status(mine) == 401
    assert not ApiToken.objects.filter(user=alice).exists()
    assert api_status(theirs) == 200
    # The new password buys a new token, which works.
    fresh = token_for("alice", NEW_PASSWORD)
    assert fresh != mine
    assert api_status(fresh) == 200


def test_saving_only_the_password_field_revokes_too(alice):
    key = token_for("alice")
    alice.set_password(NEW_PASSWORD)
    alice.save(update_fields=["password"])
    assert api_status(key) == 401


def test_a_new_hash_assigned_directly_revokes_the_token(alice):
    key = token_for("alice")
    alice.password = make_password(NEW_PASSWORD)
    alice.save()
    assert api_status(key) == 401


def test_a_hash_upgrade_at_login_keeps_the_token(alice, settings):
    key = token_for("alice")
    stored = alice.password
    settings.PASSWORD_HASHERS = [f"{__name__}.FastPBKDF2", *settings.PASSWORD_HASHERS]

    # The same password, checked at login, is re-hashed with the now preferred hasher (the
    # login makes another token).
    assert token_for("alice") != key
    alice.refresh_from_db()
    assert stored.startswith("md5$") and alice.password.startswith("pbkdf2_sha256$1000$")
    assert api_status(key) == 200


def test_an_unusable_password_revokes_the_token(alice):
    key = token_for("alice")
    alice.set_unusable_password()
    alice.save()
    assert api_status(key) == 401


def test_saving_a_user_without_a_new_password_keeps_the_token_with_one_query(alice):
    key = token_for("alice")
    alice = type(alice).objects.get(pk=alice.pk)
    alice.first_name = "Alice"
    with CaptureQueriesContext(connection) as queries:
        alice.save()
    # The receiver's DELETE (which matched no row) and the UPDATE of the user.
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert queries[0]["sql"].startswith("DELETE")
    assert queries[1]["sql"].startswith("UPDATE")
    assert api_status(key) == 200
    assert token_owner(key) == alice


def test_a_save_that_leaves_the_password_out_costs_no_query(alice):
    key = token_for("alice")
    alice.last_login = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        alice.save(update_fields=["last_login"])
    assert [q["sql"].split()[0] for q in queries] == ["UPDATE"]
    assert api_status(key) == 200


def test_a_new_user_costs_no_extra_query():
    carol = get_user_model()(username="carol")
    carol.set_password(PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        carol.save()
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]


def test_the_admin_password_form_revokes_the_token(alice, bob):
    key, theirs = token_for("alice"), token_for("bob")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(root)
    url = f"/admin/auth/user/{alice.pk}/password/"
    assert admin.get(url).status_code == 200

    response = admin.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == f"/admin/auth/user/{alice.pk}/change/"
    assert api_status(key) == 401
    assert api_status(theirs) == 200
    assert token_for("alice", NEW_PASSWORD) != key


def test_the_admin_user_form_without_a_new_password_keeps_the_token(alice):
    key = token_for("alice")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(root)
    form = {
        "username": "alice",
        "first_name": "Alice",
        "last_name": "",
        "email": "alice@example.org",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }

    response = admin.post(f"/admin/auth/user/{alice.pk}/change/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    alice.refresh_from_db()
    assert alice.first_name == "Alice"
    assert api_status(key) == 200


def test_the_changepassword_command_revokes_the_token(alice, bob, monkeypatch):
    key, theirs = token_for("alice"), token_for("bob")
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)

    out = io.StringIO()
    call_command("changepassword", "alice", stdout=out)

    assert out.getvalue().endswith("Password changed successfully for user 'alice'\n")

    assert api_status(key) == 401
    assert api_status(theirs) == 200
