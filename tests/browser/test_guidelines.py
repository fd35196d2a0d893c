"""Guidelines in Chromium: a manager previews and publishes, readers are shown new versions
first (debate home banner, annotate page dialog), and the side panel opens, closes and keeps
its keys to itself."""

import pytest
from playwright.sync_api import Page, expect

from debate.models import Guidelines, GuidelinesRead, Role
from debate.services import guidelines_publish
from tests.factories import PASSWORD, AssignmentFactory, DocumentFactory

TEXT = "Tech firms say a backdoor would make services less secure for all.\n"
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script> [click](javascript:alert(3))"


@pytest.fixture
def team(debate, member):
    manager = member(Role.MANAGER, username="man")
    annotator = member(Role.ANNOTATOR, username="ann")
    document = DocumentFactory(debate=debate, title="Backdoor article", text=TEXT)
    AssignmentFactory(document=document, annotator=annotator)
    return {"manager": manager, "annotator": annotator, "document": document}


def watch_for_trouble(page: Page) -> list[str]:
    """Return a list that fills with script errors and refusals of the page's policy."""
    trouble: list[str] = []
    page.on("pageerror", lambda error: trouble.append(str(error)))
    page.on(
        "console",
        lambda message: (
            trouble.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return trouble


def test_a_manager_previews_publishes_and_is_asked_before_losing_an_edit(
    live_server, page, login, team, artifacts
):
    trouble = watch_for_trouble(page)
    login(page, "man", PASSWORD)
    page.goto(f"{live_server.url}/d/encryption/")
    page.get_by_role("link", name="Annotation guidelines").click()
    expect(page.locator("#guidelines-empty")).to_have_text(
        "No guidelines yet; a manager writes them here."
    )

    page.get_by_label("Guidelines (Markdown)").fill(f"# Claims\n\nA **claim** is a position. {XSS}")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#guidelines-preview")
    expect(preview.locator("h2")).to_have_text("Claims")
    expect(preview.locator("strong")).to_have_text("claim")
    assert Guidelines.objects.count() == 0

    page.get_by_role("button", name="Publish new version").click()
    expect(page.locator("ul.messages")).to_have_text("Published version 1.")
    expect(page.locator("#guidelines-meta")).to_contain_text(
        "Version 1 (current) · published by man"
    )
    expect(page.locator("#guidelines-text h2")).to_have_text("Claims")
    expect(page.locator("#guidelines-text")).to_contain_text("<script>alert(2)</script>")
    assert page.locator("#guidelines-text img, #guidelines-text script").count() == 0
    page.screenshot(path=str(artifacts / "guidelines-page.png"), full_page=True)

    # An unpublished edit: closing the page asks first.
    kinds: list[str] = []
    page.on("dialog", lambda dialog: kinds.append(dialog.type))
    page.get_by_label("Guidelines (Markdown)").fill("# Claims\n\nChanged but not published.")
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)

    assert kinds == ["beforeunload"]
    assert Guidelines.objects.get().version == 1
    assert trouble == []


def test_an_annotator_is_shown_new_guidelines_first_on_the_debate_home(
    live_server, page, login, team
):
    trouble = watch_for_trouble(page)
    guidelines_publish(
        debate=team["document"].debate,
        text=f"# Stance\n\nRelative to the proposition. {XSS}",
        by=team["manager"],
    )
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/d/encryption/")

    banner = page.locator("#guidelines-banner")
    expect(banner.get_by_role("heading", name="Read the guidelines first")).to_be_visible()
    expect(banner.locator(".guidelines-text h2")).to_have_text("Stance")
    banner.get_by_role("button", name="I have read them").click()

    expect(page.get_by_role("heading", name="Your queue")).to_be_visible()
    expect(page.locator("#guidelines-banner")).to_have_count(0)
    assert page.url == f"{live_server.url}/d/encryption/"
    assert list(GuidelinesRead.objects.values_list("user__username", "guidelines__version")) == [
        ("ann", 1)
    ]
    assert page.dialogs == [] and trouble == []


def test_the_annotate_page_opens_new_guidelines_then_keeps_them_in_a_side_panel(
    live_server, page, login, team, artifacts
):
    trouble = watch_for_trouble(page)
    debate = team["document"].debate
    guidelines_publish(debate=debate, text="# Old\n\nFirst version.", by=team["manager"])
    GuidelinesRead.objects.create(guidelines=Guidelines.objects.get(), user=team["annotator"])
    guidelines_publish(
        debate=debate, text=f"# Premises\n\nA premise answers *why?* {XSS}", by=team["manager"]
    )
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/documents/{team['document'].id}/annotate/")
    page.wait_for_selector("body[data-ready=true]")

    # Version 2 is new to them: the panel is open, modal, before anything else.
    panel = page.locator("#guidelines-panel")
    expect(panel).to_be_visible()
    assert page.evaluate("document.getElementById('guidelines-panel').matches(':modal')")
    expect(panel.locator("#guidelines-body h2")).to_have_text("Premises")
    expect(panel.locator("#guidelines-body em")).to_have_text("why?")
    expect(panel.locator("#guidelines-body")).to_contain_text("<script>alert(2)</script>")
    assert panel.locator("img, script, a[href^='javascript']").count() == 0
    # Keys typed in the panel stay there: "?" does not open the page's shortcut help.
    page.keyboard.press("?")
    expect(page.locator("#help")).not_to_be_visible()
    page.screenshot(path=str(artifacts / "annotate-guidelines-first.png"))

    panel.get_by_role("button", name="I have read them").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.url == f"{live_server.url}/documents/{team['document'].id}/annotate/"
    expect(page.locator("#guidelines-panel")).not_to_be_visible()
    assert GuidelinesRead.objects.filter(guidelines__version=2, user=team["annotator"]).exists()

    # From now on the button opens and closes it beside the text.
    toggle = page.get_by_role("button", name="Guidelines", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert not page.evaluate("document.getElementById('guidelines-panel').matches(':modal')")
    page.screenshot(path=str(artifacts / "annotate-guidelines-panel.png"))
    page.keyboard.press("Escape")
    expect(panel).not_to_be_visible()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    page.locator("#guidelines-close").click()
    expect(panel).not_to_be_visible()
    assert page.dialogs == [] and trouble == []


def test_without_guidelines_the_panel_says_who_writes_them(live_server, page, login, team):
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/documents/{team['document'].id}/annotate/")
    page.wait_for_selector("body[data-ready=true]")

    expect(page.locator("#guidelines-panel")).not_to_be_visible()
    page.get_by_role("button", name="Guidelines", exact=True).click()

    expect(page.locator("#guidelines-body")).to_have_text(
        "No guidelines yet; a manager writes them on the guidelines page."
    )
