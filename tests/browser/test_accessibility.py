"""Accessibility in Chromium: axe-core on every page as each role that sees it, and the whole
annotate → submit → review → finish flow by keyboard alone.

axe-core comes from the pinned ``axe-playwright-python`` package, which ships ``axe.min.js``:
it is evaluated in the page through the DevTools protocol (so the Content-Security-Policy,
which refuses inline scripts, does not stop it) and nothing is fetched at run time. A page
fails on any violation axe rates serious or critical; the failure message lists the lesser
ones beside them.

One world serves the module (``served`` in tests/browser/conftest.py):
``tests.scenes.pages_world`` (every page in each of its states, tests/browser/screens.py),
and debate ``keys``, whose one document only the keyboard test annotates and reviews. Each
role has one signed-in page (``RolePages``), into which each test loads its screen.
"""

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from annotations.models import Assignment, AssignmentStatus, ReviewDecision, Span
from debate.models import Document, DocumentStatus, Role
from tests.browser.conftest import RolePages, module_database, new_page, signed_in
from tests.browser.screens import READY, show
from tests.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.factories import (
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)
from tests.scenes import PagesWorld, pages_world

pytestmark = pytest.mark.usefixtures("transactional_db")
transactional_db = module_database  # one world for the module: see tests/browser/conftest.py

SERIOUS = {"serious", "critical"}
AXE = Axe()

KEYS_TEXT = (
    "Tech firms say a backdoor would make every service less secure for all of its users.\n"
    "The NSPCC says scanning messages is needed to protect children from grooming.\n"
)
KEYS_CLAIM = "a backdoor would make every service less secure"
KEYS_PREMISE = "scanning messages is needed"


@dataclass
class World:
    pages: PagesWorld
    users: dict
    keys_document: Document


@pytest.fixture(scope="module")
def world(served) -> World:
    pages = pages_world()
    # The keyboard test's own debate: one submitted layer makes a document ready for review.
    keys = DebateFactory(slug="keys", title="Keyboard debate", annotators_per_document=1)
    typist, checker = UserFactory(username="typist"), UserFactory(username="checker")
    MembershipFactory(debate=keys, user=typist, role=Role.ANNOTATOR)
    MembershipFactory(debate=keys, user=checker, role=Role.REVIEWER)
    keys_document = DocumentFactory(debate=keys, title="Keyboard article", text=KEYS_TEXT)
    AssignmentFactory(document=keys_document, annotator=typist)
    return World(
        pages=pages,
        users={**pages.side.users, "typist": typist, "checker": checker},
        keys_document=keys_document,
    )


@pytest.fixture(scope="module")
def pages(browser, served, world):
    pages = RolePages(browser, served, world.users)
    yield pages
    pages.close()


WHO_SEES = {
    "anonymous": ["login", "login-failed", "api-docs", "api-redoc", "password-reset"],
    "annotator": [
        "account",
        "account-new-token",
        "account-revoke-confirm",
        "password-change",
        "home",
        "debate-home",
        "debate-home-empty",
        "annotate",
        "annotate-span-selected",
        "annotate-tag-form",
        "annotate-link-mode",
        "annotate-submit-confirm",
        "annotate-help",
        "annotate-read-only",
        "gold",
        "guidelines",
    ],
    "reviewer": [
        "home",
        "debate-home",
        "review-queue",
        "review-queue-empty",
        "review",
        "review-disagreements",
        "review-editor",
        "review-adjudicated",
        "gold",
        "dashboard",
        "map",
        "map-filtered",
        "map-empty",
    ],
    "manager": [
        "home",
        "debate-home",
        "review-queue",
        "review",
        "dashboard",
        "dashboard-empty",
        "assign",
        "members",
        "members-remove-confirm",
        "import",
        "import-report",
        "debate-home-empty",
        "map",
        "guidelines",
        "guidelines-empty",
    ],
    "researcher": ["home", "debate-home", "annotate", "gold", "dashboard", "map", "map-empty"],
}
VISITS = [(role, screen) for role, screens in WHO_SEES.items() for screen in screens]


