"""The map page in Chromium: built by a real Celery worker from the seed gold layer.

The two seed articles (tests/fixtures/seed_articles.py), adjudicated: both report the tech
firms' argument that a backdoor would leave their services less secure, and four actors take
sides. The reviewer asks for the first map on the page; a worker process builds it; the page
shows it.
"""

import random
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from debate.models import Role
from debate.scheme import default_scheme
from maps.builder import (
    GoldRelation,
    GoldSpan,
    MapActor,
    MapDocument,
    MapInput,
    MapScheme,
    build_map,
    map_to_json,
)
from maps.models import MapBuild, MapVersion
from maps.services import map_build_run
from tests.factories import (
    PASSWORD,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)
from tests.fixtures.seed_articles import TITLE_000, TITLE_004
from tests.maps.seed import BACKDOOR_000, BACKDOOR_004
from tests.scenes import seed_gold

CONTRA = ["Kate Robertson", "the tech firms"]
PRO = ["Rani Govender", "Susie Hargreaves"]

SOURCE_HIGHLIGHT_JS = """() => {
  const highlight = CSS.highlights.get('map-source');
  return highlight ? [...highlight].map((range) => range.toString()) : [];
}"""


@pytest.fixture
def scene(debate, member):
    reviewer = member(Role.REVIEWER, username="rev")
    member(Role.ANNOTATOR, username="ann")
    return seed_gold(debate, reviewer)


def open_map(page: Page, live_server, login, username: str = "rev") -> None:
    login(page, username, PASSWORD)
    page.goto(f"{live_server.url}/d/encryption/map/")
    page.wait_for_selector("body[data-ready=true]")


def chips(page: Page, column: str) -> list[str]:
    """Return the speakers named on the top-level argument cards of a column."""
    return sorted(
        set(
            page.locator(
                f"#list-{column} > .arg-card > details > summary .actor-chip:not(.none)"
            ).all_inner_texts()
        )
    )


