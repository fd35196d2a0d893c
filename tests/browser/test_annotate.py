"""The annotate page in Chromium: exact offsets, edits, links, submit, failed saves, shortcuts."""

import re

import pytest
from playwright.sync_api import Page, expect

from annotations.models import Assignment, AssignmentStatus, Relation, Span
from debate.models import Role
from tests.browser.conftest import select_text, utf16_offset
from tests.factories import (
    PASSWORD,
    ActorFactory,
    AssignmentFactory,
    DocumentFactory,
    SpanFactory,
)

# Emoji (two UTF-16 units, one code point), curly quotes, an accent, a non-breaking space.
TEXT = (
    "Tech firms 🔐 say: “a backdoor would make services less secure for all.” "
    "Café owners agree.\n\n"
    "Susie Hargreaves said: “Without robust safety measures, end\u2011to\u2011end encryption "
    "will turn into a smokescreen for abusers.”\u00a0That was last week."
)
PHRASE = "a backdoor would make services less secure for all"
SMOKESCREEN = "end\u2011to\u2011end encryption will turn into a smokescreen for abusers"

TEXT_BEFORE_FIRST_MARK_JS = """() => {
  const root = document.getElementById('doc-text');
  const range = document.createRange();
  range.selectNodeContents(root);
  range.setEndBefore(root.querySelector('mark'));
  return range.toString();
}"""


@pytest.fixture
def scene(debate, member):
    annotator = member(Role.ANNOTATOR, username="ann")
    hargreaves = ActorFactory(
        debate=debate, name="Susie Hargreaves", aliases=["Hargreaves", "Internet Watch Foundation"]
    )
    firms = ActorFactory(debate=debate, name="Tech firms", aliases=["tech firms", "platforms"])
    document = DocumentFactory(debate=debate, title="Emoji article", text=TEXT)
    AssignmentFactory(document=document, annotator=annotator)
    return {"annotator": annotator, "document": document, "hargreaves": hargreaves, "firms": firms}


def open_annotate(page: Page, live_server, login, document) -> None:
    login(page, "ann", PASSWORD)
    page.goto(f"{live_server.url}/documents/{document.id}/annotate/")
    page.wait_for_selector("body[data-ready=true]")


def select_phrase(page: Page, phrase: str) -> None:
    start = TEXT.index(phrase)
    select_text(page, "doc-text", TEXT, start, start + len(phrase))