def describe(violations: list[dict]) -> str:
    """Return axe's violations as lines a person reads: rule, impact, the elements, the fix."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} ({violation['help']})")
        for node in violation["nodes"][:6]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"        {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize(("role", "screen"), VISITS, ids=[f"{r}-{s}" for r, s in VISITS])
def test_axe_finds_no_serious_violation(pages, served, world, role, screen):
    page = pages(role)
    show(page, served.url, world.pages, screen)
    violations = AXE.run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in SERIOUS] == [], describe(violations)
    assert (page.errors, page.dialogs) == ([], [])


# --- The whole flow by keyboard alone ---------------------------------------------------------
def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching selector has the focus (at most limit times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{limit} presses of Tab did not reach {selector}")


def select_words(page: Page, skip: int, take: int) -> None:
    """Move the caret past ``skip`` words of the line, then select the next ``take`` words."""
    page.keyboard.press("Home")
    for _ in range(skip):
        page.keyboard.press("Control+ArrowRight")
    for _ in range(take):
        page.keyboard.press("Control+Shift+ArrowRight")


@pytest.fixture(scope="module")
def caret_browser(browser):
    """Return a Chromium with caret browsing on, as F7 turns it on for a person.

    F7 asks the browser's window to switch caret browsing on; headless Chromium has no such
    window, so the key does nothing there and the switch is given at launch instead.
    """
    caret_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, "--enable-caret-browsing"]
    )
    yield caret_browser
    caret_browser.close()


def test_annotate_submit_review_and_finish_by_keyboard_alone(caret_browser, served, world):
    document = world.keys_document
    context = signed_in(caret_browser, served, world.users["typist"])
    page = new_page(context)
    page.goto(f"{served.url}/documents/{document.pk}/annotate/")
    page.wait_for_selector(READY)

    # The annotator reaches the text with Tab, selects words with the caret and tags them.
    tab_to(page, "#doc-text")
    select_words(page, skip=3, take=8)
    assert page.evaluate("String(getSelection()).trim()") == KEYS_CLAIM
    page.keyboard.press("t")
    expect(page.locator("#tag-popover")).to_be_visible()
    page.keyboard.press("2")  # stance: contra
    page.keyboard.press("c")  # role: claim (the form chooses nothing for the annotator)
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    expect(page.locator("#tag-popover")).to_be_hidden()
    expect(page.locator("#doc-text")).to_be_focused()

    # Back into the text from the control before it, which puts the caret at its start.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#doc-text")).to_be_focused()
    page.keyboard.press("ArrowDown")
    select_words(page, skip=3, take=4)
    assert page.evaluate("String(getSelection()).trim()") == KEYS_PREMISE
    page.keyboard.press("t")
    page.keyboard.press("1")  # stance: pro
    page.keyboard.press("p")  # role: premise
    page.keyboard.press("Enter")
    expect(page.locator("#span-count")).to_have_text("2")
    expect(page.locator("#save-status")).to_have_text("All changes saved")

    page.keyboard.press("Control+Enter")
    expect(page.locator("#submit-confirm")).to_be_visible()
    expect(page.locator("#submit-confirm button[data-submit=yes]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#doc-status")).to_have_text("Submitted")
    assert (page.errors, page.dialogs) == ([], [])
    context.close()

    spans = {span.quote: span for span in Span.objects.filter(document=document)}
    assert {quote: (s.stance, s.role) for quote, s in spans.items()} == {
        KEYS_CLAIM: ("contra", "claim"),
        KEYS_PREMISE: ("pro", "premise"),
    }
    assert Assignment.objects.get(document=document).status == AssignmentStatus.SUBMITTED
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY_FOR_REVIEW

    # The reviewer accepts the claim (1: the first annotator's version), rejects the premise
    # (X), adds a passage to gold, then finds Finish review with Tab and confirms with Enter.
    context = signed_in(caret_browser, served, world.users["checker"])
    page = new_page(context)
    page.goto(f"{served.url}/documents/{document.pk}/review/")
    page.wait_for_selector(READY)
    status = page.locator("#review-save")
    page.keyboard.press("j")
    expect(page.locator(".unit-card[aria-current=true]")).to_contain_text(KEYS_CLAIM)
    page.keyboard.press("1")
    expect(status).to_have_text("Accepted typist's version")
    page.keyboard.press("j")
    expect(page.locator(".unit-card[aria-current=true]")).to_contain_text(KEYS_PREMISE)
    page.keyboard.press("x")
    expect(status).to_have_text("Rejected")
    # A passage both layers missed: selected in the text, Tab to "Add to gold", Enter, then
    # the editor's Save to gold.
    tab_to(page, "#review-text")
    select_words(page, skip=0, take=2)
    page.keyboard.press("Tab")
    expect(page.locator("#add-span")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#edit-dialog")).to_be_visible()
    expect(page.locator("#edit-quote")).to_have_text("Tech firms")
    tab_to(page, "#edit-form button[value=save]")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Added to gold")
    expect(page.locator("#finish-review")).to_be_enabled()
    tab_to(page, "#finish-review")
    page.keyboard.press("Enter")
    expect(page.locator("#finish-confirm [data-finish=yes]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status).to_have_text("Adjudicated")
    assert (page.errors, page.dialogs) == ([], [])
    context.close()

    document.refresh_from_db()
    assert document.status == DocumentStatus.ADJUDICATED
    assert list(
        ReviewDecision.objects.filter(document=document).values_list("action", flat=True)
    ) == ["accept", "reject", "add", "finish"]
    gold = Span.objects.filter(document=document, annotator__isnull=True).order_by("start")
    assert [(s.quote, s.stance, s.role) for s in gold] == [
        ("Tech firms", "pro", "claim"),
        (KEYS_CLAIM, "contra", "claim"),
    ]


# --- Where the keyboard is ----------------------------------------------------------------------
FOCUSED_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  return {name, style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor.match(/\\d+/g).slice(0, 3).map(Number)};
}"""


def contrast_on_white(rgb: list[int]) -> float:
    """Return the WCAG contrast ratio of a colour against white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


RING_VISITS = [
    ("anonymous", "login"),
    ("manager", "debate-home"),
    ("annotator", "annotate"),
    ("reviewer", "review-disagreements"),
    ("reviewer", "map"),
    ("manager", "dashboard"),
]


@pytest.mark.parametrize(("role", "screen"), RING_VISITS, ids=[s for _r, s in RING_VISITS])
def test_every_tab_stop_shows_a_focus_ring_of_3_to_1(pages, served, world, role, screen):
    page = pages(role)
    show(page, served.url, world.pages, screen)
    page.evaluate("() => document.activeElement.blur()")
    faint = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused["name"] == "body":
            break
        ratio = contrast_on_white(focused["color"])
        if focused["style"] == "none" or focused["width"] < 2 or ratio < 3:
            faint.append(
                f"{focused['name']}: {focused['style']} {focused['width']}px {ratio:.1f}:1"
            )
    assert faint == []
