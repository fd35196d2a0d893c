"""Tokens, their revocation, login throttling and lockout, and session auth with CSRF."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from knox.crypto import hash_token
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from accounts.authentication import TokenAuthentication
from accounts.models import ApiToken
from tests.factories import PASSWORD, api_token

TOKEN_URL = "/api/v1/auth/token/"


def login(username: str, password: str, ip: str = "10.0.0.1", **kwargs):
    return APIClient().post(
        TOKEN_URL,
        {"username": username, "password": password},
        format=kwargs.pop("format", "json"),
        REMOTE_ADDR=ip,
    )


def test_a_password_buys_a_token_that_opens_the_api(world):
    response = login("res", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    token = body["token"]
    # Stored as its hash only: the key itself is nowhere in the database.
    stored = ApiToken.objects.get(user=world.users["res"])
    assert stored.digest == hash_token(token) and token not in (stored.digest, stored.token_key)
    assert token.startswith("dm_") and len(token) == 3 + 64
    assert body == {
        "token": token,
        "id": stored.pk,
        "name": "API login",
        "prefix": token[:15],
        "created": body["created"],
        "expires": body["expires"],
        "last_used": None,
        "expired": False,
    }
    lifetime = (stored.expiry - stored.created).total_seconds()
    assert abs(lifetime - settings.API_TOKEN_DEFAULT_DAYS * 86400) < 5
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/debates/").status_code == 200
    # Asking again makes a second token; the first keeps working.
    again = login("res", PASSWORD).json()["token"]
    assert again != token
    assert ApiToken.objects.filter(user=world.users["res"]).count() == 2
    assert client.get("/api/v1/debates/").status_code == 200


def test_json_and_form_encoded_logins_work_multipart_does_not(world):
    response = login("res", PASSWORD, format="multipart")
    assert response.status_code == 415
    response = APIClient().post(
        TOKEN_URL,
        "username=res&password=" + PASSWORD,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("username", "password"), [("res", "wrong"), ("nobody", PASSWORD), ("res", "")]
)
def test_bad_credentials_get_one_message(world, username, password):
    response = login(username, password)
    assert response.status_code == 400
    if password:
        assert response.json() == {
            "non_field_errors": ["Unable to log in with the given username and password."]
        }
    else:
        assert response.json() == {"password": ["This field may not be blank."]}
    assert not ApiToken.objects.filter(user__username=username).exists()


def test_inactive_users_get_no_token(world):
    world.users["res"].is_active = False
    world.users["res"].save()
    assert login("res", PASSWORD).status_code == 400


def test_revoking_a_token_signs_every_client_out(world):
    token = api_token(world.users["res"])
    other = api_token(world.users["res"], name="another script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert client.delete(TOKEN_URL).status_code == 204

    assert not ApiToken.objects.filter(digest=hash_token(token)).exists()
    assert client.get("/api/v1/debates/").status_code == 401
    # The user's other token is not the one sent, and keeps working.
    assert ApiToken.objects.filter(digest=hash_token(other)).exists()
    # A revoked token in the header does not stop its owner from logging in again.
    response = client.post(TOKEN_URL, {"username": "res", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] != token


def test_revoking_needs_a_signed_in_user(db):
    response = APIClient().delete(TOKEN_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_endpoint_is_throttled_per_address(world):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    statuses = [login("res", PASSWORD).status_code for _ in range(rate + 1)]
    assert statuses == [200] * rate + [429]
    assert login("res", PASSWORD, ip="10.0.0.2").status_code == 200


def test_twenty_bad_passwords_lock_the_user_out_from_anywhere(world):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 20
    # Spread over addresses, so only the username can be what locks; the 20th failure is
    # already answered as a lockout.
    statuses = [login("ann", "wrong", ip=f"10.1.0.{n}").status_code for n in range(limit)]
    assert statuses == [400] * (limit - 1) + [429]

    locked = login("ann", PASSWORD, ip="10.2.0.1")

    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["detail"].startswith(
        "Too many failed logins: this account is locked for a while."
    )
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert not ApiToken.objects.filter(user=world.users["ann"]).exists()
    assert AccessAttempt.objects.filter(username="ann").exists()
    # Other users are not affected.
    assert login("ann2", PASSWORD, ip="10.2.0.1").status_code == 200


def test_nineteen_bad_passwords_do_not_lock(world):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login("ann", "wrong", ip=f"10.1.0.{attempt}")
    assert login("ann", PASSWORD, ip="10.2.0.1").status_code == 200


def test_session_auth_needs_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.get("/login/")  # sets the CSRF cookie, as the browser's login page does
    client.force_login(world.users["ann"])
    url = f"/api/v1/documents/{world.document.pk}/spans/"

    assert client.get(url).status_code == 200
    refused = client.post(url, world.span_payload(), format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF Failed")

    csrf = client.cookies["csrftoken"].value
    accepted = client.post(url, world.span_payload(), format="json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201


def test_twenty_bad_logins_from_one_address_lock_that_address(world):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(f"guess{attempt}", "wrong", ip="10.3.0.1")
    assert login("res", PASSWORD, ip="10.3.0.1").status_code == 429
    assert login("res", PASSWORD, ip="10.3.0.2").status_code == 200


# --- Token look-up (accounts.authentication: one compiled query by the key's hash) ----------
def test_token_authentication_gives_what_the_orm_gives(world):
    user = world.users["root"]
    user.last_login = None
    user.save()
    key = api_token(user)
    ours_user, ours_token = TokenAuthentication().authenticate_credentials(key)
    orm_token = ApiToken.objects.select_related("user").get(digest=hash_token(key))
    assert type(ours_user) is type(orm_token.user)
    assert field_values(ours_user) == field_values(orm_token.user)
    assert ours_user.last_login is None and ours_user.date_joined.tzinfo is not None
    # Every field but the digest, which the look-up does not read back.
    assert field_values(ours_token) | {"digest": orm_token.digest} == field_values(orm_token)
    assert ours_token.user is ours_user
    assert ours_user._state.adding is False and ours_user._state.db == orm_token._state.db


EXPIRED = "Token expired: make a new one on your account page or with POST /api/v1/auth/token/."


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("unknown", "Invalid token."),
        ("inactive", "User inactive or deleted."),
        ("expired", EXPIRED),
    ],
)
def test_token_authentication_refuses_with_the_reason(world, case, detail):
    user = world.users["ann"]
    key = api_token(user)
    if case == "unknown":
        key = key[:-1] + ("0" if key[-1] != "0" else "1")
    elif case == "inactive":
        user.is_active = False
        user.save()
    else:
        ApiToken.objects.filter(user=user).update(expiry=timezone.now())
    with pytest.raises(exceptions.AuthenticationFailed) as refused:
        TokenAuthentication().authenticate_credentials(key)
    assert str(refused.value.detail) == detail
    response = APIClient().get("/api/v1/debates/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json() == {"detail": detail}
    assert response["WWW-Authenticate"] == "Token"


def test_the_api_authenticates_with_our_token_scheme():
    assert api_settings.DEFAULT_AUTHENTICATION_CLASSES[0] is TokenAuthentication


def field_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}