def test_a_reviewer_builds_the_map_and_reads_it(
    live_server, page, login, scene, celery_worker, artifacts
):
    open_map(page, live_server, login)
    expect(page.get_by_role("heading", name="Build the first map")).to_be_visible()
    expect(page.locator("#adjudicated-count")).to_have_text("2")
    page.screenshot(path=str(artifacts / "map-empty.png"), full_page=True)

    page.get_by_role("button", name="Build the first map").click()

    # The worker process builds it; the page polls the build and then shows the map.
    expect(page.locator("#build-text")).to_have_text("Map built.", timeout=60_000)
    build = MapBuild.objects.get()
    assert (build.status, build.progress, build.requested_by.username) == ("done", 100, "rev")
    assert build.worker.startswith(celery_worker.name + ":")
    expect(page.locator("#map-body")).to_be_visible()
    expect(page.locator("#proposition-text")).to_have_text(
        "Messaging platforms should scan private messages for child safety."
    )

    # Robertson and the tech firms argue contra, Govender and Hargreaves pro.
    assert chips(page, "contra") == CONTRA
    assert chips(page, "pro") == PRO
    positions = dict(
        zip(
            page.locator("#matrix-rows th").all_inner_texts(),
            page.locator("#matrix-rows .position-badge").all_inner_texts(),
            strict=True,
        )
    )
    assert positions == {
        "Kate Robertson": "Contra",
        "the tech firms": "Contra",
        "Rani Govender": "Pro",
        "Susie Hargreaves": "Pro",
    }

    # The backdoor argument of both articles is one node with two sources, in the columns
    # and in the picture.
    backdoor = page.locator("#list-contra > .arg-card").filter(has_text="building a backdoor")
    expect(backdoor).to_have_count(1)
    expect(backdoor.locator(".source-count")).to_have_text("2 sources")
    expect(page.locator(".g-argument title").filter(has_text="backdoor")).to_have_count(1)
    assert page.locator(".g-argument").count() == 8
    assert page.locator(".g-actor").count() == 4

    backdoor.locator("summary").first.click()
    sources = backdoor.locator(".source-link")
    expect(sources).to_have_count(2)
    assert sorted(sources.all_inner_texts()) == sorted(
        [
            TITLE_000,
            TITLE_004,
        ]
    )
    expect(backdoor.locator(".arg-section h3").filter(has_text="Attacked by")).to_have_text(
        "Attacked by (1)"
    )
    expect(backdoor.locator(".merge-note")).to_contain_text("Merged paraphrases")
    expect(backdoor.locator(".merge-step")).to_contain_text(["merged by similarity 0.75"])
    page.screenshot(path=str(artifacts / "map-page.png"), full_page=True)
    page.locator("#graph").screenshot(path=str(artifacts / "map-graph.png"))

    # Filter by actor: only what Robertson voiced, then only Govender, then everyone.
    page.locator(".filter-chip", has_text="Kate Robertson").click()
    expect(page.locator("#list-pro > .arg-card")).to_have_count(0)
    expect(page.locator("#list-contra > .arg-card")).to_have_count(1)
    assert chips(page, "contra") == ["Kate Robertson"]
    expect(page.locator("#filter-summary")).to_contain_text("those Kate Robertson voiced")
    # Her claim and its premise stay lit in the picture; the six other arguments dim.
    expect(page.locator(".g-argument.dim")).to_have_count(6)
    page.screenshot(path=str(artifacts / "map-filtered.png"), full_page=True)
    page.locator(".filter-chip", has_text="Rani Govender").click()
    expect(page.locator("#list-contra > .arg-card")).to_have_count(0)
    assert chips(page, "pro") == ["Rani Govender"]
    page.locator(".filter-chip", has_text="Everyone").click()
    expect(page.locator("#list-pro > .arg-card")).to_have_count(3)
    expect(page.locator("#list-contra > .arg-card")).to_have_count(2)

    # A source opens its document with that very passage highlighted.
    backdoor = page.locator("#list-contra > .arg-card").filter(has_text="building a backdoor")
    backdoor.locator("summary").first.click()
    document = scene["documents"][104]
    start = document.text.index(BACKDOOR_004)
    backdoor.locator(".source-link", has_text=TITLE_004).click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.url == (
        f"{live_server.url}/documents/{document.pk}/annotate/"
        f"?highlight={start}-{start + len(BACKDOOR_004)}"
    )
    assert page.evaluate(SOURCE_HIGHLIGHT_JS) == [BACKDOOR_004]
    expect(page.locator("#notice")).to_contain_text("Highlighted from the argument map")
    page.screenshot(path=str(artifacts / "map-source-highlight.png"))
    assert page.dialogs == []


def test_progress_shows_while_a_build_runs_and_the_map_appears_when_it_is_done(
    live_server, page, login, scene, debate
):
    # A build row a worker is running (written directly: requesting one here would run it
    # at once, since unit tests run Celery tasks inline).
    build = MapBuild.objects.create(
        debate=debate,
        status="running",
        worker="w:1",
        progress=45,
        message="Building from 10 gold spans: merging contra claims",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )

    debate.annotators_see_maps = True  # so an annotator may follow it too
    debate.save(update_fields=["annotators_see_maps"])
    open_map(page, live_server, login, "ann")

    expect(page.locator("#build-text")).to_have_text("Building… 45%")
    expect(page.locator("#build-progress")).to_have_attribute("value", "45")
    expect(page.locator("#build-message")).to_have_text(
        "Building from 10 gold spans: merging contra claims"
    )
    expect(page.locator("#map-empty")).to_be_visible()
    # An annotator reads the map (where the debate allows it) but cannot ask for one.
    expect(page.locator("[data-action=build]")).to_have_count(0)

    MapBuild.objects.filter(pk=build.pk).update(status="queued", worker="")
    map_build_run(build_id=build.pk, worker="w:2")

    expect(page.locator("#build-text")).to_have_text("Map built.", timeout=10_000)
    expect(page.locator("#list-contra > .arg-card")).to_have_count(2)
    assert page.dialogs == []


