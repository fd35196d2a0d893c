"""Suggestions on the annotate page in Chromium: accept, edit and dismiss, with provenance;
none at all where the debate turns them off."""

import pytest
from playwright.sync_api import Page, expect

from annotations.models import Span, SpanEvent
from debate.models import Role, SuggestionMode
from suggestions.models import SuggestionDecision
from suggestions.services import suggestion_training_request, suggestion_training_run
from tests.factories import PASSWORD, AssignmentFactory
from tests.suggestions.seed import seed_gold, unannotated_document

GOLD_DOCUMENTS = 8


@pytest.fixture
def scene(debate, member, settings):
    settings.SUGGESTIONS_MIN_DOCUMENTS = GOLD_DOCUMENTS
    annotator = member(Role.ANNOTATOR, username="ann")
    seed_gold(debate, documents=GOLD_DOCUMENTS)
    suggestion_training_run(
        training_id=suggestion_training_request(debate=debate, reason="test").pk
    )
    document = unannotated_document(debate)
    AssignmentFactory(document=document, annotator=annotator)
    return {"annotator": annotator, "document": document, "debate": debate}


def open_annotate(page: Page, live_server, login, document) -> None:
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/documents/{document.id}/annotate/")
    page.wait_for_selector("body[data-ready=true]")


def test_accept_edit_and_dismiss_suggestions_keep_their_provenance(
    live_server, page, login, scene, artifacts
):
    debate, document = scene["debate"], scene["document"]
    debate.suggestions = SuggestionMode.ON
    debate.save()
    open_annotate(page, live_server, login, document)
    items = page.locator("#suggestion-list li.suggestion-item")
    expect(items.first).to_be_visible()
    offered = items.count()
    assert offered >= 3
    expect(page.locator("#doc-text mark.hl-suggestion")).to_have_count(offered)
    expect(page.locator("#suggestion-count")).to_have_text(str(offered))
    page.screenshot(path=str(artifacts / "annotate-suggestions.png"), full_page=True)

    # A accepts the first suggestion: it becomes the annotator's span.
    page.locator("#doc-text").focus()
    page.keyboard.press("a")
    expect(page.locator("#span-count")).to_have_text("1")
    expect(items).to_have_count(offered - 1)
    accepted = SuggestionDecision.objects.get(action="accept")
    span = Span.objects.get(pk=accepted.span_pk)
    assert (span.annotator, span.start, span.end) == (
        scene["annotator"],
        accepted.start,
        accepted.end,
    )
    assert (span.stance, span.role) == (accepted.suggested_stance, accepted.suggested_role)
    assert span.quote == document.text[accepted.start : accepted.end]
    assert SpanEvent.objects.get(span_pk=span.pk).reason == "accepted from suggestion model v1"

    # Edit opens the tag form pre-filled with the suggestion; the annotator changes the stance.
    items.first.get_by_role("button", name="Edit").click()
    popover = page.locator("#tag-popover")
    expect(popover).to_be_visible()
    expect(page.locator("#tag-title")).to_have_text("Edit suggestion")
    expect(page.locator("#tag-choice-hint")).to_contain_text("suggestion model v1")
    suggested = page.locator("#tag-form input[name=stance]:checked").get_attribute("value")
    other = next(s for s in ("pro", "contra", "neutral") if s != suggested)
    popover.locator(f"input[name=stance][value={other}]").check()
    popover.locator("input[name=role][value=premise]").check()
    popover.get_by_role("button", name="Save (Enter)").click()
    expect(page.locator("#span-count")).to_have_text("2")
    edited = SuggestionDecision.objects.get(action="edit")
    edited_span = Span.objects.get(pk=edited.span_pk)
    assert (edited_span.stance, edited_span.role) == (other, "premise")
    assert edited.suggested_stance == suggested
    assert SpanEvent.objects.get(span_pk=edited_span.pk).reason == "edited from suggestion model v1"

    # X dismisses the next one: nothing is written to the layer.
    page.locator("#doc-text").focus()
    page.keyboard.press("x")
    expect(items).to_have_count(offered - 3)
    expect(page.locator("#doc-text mark.hl-suggestion")).to_have_count(offered - 3)
    dismissed = SuggestionDecision.objects.get(action="dismiss")
    assert dismissed.span_pk is None
    assert Span.objects.filter(annotator=scene["annotator"]).count() == 2

    # Undo removes the edited span like any other; redo brings it back as the annotator's own.
    page.keyboard.press("Control+z")
    expect(page.locator("#span-count")).to_have_text("1")
    page.keyboard.press("Control+Shift+z")
    expect(page.locator("#span-count")).to_have_text("2")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    assert not Span.objects.filter(pk=edited_span.pk).exists()
    redone = Span.objects.get(annotator=scene["annotator"], start=edited.start)
    assert (redone.stance, redone.role) == (other, "premise")
    assert Span.objects.filter(annotator=scene["annotator"]).count() == 2

    # Decided suggestions stay decided after a reload.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(items).to_have_count(offered - 3)
    expect(page.locator("#doc-text mark.hl")).to_have_count(2)
    assert page.dialogs == []


def test_no_suggestion_is_shown_or_asked_for_where_the_debate_turns_them_off(
    live_server, page, login, scene
):
    assert scene["debate"].suggestions == SuggestionMode.OFF
    asked = []
    page.on("request", lambda request: asked.append(request.url))

    open_annotate(page, live_server, login, scene["document"])

    expect(page.locator("#suggestions")).to_have_count(0)
    expect(page.locator("#doc-text mark.hl-suggestion")).to_have_count(0)
    page.locator("#doc-text").focus()
    page.keyboard.press("a")
    expect(page.locator("#span-count")).to_have_text("0")
    assert [url for url in asked if "/suggestions/" in url] == []
    assert not SuggestionDecision.objects.exists()


def test_the_suggestions_pass_axe_and_fit_a_phone(live_server, page, login, scene):
    from axe_playwright_python.sync_playwright import Axe

    scene["debate"].suggestions = SuggestionMode.ON
    scene["debate"].save()
    page.set_viewport_size({"width": 360, "height": 800})
    open_annotate(page, live_server, login, scene["document"])
    expect(page.locator("#suggestion-list li.suggestion-item").first).to_be_visible()

    violations = Axe().run(page).response["violations"]
    serious = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert serious == [], violations
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
