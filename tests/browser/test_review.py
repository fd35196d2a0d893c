"""The review page and the dashboard in Chromium: two disagreeing layers reviewed into gold."""

import re

import pytest
from playwright.sync_api import Page, expect

from annotations.models import Relation, ReviewDecision, Span
from annotations.review.services import DecisionInput, review_decide
from annotations.services import SpanInput, document_submit, relation_create, span_create
from debate.models import Document, DocumentStatus, Role
from tests.browser.conftest import select_text
from tests.factories import PASSWORD, ActorFactory, AssignmentFactory, DocumentFactory

# An emoji and curly quotes before the spans: the page must convert UTF-16 to code points.
TEXT = (
    "Tech firms 🔐 say: “a backdoor would make services less secure for all.”\n\n"
    "The NSPCC says scanning is needed to protect children, and Rani Govender agrees. "
    "Critics call it mass surveillance. Police want access to messages."
)
BACKDOOR = "a backdoor would make services less secure for all"
SCANNING_ANN = "scanning is needed to protect children"
SCANNING_ANN2 = "The NSPCC says scanning is needed"
CRITICS = "mass surveillance"
POLICE = "Police want access to messages"


def at(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def tag(document, user, needle, stance="pro", role="claim", actor=None) -> Span:
    start, end = at(needle)
    data = SpanInput(start=start, end=end, quote=needle, stance=stance, role=role, actor=actor)
    return span_create(document=document, annotator=user, by=user, data=data).span


@pytest.fixture
def scene(debate, member):
    ann = member(Role.ANNOTATOR, username="ann")
    ann2 = member(Role.ANNOTATOR, username="ann2")
    reviewer = member(Role.REVIEWER, username="rev")
    member(Role.MANAGER, username="man")
    firms = ActorFactory(debate=debate, name="Tech firms")
    govender = ActorFactory(debate=debate, name="Rani Govender")
    document = DocumentFactory(debate=debate, text=TEXT, title="Scanning row")
    for user in (ann, ann2):
        AssignmentFactory(document=document, annotator=user)
    spans = {
        "ann_backdoor": tag(document, ann, BACKDOOR, "contra", actor=firms.pk),
        "ann2_backdoor": tag(document, ann2, BACKDOOR, "contra", actor=firms.pk),
        "ann_scanning": tag(document, ann, SCANNING_ANN, actor=govender.pk),
        "ann2_scanning": tag(document, ann2, SCANNING_ANN2, role="premise"),
        "ann_critics": tag(document, ann, CRITICS, "contra", "premise"),
        "ann2_police": tag(document, ann2, POLICE),
    }
    relation_create(
        document=document,
        by=ann2,
        source=spans["ann2_scanning"],
        target=spans["ann2_backdoor"],
        type="attacks",
    )
    for user in (ann, ann2):
        document_submit(document=document, annotator=user)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY_FOR_REVIEW
    return {
        "document": document,
        "spans": spans,
        "firms": firms,
        "govender": govender,
        "rev": reviewer,
    }


def card(page: Page, spans: list[Span]):
    key = "u-" + "-".join(str(pk) for pk in sorted(span.pk for span in spans))
    return page.locator(f'.unit-card[data-key="{key}"]')


def saved(page: Page, message: str) -> None:
    expect(page.locator("#review-save")).to_have_text(message)


def test_a_reviewer_adjudicates_two_disagreeing_layers_into_gold(
    page: Page, live_server, login, scene, artifacts
):
    errors: list[str] = []
    # Script errors, and failed requests other than the browser's own favicon probe.
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    spans = scene["spans"]
    login(page, "rev", PASSWORD)
    page.goto(f"{live_server.url}/documents/{scene['document'].pk}/review/")
    page.wait_for_selector("body[data-ready=true]")

    # Four units: one agreed, one differing in boundaries and role, two marked by one only.
    expect(page.locator(".unit-card")).to_have_count(4)
    scanning = card(page, [spans["ann_scanning"], spans["ann2_scanning"]])
    expect(scanning.locator(".tag")).to_have_text("Differ: boundaries, role, actor")
    expect(card(page, [spans["ann_critics"]]).locator(".tag")).to_have_text("Only ann")
    expect(page.locator("#layer-legend")).to_contain_text("ann")
    expect(page.locator("#finish-review")).to_be_disabled()
    page.screenshot(path=str(artifacts / "review-page.png"), full_page=True)

    page.get_by_role("button", name="Accept all agreed (1)").click()
    saved(page, "Accepted 1 agreed unit(s)")
    expect(card(page, [spans["ann_backdoor"], spans["ann2_backdoor"]])).to_have_attribute(
        "data-state", "accepted"
    )

    scanning.get_by_role("button", name="Accept ann2's version").click()
    saved(page, "Accepted ann2's version")
    expect(scanning.locator(".outcome")).to_have_text("Accepted ann2")

    card(page, [spans["ann_critics"]]).get_by_role("button", name="Reject this unit").click()
    saved(page, "Rejected")
    expect(card(page, [spans["ann_critics"]])).to_have_attribute("data-state", "rejected")

    # Edit the police unit: narrower boundaries from a text selection, another stance.
    police = card(page, [spans["ann2_police"]])
    police.get_by_role("button", name="Edit the gold version").click()
    dialog = page.locator("#edit-dialog")
    expect(dialog).to_be_visible()
    start, end = at("Police want access")
    select_text(page, "review-text", TEXT, start, end)
    dialog.get_by_role("button", name="Use text selection").click()
    expect(dialog.locator("#edit-quote")).to_have_text("Police want access")
    dialog.get_by_label("Neutral").check()
    dialog.get_by_role("button", name="Save to gold").click()
    saved(page, "Edited")
    expect(dialog).to_be_hidden()
    expect(police).to_have_attribute("data-state", "edited")

    # Add a span the annotators missed, by selecting it in the text.
    start, end = at("Critics call it mass surveillance")
    select_text(page, "review-text", TEXT, start, end)
    page.locator("#review-text").dispatch_event("mouseup")
    page.get_by_role("button", name="Add to gold").click()
    expect(dialog.locator("#edit-quote")).to_have_text("Critics call it mass surveillance")
    dialog.get_by_label("Contra").check()
    dialog.get_by_label("Premise").check()
    dialog.get_by_role("button", name="Save to gold").click()
    saved(page, "Added to gold")
    expect(page.locator('.unit-card[data-agreement="gold"]')).to_have_count(1)

    # ann2's relation now has gold spans at both ends: copy it to gold.
    suggestion = page.locator("#relation-suggestions li")
    expect(suggestion).to_have_count(1)
    suggestion.get_by_role("button", name="Copy to gold").click()
    saved(page, "Relation added")
    expect(page.locator("#relation-list li.relation")).to_have_count(1)

    expect(page.locator("#finish-review")).to_be_enabled()
    page.screenshot(path=str(artifacts / "review-page-decided.png"), full_page=True)
    page.locator("#finish-review").click()
    page.locator("#finish-confirm").get_by_role("button", name="Finish").click()
    saved(page, "Adjudicated")
    expect(page.locator("#review-doc-status")).to_have_text("Adjudicated")
    expect(page.locator("#review-notice")).to_contain_text("Adjudicated")
    expect(page.get_by_role("button", name="Accept ann's version").first).to_be_disabled()

    document = Document.objects.get(pk=scene["document"].pk)
    assert document.status == DocumentStatus.ADJUDICATED
    gold = list(
        Span.objects.filter(document=document, annotator__isnull=True)
        .order_by("start")
        .values_list("start", "end", "quote", "stance", "role", "actor_id", "created_by__username")
    )
    assert gold == [
        (*at(BACKDOOR), BACKDOOR, "contra", "claim", scene["firms"].pk, "rev"),
        (*at(SCANNING_ANN2), SCANNING_ANN2, "pro", "premise", None, "rev"),
        (
            *at("Critics call it mass surveillance"),
            "Critics call it mass surveillance",
            "contra",
            "premise",
            None,
            "rev",
        ),
        (*at("Police want access"), "Police want access", "neutral", "claim", None, "rev"),
    ]
    [relation] = Relation.objects.filter(document=document, annotator__isnull=True)
    assert (relation.source.quote, relation.type, relation.target.quote) == (
        SCANNING_ANN2,
        "attacks",
        BACKDOOR,
    )
    assert list(ReviewDecision.objects.order_by("id").values_list("action", flat=True)) == [
        "accept",
        "accept",
        "reject",
        "edit",
        "add",
        "link",
        "finish",
    ]
    assert page.dialogs == []
    assert errors == []


def test_a_second_reviewers_decision_is_not_overwritten(
    page: Page, live_server, login, scene, member
):
    spans = scene["spans"]
    other = member(Role.REVIEWER, username="rev2")
    login(page, "rev", PASSWORD)
    page.goto(f"{live_server.url}/documents/{scene['document'].pk}/review/")
    page.wait_for_selector("body[data-ready=true]")
    critics = card(page, [spans["ann_critics"]])

    # Meanwhile, another reviewer accepts the same unit.
    review_decide(
        document=scene["document"],
        by=other,
        expected_version=0,
        decision=DecisionInput(
            action="accept", unit=critics.get_attribute("data-key"), span=spans["ann_critics"].pk
        ),
    )
    critics.get_by_role("button", name="Reject this unit").click()

    expect(page.locator("#review-notice")).to_contain_text("Another reviewer decided")
    expect(critics).to_have_attribute("data-state", "accepted")
    expect(page.locator("#review-version")).to_have_text("1")
    assert list(ReviewDecision.objects.values_list("reviewer__username", "action")) == [
        ("rev2", "accept")
    ]
    # Now at the fresh version, the reviewer's own decision goes through.
    critics.get_by_role("button", name="Reject this unit").click()
    saved(page, "Rejected")
    assert ReviewDecision.objects.count() == 2
    assert page.dialogs == []


def test_the_dashboard_draws_agreement_progress_and_confusion(
    page: Page, live_server, login, scene, member, artifacts
):
    spans = scene["spans"]
    review_decide(
        document=scene["document"],
        by=scene["rev"],
        expected_version=0,
        decision=DecisionInput(action="accept_agreed"),
    )
    # A second document the two annotators tagged with opposite stances, and an unstarted one.
    second = DocumentFactory(debate=scene["document"].debate, text=TEXT + " More.", title="Second")
    for user, stance in (
        (spans["ann_backdoor"].annotator, "pro"),
        (spans["ann2_backdoor"].annotator, "contra"),
    ):
        span_create(
            document=second,
            annotator=user,
            by=user,
            data=SpanInput(*at(BACKDOOR), quote=BACKDOOR, stance=stance, role="claim"),
        )
        document_submit(document=second, annotator=user)
    DocumentFactory(debate=scene["document"].debate, title="Untouched")

    login(page, "man", PASSWORD)
    page.goto(f"{live_server.url}/d/{scene['document'].debate.slug}/dashboard/")
    page.wait_for_selector("body[data-ready=true]")

    expect(page.locator("#chart-alpha svg rect")).to_have_count(5)  # relation type too
    expect(page.locator("#chart-pairs svg")).to_have_attribute(
        "aria-label", "Agreement per annotator pair"
    )
    expect(page.locator("#chart-pairs")).to_contain_text("ann \u00d7 ann2")
    expect(page.locator("#chart-labels svg rect").first).to_be_visible()
    expect(page.locator("#chart-progress")).to_contain_text("Ready for review 2")
    table = page.locator("table.confusion")
    expect(table.locator("thead th")).to_have_text(
        ["first annotator ↓ · second annotator →", "Contra", "Pro", "not marked"]
    )
    # Rows are ann's stance: contra (agreed once, alone once), pro (ann2 said contra on the
    # second document, pro on scanning), not marked (ann2's police span).
    rows = table.locator("tbody tr")
    expect(rows.nth(0).locator("td")).to_have_text(["1", "0", "1"])
    expect(rows.nth(1).locator("td")).to_have_text(["1", "1", "0"])
    expect(rows.nth(2).locator("td")).to_have_text(["0", "1", "0"])
    page.get_by_label("Pair", exact=True).select_option(label="ann \u00d7 ann2")
    expect(table.locator("thead th").first).to_have_text("ann ↓ · ann2 →")
    expect(rows.nth(1).locator("td")).to_have_text(["1", "1", "0"])
    expect(page.get_by_role("link", name="Review", exact=True)).to_have_count(2)
    page.screenshot(path=str(artifacts / "dashboard-page.png"), full_page=True)
    assert page.dialogs == []
    assert re.search(r"\d", page.locator("#chart-alpha").inner_text())