def test_a_failed_build_shows_its_error_and_keeps_the_previous_map(
    live_server, page, login, scene, debate, artifacts
):
    first = MapBuild.objects.create(debate=debate)
    map_build_run(build_id=first.pk, worker="w:1")
    first.refresh_from_db()
    MapBuild.objects.create(
        debate=debate,
        status="failed",
        error="ValueError: the builder broke",
        message="Failed; the previous map stays current",
        finished_at=timezone.now(),
    )

    open_map(page, live_server, login)

    expect(page.locator("#build-text")).to_have_text("The last build failed.")
    expect(page.locator("#build-error")).to_contain_text("ValueError: the builder broke")
    expect(page.locator("#build-error")).to_contain_text(
        f"The map below is the previous version ({first.version_id})"
    )
    expect(page.locator("#list-contra > .arg-card")).to_have_count(2)
    expect(page.get_by_role("button", name="Rebuild map")).to_be_enabled()
    links = page.locator("#download-links a")
    assert links.all_inner_texts() == ["JSON", "AIF", "Argdown", "GraphML", "DOT"]
    assert re.fullmatch(
        rf"/api/v1/maps/{first.version_id}/\?format=graphml",
        links.nth(3).get_attribute("href"),
    )
    page.locator("#build-status").screenshot(path=str(artifacts / "map-failed-build.png"))
    assert page.dialogs == []


def test_without_adjudicated_documents_the_page_says_so(live_server, page, login, debate, member):
    member(Role.MANAGER, username="man")
    DocumentFactory(debate=debate)  # imported, not adjudicated

    login(page, "man", PASSWORD)
    page.goto(f"{live_server.url}/d/encryption/")
    page.get_by_role("link", name="Argument map").click()
    page.wait_for_selector("body[data-ready=true]")

    expect(page.get_by_role("heading", name="No adjudicated documents yet")).to_be_visible()
    expect(page.get_by_role("button", name="Build the first map")).to_be_hidden()
    expect(page.locator("#build-text")).to_have_text("No map has been built yet.")
    assert page.dialogs == []


@pytest.mark.parametrize("quote", [BACKDOOR_000])
def test_a_source_link_highlights_the_span_on_the_annotate_page(
    live_server, page, login, scene, quote
):
    document = scene["documents"][100]
    start = document.text.index(quote)
    login(page, "rev", PASSWORD)

    end = start + len(quote)
    page.goto(f"{live_server.url}/documents/{document.pk}/annotate/?highlight={start}-{end}")
    page.wait_for_selector("body[data-ready=true]")

    assert page.evaluate(SOURCE_HIGHLIGHT_JS) == [quote]
    assert page.dialogs == []


def large_map_input(arguments: int, seed: int = 7) -> MapInput:
    """Return gold input of ``arguments`` spans over 30 documents: claims, premises, attacks."""
    rng = random.Random(seed)
    vocabulary = [
        f"{stem}{n}" for stem in ("secur", "privat", "child", "scan", "law") for n in range(60)
    ]
    documents = [MapDocument(id=n, title=f"Article {n}") for n in range(1, 31)]
    spans, relations, claims = [], [], []
    for n in range(1, arguments + 1):
        quote = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 16))) + "."
        role = "claim" if n <= 40 or rng.random() < 0.4 else "premise"
        span = GoldSpan(
            id=n,
            document_id=rng.choice(documents).id,
            start=0,
            end=len(quote),
            quote=quote,
            stance=rng.choice(["pro", "contra", "pro", "contra", "neutral"]),
            role=role,
            actor_id=rng.choice([1, 2, 3, 4, None]),
        )
        spans.append(span)
        if role == "premise":
            relations.append(GoldRelation(n, rng.choice(claims).id, "supports"))
        else:
            claims.append(span)
        if n > 1 and rng.random() < 0.1:
            relations.append(GoldRelation(n, rng.randint(1, n - 1), "attacks"))
    return MapInput(
        proposition="Messaging platforms should scan private messages for child safety.",
        scheme=MapScheme.from_dict(default_scheme()),
        actors=[MapActor(id=n, name=name) for n, name in enumerate(PRO + CONTRA, start=1)],
        documents=documents,
        spans=spans,
        relations=list(dict.fromkeys(relations)),
    )


