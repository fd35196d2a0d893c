"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

A browser test that cannot run is a failure, never a skip: if Chromium is missing, these
fixtures raise with the command that installs it.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.chromium import CHROMIUM, CHROMIUM_FLAGS

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make around
# it are still synchronous, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM}: run `make browser` "
            "(apt-get install -y chromium) before the browser tests."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def login(live_server):
    """Return a function that logs a page in through the real login form."""

    def do_login(page: Page, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        # The form posts and the answer (the page it redirects to, or the form again with its
        # error) loads: wait for that navigation, not for the network to be idle for 0.5 s.
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()

    return do_login
