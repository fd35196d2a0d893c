"""The annotate page as a careful annotator needs it, in Chromium.

Nothing chosen for them, read-only states that say why, an explicit start, links seen in the
text, and undo/redo that goes through the API and its history.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from annotations.models import Assignment, Relation, RelationEvent, Span, SpanEvent
from annotations.services import SpanInput, span_create, span_update
from debate.models import Debate, Role
from tests.browser.test_annotate import PHRASE, SMOKESCREEN, TEXT, open_annotate, select_phrase
from tests.factories import ActorFactory, AssignmentFactory, DocumentFactory

LINK_KEYS = "S = supports, A = attacks"


@pytest.fixture
def scene(debate, member):
    annotator = member(Role.ANNOTATOR, username="ann")
    ActorFactory(debate=debate, name="Susie Hargreaves", aliases=["Hargreaves"])
    document = DocumentFactory(debate=debate, title="Trust article", text=TEXT)
    assignment = AssignmentFactory(document=document, annotator=annotator)
    return {"annotator": annotator, "document": document, "assignment": assignment}


def _span(document, annotator, phrase: str, stance: str = "pro", role: str = "claim") -> Span:
    start = TEXT.index(phrase)
    write = span_create(
        document=document,
        by=annotator,
        annotator=annotator,
        data=SpanInput(
            start=start, end=start + len(phrase), quote=phrase, stance=stance, role=role
        ),
    )
    return write.span


def _open_form(page: Page, phrase: str) -> None:
    select_phrase(page, phrase)
    page.locator("#doc-text").dispatch_event("mouseup")
    expect(page.locator("#tag-popover")).to_be_visible()


def _saved(page: Page) -> None:
    expect(page.locator("#save-status")).to_have_text("All changes saved")


# --- 1. No silent defaults ----------------------------------------------------------------------
def test_the_form_chooses_nothing_and_one_key_repeats_the_last_choice(
    live_server, page, login, scene
):
    open_annotate(page, live_server, login, scene["document"])
    expect(page.locator("#doc-status")).to_have_text("Assigned")

    _open_form(page, PHRASE)
    expect(page.locator("#tag-form input:checked")).to_have_count(0)
    expect(page.locator("#tag-choice-hint")).to_have_text("")
    page.locator("#tag-form input[name=stance][value=contra]").check()
    page.locator("#tag-form input[name=role][value=premise]").check()
    page.get_by_role("button", name="Save (Enter)").click()
    _saved(page)
    # The header follows the work: the first saved span puts the document in progress.
    expect(page.locator("#doc-status")).to_have_text("In progress")

    _open_form(page, SMOKESCREEN)
    expect(page.locator("#tag-form input:checked")).to_have_count(0)
    expect(page.locator("#tag-choice-hint")).to_have_text(
        "Press = to repeat your last choice: Contra · Premise."
    )
    page.keyboard.press("=")
    expect(page.locator("#tag-form input:checked")).to_have_count(2)
    expect(page.locator("#tag-choice-hint")).to_have_text(
        "Repeated your last choice: Contra · Premise."
    )
    page.keyboard.press("Enter")
    _saved(page)
    assert sorted(Span.objects.values_list("quote", "stance", "role")) == [
        (PHRASE, "contra", "premise"),
        (SMOKESCREEN, "contra", "premise"),
    ]
    assert Assignment.objects.get().status == "in_progress"
    assert page.dialogs == []


def test_a_debate_that_remembers_the_last_choice_says_the_form_is_pre_filled(
    live_server, page, login, scene, debate
):
    Debate.objects.filter(pk=debate.pk).update(remember_last_choice=True)
    _span(scene["document"], scene["annotator"], PHRASE, stance="contra", role="premise")
    open_annotate(page, live_server, login, scene["document"])

    _open_form(page, SMOKESCREEN)

    expect(page.locator("#tag-form input[name=stance][value=contra]")).to_be_checked()
    expect(page.locator("#tag-form input[name=role][value=premise]")).to_be_checked()
    expect(page.locator("#tag-form")).to_have_attribute("data-prefilled", "true")
    expect(page.locator("#tag-choice-hint")).to_have_text(
        "Pre-filled with your last choice (Contra · Premise): check it fits."
    )


# --- 3. Clear states ----------------------------------------------------------------------------
def test_a_submitted_document_opens_read_only_and_a_drag_opens_nothing(
    live_server, page, login, scene
):
    document, annotator = scene["document"], scene["annotator"]
    span = _span(document, annotator, PHRASE)
    Assignment.objects.filter(pk=scene["assignment"].pk).update(
        status="submitted", submitted_at=timezone.now()
    )
    open_annotate(page, live_server, login, document)

    expect(page.locator("#read-only")).to_contain_text(
        "your layer is final and read only. It goes to review once 2 annotators have "
        "submitted it (1 so far)."
    )
    expect(page.locator("#submit-doc")).to_have_count(0)
    expect(page.locator("#text-hint")).to_have_text(
        "Read only. Choose a span in the text or the list to see it and its history."
    )
    select_phrase(page, SMOKESCREEN)
    page.locator("#doc-text").dispatch_event("mouseup")
    page.keyboard.press("t")
    expect(page.locator("#tag-popover")).to_be_hidden()
    expect(page.locator("#notice")).to_have_text(
        "This document is read only here: the banner above says why."
    )

    # Spans stay browsable, with their history.
    page.locator(f'#doc-text mark[data-ids="{span.id}"]').click()
    expect(page.locator("#span-detail h3")).to_have_text("Pro · Claim · no actor")
    expect(page.locator("#span-detail button[data-action=edit]")).to_have_count(0)
    page.locator("#span-detail").get_by_role("button", name="History").click()
    expect(page.locator("#span-detail .span-history li")).to_have_count(1)
    expect(page.locator("#span-detail .span-history li")).to_contain_text("created by ann")
    assert Span.objects.count() == 1
    assert page.dialogs == []


def test_an_unassigned_document_is_started_explicitly_after_a_confirmation(
    live_server, page, login, scene, debate
):
    other = DocumentFactory(debate=debate, title="Not yours yet", text=TEXT + " Another copy.")
    open_annotate(page, live_server, login, other)

    expect(page.locator("#read-only")).to_contain_text("This document is not in your queue.")
    select_phrase(page, PHRASE)
    page.locator("#doc-text").dispatch_event("mouseup")
    expect(page.locator("#tag-popover")).to_be_hidden()
    assert not Assignment.objects.filter(document=other).exists()

    page.get_by_role("button", name="Start annotating this document").click()
    confirm = page.locator("#start-confirm")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Not now").click()
    expect(confirm).to_be_hidden()
    assert not Assignment.objects.filter(document=other).exists()

    page.get_by_role("button", name="Start annotating this document").click()
    confirm.get_by_role("button", name="Start").click()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator(".messages")).to_contain_text("The document is in your queue")
    expect(page.locator("#read-only")).to_have_count(0)
    expect(page.locator("#doc-status")).to_have_text("Assigned")
    assert Assignment.objects.get(document=other).status == "assigned"
    _open_form(page, PHRASE)


# --- 5. Linking you can see ---------------------------------------------------------------------
def test_link_mode_names_its_source_answers_every_key_and_links_show_in_the_text(
    live_server, page, login, scene
):
    document, annotator = scene["document"], scene["annotator"]
    source = _span(document, annotator, SMOKESCREEN, role="premise")
    target = _span(document, annotator, PHRASE)
    open_annotate(page, live_server, login, document)
    page.locator(f'#doc-text mark[data-ids="{source.id}"]').click()

    page.keyboard.press("r")
    quote = SMOKESCREEN[:59] + "…"
    expect(page.locator("#mode")).to_have_text(
        f"Linking from “{quote}”: choose the target span (click it, or J/K), then "
        f"{LINK_KEYS}. Esc cancels."
    )
    page.keyboard.press("s")  # no target yet: said, not silently ignored
    expect(page.locator("#notice")).to_have_text(
        "Choose the target span first: click it, or press J/K."
    )
    page.keyboard.press("x")
    expect(page.locator("#notice")).to_have_text(
        "In link mode: J/K choose the target, S/A make the link, Esc cancels."
    )
    page.locator(f'#doc-text mark[data-ids="{target.id}"]').click()
    expect(page.locator("#mode")).to_have_text(
        f"Linking “{quote}” to “{PHRASE}”: press {LINK_KEYS}; J/K picks another target, "
        "Esc cancels."
    )
    page.keyboard.press("s")
    _saved(page)
    relation = Relation.objects.get()
    assert (relation.source_id, relation.target_id, relation.type) == (
        source.id,
        target.id,
        "supports",
    )

    # Both ends are marked in the text; the selected span's partner is outlined.
    expect(page.locator("#doc-text mark.has-links")).to_have_count(2)
    page.locator(f'#doc-text mark[data-ids="{source.id}"]').click()
    expect(page.locator(f'#doc-text mark[data-ids="{target.id}"]')).to_have_class(
        re.compile(r"\blinked\b")
    )
    expect(page.locator("#span-detail .relations li")).to_contain_text(f"supports → “{PHRASE}”")
    page.locator(f'#doc-text mark[data-ids="{target.id}"]').click()
    expect(page.locator("#span-detail .relations li")).to_contain_text(f"← supports by “{quote}”")
    assert page.dialogs == []


# --- 6. Undo and redo ---------------------------------------------------------------------------
def test_undo_and_redo_round_trip_create_edit_delete_and_link_through_history(
    live_server, page, login, scene
):
    document, annotator = scene["document"], scene["annotator"]
    target = _span(document, annotator, PHRASE)
    open_annotate(page, live_server, login, document)
    undo, redo = page.locator("#undo"), page.locator("#redo")
    expect(undo).to_be_disabled()

    # Create, undo (a delete), redo (a new create).
    _open_form(page, SMOKESCREEN)
    page.keyboard.press("1")
    page.keyboard.press("p")
    page.keyboard.press("Enter")
    _saved(page)
    created = Span.objects.get(quote=SMOKESCREEN)
    expect(undo).to_be_enabled()
    expect(undo).to_have_attribute("title", f"Undo create span “{SMOKESCREEN[:30]}…”")
    page.locator("#doc-text").focus()
    page.keyboard.press("Control+z")
    _saved(page)
    assert not Span.objects.filter(pk=created.pk).exists()
    expect(page.locator("#notice")).to_have_text(f"Undone: create span “{SMOKESCREEN[:30]}…”.")
    page.keyboard.press("Control+Shift+z")
    _saved(page)
    again = Span.objects.get(quote=SMOKESCREEN)
    assert (again.stance, again.role) == ("pro", "premise")

    # Edit (stance by key on the selected span), undo, redo.
    page.locator(f'#doc-text mark[data-ids="{target.id}"]').click()
    page.keyboard.press("2")
    _saved(page)
    assert Span.objects.get(pk=target.pk).stance == "contra"
    undo.click()
    _saved(page)
    assert Span.objects.get(pk=target.pk).stance == "pro"
    redo.click()
    _saved(page)
    assert Span.objects.get(pk=target.pk).stance == "contra"

    # Link, then delete the linked span; undo brings back the span and its link.
    page.locator("#doc-text").focus()
    page.locator(f'#doc-text mark[data-ids="{again.pk}"]').click()
    page.keyboard.press("r")
    page.locator(f'#doc-text mark[data-ids="{target.id}"]').click()
    page.keyboard.press("a")
    _saved(page)
    assert Relation.objects.get().type == "attacks"
    page.locator(f'#doc-text mark[data-ids="{target.id}"]').click()
    page.keyboard.press("Delete")
    page.locator("#span-detail").get_by_role("button", name="Delete", exact=True).click()
    _saved(page)
    assert not Span.objects.filter(pk=target.pk).exists()
    assert Relation.objects.count() == 0
    page.keyboard.press("Control+z")
    _saved(page)
    restored = Span.objects.get(quote=PHRASE)
    assert (restored.stance, restored.role) == ("contra", "claim")
    relation = Relation.objects.get()
    assert (relation.source_id, relation.target_id, relation.type) == (
        again.pk,
        restored.pk,
        "attacks",
    )
    # Undo goes on backwards through what came back: the link, then the stance edit (on the
    # span now under its new id); redo brings both again.
    page.keyboard.press("Control+z")
    _saved(page)
    assert Relation.objects.count() == 0
    page.keyboard.press("Control+z")
    _saved(page)
    assert Span.objects.get(pk=restored.pk).stance == "pro"
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+y")
    _saved(page)
    assert Span.objects.get(pk=restored.pk).stance == "contra"
    relation = Relation.objects.get()
    assert (relation.source_id, relation.target_id, relation.type) == (
        again.pk,
        restored.pk,
        "attacks",
    )

    # Every undo and redo is a recorded change, never a silent rewrite.
    actions = list(SpanEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "created",  # the target, made by the fixture
        "created",  # the smokescreen span
        "deleted",  # undo
        "created",  # redo
        "updated",  # stance to contra
        "updated",  # undo
        "updated",  # redo
        "deleted",  # the target deleted
        "created",  # undo: brought back under a new id
        "updated",  # undo of the stance edit, on the new id
        "updated",  # redo
    ]
    relation_actions = list(RelationEvent.objects.values_list("action", flat=True))
    assert relation_actions.count("created") == 3  # linked, brought back, redone
    assert page.dialogs == []


def test_an_undo_that_conflicts_with_a_change_elsewhere_says_so(live_server, page, login, scene):
    document, annotator = scene["document"], scene["annotator"]
    span = _span(document, annotator, PHRASE)
    open_annotate(page, live_server, login, document)
    page.locator(f'#doc-text mark[data-ids="{span.id}"]').click()
    page.keyboard.press("2")
    _saved(page)
    # Another tab changes the span meanwhile.
    span_update(
        span=Span.objects.get(pk=span.pk),
        by=annotator,
        expected_version=None,
        changes={"note": "elsewhere"},
    )

    page.keyboard.press("Control+z")

    expect(page.locator("#notice")).to_have_text(
        "Could not undo: this span was changed elsewhere; your edit was not applied and the "
        "span has been reloaded."
    )
    assert Span.objects.get(pk=span.pk).stance == "contra"
    expect(page.locator("#span-detail")).to_contain_text("Note: elsewhere")