def test_a_map_of_three_hundred_arguments_stays_readable(
    live_server, page, login, debate, member, artifacts
):
    member(Role.RESEARCHER, username="res")
    graph = build_map(large_map_input(300))
    version = MapVersion.objects.create(
        debate=debate,
        input_hash=graph.input_hash,
        builder_version=graph.builder,
        graph_json=map_to_json(graph),
        argument_count=len(graph.arguments),
    )
    MapBuild.objects.create(debate=debate, status="done", version=version, progress=100)

    login(page, "res", PASSWORD)
    started = time.monotonic()
    page.goto(f"{live_server.url}/d/encryption/map/")
    page.wait_for_selector("body[data-ready=true]")
    seconds = time.monotonic() - started

    assert seconds < 5, f"the page took {seconds:.1f} s"
    expect(page.locator(".g-argument")).to_have_count(len(graph.arguments))
    # Readable at the size it is drawn: the boxes keep their design size (no shrinking to fit
    # hundreds of them side by side), the picture grows downwards instead.
    box = page.locator(".g-argument rect.g-box").first.bounding_box()
    assert box["width"] >= 150, box
    top_level = page.locator(
        "#list-pro > .arg-card, #list-contra > .arg-card, #list-neutral > .arg-card"
    )
    assert top_level.count() == sum(
        1
        for a in graph.arguments
        if not any(
            e.kind == "support" and e.source == a.id and e.target != "proposition"
            for e in graph.edges
        )
    )
    page.locator("#graph").screenshot(path=str(artifacts / "map-large-graph.png"))
    assert page.dialogs == []


def test_names_titles_and_quotes_render_as_text(live_server, page, login, debate, member):
    member(Role.RESEARCHER, username="res")
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    quote = f"Scanning {payload} is needed to protect children online."
    graph = build_map(
        MapInput(
            proposition=f"Scan {payload}",
            scheme=MapScheme.from_dict(default_scheme()),
            actors=[MapActor(id=1, name=f"Mallory {payload}")],
            documents=[MapDocument(id=1, title=f"Title {payload}")],
            spans=[GoldSpan(1, 1, 0, len(quote), quote, "pro", "claim", 1)],
        )
    )
    version = MapVersion.objects.create(
        debate=debate,
        input_hash=graph.input_hash,
        builder_version=graph.builder,
        graph_json=map_to_json(graph),
    )
    MapBuild.objects.create(debate=debate, status="done", version=version, progress=100)

    login(page, "res", PASSWORD)
    page.goto(f"{live_server.url}/d/encryption/map/")
    page.wait_for_selector("body[data-ready=true]")
    page.locator("#list-pro summary").first.click()

    expect(page.locator("#list-pro .arg-text")).to_have_text(quote)
    expect(page.locator("#list-pro .source-link")).to_have_text(f"Title {payload}")
    expect(page.locator("#matrix-rows th")).to_have_text(f"Mallory {payload}")
    expect(page.locator("#proposition-text")).to_have_text(f"Scan {payload}")
    assert page.locator("img[src=x]").count() == 0
    assert page.dialogs == []


def test_the_map_page_is_404_for_strangers_and_asks_visitors_to_log_in(
    live_server, page, login, debate
):
    page.goto(f"{live_server.url}/d/encryption/map/")
    assert page.url == f"{live_server.url}/login/?next=/d/encryption/map/"

    stranger = UserFactory(username="stranger")
    MembershipFactory(debate=DebateFactory(slug="other"), user=stranger, role=Role.MANAGER)
    login(page, "stranger", PASSWORD)
    response = page.goto(f"{live_server.url}/d/encryption/map/")

    assert response.status == 404
    assert page.dialogs == []
