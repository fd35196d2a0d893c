"""The map page's "What changed" and "Positions over time" in Chromium, from real builds.

The seed gold layer is built into a map, a later article is adjudicated and the map built
again (tests/scenes.py ``seed_over_time``); the page shows the second version, what changed
since the first, and each actor's sources at their documents' publication dates.
"""

import datetime
from dataclasses import replace

import pytest
from playwright.sync_api import Page, expect

from debate.models import Document, Role
from debate.scheme import default_scheme
from maps.builder import (
    GoldSpan,
    MapActor,
    MapDocument,
    MapInput,
    MapScheme,
    build_map,
    map_to_json,
)
from maps.models import MapBuild, MapVersion
from maps.services import map_build_request, map_build_run
from tests.factories import PASSWORD
from tests.fixtures.seed_articles import SUSPECT_LATER, TITLE_000, TITLE_LATER
from tests.scenes import seed_over_time


@pytest.fixture
def scene(debate, member):
    return seed_over_time(debate, member(Role.REVIEWER, username="rev"))


def open_map(page: Page, live_server, login, username: str = "rev") -> None:
    login(page, username, PASSWORD)
    page.goto(f"{live_server.url}/d/encryption/map/")
    page.wait_for_selector("body[data-ready=true]")


def group(page: Page, title: str):
    return page.locator(".change-group").filter(has=page.get_by_role("heading", name=title))


def test_what_changed_and_the_timeline_render_from_two_builds(
    live_server, page, login, scene, artifacts
):
    first, second = scene["first"], scene["second"]
    open_map(page, live_server, login)

    changes = page.locator("#map-changes")
    expect(page.locator("#changes-title")).to_have_text(f"What changed since version {first.pk}")
    expect(page.locator("#changes-summary")).to_contain_text(
        "Arguments: 1 added, 1 changed, 7 unchanged. 1 actor changed position."
    )
    added = group(page, "Added (1)").locator(".change-item")
    expect(added).to_have_count(1)
    expect(added.locator("q")).to_have_text(SUSPECT_LATER)
    expect(added).to_contain_text("Contra claim")
    changed = group(page, "Changed (1)").locator(".change-item")
    expect(changed.locator("q")).to_contain_text("They also say that building a backdoor")
    expect(changed.locator(".change-what")).to_have_text("sources 2 → 3")
    expect(group(page, "Actors who changed position (1)")).to_contain_text(
        "Susie Hargreaves: Pro → Mixed"
    )
    expect(page.locator("#compare-with option")).to_have_count(1)
    changes.screenshot(path=str(artifacts / "map-changes.png"))

    # The timeline: a row per actor with a dated source, a mark per dated source.
    chart = page.locator("#timeline-chart svg")
    expect(chart).to_have_attribute(
        "aria-label",
        "Positions over time of 4 actors, from 14 Feb 2023 to 20 Apr 2023: each mark a "
        "source, by the side of its argument.",
    )
    rows = chart.locator(".tl-row")
    expect(rows).to_have_count(4)
    assert rows.locator(".tl-name").all_text_contents() == [
        "Kate Robertson · Contra",
        "Rani Govender · Pro",
        "Susie Hargreaves · Mixed",
        "the tech firms · Contra",
    ]
    hargreaves = rows.nth(2).locator(".tl-mark")
    assert [m.evaluate("m => m.tagName") for m in hargreaves.all()] == ["circle", "rect"]
    assert hargreaves.nth(0).bounding_box()["x"] < hargreaves.nth(1).bounding_box()["x"]
    expect(hargreaves.nth(1).locator("title")).to_have_text(
        f"Susie Hargreaves, 20 Apr 2023: Contra. “{SUSPECT_LATER}” ({TITLE_LATER})"
    )
    expect(chart.locator(".tl-mark")).to_have_count(9)
    expect(page.locator("#timeline-summary")).to_have_text(
        "9 sources of 4 actors from 14 Feb 2023 to 20 Apr 2023."
    )
    # The same points as a table, and the undated article's sources apart.
    page.locator("#timeline-table summary").click()
    table_rows = page.locator("#timeline-rows tr")
    expect(table_rows).to_have_count(9)
    expect(table_rows.nth(5)).to_contain_text(f"Susie Hargreaves20 Apr 2023Contra{SUSPECT_LATER}")
    expect(table_rows.nth(5).locator("cite")).to_have_text(TITLE_LATER)
    expect(page.locator("#timeline-undated-list li")).to_have_text(
        f"the tech firms: 2 sources in {TITLE_000}"
    )
    page.locator("#map-timeline").screenshot(path=str(artifacts / "map-timeline.png"))

    # A third build, after article 000's date is known: nothing changed since the second...
    Document.objects.filter(pk=scene["documents"][100].pk).update(
        published=datetime.date(2023, 1, 9)
    )
    build = map_build_request(debate=scene["later"].debate, reason="a date corrected")
    map_build_run(build_id=build.pk, worker="test:1")
    build.refresh_from_db()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")

    expect(page.locator("#changes-title")).to_have_text(f"What changed since version {second.pk}")
    expect(page.locator("#changes-summary")).to_contain_text(
        "No argument changed (9 the same). No actor changed position."
    )
    expect(page.locator("#timeline-chart .tl-mark")).to_have_count(11)
    expect(page.locator("#timeline-undated")).to_be_hidden()
    # ... and, compared with the first version, what the later article changed.
    page.locator("#compare-with").select_option(str(first.pk))
    expect(page.locator("#changes-title")).to_have_text(f"What changed since version {first.pk}")
    expect(group(page, "Added (1)").locator("q")).to_have_text(SUSPECT_LATER)
    assert page.locator("#compare-with").input_value() == str(first.pk)

    # An added argument of the version shown opens its card.
    group(page, "Added (1)").get_by_role("button", name="Show the argument").click()
    card = page.locator("#list-contra > .arg-card").filter(has_text=SUSPECT_LATER)
    expect(card.locator("details")).to_have_attribute("open", "")
    assert build.version_id != second.pk
    assert page.dialogs == []


