"""The annotate page in Chromium suggests who said the selected words, and says why.

The document is made of passages written for the speaker tests
(frontend/tests/js/fixtures/reported-speech.json); docs/SPEAKERS.md has the rules.
"""

import pytest
from playwright.sync_api import Page, expect

from annotations.models import Span
from debate.models import ActorKind, Role
from tests.browser.conftest import select_text
from tests.factories import PASSWORD, ActorFactory, AssignmentFactory, DocumentFactory

GOVENDER = (
    "Rani Govender, senior policy officer at the NSPCC, said the choice between safety and "
    "privacy is a false one. In her view, platforms should invest in technical solutions that "
    "can find grooming without breaking privacy for everyone else."
)
HARGREAVES = (
    "Susie Hargreaves of the Internet Watch Foundation went further. She warned that, without "
    "safeguards, encrypted apps would become a hiding place for abusers."
)
FIRMS = (
    "The tech firms disagree. The platforms say that building a backdoor into encrypted "
    "services would make them less secure for all users."
)
TEXT = "\n\n".join(["Encryption row: charities and tech firms clash", GOVENDER, HARGREAVES, FIRMS])
INVEST = "platforms should invest in technical solutions"
HIDING_PLACE = "encrypted apps would become a hiding place for abusers"


@pytest.fixture
def scene(debate, member):
    annotator = member(Role.ANNOTATOR, username="ann")
    document = DocumentFactory(debate=debate, title="Encryption row", text=TEXT)
    AssignmentFactory(document=document, annotator=annotator)
    return {
        "document": document,
        "govender": ActorFactory(debate=debate, name="Rani Govender", aliases=["Govender"]),
        "hargreaves": ActorFactory(debate=debate, name="Susie Hargreaves", aliases=["Hargreaves"]),
        "iwf": ActorFactory(
            debate=debate,
            name="Internet Watch Foundation",
            kind=ActorKind.ORGANISATION,
            aliases=["IWF"],
        ),
        "firms": ActorFactory(
            debate=debate,
            name="Tech firms",
            kind=ActorKind.COLLECTIVE,
            aliases=["tech firms", "platforms"],
        ),
    }


def open_annotate(page: Page, live_server, login, document) -> None:
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/documents/{document.id}/annotate/")
    page.wait_for_selector("body[data-ready=true]")


def select_with_mouse(page: Page, start: int, end: int) -> None:
    select_text(page, "doc-text", TEXT, start, end)
    page.locator("#doc-text").dispatch_event("mouseup")
    expect(page.locator("#tag-popover")).to_be_visible()


def select_phrase(page: Page, phrase: str) -> None:
    start = TEXT.index(phrase)
    select_with_mouse(page, start, start + len(phrase))


def test_platforms_inside_reported_speech_suggest_the_speaker_not_the_tech_firms(
    live_server, page, login, scene
):
    open_annotate(page, live_server, login, scene["document"])

    select_phrase(page, INVEST)
    expect(page.locator("#tag-actor")).to_have_value(str(scene["govender"].id))
    expect(page.locator("#tag-actor-hint")).to_have_text(
        "Suggested: Rani Govender (\u2018her\u2019 refers back to Rani Govender)"
    )
    page.locator("#tag-popover").get_by_label("Pro").check()
    page.locator("#tag-popover").get_by_label("Premise").check()
    page.locator("#tag-popover").get_by_role("button", name="Save (Enter)").click()
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    span = Span.objects.get()
    assert (span.quote, span.actor) == (INVEST, scene["govender"])

    # The whole paragraph, names of other actors and all, is still hers.
    start = TEXT.index(GOVENDER)
    select_with_mouse(page, start, start + len(GOVENDER))
    expect(page.locator("#tag-actor")).to_have_value(str(scene["govender"].id))
    expect(page.locator("#tag-actor-hint")).to_have_text(
        "Suggested: Rani Govender (said in the selection)"
    )
    assert page.dialogs == []


def test_she_refers_back_to_the_person_not_her_foundation(live_server, page, login, scene):
    open_annotate(page, live_server, login, scene["document"])

    select_phrase(page, HIDING_PLACE)
    expect(page.locator("#tag-actor")).to_have_value(str(scene["hargreaves"].id))
    expect(page.locator("#tag-actor-hint")).to_have_text(
        "Suggested: Susie Hargreaves (\u2018she\u2019 refers back to Susie Hargreaves)"
    )
    page.locator("#tag-popover").get_by_role("button", name="Cancel").click()

    # "The platforms say ...": here the tech firms are the speaker.
    select_phrase(page, "building a backdoor into encrypted services")
    expect(page.locator("#tag-actor")).to_have_value(str(scene["firms"].id))
    expect(page.locator("#tag-actor-hint")).to_have_text(
        "Suggested: Tech firms (said in this sentence)"
    )
    assert page.dialogs == []
