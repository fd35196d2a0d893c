"""Accessibility in Chromium: axe-core on every page as each role that sees it, and the whole
annotate → submit → review → finish flow by keyboard alone.

axe-core comes from the pinned ``axe-playwright-python`` package, which ships ``axe.min.js``:
it is evaluated in the page through the DevTools protocol (so the Content-Security-Policy,
which refuses inline scripts, does not stop it) and nothing is fetched at run time. A page
fails on any violation axe rates serious or critical; the failure message lists the lesser
ones beside them.

One world serves the module (``served`` in tests/browser/conftest.py): debate ``alpha``
(``tests.scenes.build_side``: a document being annotated, one in review with a decision, one
adjudicated, a built map) plus a document whose two layers disagree, with a decision; debate
``quiet`` with the same members and nothing in it (the empty queue, dashboard and map); and
debate ``keys``, whose one document only the keyboard test annotates and reviews.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from annotations.models import Assignment, AssignmentStatus, ReviewDecision, Span
from annotations.review.selectors.state import review_state_get
from annotations.review.services import DecisionInput, assignment_create, review_decide
from annotations.services import document_submit
from debate.models import Document, DocumentStatus, Role
from debate.services import DocumentInput, document_create
from tests.browser.conftest import module_database, new_page, select_text, signed_in
from tests.chromium import CHROMIUM, CHROMIUM_FLAGS
from tests.factories import (
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)
from tests.scenes import CLAIM_LINE, PREMISE_LINE, ROLE_OF, build_side, tag

pytestmark = pytest.mark.usefixtures("transactional_db")
transactional_db = module_database  # one world for the module: see tests/browser/conftest.py

READY = "body[data-ready=true]"
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
    paths: dict[str, int]
    users: dict
    open_text: str
    keys_document: Document


def disputed_document(side) -> Document:
    """Add to a side a document whose two layers disagree, both submitted, one unit decided."""
    users = side.users
    text = f"Disputed report.\n{CLAIM_LINE}\n{PREMISE_LINE}\n"
    document, _created = document_create(
        debate=side.debate,
        data=DocumentInput(text=text, title="alpha disputed title", source="alpha source"),
    )
    for annotator in (users["annotator"], users["annotator2"]):
        assignment_create(document=document, annotator=annotator, by=users["manager"])
    tag(document, users["annotator"], CLAIM_LINE, stance="contra", role="claim")
    tag(document, users["annotator"], PREMISE_LINE, stance="contra", role="premise")
    # Shorter, the other stance, and another role: every way two versions can differ.
    tag(document, users["annotator2"], "a backdoor would make services less secure", role="premise")
    tag(document, users["annotator2"], "scanning is needed", stance="pro", role="claim")
    for annotator in (users["annotator"], users["annotator2"]):
        document_submit(document=document, annotator=annotator)
    unit = review_state_get(document=document).units[0]
    review_decide(
        document=document,
        by=users["reviewer"],
        expected_version=None,
        decision=DecisionInput(action="accept", unit=unit.key, span=unit.spans[0].pk),
    )
    return document


@pytest.fixture(scope="module")
def world(served) -> World:
    side = build_side("alpha")
    disputed = disputed_document(side)
    quiet = DebateFactory(slug="quiet", title="Quiet debate")
    for role, user in side.users.items():
        MembershipFactory(debate=quiet, user=user, role=ROLE_OF[role])
    # The keyboard test's own debate: one submitted layer makes a document ready for review.
    keys = DebateFactory(slug="keys", title="Keyboard debate", annotators_per_document=1)
    typist, checker = UserFactory(username="typist"), UserFactory(username="checker")
    MembershipFactory(debate=keys, user=typist, role=Role.ANNOTATOR)
    MembershipFactory(debate=keys, user=checker, role=Role.REVIEWER)
    keys_document = DocumentFactory(debate=keys, title="Keyboard article", text=KEYS_TEXT)
    AssignmentFactory(document=keys_document, annotator=typist)
    return World(
        paths={
            "open": side.open_doc.pk,
            "review": side.review_doc.pk,
            "gold": side.gold_doc.pk,
            "disputed": disputed.pk,
        },
        users={**side.users, "typist": typist, "checker": checker},
        open_text=side.open_doc.text,
        keys_document=keys_document,
    )


@pytest.fixture(scope="module")
def contexts(browser, served, world):
    """Return a function that gives each role's signed-in browser context, made once."""
    opened: dict[str, BrowserContext] = {}

    def context_for(role: str) -> BrowserContext:
        if role not in opened:
            opened[role] = (
                browser.new_context()
                if role == "anonymous"
                else signed_in(browser, served, world.users[role])
            )
        return opened[role]

    yield context_for
    for context in opened.values():
        context.close()


# --- What each screen is, and what is done on the page before axe looks ----------------------
def fail_to_log_in(page: Page, world: World) -> None:
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()


