"""Browser tests: helpers for driving the pages. The Chromium fixtures (browser, page, login,
artifacts) live in tests/playwright_fixtures.py and are registered once, in tests/conftest.py,
so every folder shares one browser per session.
"""

import pytest
from playwright.sync_api import Page


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