def test_on_a_phone_the_changes_and_the_timeline_need_no_sideways_scroll(
    live_server, page, login, scene, artifacts
):
    page.set_viewport_size({"width": 360, "height": 800})
    open_map(page, live_server, login)
    page.locator("#timeline-table summary").click()

    for selector in ("#map-changes", "#map-timeline"):
        section = page.locator(selector)
        box = section.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (selector, box)
        assert section.evaluate("s => s.scrollWidth <= s.clientWidth"), selector
    svg = page.locator("#timeline-chart svg").bounding_box()
    assert svg["x"] >= 0 and svg["x"] + svg["width"] <= 360, svg
    # Its text is drawn at the size it is meant to be, not shrunk to fit.
    font = page.locator("#timeline-chart .tl-name").first.evaluate(
        "t => t.getBoundingClientRect().height"
    )
    assert font >= 12, font
    page.locator("#map-timeline").screenshot(path=str(artifacts / "map-timeline-phone.png"))


def _stored_version(debate, data: MapInput) -> MapVersion:
    graph = build_map(data)
    version = MapVersion.objects.create(
        debate=debate,
        input_hash=graph.input_hash,
        builder_version=graph.builder,
        graph_json=map_to_json(graph),
        argument_count=len(graph.arguments),
    )
    MapBuild.objects.create(debate=debate, status="done", version=version, progress=100)
    return version


def test_names_and_quotes_in_the_changes_and_the_timeline_render_as_text_and_are_cut(
    live_server, page, login, debate, member
):
    member(Role.RESEARCHER, username="res")
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    quote = f"Scanning {payload} is needed " + "to protect children online " * 8 + "today."
    scheme = MapScheme.from_dict(default_scheme())
    base = MapInput(
        proposition="Scan.",
        scheme=scheme,
        actors=[MapActor(id=1, name=f"Mallory {payload}")],
        documents=[MapDocument(id=1, title=f"Title {payload}", published="2023-05-06")],
        spans=[GoldSpan(1, 1, 0, 20, "Encryption keeps us.", "contra", "claim", 1)],
    )
    _stored_version(debate, base)
    spans = [*base.spans, GoldSpan(2, 1, 40, 40 + len(quote), quote, "pro", "claim", 1)]
    _stored_version(debate, replace(base, spans=spans))

    open_map(page, live_server, login, "res")

    shown = group(page, "Added (1)").locator("q")
    text = shown.text_content()
    assert text.endswith("…") and len(text) <= 140 and text.startswith(f"Scanning {payload}")
    assert shown.get_attribute("title") == quote  # the whole quote, on hover
    expect(group(page, "Actors who changed position (1)")).to_contain_text(
        f"Mallory {payload}: Contra → Mixed"
    )
    expect(page.locator("#timeline-chart .tl-name")).to_have_text(f"Mallory {payload} · Mixed")
    page.locator("#timeline-table summary").click()
    expect(page.locator("#timeline-rows cite").first).to_have_text(f"Title {payload}")
    assert page.locator("img[src=x]").count() == 0
    assert page.dialogs == []
