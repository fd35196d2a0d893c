"""Reviewers curate the map's merges in Chromium: split one argument, join two, rebuild, undo.

The seed gold layer (tests/scenes.py ``seed_gold``): the tech firms' backdoor argument is one
argument of two sources, merged by similarity; three pro claims stand apart. The reviewer
splits the backdoor argument and joins two pro claims on the map page; builds run inline (unit
tests run Celery tasks eagerly), and the next build, after one more gold span, keeps both.
"""

import pytest
from playwright.sync_api import Page, expect

from debate.models import Role
from maps.builder import map_from_dict
from maps.models import MapBuild, MapVersion, MergeDecision
from maps.selectors import map_version_graph_bytes
from maps.services import map_build_run, map_version_current
from tests.factories import PASSWORD, SpanFactory
from tests.maps.seed import BACKDOOR_000, BACKDOOR_004, RULES_000, TOOLS_000, TRADE_OFF_004
from tests.scenes import seed_gold


@pytest.fixture
def scene(debate, member):
    reviewer = member(Role.REVIEWER, username="rev1")
    member(Role.RESEARCHER, username="res")
    gold = seed_gold(debate, reviewer)
    first = MapBuild.objects.create(debate=debate)
    map_build_run(build_id=first.pk, worker="w:1")
    return gold


def open_map(page: Page, live_server, login, username: str) -> None:
    login(page, username, PASSWORD)
    page.goto(f"{live_server.url}/d/encryption/map/")
    page.wait_for_selector("body[data-ready=true]")


def card(page: Page, column: str, text: str):
    return page.locator(f"#list-{column} > .arg-card").filter(has_text=text)


def count_of(found):
    return found.locator("> details > summary .source-count")


def sources_of(found):
    """Return a card's own Sources section (premise cards nested in it have theirs)."""
    return found.locator("> details > .arg-body > .arg-section").first


def open_card(page: Page, column: str, text: str):
    found = card(page, column, text)
    details = found.locator("> details")
    if details.get_attribute("open") is None:
        found.locator("> details > summary").click()
    return found


