"""Back in Chromium shows a page as it is now, not the copy from before the user's last action.

Pages are sent with ``Cache-Control: no-store`` (core.middleware.HtmlNoStoreMiddleware):
without it Chromium's Back shows the debate home from its cache, still counting the document
just submitted as not submitted. Playwright turns Chromium's back/forward cache off; a user's
Chrome has it on, and may restore even a no-store page from it, so the last test turns it on
as such a Chrome does and checks that the page loads itself again (js/site/main.js).
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from debate.models import Role
from tests.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.factories import PASSWORD, AssignmentFactory, DocumentFactory

# Chrome's back/forward cache for no-store pages, at the level that restores a page unless an
# HttpOnly cookie changed (the session cookie did not; the CSRF cookie is not HttpOnly).
RESTORES_NO_STORE_PAGES = (
    "--enable-features=CacheControlNoStoreEnterBackForwardCache"
    ":level/restore-unless-http-only-cookie-change"
)


@pytest.fixture
def queue(debate, member):
    annotator = member(Role.ANNOTATOR, username="ann")
    documents = [
        DocumentFactory(debate=debate, title=f"Queued article {n}", text=f"Text number {n}.")
        for n in range(1, 5)
    ]
    for document in documents:
        AssignmentFactory(document=document, annotator=annotator)
    return documents


def submitted_count(page: Page):
    return page.locator(".progress-line > span").first


def test_back_after_submitting_on_the_page_shows_the_new_count(
    live_server, page, login, debate, queue
):
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/d/{debate.slug}/")
    expect(submitted_count(page)).to_have_text("0 of 4 submitted")

    page.locator("section[aria-labelledby=queue-title] table").get_by_role(
        "link", name="Queued article 1"
    ).click()
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_role("button", name="Submit document").click()
    page.locator("#submit-confirm").get_by_role("button", name="Submit").click()
    expect(page.locator("#doc-status")).to_have_text("Submitted")

    page.go_back()

    expect(page).to_have_url(f"{live_server.url}/d/{debate.slug}/")
    expect(submitted_count(page)).to_have_text("1 of 4 submitted")
    row = page.locator("tr", has_text="Queued article 1").first
    expect(row).to_contain_text("Submitted")


def test_back_after_submitting_through_the_api_shows_the_new_count(
    live_server, page, login, debate, queue
):
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/d/{debate.slug}/")
    expect(submitted_count(page)).to_have_text("0 of 4 submitted")
    page.goto(f"{live_server.url}/d/{debate.slug}/review/")  # any page, then Back
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")

    for document in queue[:2]:
        response = page.request.post(
            f"{live_server.url}/api/v1/documents/{document.pk}/submit/",
            headers={"X-CSRFToken": csrf, "Referer": live_server.url + "/"},
        )
        assert response.status == 200
    page.go_back()

    expect(submitted_count(page)).to_have_text("2 of 4 submitted")
    assert re.search(r"\b2 submitted\b", page.locator(".progress-line").inner_text())


@pytest.fixture
def chrome_with_back_forward_cache(browser: Browser):
    """Return a page of a second Chromium, with the back/forward cache a user's Chrome has."""
    cached = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_FLAGS, RESTORES_NO_STORE_PAGES],
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield cached.new_context().new_page()
    cached.close()


def test_a_page_the_back_forward_cache_restores_loads_itself_again(
    live_server, login, debate, queue, chrome_with_back_forward_cache
):
    page = chrome_with_back_forward_cache
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/d/{debate.slug}/")
    expect(submitted_count(page)).to_have_text("0 of 4 submitted")
    page.goto(f"{live_server.url}/documents/{queue[0].pk}/annotate/")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_role("button", name="Submit document").click()
    page.locator("#submit-confirm").get_by_role("button", name="Submit").click()
    expect(page.locator("#doc-status")).to_have_text("Submitted")
    devtools = page.context.new_cdp_session(page)
    devtools.send("Page.enable")
    not_restored = []
    devtools.on("Page.backForwardCacheNotUsed", lambda event: not_restored.append(event))

    # A restored page fires no load event, so wait for the navigation only.
    page.go_back(wait_until="commit")

    expect(submitted_count(page)).to_have_text("1 of 4 submitted")
    assert not_restored == []  # Chrome did restore the old page: the test took that path