def refuse_span_saves(page: Page) -> re.Pattern:
    """Make every span POST fail as if the server were unreachable; return the route's URL."""
    spans_url = re.compile(r".*/api/v1/documents/\d+/spans/$")
    page.route(
        spans_url,
        lambda route: (
            route.abort("connectionrefused")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    return spans_url


def tag_with_mouse(page: Page, phrase: str, stance: str, role: str) -> None:
    select_phrase(page, phrase)
    page.locator("#doc-text").dispatch_event("mouseup")
    popover = page.locator("#tag-popover")
    expect(popover).to_be_visible()
    popover.get_by_label(stance, exact=False).first.check()
    popover.get_by_label(role).check()
    popover.get_by_role("button", name="Save (Enter)").click()


def wait_saved(page: Page) -> None:
    expect(page.locator("#save-status")).to_have_text("All changes saved")


def test_tagging_after_an_emoji_stores_exact_code_points_and_survives_reload(
    live_server, page, login, scene, artifacts
):
    open_annotate(page, live_server, login, scene["document"])
    expect(page.locator("#span-empty")).to_be_visible()

    tag_with_mouse(page, PHRASE, "Contra", "Claim")
    wait_saved(page)

    span = Span.objects.get()
    start = TEXT.index(PHRASE)
    assert (span.start, span.end, span.quote) == (start, start + len(PHRASE), PHRASE)
    assert (start, utf16_offset(TEXT, start)) == (19, 20)  # the emoji is one code point, two units
    assert (span.stance, span.role, span.annotator, span.actor) == (
        "contra",
        "claim",
        scene["annotator"],
        scene["firms"],
    )  # the actor was suggested from "Tech firms" in the sentence

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    marks = page.locator("#doc-text mark.hl")
    expect(marks).to_have_count(1)
    expect(marks.first).to_have_text(PHRASE)
    text_before_mark = page.evaluate(TEXT_BEFORE_FIRST_MARK_JS)
    assert text_before_mark == TEXT[:start]

    response = page.request.get(f"{live_server.url}/api/v1/documents/{scene['document'].id}/spans/")
    body = response.json()
    items = body["results"] if isinstance(body, dict) else body
    assert [(i["start"], i["end"], i["quote"]) for i in items] == [(19, 19 + len(PHRASE), PHRASE)]
    page.screenshot(path=str(artifacts / "annotate-page.png"), full_page=True)
    assert page.dialogs == []


def test_suggests_the_speaker_of_a_quote_and_edits_links_deletes_and_submits(
    live_server, page, login, scene
):
    open_annotate(page, live_server, login, scene["document"])
    tag_with_mouse(page, PHRASE, "Contra", "Claim")
    wait_saved(page)

    select_phrase(page, SMOKESCREEN)
    page.locator("#doc-text").dispatch_event("mouseup")
    expect(page.locator("#tag-actor-hint")).to_contain_text("Susie Hargreaves")
    expect(page.locator("#tag-actor")).to_have_value(str(scene["hargreaves"].id))
    page.locator("#tag-popover").get_by_label("Pro").check()
    page.locator("#tag-popover").get_by_label("Claim").check()
    page.locator("#tag-popover").get_by_role("button", name="Save (Enter)").click()
    wait_saved(page)
    smokescreen = Span.objects.get(quote=SMOKESCREEN)
    assert smokescreen.start == TEXT.index(SMOKESCREEN)
    assert smokescreen.actor == scene["hargreaves"]

    # Edit the first span from the list: role becomes premise, with a note with markup in it.
    page.locator("#span-list .span-item").first.click()
    page.get_by_role("button", name="Edit (E)").click()
    page.locator("#tag-popover").get_by_label("Premise").check()
    page.locator("#tag-note").fill("<b>not bold</b>")
    page.locator("#tag-popover").get_by_role("button", name="Save (Enter)").click()
    wait_saved(page)
    backdoor = Span.objects.get(quote=PHRASE)
    assert (backdoor.role, backdoor.note, backdoor.version) == ("premise", "<b>not bold</b>", 2)
    expect(page.locator("#span-detail")).to_contain_text("Note: <b>not bold</b>")

    # Link: the backdoor premise attacks the smokescreen claim.
    page.get_by_role("button", name="Link to… (R)").click()
    page.locator("#span-list .span-item").nth(1).click()
    page.keyboard.press("a")
    wait_saved(page)
    relation = Relation.objects.get()
    assert (relation.source, relation.target, relation.type) == (backdoor, smokescreen, "attacks")

    # Delete the smokescreen span (with confirmation); its link goes with it.
    page.locator("#span-list .span-item").nth(1).click()
    page.get_by_role("button", name="Delete (Del)").click()
    page.get_by_role("button", name="Delete", exact=True).click()
    wait_saved(page)
    assert list(Span.objects.values_list("quote", flat=True)) == [PHRASE]
    assert Relation.objects.count() == 0

    page.get_by_role("button", name="Submit document").click()
    page.locator("#submit-confirm").get_by_role("button", name="Submit").click()
    expect(page.locator("#doc-status")).to_have_text("Submitted")
    assignment = Assignment.objects.get()
    assert assignment.status == AssignmentStatus.SUBMITTED
    assert page.dialogs == []


def test_a_save_that_fails_while_the_server_is_unreachable_is_shown_and_retried(
    live_server, page, login, scene
):
    open_annotate(page, live_server, login, scene["document"])
    spans_url = refuse_span_saves(page)

    tag_with_mouse(page, PHRASE, "Contra", "Claim")

    expect(page.locator("#save-status")).to_have_text("Not saved: retrying")
    expect(page.locator("#save-failures")).to_contain_text("server unreachable")
    expect(page.locator("#span-list .span-item")).to_have_count(1)  # the work stays on screen
    assert Span.objects.count() == 0

    page.unroute(spans_url)
    page.get_by_role("button", name="Retry now").click()
    wait_saved(page)
    expect(page.locator("#save-failures li")).to_have_count(0)
    assert Span.objects.get().quote == PHRASE


def test_keyboard_only_tagging_navigation_and_help(live_server, page, login, scene):
    open_annotate(page, live_server, login, scene["document"])
    page.locator("#doc-text").focus()

    select_phrase(page, PHRASE)
    page.keyboard.press("t")
    expect(page.locator("#tag-popover")).to_be_visible()
    # Nothing is chosen for the annotator: Enter asks for what is missing and saves nothing.
    expect(page.locator("#tag-form input:checked")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page.locator("#tag-error")).to_have_text("Choose a stance and a role before saving.")
    page.keyboard.press("2")  # second stance: contra
    page.keyboard.press("Enter")
    expect(page.locator("#tag-error")).to_have_text("Choose a role before saving.")
    assert Span.objects.count() == 0
    page.keyboard.press("c")  # claim
    page.keyboard.press("Enter")
    wait_saved(page)
    select_phrase(page, SMOKESCREEN)
    page.keyboard.press("t")
    page.keyboard.press("1")
    page.keyboard.press("p")  # premise
    page.keyboard.press("Enter")
    wait_saved(page)
    assert sorted(Span.objects.values_list("stance", "role")) == [
        ("contra", "claim"),
        ("pro", "premise"),
    ]

    page.keyboard.press("j")
    expect(page.locator("#span-list .span-item[aria-selected=true]")).to_contain_text("a backdoor")
    page.keyboard.press("j")
    expect(page.locator("#span-list .span-item[aria-selected=true]")).to_contain_text("smokescreen")
    page.keyboard.press("k")
    expect(page.locator("#span-list .span-item[aria-selected=true]")).to_contain_text("a backdoor")
    page.keyboard.press("3")  # stance of the selected span: neutral
    wait_saved(page)
    assert Span.objects.get(quote=PHRASE).stance == "neutral"

    page.keyboard.press("Delete")
    page.keyboard.press("Enter")  # the focused confirm button
    wait_saved(page)
    assert Span.objects.count() == 1

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    expect(page.locator("#help")).to_contain_text("Next / previous span")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()


def test_a_stale_edit_is_refused_shown_and_the_span_reloaded(live_server, page, login, scene):
    open_annotate(page, live_server, login, scene["document"])
    tag_with_mouse(page, PHRASE, "Contra", "Claim")
    wait_saved(page)
    # Someone else (another tab, say) changes the span meanwhile.
    span = Span.objects.get()
    Span.objects.filter(pk=span.pk).update(stance="neutral", version=span.version + 1)

    page.locator("#span-list .span-item").first.click()
    page.keyboard.press("p")  # role: premise, from the stale version 1

    expect(page.locator("#notice")).to_contain_text("changed elsewhere")
    expect(page.locator("#span-list .span-item").first).to_contain_text("Neutral")
    expect(page.locator("#span-list .span-item").first).to_contain_text("Claim")
    span.refresh_from_db()
    assert (span.stance, span.role, span.version) == ("neutral", "claim", 2)


def test_a_document_with_more_spans_than_one_api_page_shows_them_all(
    live_server, page, login, scene
):
    # 1,200 spans and 600 relations: more than one page of either list (500 each by default).
    document, annotator = scene["document"], scene["annotator"]
    spans = Span.objects.bulk_create(
        Span(
            document=document,
            annotator=annotator,
            start=index % 40,
            end=index % 40 + 5,
            quote=document.text[index % 40 : index % 40 + 5],
            stance="pro",
            role="claim",
            created_by=annotator,
        )
        for index in range(1200)
    )
    Relation.objects.bulk_create(
        Relation(
            document=document,
            annotator=annotator,
            source=spans[index],
            target=spans[index + 1],
            type="supports",
            created_by=annotator,
        )
        for index in range(600)
    )
    open_annotate(page, live_server, login, document)
    expect(page.locator("#span-count")).to_have_text("1200")
    # The rows of the list's first two groups of 40 are drawn at once, each naming its place.
    rows = page.locator("#span-list .span-item")
    expect(rows).to_have_count(80)
    assert rows.evaluate_all("rows => rows.map((row) => row.getAttribute('aria-posinset'))") == [
        str(n) for n in range(1, 81)
    ]
    assert {row.get_attribute("aria-setsize") for row in rows.all()} == {"1200"}
    # The others as the list scrolls to them: at its end, the last group's.
    page.locator("#span-list").evaluate("list => { list.scrollTop = list.scrollHeight; }")
    expect(page.locator('#span-list .span-item[aria-posinset="1200"]')).to_be_attached()
    # K with nothing selected selects the last span: its row is drawn, marked and shown.
    page.locator("#span-list").evaluate("list => { list.scrollTop = 0; }")
    page.locator("#doc-text").focus()
    page.keyboard.press("k")
    selected = page.locator("#span-list .span-item[aria-selected=true]")
    expect(selected).to_have_count(1)
    expect(selected).to_have_attribute("aria-posinset", "1200")
    expect(selected).to_be_in_viewport()
    assert page.evaluate("document.body.dataset.ready") == "true"
    assert page.dialogs == []


def test_a_stale_page_is_corrected_from_the_api_once_its_writes_are_saved(
    live_server, page, login, scene
):
    document, annotator = scene["document"], scene["annotator"]
    open_annotate(page, live_server, login, document)
    expect(page.locator("#span-list .span-item")).to_have_count(0)
    layer_reads = []
    page.on(
        "request",
        lambda request: (
            layer_reads.append(request.url)
            if request.method == "GET" and ("/spans/" in request.url or "include=" in request.url)
            else None
        ),
    )
    # Made elsewhere (another tab) after the page embedded its spans: the page cannot know.
    start = TEXT.index(SMOKESCREEN)
    elsewhere = SpanFactory(
        document=document,
        annotator=annotator,
        start=start,
        end=start + len(SMOKESCREEN),
        stance="pro",
        role="premise",
    )
    # This page's own save fails for now and waits in the queue.
    spans_url = refuse_span_saves(page)
    tag_with_mouse(page, PHRASE, "Contra", "Claim")
    expect(page.locator("#save-status")).to_have_text("Not saved: retrying")

    # Shown again from the back/forward cache (Playwright's Chromium keeps none, so the event
    # the browser would send is sent here): the page must ask the API again, but not while a
    # write waits, or the list from before that write would be drawn over it.
    page.evaluate(
        "() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
    )
    page.wait_for_timeout(300)
    assert layer_reads == []
    expect(page.locator("#span-list .span-item")).to_have_count(1)
    expect(page.locator("#span-list .span-item").first).to_contain_text("saving…")

    page.unroute(spans_url)
    page.get_by_role("button", name="Retry now").click()
    wait_saved(page)
    expect(page.locator("#span-list .span-item")).to_have_count(2)
    expect(page.locator("#span-list .span-item").nth(0)).to_contain_text(PHRASE)
    expect(page.locator("#span-list .span-item").nth(1)).to_contain_text("Premise")
    expect(page.locator("#span-list .span-item").nth(1)).to_contain_text("smokescreen")
    expect(page.locator(f'#doc-text mark[data-ids="{elsewhere.id}"]')).to_have_text(SMOKESCREEN)
    # One request: the document with its layer, not every page of the span and relation lists.
    assert [url.removeprefix(live_server.url) for url in layer_reads] == [
        f"/api/v1/documents/{document.pk}/?include=spans,relations"
    ]
    assert page.dialogs == []


def test_highlights_take_the_scheme_colours_and_name_their_spans_on_hover(
    live_server, page, login, scene
):
    document, annotator = scene["document"], scene["annotator"]
    start = TEXT.index(PHRASE)
    note = '"quoted" <b>note</b> & more'
    backdoor = SpanFactory(
        document=document,
        annotator=annotator,
        start=start,
        end=start + len(PHRASE),
        stance="contra",
        role="claim",
        actor=scene["firms"],
        note=note,
    )
    open_annotate(page, live_server, login, document)

    mark = page.locator("#doc-text mark.hl")
    expect(mark).to_have_count(1)
    stance_colour = "getComputedStyle(e).getPropertyValue('--stance').trim()"
    assert mark.evaluate(f"e => {stance_colour}") == "#c2410c"  # the scheme's contra colour
    badge = page.locator("#span-list .span-item .badge")
    assert badge.evaluate(f"e => {stance_colour}") == "#c2410c"
    expect(badge).to_have_text("Contra")
    expect(page.locator("#span-list .span-item .meta")).to_have_text("Claim · Tech firms")
    # Drawn without style attributes, which the Content-Security-Policy would refuse.
    assert page.locator("#doc-text [style], #span-list [style]").count() == 0

    assert mark.get_attribute("title") is None
    mark.hover()
    expect(mark).to_have_attribute("title", f"Contra · Claim · Tech firms — {note}")
    assert mark.get_attribute("data-ids") == str(backdoor.id)
    assert page.dialogs == []


def test_selection_and_link_target_are_marked_in_the_text_and_the_list(
    live_server, page, login, scene
):
    document, annotator = scene["document"], scene["annotator"]
    spans = [
        SpanFactory(
            document=document,
            annotator=annotator,
            start=TEXT.index(phrase),
            end=TEXT.index(phrase) + len(phrase),
        )
        for phrase in (PHRASE, SMOKESCREEN)
    ]
    backdoor, smokescreen = (f'#doc-text mark[data-ids="{span.id}"]' for span in spans)
    open_annotate(page, live_server, login, document)
    page.locator("#doc-text").focus()

    page.keyboard.press("j")
    expect(page.locator("#doc-text mark.selected")).to_have_count(1)
    expect(page.locator(backdoor)).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator("#span-list .span-item[aria-selected=true]")).to_have_count(1)
    expect(page.locator("#span-detail h3")).to_have_text("Pro · Claim · no actor")

    page.locator(smokescreen).click()
    expect(page.locator("#doc-text mark.selected")).to_have_count(1)
    expect(page.locator(smokescreen)).to_have_class(re.compile(r"\bselected\b"))
    expect(page.locator("#span-list .span-item").nth(1)).to_have_attribute("aria-selected", "true")
    expect(page.locator("#span-list .span-item").nth(0)).to_have_attribute("aria-selected", "false")

    page.keyboard.press("r")  # link from the smokescreen span; J picks the other as target
    expect(page.locator("#mode")).to_be_visible()
    page.keyboard.press("j")
    expect(page.locator(backdoor)).to_have_class(re.compile(r"\blink-target\b"))
    expect(page.locator("#doc-text mark.link-target")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator("#doc-text mark.link-target")).to_have_count(0)
    expect(page.locator("#mode")).to_be_hidden()

    page.keyboard.press("Escape")  # deselect
    expect(page.locator("#doc-text mark.selected")).to_have_count(0)
    expect(page.locator("#span-list .span-item[aria-selected=true]")).to_have_count(0)
    assert page.dialogs == []


LONG_LINE = "Rani Govender said end-to-end encryption must not blind the platforms.\n"
LONG_TEXT = LONG_LINE * 300  # 21,300 characters: many blocks, most of them out of view
MARKS_BY_SPAN_JS = """() => Object.fromEntries(
  [...document.querySelectorAll('#doc-text mark.hl')]
    .map((mark) => [mark.dataset.ids, mark.textContent])
)"""


@pytest.fixture
def long_scene(debate, member):
    """A long document with a span on its first, middle and last lines."""
    annotator = member(Role.ANNOTATOR, username="ann")
    document = DocumentFactory(debate=debate, title="Long article", text=LONG_TEXT)
    AssignmentFactory(document=document, annotator=annotator)
    phrase = "end-to-end encryption"
    starts = [line * len(LONG_LINE) + LONG_LINE.index(phrase) for line in (0, 150, 299)]
    spans = [
        SpanFactory(document=document, annotator=annotator, start=start, end=start + len(phrase))
        for start in starts
    ]
    return {"document": document, "spans": spans, "phrase": phrase}


def test_a_long_text_draws_each_highlight_as_it_comes_into_view(
    live_server, page, login, long_scene
):
    first, middle, last = (str(span.id) for span in long_scene["spans"])
    phrase = long_scene["phrase"]
    open_annotate(page, live_server, login, long_scene["document"])
    # 22 lines of 71 characters reach the 1,500th: 300 lines make 13 such blocks and one more.
    expect(page.locator("#doc-text .text-block")).to_have_count(14)
    # On screen at once; the last line's block still holds its plain text.
    expect(page.locator(f'#doc-text mark[data-ids="{first}"]')).to_have_text(phrase)
    assert page.evaluate(MARKS_BY_SPAN_JS) == {first: phrase}
    assert page.locator("#doc-text").text_content() == LONG_TEXT

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.locator(f'#doc-text mark[data-ids="{last}"]')).to_have_text(phrase)
    expect(page.locator(f'#doc-text mark[data-ids="{last}"]')).to_be_in_viewport()
    assert page.locator("#doc-text").text_content() == LONG_TEXT

    # J from the top reaches the middle span: its highlight is drawn, selected and shown.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#doc-text").focus()
    page.keyboard.press("j")
    page.keyboard.press("j")
    selected = page.locator("#doc-text mark.selected")
    expect(selected).to_have_count(1)
    expect(selected).to_have_attribute("data-ids", middle)
    expect(selected).to_be_in_viewport()
    expect(page.locator("#span-list .span-item[aria-selected=true]")).to_contain_text(phrase)
    assert page.dialogs == []


def test_a_map_source_deep_in_a_long_text_is_highlighted_and_shown(
    live_server, page, login, long_scene
):
    middle = long_scene["spans"][1]
    login(page, "ann", PASSWORD)
    page.goto(
        f"{live_server.url}/documents/{long_scene['document'].id}/annotate/"
        f"?highlight={middle.start}-{middle.end}"
    )
    page.wait_for_selector("body[data-ready=true]")

    highlighted = page.evaluate(
        "() => [...CSS.highlights.get('map-source')].map((range) => range.toString())"
    )
    assert highlighted == [long_scene["phrase"]]
    expect(page.locator(f'#doc-text mark[data-ids="{middle.id}"]')).to_be_in_viewport()


def test_a_browser_that_cannot_tell_what_is_in_view_gets_every_highlight_at_once(
    live_server, page, login, long_scene
):
    page.add_init_script("delete window.ContentVisibilityAutoStateChangeEvent")
    open_annotate(page, live_server, login, long_scene["document"])

    phrase = long_scene["phrase"]
    assert page.evaluate(MARKS_BY_SPAN_JS) == {str(span.id): phrase for span in long_scene["spans"]}
    assert page.locator("#doc-text").text_content() == LONG_TEXT