def test_a_reviewer_splits_and_joins_and_the_next_build_keeps_both(
    live_server, page, login, scene, debate, artifacts
):
    spans = scene["spans"]
    open_map(page, live_server, login, "rev1")
    backdoor = open_card(page, "contra", "building a backdoor")
    expect(count_of(backdoor)).to_have_text("2 sources")
    expect(sources_of(backdoor).locator(".merge-step")).to_contain_text("merged by similarity 0.75")

    # Split: tick the second article's source, confirm.
    sources_of(backdoor).get_by_role("button", name="Split…").click()
    dialog = page.locator("#curate-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("checkbox", name=BACKDOOR_004[:40]).check()
    dialog.get_by_role("button", name="Split off").click()
    expect(dialog).to_be_hidden()
    expect(card(page, "contra", "backdoor")).to_have_count(2, timeout=10_000)
    split_off = open_card(page, "contra", BACKDOOR_004[:40])
    expect(sources_of(split_off).locator(".split-note")).to_contain_text(
        "split by reviewer rev1: kept apart from 1 source"
    )

    # Join: two pro claims similarity leaves apart.
    rules = open_card(page, "pro", RULES_000[:40])
    sources_of(rules).get_by_role("button", name="Join…").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("radio", name=TRADE_OFF_004[:40]).check()
    dialog.get_by_role("button", name="Join", exact=True).click()
    expect(dialog).to_be_hidden()
    joined = card(page, "pro", RULES_000[:40])
    expect(count_of(joined)).to_have_text("2 sources", timeout=10_000)
    joined = open_card(page, "pro", RULES_000[:40])
    expect(sources_of(joined).locator(".merge-step")).to_have_text(["joined by reviewer rev1"])

    items = page.locator("#curation-list .curation-item")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(
        f"Joined the arguments of spans {spans[3].pk} and {spans[8].pk}, by rev1"
    )
    expect(items.nth(1)).to_contain_text(
        f"Split spans {spans[5].pk} off from {spans[2].pk}, by rev1"
    )
    decisions = list(
        MergeDecision.objects.order_by("pk").values_list("kind", "spans", "other_spans")
    )
    assert decisions == [
        ("split", [spans[5].pk], [spans[2].pk]),
        ("join", [spans[3].pk], [spans[8].pk]),
    ]
    page.screenshot(path=str(artifacts / "map-curated.png"), full_page=True)

    # One more gold span, then a rebuild: a new version that keeps both decisions.
    document = spans[3].document
    start = document.text.index(TOOLS_000)
    SpanFactory(
        document=document,
        annotator=None,
        created_by=spans[3].created_by,
        start=start,
        end=start + len(TOOLS_000),
        stance="pro",
        role="claim",
    )
    versions = MapVersion.objects.count()
    page.get_by_role("button", name="Rebuild map").click()
    expect(card(page, "pro", TOOLS_000[:40])).to_have_count(1, timeout=10_000)
    assert MapVersion.objects.count() == versions + 1
    graph = map_from_dict_of(map_version_current(debate=debate))
    [kept] = [a for a in graph.arguments if a.text == BACKDOOR_000]
    assert [s.quote for s in kept.sources] == [BACKDOOR_000]
    [rejoined] = [a for a in graph.arguments if a.text == RULES_000]
    assert [(s.quote, s.span_id) for s in rejoined.sources] == [
        (RULES_000, str(spans[3].pk)),
        (TRADE_OFF_004, str(spans[8].pk)),
    ]
    assert [(m.method, m.by) for m in rejoined.merges] == [("reviewer-join", "rev1")]
    expect(card(page, "contra", "backdoor")).to_have_count(2)
    expect(count_of(card(page, "pro", RULES_000[:40]))).to_have_text("2 sources")

    # Undo the join: the two pro claims stand apart again, and the list keeps the history.
    page.get_by_role(
        "button", name=f"Undo decision {decisions and MergeDecision.objects.get(kind='join').pk}"
    ).click()
    expect(count_of(card(page, "pro", RULES_000[:40]))).to_have_text("1 source", timeout=10_000)
    expect(items.nth(0)).to_contain_text("Undone by rev1")
    expect(card(page, "contra", "backdoor")).to_have_count(2)
    assert page.dialogs == []


def map_from_dict_of(version):
    import orjson

    return map_from_dict(orjson.loads(map_version_graph_bytes(version=version)))


def test_a_researcher_reads_the_decisions_but_cannot_curate(
    live_server, page, login, scene, debate
):
    MergeDecision.objects.create(
        debate=debate,
        kind="join",
        spans=[scene["spans"][3].pk],
        other_spans=[scene["spans"][8].pk],
        by=scene["spans"][3].created_by,
    )
    open_map(page, live_server, login, "res")
    expect(page.locator("#curation-list .curation-item")).to_have_count(1)
    open_card(page, "contra", "building a backdoor")
    expect(page.get_by_role("button", name="Split…")).to_have_count(0)
    expect(page.get_by_role("button", name="Join…")).to_have_count(0)
    expect(page.locator("[data-undo]")).to_have_count(0)
    expect(page.locator("#curate-dialog")).to_have_count(0)


def test_the_split_dialog_fits_a_phone_and_works_by_keyboard(live_server, page, login, scene):
    page.set_viewport_size({"width": 360, "height": 740})
    open_map(page, live_server, login, "rev1")
    backdoor = open_card(page, "contra", "building a backdoor")
    split = sources_of(backdoor).get_by_role("button", name="Split…")
    split.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#curate-dialog")
    expect(dialog).to_be_visible()
    # The first source's box has the focus; Space ticks it, Tab reaches the confirmation.
    expect(dialog.get_by_role("checkbox").first).to_be_focused()
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 360
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Split off")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(card(page, "contra", "backdoor")).to_have_count(2, timeout=10_000)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert page.dialogs == []