def open_tag_form(page: Page, world: World) -> None:
    page.locator("#doc-text").focus()
    start = world.open_text.index("a backdoor")
    select_text(page, "doc-text", world.open_text, start, start + len("a backdoor would make"))
    page.keyboard.press("t")
    expect(page.locator("#tag-popover")).to_be_visible()


def select_first_span(page: Page, world: World) -> None:
    page.locator("#doc-text").focus()
    page.keyboard.press("j")
    expect(page.locator("#span-detail h3")).to_be_visible()


def start_a_link(page: Page, world: World) -> None:
    select_first_span(page, world)
    page.keyboard.press("r")
    expect(page.locator("#mode")).to_be_visible()


def ask_to_submit(page: Page, world: World) -> None:
    page.get_by_role("button", name="Submit document").click()
    expect(page.locator("#submit-confirm")).to_be_visible()


def open_help(page: Page, world: World) -> None:
    page.locator("#doc-text").focus()
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()


def select_first_unit(page: Page, world: World) -> None:
    page.keyboard.press("j")
    expect(page.locator(".unit-card[aria-current=true]")).to_have_count(1)


def open_gold_editor(page: Page, world: World) -> None:
    select_first_unit(page, world)
    page.keyboard.press("e")
    expect(page.locator("#edit-dialog")).to_be_visible()


def open_every_card(page: Page, world: World) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    expect(page.locator(".arg-section").first).to_be_visible()


def filter_by_an_actor(page: Page, world: World) -> None:
    page.locator("#actor-filter button").first.click()
    expect(page.locator("#actor-filter button[aria-pressed=true]")).to_have_count(1)


@dataclass(frozen=True)
class Screen:
    path: str
    ready: str | None = None
    then: Callable[[Page, World], None] | None = None


SCREENS = {
    "login": Screen("/login/"),
    "login-failed": Screen("/login/", then=fail_to_log_in),
    "api-docs": Screen("/api/docs/", ".swagger-ui .opblock"),
    "api-redoc": Screen("/api/redoc/", "[data-section-id]"),
    "home": Screen("/"),
    "debate-home": Screen("/d/alpha/"),
    "debate-home-empty": Screen("/d/quiet/"),
    "annotate": Screen("/documents/{open}/annotate/", READY),
    "annotate-span-selected": Screen("/documents/{open}/annotate/", READY, select_first_span),
    "annotate-tag-form": Screen("/documents/{open}/annotate/", READY, open_tag_form),
    "annotate-link-mode": Screen("/documents/{open}/annotate/", READY, start_a_link),
    "annotate-submit-confirm": Screen("/documents/{open}/annotate/", READY, ask_to_submit),
    "annotate-help": Screen("/documents/{open}/annotate/", READY, open_help),
    "review-queue": Screen("/d/alpha/review/"),
    "review-queue-empty": Screen("/d/quiet/review/"),
    "review": Screen("/documents/{review}/review/", READY, select_first_unit),
    "review-disagreements": Screen("/documents/{disputed}/review/", READY, select_first_unit),
    "review-editor": Screen("/documents/{disputed}/review/", READY, open_gold_editor),
    "review-adjudicated": Screen("/documents/{gold}/review/", READY),
    "gold": Screen("/documents/{gold}/gold/"),
    "dashboard": Screen("/d/alpha/dashboard/", READY),
    "dashboard-empty": Screen("/d/quiet/dashboard/", READY),
    "assign": Screen("/d/alpha/assign/"),
    "map": Screen("/d/alpha/map/", READY, open_every_card),
    "map-filtered": Screen("/d/alpha/map/", READY, filter_by_an_actor),
    "map-empty": Screen("/d/quiet/map/", READY),
}
WHO_SEES = {
    "anonymous": ["login", "login-failed", "api-docs", "api-redoc"],
    "annotator": [
        "home",
        "debate-home",
        "debate-home-empty",
        "annotate",
        "annotate-span-selected",
        "annotate-tag-form",
        "annotate-link-mode",
        "annotate-submit-confirm",
        "annotate-help",
        "gold",
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
        "map",
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
def test_axe_finds_no_serious_violation(contexts, served, world, role, screen):
    page = new_page(contexts(role))
    try:
        spec = SCREENS[screen]
        response = page.goto(served.url + spec.path.format(**world.paths))
        assert response.status == 200, f"{spec.path}: {response.status}"
        if spec.ready:
            page.wait_for_selector(spec.ready)
        if spec.then:
            spec.then(page, world)
        violations = AXE.run(page).response["violations"]
        assert [v["id"] for v in violations if v["impact"] in SERIOUS] == [], describe(violations)
        assert (page.errors, page.dialogs) == ([], [])
    finally:
        page.close()


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
    page.keyboard.press("Enter")  # role: the first, claim
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    expect(page.locator("#tag-popover")).to_be_hidden()
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
    # (X), then finds Finish review with Tab and confirms it with Enter.
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
    ) == ["accept", "reject", "finish"]
    gold = Span.objects.get(document=document, annotator__isnull=True)
    assert (gold.quote, gold.stance, gold.role) == (KEYS_CLAIM, "contra", "claim")
