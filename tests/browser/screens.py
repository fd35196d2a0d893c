"""The site's pages in each of their states, for the tests that look at all of them
(test_accessibility.py, test_responsive.py): a path in ``tests.scenes.pages_world``, what
the page shows when it is ready, and what a person does on it before the test looks.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from tests.browser.conftest import select_text
from tests.scenes import PagesWorld

READY = "body[data-ready=true]"


def fail_to_log_in(page: Page, world: PagesWorld) -> None:
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()


def open_tag_form(page: Page, world: PagesWorld) -> None:
    """Select a phrase of the open document's claim and press T."""
    text = world.side.open_doc.text
    page.locator("#doc-text").focus()
    start = text.index("a backdoor")
    select_text(page, "doc-text", text, start, start + len("a backdoor would make"))
    page.keyboard.press("t")
    expect(page.locator("#tag-popover")).to_be_visible()


def select_first_span(page: Page, world: PagesWorld) -> None:
    page.locator("#doc-text").focus()
    page.keyboard.press("j")
    expect(page.locator("#span-detail h3")).to_be_visible()


def start_a_link(page: Page, world: PagesWorld) -> None:
    select_first_span(page, world)
    page.keyboard.press("r")
    expect(page.locator("#mode")).to_be_visible()


def ask_to_submit(page: Page, world: PagesWorld) -> None:
    page.get_by_role("button", name="Submit document").click()
    expect(page.locator("#submit-confirm")).to_be_visible()


def open_help(page: Page, world: PagesWorld) -> None:
    page.locator("#doc-text").focus()
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()


def select_first_unit(page: Page, world: PagesWorld) -> None:
    page.keyboard.press("j")
    expect(page.locator(".unit-card[aria-current=true]")).to_have_count(1)


def open_gold_editor(page: Page, world: PagesWorld) -> None:
    select_first_unit(page, world)
    page.keyboard.press("e")
    expect(page.locator("#edit-dialog")).to_be_visible()


def open_every_card(page: Page, world: PagesWorld) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    expect(page.locator(".arg-section").first).to_be_visible()


def show_the_span_history(page: Page, world: PagesWorld) -> None:
    select_first_span(page, world)
    page.locator("#span-detail").get_by_role("button", name="History").click()
    expect(page.locator("#span-detail .span-history li").first).to_be_visible()


def filter_by_an_actor(page: Page, world: PagesWorld) -> None:
    page.locator("#actor-filter button").first.click()
    expect(page.locator("#actor-filter button[aria-pressed=true]")).to_have_count(1)


def ask_to_remove_a_member(page: Page, world: PagesWorld) -> None:
    page.locator("#members-rows button[data-remove]").last.click()
    expect(page.locator("#remove-dialog")).to_be_visible()


def import_a_zip_of_nothing_new(page: Page, world: PagesWorld) -> None:
    """Upload a zip the report refuses whole (a duplicate, an empty and an unread file), so
    the report shows every kind of row and the world keeps its documents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("corpus/held-already.txt", world.side.open_doc.text)
        archive.writestr("corpus/blank.txt", "\n")
        archive.writestr("corpus/scan.pdf", b"%PDF-1.4")
    page.locator("#documents-files").set_input_files(
        {"name": "corpus.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}
    )
    page.get_by_role("button", name="Import documents").click()
    expect(page.locator("#documents-report")).to_be_visible()
    expect(page.locator("#documents-rows tr")).to_have_count(3)


def make_a_token(page: Page, world: PagesWorld) -> None:
    page.get_by_label("What is it for?").fill(f"export script {world.side.debate.title}")
    page.get_by_role("button", name="Make a token").click()
    expect(page.locator("#new-token")).to_be_visible()


def ask_to_revoke_a_token(page: Page, world: PagesWorld) -> None:
    make_a_token(page, world)
    page.locator("#tokens-rows button[data-revoke]").first.click()
    expect(page.locator("#revoke-dialog")).to_be_visible()


@dataclass(frozen=True)
class Screen:
    path: str
    ready: str | None = None
    then: Callable[[Page, PagesWorld], None] | None = None


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
    # The annotator submitted the gold document: it opens read only, with the reason.
    "annotate-read-only": Screen("/documents/{gold}/annotate/", READY, show_the_span_history),
    "guidelines": Screen("/d/alpha/guidelines/"),
    "guidelines-empty": Screen("/d/quiet/guidelines/"),
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
    "members": Screen("/d/alpha/members/", READY),
    "members-remove-confirm": Screen("/d/alpha/members/", READY, ask_to_remove_a_member),
    "import": Screen("/d/alpha/import/", READY),
    "import-report": Screen("/d/alpha/import/", READY, import_a_zip_of_nothing_new),
    "map": Screen("/d/alpha/map/", READY, open_every_card),
    "map-filtered": Screen("/d/alpha/map/", READY, filter_by_an_actor),
    "map-empty": Screen("/d/quiet/map/", READY),
    "account": Screen("/account/", READY),
    "account-new-token": Screen("/account/", READY, make_a_token),
    "account-revoke-confirm": Screen("/account/", READY, ask_to_revoke_a_token),
    "password-change": Screen("/account/password/"),
    "password-reset": Screen("/password-reset/"),
}


def show(page: Page, base_url: str, world: PagesWorld, name: str) -> None:
    """Open a screen: load its page, wait until it is ready, do what its state needs."""
    screen = SCREENS[name]
    response = page.goto(base_url + screen.path.format(**world.paths()))
    assert response.status == 200, f"{screen.path}: {response.status}"
    if screen.ready:
        page.wait_for_selector(screen.ready)
    if screen.then:
        screen.then(page, world)
