"""Someone manages their API tokens in Chromium: makes a named token, sees its key once, uses
it, revokes it after a confirmation, and sees an expired token marked as such."""

import re
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import ApiToken
from accounts.services import api_token_create
from debate.models import Role
from tests.factories import PASSWORD

NAME = "lab export <b>script</b>"


@pytest.fixture
def annotator(debate, member):
    return member(Role.ANNOTATOR, username="ann")


def api_status(live_server, key: str) -> tuple[int, dict]:
    response = requests.get(
        f"{live_server.url}/api/v1/debates/", headers={"Authorization": f"Token {key}"}, timeout=10
    )
    return response.status_code, response.json()


def test_a_token_is_made_used_and_revoked_in_the_browser(
    live_server, page: Page, login, annotator, artifacts
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "ann", PASSWORD)
    page.get_by_role("link", name="ann").click()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#tokens-empty")).to_be_visible()

    page.get_by_label("What is it for?").fill(NAME)
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Make a token").click()

    key_box = page.locator("#new-token-key")
    expect(key_box).to_have_text(re.compile(r"^dm_[0-9a-f]{64}$"))
    key = key_box.text_content()
    token = ApiToken.objects.get(user=annotator)
    assert token.name == NAME
    assert abs((token.expiry - token.created) - timedelta(days=30)) < timedelta(seconds=5)
    row = page.locator(f"#tokens-rows tr[data-token='{token.pk}']")
    expect(row.locator("td").first).to_have_text(NAME)  # as text, not markup
    expect(row.locator("code")).to_have_text(f"{key[:15]}…")
    expect(page.locator("#tokens-empty")).to_be_hidden()
    page.screenshot(path=artifacts / "account-new-token.png", full_page=True)
    assert api_status(live_server, key)[0] == 200

    page.get_by_role("button", name=f"Revoke {NAME}").click()
    expect(page.locator("#revoke-dialog")).to_be_visible()
    expect(page.locator("#revoke-text")).to_have_text(f"Revoke the token “{NAME}” ({key[:15]}…)?")
    page.locator("#revoke-confirm").click()

    expect(page.locator("#tokens-status")).to_have_text(
        f"Revoked “{NAME}”: scripts that use it are refused from now on."
    )
    expect(page.locator("#tokens-rows tr")).to_have_count(0)
    assert not ApiToken.objects.filter(user=annotator).exists()
    assert api_status(live_server, key) == (401, {"detail": "Invalid token."})
    assert (errors, page.dialogs) == ([], [])


def test_an_expired_token_is_shown_expired_and_refused(live_server, page: Page, login, annotator):
    token, key = api_token_create(user=annotator, name="old laptop", days=7)
    ApiToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(days=2))
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/account/")
    page.wait_for_selector("body[data-ready=true]")

    row = page.locator(f"#tokens-rows tr[data-token='{token.pk}']")
    expect(row.locator("td.expired")).to_contain_text("expired")
    expect(row.get_by_role("button", name="Remove old laptop")).to_be_visible()
    expect(page.locator("#tokens-count")).to_have_text("0 active")
    status, body = api_status(live_server, key)
    assert status == 401
    assert body["detail"].startswith("Token expired")
