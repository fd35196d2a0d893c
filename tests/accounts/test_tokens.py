"""API tokens: made with a name and an expiry, stored hashed, listed, revoked, capped."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.factories import UserFactory, api_token

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/auth/tokens/"


@pytest.fixture
def alice():
    return UserFactory(username="alice")


def client_with(key: str | None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_named_token_is_made_shown_once_and_listed_without_its_key(alice):
    client = client_with(api_token(alice, name="first"))

    made = client.post(TOKENS, {"name": "  export script  ", "days": 7}, format="json")

    assert made.status_code == 201
    body = made.json()
    key = body["token"]
    token = ApiToken.objects.get(pk=body["id"])
    assert (token.name, token.digest, token.user) == ("export script", hash_token(key), alice)
    assert abs((token.expiry - token.created) - timedelta(days=7)) < timedelta(seconds=5)
    listed = client.get(TOKENS)
    assert listed.status_code == 200
    rows = listed.json()
    assert [row["name"] for row in rows] == ["export script", "first"]  # newest first
    assert rows[0] == {
        "id": token.pk,
        "name": "export script",
        "prefix": key[:15],
        "created": body["created"],
        "expires": body["expires"],
        "last_used": None,
        "expired": False,
    }
    assert key not in listed.content.decode()
    # The new key opens the API.
    assert client_with(key).get("/api/v1/debates/").status_code == 200


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": "x" * 101}, {"name": ["Ensure this field has no more than 100 characters."]}),
        ({"name": "a", "days": 0}, {"days": ["Ensure this value is greater than or equal to 1."]}),
        (
            {"name": "a", "days": 366},
            {"days": ["Ensure this value is less than or equal to 365."]},
        ),
        ({"name": "a", "days": "7"}, {"days": ["A valid integer is required."]}),
        (
            {"name": "a", "expiry": "2099-01-01"},
            {"expiry": ["Unknown or read-only field; it cannot be written."]},
        ),
    ],
)
def test_bad_token_requests_name_the_field_and_make_nothing(alice, body, errors):
    client = client_with(api_token(alice))
    response = client.post(TOKENS, body, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_an_account_holds_a_limited_number_of_live_tokens(alice, settings):
    settings.API_TOKEN_LIMIT = 3
    client = client_with(api_token(alice))
    assert client.post(TOKENS, {"name": "two"}, format="json").status_code == 201
    assert client.post(TOKENS, {"name": "three"}, format="json").status_code == 201

    refused = client.post(TOKENS, {"name": "four"}, format="json")

    assert refused.status_code == 400
    assert refused.json() == {
        "name": [
            "You have 3 tokens that have not expired, the most an account may hold: revoke "
            "one on your account page first."
        ]
    }
    # Expired tokens do not count; those expired over a month ago are removed.
    ApiToken.objects.filter(name="two").update(expiry=timezone.now() - timedelta(days=31))
    ApiToken.objects.filter(name="three").update(expiry=timezone.now() - timedelta(days=1))
    assert client.post(TOKENS, {"name": "four"}, format="json").status_code == 201
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["four", "tests", "three"]


def test_a_token_is_revoked_by_its_owner_only(alice):
    bob = UserFactory(username="bob")
    alices_key = api_token(alice, name="alice's")
    bobs_token = ApiToken.objects.get(digest=hash_token(api_token(bob, name="bob's")))
    alice_client = client_with(alices_key)

    # Someone else's token is not found, and stays.
    response = alice_client.delete(f"{TOKENS}{bobs_token.pk}/")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "You have no token with this id."},
    )
    assert ApiToken.objects.filter(pk=bobs_token.pk).exists()
    # Bob does not see Alice's tokens.
    assert [t["name"] for t in client_with(api_token(bob)).get(TOKENS).json()] == [
        "tests",
        "bob's",
    ]

    own = ApiToken.objects.get(digest=hash_token(alices_key))
    assert alice_client.delete(f"{TOKENS}{own.pk}/").status_code == 204
    assert alice_client.get(TOKENS).status_code == 401


def test_revoking_from_a_browser_session_revokes_every_token(alice):
    keys = [api_token(alice, name=name) for name in ("one", "two")]
    bobs = api_token(UserFactory(username="bob"))
    client = APIClient()
    client.force_login(alice)

    assert client.delete("/api/v1/auth/token/").status_code == 204

    assert [client_with(key).get(TOKENS).status_code for key in keys] == [401, 401]
    assert client_with(bobs).get(TOKENS).status_code == 200


def test_anonymous_visitors_have_no_tokens_to_list_or_make(db):
    assert APIClient().get(TOKENS).status_code == 401
    assert APIClient().post(TOKENS, {"name": "x"}, format="json").status_code == 401
    assert APIClient().delete(f"{TOKENS}1/").status_code == 401


def test_last_used_is_written_at_most_once_per_resolution(alice):
    token, key = api_token_create(user=alice, name="fresh", days=1)
    client = client_with(key)

    with CaptureQueriesContext(connection) as first:
        assert client.get(TOKENS).status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None
    with CaptureQueriesContext(connection) as second:
        assert client.get(TOKENS).status_code == 200

    updates = [q["sql"] for q in first if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "accounts_apitoken" in updates[0]
    assert not [q for q in second if q["sql"].startswith("UPDATE")]
    # Once the resolution has passed, the next request writes it again.
    stale = timezone.now() - timedelta(seconds=301)
    ApiToken.objects.filter(pk=token.pk).update(last_used=stale)
    client.get(TOKENS)
    token.refresh_from_db()
    assert token.last_used > stale + timedelta(seconds=300)


def test_tokens_of_the_drf_table_become_hashed_tokens_and_the_table_goes(alice):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0002_tokens_from_drf_authtoken")
    created = timezone.now() - timedelta(days=400)
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp "
            "with time zone NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, created, alice.pk]
        )

    class Editor:  # what RunPython hands the function: its connection and execute()
        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    Editor.connection = connection
    migration.copy_and_drop(apps, Editor())

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.token_key, token.created) == (
        alice,
        "Token from before expiry",
        old_key[:15],
        created,
    )
    assert token.digest == hash_token(old_key)
    assert client_with(old_key).get(TOKENS).status_code == 200
