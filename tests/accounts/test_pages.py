"""The account page, the password change and the password reset by e-mail."""

import json
import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import ApiToken
from tests.factories import PASSWORD, UserFactory, api_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern-staple-orchard"


def page_data(response) -> dict:
    match = re.search(
        r'<script id="account-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_the_account_page_needs_a_login():
    response = Client().get("/account/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/account/")


def test_the_account_page_lists_only_your_tokens_with_names_as_data(db):
    alice = UserFactory(username="alice", email="alice@example.org")
    api_token(alice, name="</script><script>alert(1)</script>")
    api_token(UserFactory(username="bob"), name="bob's script")
    client = Client()
    client.force_login(alice)

    response = client.get("/account/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    data = page_data(response)
    assert [t["name"] for t in data["tokens"]] == ["</script><script>alert(1)</script>"]
    assert data["urls"] == {"tokens": "/api/v1/auth/tokens/", "token": "/api/v1/auth/tokens/{id}/"}
    assert "alice@example.org" in html
    assert 'href="/account/password/"' in html
    # Lifetimes offered: up to the maximum, the default chosen.
    assert re.findall(r'<option value="(\d+)"( selected)?>', html) == [
        ("7", ""),
        ("30", ""),
        ("90", " selected"),
        ("365", ""),
    ]


def test_changing_the_password_revokes_the_tokens_and_says_so(db):
    alice = UserFactory(username="alice")
    key = api_token(alice)
    client = Client()
    client.force_login(alice)

    wrong = client.post(
        "/account/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "Your old password was entered incorrectly." in wrong.content.decode()
    assert ApiToken.objects.filter(user=alice).count() == 1

    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [("/account/", 302)]
    assert "Your API tokens were revoked with the old one" in response.content.decode()
    assert not ApiToken.objects.filter(user=alice).exists()
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert key  # revoked: tests/security/test_token_revocation.py shows the 401


def test_a_password_reset_by_e_mail_sets_a_new_password_once(db):
    alice = UserFactory(username="alice", email="alice@example.org")
    key = api_token(alice)
    client = Client()

    sent = client.post("/password-reset/", {"email": "ALICE@example.org"})

    assert (sent.status_code, sent["Location"]) == (302, "/password-reset/sent/")
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Reset your Debatemap password"
    assert "open this link within one hour:" in message.body
    link = re.search(r"http://testserver(/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Set a new password" in form.content.decode()
    confirm_url = form.redirect_chain[-1][0]

    weak = client.post(confirm_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert "This password is entirely numeric." in weak.content.decode()
    done = client.post(confirm_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert (done.status_code, done["Location"]) == (302, "/reset/done/")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=alice).exists()
    assert key
    # The link works once.
    again = Client().get(link, follow=True).content.decode()
    assert "This link does not work" in again


@pytest.mark.parametrize("case", ["unknown", "no password", "inactive"])
def test_a_reset_request_says_the_same_and_sends_nothing_where_it_must_not(db, case):
    if case == "no password":
        user = UserFactory(username="sso", email="sso@example.org")
        user.set_unusable_password()
        user.save()
    elif case == "inactive":
        UserFactory(username="gone", email="sso@example.org", is_active=False)

    response = Client().post("/password-reset/", {"email": "sso@example.org"})

    assert (response.status_code, response["Location"]) == (302, "/password-reset/sent/")
    assert mail.outbox == []


def test_the_login_page_links_to_the_reset_and_the_reset_says_how_long(db, settings):
    assert 'href="/password-reset/"' in Client().get("/login/").content.decode()
    settings.PASSWORD_RESET_TIMEOUT = 30 * 60
    page = Client().get("/password-reset/").content.decode()
    assert "The link works for 30 minutes." in page


def test_reset_requests_are_limited_per_address_and_per_client(db, settings):
    settings.THROTTLE_PASSWORD_RESET = "2/h"
    UserFactory(username="alice", email="alice@example.org")

    def ask(email: str, ip: str):
        return Client().post("/password-reset/", {"email": email}, REMOTE_ADDR=ip)

    assert [ask("alice@example.org", f"10.0.0.{n}").status_code for n in (1, 2)] == [302, 302]
    # A third request for the same address, from yet another client: refused, no e-mail.
    refused = ask("ALICE@example.org", "10.0.0.3")
    assert refused.status_code == 429
    assert "Too many reset links were asked for from here or for this address." in (
        refused.content.decode()
    )
    assert len(mail.outbox) == 2
    # One client asking for many addresses is refused too.
    assert [ask(f"x{n}@example.org", "10.9.9.9").status_code for n in range(3)] == [
        302,
        302,
        429,
    ]
