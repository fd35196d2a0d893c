"""Single sign-on with OpenID Connect, against a local provider (tests/accounts/oidc_provider).

The whole code flow runs over HTTP: Django's client asks to log in, the provider authorizes,
the callback exchanges the code (with the PKCE verifier) for tokens, checks the ID token's
signature, issuer, audience and nonce, reads the user info and logs the account in.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from accounts.models import OidcIdentity
from tests.accounts.oidc_provider import CLIENT_ID, start_provider
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(scope="module")
def provider_server():
    provider, server = start_provider()
    yield provider
    server.shutdown()


@pytest.fixture
def provider(provider_server, settings):
    for name, value in provider_server.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.AuthenticationBackend",
    ]
    provider_server.id_token_claims = {}
    provider_server.requests.clear()
    return provider_server


def sso_login(client: Client, provider, next_url: str = "/account/"):
    """Walk the code flow; return the callback's answer."""
    start = client.get("/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302
    location = start["Location"]
    assert location.startswith(f"{provider.base}/authorize?")
    asked = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert asked["client_id"] == CLIENT_ID
    assert asked["scope"] == "openid email profile"
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] and asked["state"]
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    assert (back.netloc, back.path) == ("testserver", "/oidc/callback/")
    return client.get(f"{back.path}?{back.query}")


def signed_in_as(client: Client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def refusal(client: Client, response) -> str:
    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert signed_in_as(client) is None
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    return message


def test_a_first_login_makes_an_account_named_after_the_provider_s_username(provider):
    provider.login_as(
        "u-1001",
        email="kate@uni.example",
        email_verified=True,
        preferred_username="krobertson",
        given_name="Kate",
        family_name="Robertson",
    )
    client = Client()

    response = sso_login(client, provider)

    assert (response.status_code, response["Location"]) == (302, "/account/")
    user = signed_in_as(client)
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "krobertson",
        "kate@uni.example",
        "Kate",
        "Robertson",
    )
    assert not user.has_usable_password()
    assert list(OidcIdentity.objects.values_list("user", "issuer", "subject")) == [
        (user.pk, provider.issuer, "u-1001")
    ]
    # The token request carried the secret and the PKCE verifier.
    [token_request] = [r for r in provider.requests if r[:2] == ("POST", "/token")]
    assert token_request[2]["grant_type"] == "authorization_code"
    assert token_request[2]["code_verifier"]
    # The account page says how this account signs in.
    page = client.get("/account/").content.decode()
    assert "You sign in with Test University; this account has no password." in page


def test_a_verified_address_links_the_existing_account_and_later_logins_follow_the_subject(
    provider,
):
    existing = UserFactory(username="rani", email="Rani@NSPCC.example")
    provider.login_as("u-2002", email="rani@nspcc.example", email_verified=True)

    client = Client()
    sso_login(client, provider)
    assert signed_in_as(client) == existing
    # The provider's address changes; the subject still leads to the same account.
    provider.login_as("u-2002", email="r.govender@elsewhere.example", email_verified=True)
    second = Client()
    sso_login(second, provider)
    assert signed_in_as(second) == existing
    assert User.objects.count() == 1
    assert OidcIdentity.objects.get().user == existing
    # The password still works too.
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)


def test_an_unverified_address_never_reaches_an_existing_account(provider):
    existing = UserFactory(username="susie", email="susie@iwf.example")
    provider.login_as(
        "u-3003", email="susie@iwf.example", email_verified=False, preferred_username="susie"
    )
    client = Client()

    sso_login(client, provider)

    user = signed_in_as(client)
    assert user != existing
    assert (user.username, user.email) == ("susie-2", "")
    assert OidcIdentity.objects.get(subject="u-3003").user == user


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iss": "https://impostor.example"}, "The ID token was issued by another provider."),
        ({"aud": "another-client"}, "The ID token was issued to another client."),
        ({"nonce": "replayed"}, "JWT Nonce verification failed."),
    ],
)
def test_an_id_token_for_someone_else_is_refused_with_the_reason(provider, claims, reason):
    provider.login_as("u-4004", email="x@uni.example", email_verified=True)
    provider.id_token_claims = claims
    client = Client()

    message = refusal(client, sso_login(client, provider))

    assert message == f"Test University did not log you in: {reason}"
    assert not User.objects.exists()


def test_a_deactivated_account_cannot_log_in_with_the_provider(provider):
    provider.login_as("u-5005", email="gone@uni.example", email_verified=True)
    sso_login(Client(), provider)
    User.objects.update(is_active=False)
    client = Client()

    message = refusal(client, sso_login(client, provider))

    assert message == (
        "Test University did not log you in: the provider did not confirm who you are, or "
        "this account is deactivated."
    )


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(provider):
    provider.login_as("u-6006", email="y@uni.example", email_verified=True)
    client = Client()
    client.get("/oidc/authenticate/")  # the session holds a state, but not this one

    response = client.get("/oidc/callback/", {"code": "stolen", "state": "forged"})

    assert refusal(client, response) == (
        "Test University did not log you in: OIDC callback state not found in session "
        "`oidc_states`!"
    )
    assert not any(r[:2] == ("POST", "/token") for r in provider.requests)


def test_the_login_page_offers_the_provider_only_where_it_is_configured(provider, settings):
    page = Client().get("/login/", {"next": "/d/x/"}).content.decode()
    assert 'href="/oidc/authenticate/?next=/d/x/"' in page
    assert "Log in with Test University" in page

    settings.OIDC_ENABLED = False
    page = Client().get("/login/").content.decode()
    assert "/oidc/authenticate/" not in page
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/", {"code": "a", "state": "b"}).status_code == 404
