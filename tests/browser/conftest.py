"""Browser tests: helpers for driving the pages. The Chromium fixtures (browser, page, login,
artifacts) live in tests/playwright_fixtures.py and are registered once, in tests/conftest.py,
so every folder shares one browser per session.
"""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Select text[start:end) (code points) inside one element, as a user's mouse would: the page
# under test sees a real DOM selection spanning its text nodes at the matching UTF-16 offsets.
_SELECT_JS = """([rootId, start, end]) => {
  const root = document.getElementById(rootId);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node, startSet = false;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (!startSet && start <= seen + length) {
      range.setStart(node, start - seen);
      startSet = true;
    }
    if (end <= seen + length) { range.setEnd(node, end - seen); break; }
    seen += length;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def utf16_offset(text: str, code_points: int) -> int:
    """Return the UTF-16 offset of a code point offset into text (what the browser counts)."""
    return len(text[:code_points].encode("utf-16-le")) // 2


def select_text(page: Page, root_id: str, text: str, start: int, end: int) -> None:
    """Select text[start:end) (code points) inside the element with id root_id."""
    page.evaluate(_SELECT_JS, [root_id, utf16_offset(text, start), utf16_offset(text, end)])


# --- One server and one world per module ------------------------------------------------------
@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker):
    """Return a live server of the module's own, over a database open to the whole module.

    pytest-django's ``live_server`` empties the database after every test, so a world made for
    it is made again for each test. A module that builds its world once asks for ``served``
    instead: what the module builds is committed (the server's thread reads it), and the
    tables are emptied when the module ends, as after a transactional test. Its tests must not
    change what another test of the module reads.

    pytest-django creates its test database only for tests that name ``db``,
    ``transactional_db`` or ``live_server``, so such a module defines its own
    ``transactional_db`` (``transactional_db = module_database``): the name makes the test
    database exist, and the fixture empties nothing after each test.
    """
    # The hasher tests use (tests/conftest.py), for the users the module makes.
    with (
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        django_db_blocker.unblock(),
    ):
        server = LiveServer("localhost")
        try:
            yield server
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def module_database(served):
    """Stand for pytest-django's ``transactional_db`` in a module served by ``served``."""
    return served


def signed_in(browser: Browser, server, user, **options) -> BrowserContext:
    """Return a browser context signed in as ``user`` (a session made without the login form)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": server.url}])
    return context


def new_page(context: BrowserContext) -> Page:
    """Return a page of the context that collects its dialogs (``page.dialogs``) and errors."""
    page = context.new_page()
    page.dialogs = []
    page.errors = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


class RolePages:
    """One page per role, signed in (``anonymous``: not), opened when first asked for and
    reused by a module's tests: each test loads its own page into it. Its ``errors`` and
    ``dialogs`` are emptied for each test."""

    def __init__(self, browser: Browser, server, users: dict):
        self.browser, self.server, self.users = browser, server, users
        self.pages: dict[str, Page] = {}

    def __call__(self, role: str) -> Page:
        if role not in self.pages:
            context = (
                self.browser.new_context()
                if role == "anonymous"
                else signed_in(self.browser, self.server, self.users[role])
            )
            self.pages[role] = new_page(context)
        page = self.pages[role]
        page.errors.clear()
        page.dialogs.clear()
        return page

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()
