"""Every page from a 360 px phone to a wide screen, in Chromium: nothing scrolls sideways, the
tag form fits the viewport and keeps its Save button in view, the map's labels are whole.

The world is ``tests.scenes.pages_world`` with a long unbroken word (a URL) in every text its
members write (titles, sources, texts, notes, actor names): the words that widen a page when
nothing lets them wrap. One world and one signed-in page per role serve the module (``served``
and ``RolePages`` in tests/browser/conftest.py); each screen is loaded afresh at each width.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import RolePages, module_database, select_text
from tests.browser.screens import READY, show
from tests.factories import AssignmentFactory, DocumentFactory
from tests.scenes import PagesWorld, pages_world

pytestmark = pytest.mark.usefixtures("transactional_db")
transactional_db = module_database  # one world for the module: see tests/browser/conftest.py

LONG_WORD = "https://example.org/reports/2024/end-to-end-encryption-and-client-side-scanning"
LINE = "Line {n}: the regulator says scanning messages on the phone is compatible with privacy.\n"
LONG_TEXT = "".join(LINE.format(n=f"{n:03d}") for n in range(120))
# Phones (360 and 390 wide), a tablet held upright, a laptop.
VIEWPORTS = {360: 740, 390: 844, 768: 1024, 1366: 900}
# Each screen as a role that sees it.
SEEN_BY = {
    "login": "anonymous",
    "login-failed": "anonymous",
    "api-docs": "anonymous",
    "api-redoc": "anonymous",
    "home": "annotator",
    "debate-home": "annotator",
    "debate-home-empty": "annotator",
    "annotate": "annotator",
    "annotate-span-selected": "annotator",
    "annotate-link-mode": "annotator",
    "annotate-submit-confirm": "annotator",
    "annotate-help": "annotator",
    "annotate-read-only": "annotator",
    "guidelines": "manager",
    "guidelines-empty": "manager",
    "gold": "annotator",
    "review-queue": "reviewer",
    "review-queue-empty": "reviewer",
    "review": "reviewer",
    "review-disagreements": "reviewer",
    "review-editor": "reviewer",
    "review-adjudicated": "reviewer",
    "dashboard": "reviewer",
    "dashboard-empty": "reviewer",
    "map": "reviewer",
    "map-filtered": "reviewer",
    "map-empty": "reviewer",
    "assign": "manager",
    "members": "manager",
    "members-remove-confirm": "manager",
    "import": "manager",
    "import-report": "manager",
    "account": "annotator",
    "account-new-token": "annotator",
    "account-revoke-confirm": "annotator",
    "password-change": "annotator",
    "password-reset": "anonymous",
}


# Written to test-artifacts/ as a phone shows them (390 px wide), to look at.
PHOTOGRAPHED = {"annotate", "review-disagreements", "dashboard", "map", "members", "import-report"}


def long_words(field: str) -> str:
    return f"alpha {field} {LONG_WORD}"


@pytest.fixture(scope="module")
def world(served) -> PagesWorld:
    world = pages_world(words=long_words)
    # A text longer than any screen, so a passage can be tagged anywhere in the viewport.
    long_document = DocumentFactory(debate=world.side.debate, title="Long report", text=LONG_TEXT)
    AssignmentFactory(document=long_document, annotator=world.side.users["annotator"])
    world.long_document = long_document
    return world


@pytest.fixture(scope="module")
def pages(browser, served, world):
    pages = RolePages(browser, served, world.side.users)
    yield pages
    pages.close()


def at_size(pages, role: str, width: int) -> Page:
    page = pages(role)
    page.set_viewport_size({"width": width, "height": VIEWPORTS[width]})
    return page


# The outermost elements that reach past the right edge of the viewport and that no scrolling
# box inside it holds: what makes the page scroll sideways.
STICKING_OUT_JS = """() => {
  const width = document.documentElement.clientWidth;
  const outside = (el) => el.getBoundingClientRect().right > width + 0.5;
  const heldInside = (el) => {
    if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) return false;
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== 'visible') return !outside(box);
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  return [...document.body.querySelectorAll('*')]
    .filter((el) => outside(el) && !heldInside(el) && !outside(el.parentElement))
    .map((el) => `${name(el.parentElement)} > ${name(el)} ends at ${
      Math.round(el.getBoundingClientRect().right)}px`)
    .slice(0, 8);
}"""


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("screen", SEEN_BY)
def test_no_page_scrolls_sideways(pages, served, world, screen, width, artifacts):
    page = at_size(pages, SEEN_BY[screen], width)
    show(page, served.url, world, screen)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths == [width, width], page.evaluate(STICKING_OUT_JS)
    assert (page.errors, page.dialogs) == ([], [])
    if width == 390 and screen in PHOTOGRAPHED:
        page.screenshot(path=str(artifacts / f"phone-{screen}.png"), full_page=True)


def test_a_wide_table_scrolls_in_its_own_box_which_the_keyboard_reaches(pages, served, world):
    page = at_size(pages, "annotator", 360)
    show(page, served.url, world, "debate-home")
    region = page.get_by_role("group", name="Documents")
    assert region.evaluate("(box) => box.scrollWidth > box.clientWidth")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(box) => box.scrollLeft > 0", arg=region.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") == 360


# --- The tag form -------------------------------------------------------------------------------
def open_tag_form_at(page: Page, served, world, line: int, where: str) -> None:
    """Scroll a line of the long document to the top or the bottom of the viewport, select a
    phrase of it and press T."""
    page.goto(f"{served.url}/documents/{world.long_document.pk}/annotate/")
    page.wait_for_selector(READY)
    page.locator("#doc-text").focus()
    start = LONG_TEXT.index(f"Line {line:03d}: the regulator")
    select_text(page, "doc-text", LONG_TEXT, start, start + len("Line 000: the regulator"))
    page.evaluate(
        """(where) => {
          const rect = getSelection().getRangeAt(0).getBoundingClientRect();
          const y = where === 'top' ? rect.top - 60 : rect.bottom - window.innerHeight + 40;
          window.scrollBy(0, y);
        }""",
        where,
    )
    page.keyboard.press("t")
    expect(page.locator("#tag-popover")).to_be_visible()


BOX_JS = """(el) => {
  const r = el.getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          width: window.innerWidth, height: window.innerHeight};
}"""


@pytest.mark.parametrize("where", ["top", "bottom"])
@pytest.mark.parametrize(
    ("width", "height"), [(390, 844), (1366, 900)], ids=["390x844", "1366x900"]
)
def test_the_tag_form_opens_inside_the_viewport_with_save_in_view(
    pages, served, world, width, height, where
):
    page = pages("annotator")
    page.set_viewport_size({"width": width, "height": height})
    open_tag_form_at(page, served, world, line=60, where=where)
    box = page.locator("#tag-popover").evaluate(BOX_JS)
    inside = (
        box["left"] >= 0
        and box["top"] >= 0
        and box["right"] <= box["width"]
        and box["bottom"] <= box["height"]
    )
    assert inside, f"the tag form at {box}"
    form = page.locator("#tag-popover")
    expect(form.get_by_role("button", name="Save (Enter)")).to_be_in_viewport(ratio=1)
    expect(form.get_by_role("button", name="Cancel (Esc)")).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert (page.errors, page.dialogs) == ([], [])


# The form's own box, and where its buttons are in it, whatever the page's scroll.
FORM_JS = """(form) => {
  const box = form.getBoundingClientRect();
  const within = (button) => {
    const r = button.getBoundingClientRect();
    return r.top >= box.top && r.bottom <= box.bottom + 0.5;
  };
  const buttons = [...form.querySelectorAll('.actions button')];
  return {height: box.height, scrolls: form.scrollHeight > form.clientHeight,
          buttonsShown: buttons.length === 2 && buttons.every(within)};
}"""


def test_a_tag_form_taller_than_the_screen_scrolls_within_itself_keeping_save_in_view(
    pages, served, world
):
    page = pages("annotator")
    page.set_viewport_size({"width": 844, "height": 390})  # a phone held sideways
    open_tag_form_at(page, served, world, line=3, where="top")
    form = page.locator("#tag-popover")
    first = form.evaluate(FORM_JS)
    assert first["height"] <= 390 - 16
    assert first["scrolls"] and first["buttonsShown"], first
    form.evaluate("(form) => { form.scrollTop = form.scrollHeight; }")
    assert form.evaluate(FORM_JS)["buttonsShown"]
    # The row follows the form's last field for the keyboard too: Tab, Tab, Enter cancels.
    page.locator("#tag-note").focus()
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Save (Enter)")).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Cancel (Esc)")).to_be_focused()
    page.keyboard.press("Enter")
    expect(form).to_be_hidden()
    assert (page.errors, page.dialogs) == ([], [])


# --- The map's labels ---------------------------------------------------------------------------
# Every label of the picture inside the box it names (a header, an argument, an actor, the
# proposition) and inside the picture, where nothing cuts it off.
CUT_LABELS_JS = """(svg) => {
  const view = svg.viewBox.baseVal;
  const inside = (inner, outer) => inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5
    && inner.x + inner.width <= outer.x + outer.width + 0.5
    && inner.y + inner.height <= outer.y + outer.height + 0.5;
  const cut = [];
  for (const group of svg.querySelectorAll('.g-header, .g-node')) {
    const box = group.querySelector('rect').getBBox();
    for (const text of group.querySelectorAll(':scope > text')) {
      const label = text.getBBox();
      if (!inside(label, box) || !inside(label, view)) cut.push(text.textContent);
    }
  }
  return cut;
}"""


@pytest.mark.parametrize("width", VIEWPORTS)
def test_no_label_of_the_map_is_cut(pages, served, world, width):
    page = at_size(pages, "reviewer", width)
    show(page, served.url, world, "map")
    svg = page.locator("#graph svg")
    expect(svg.locator(".g-header")).to_have_count(2)
    assert svg.evaluate(CUT_LABELS_JS) == []
    page.get_by_role("button", name="Actual size").click()
    assert svg.evaluate(CUT_LABELS_JS) == []
