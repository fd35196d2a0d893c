"""The dashboard in Chromium: relation agreement, alpha per annotator pair, maps against gold.

The debate is tests/maps/layers.py's: three annotators' layers on two adjudicated documents,
with gold. The figures the page must show, by hand:

- Relation type alpha over the N-way units: (3 -> 1) a1 supports, a2 not linked, a3 supports;
  (4 -> 1) a2 supports, a1 and a3 not linked. n = 6, supports 3, not linked 3; disagreeing
  coincidences 2 per unit: 1 - 5 * 4 / (36 - 9 - 9) = -1/9, shown -0.11, over 2 unit pairs.
- Stance alpha per pair (each aligned alone): a1 x a3 (document 1): pro/pro, contra/not marked,
  pro/pro: 1 - 5 * 2 / (36 - 16 - 1 - 1) = 4/9 = 0.44 over 3 units. a1 x a2: pro/pro,
  contra/pro, pro/not marked, not marked/pro, and on document 2 contra/not marked: pro 5,
  contra 2, not marked 3, 8 disagreeing: 1 - 9 * 8 / (100 - 38) = -0.16 over 5 units.
  Relation type, a1 x a3: one linked pair, both supports: no variation, n/a over 1.
- Maps: layers.py's docstring has each layer's counts.
"""

from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.maps.layers import three_layers_and_gold


def test_the_dashboard_shows_relation_agreement_pair_alphas_and_maps_against_gold(
    page: Page, live_server, login, debate, artifacts
):
    three_layers_and_gold(debate)
    cache.clear()  # nothing kept from another test: the page must wait for the worker

    login(page, "res", PASSWORD)
    page.goto(f"{live_server.url}/d/{debate.slug}/dashboard/")
    page.wait_for_selector("body[data-ready=true]")

    # The relation type's alpha is the alpha chart's fifth bar (negative: drawn leftwards).
    expect(page.locator("#chart-alpha svg rect")).to_have_count(5)
    expect(page.locator("#chart-alpha")).to_contain_text("Relation type")
    expect(page.locator("#chart-alpha")).to_contain_text("-0.11")
    expect(page.locator("#chart-relations .relation-alpha")).to_contain_text(
        "Relation type alpha -0.11 over 2 linked unit pairs"
    )
    expect(page.locator("#chart-relations")).to_contain_text("a1 \u00d7 a3")

    matrix = page.locator("table.pair-matrix")
    expect(matrix.locator("thead th")).to_have_text(["Stance alpha", "a1", "a2", "a3"])
    a1 = matrix.locator("tbody tr").nth(0).locator("td")
    expect(a1).to_have_text(["—", "-0.16n=5", "0.44n=3"])
    expect(matrix.locator("tbody tr").nth(2).locator("td").nth(0)).to_have_text("0.44n=3")
    page.get_by_label("Dimension", exact=True).select_option(label="Relation type")
    expect(matrix.locator("thead th").first).to_have_text("Relation type alpha")
    expect(a1.nth(2)).to_have_text("n/an=1")

    maps = page.locator("#map-agreement")
    # The first ask answers 202 (the worker, inline here, builds the maps meanwhile); the
    # page asks again after Retry-After (3 s).
    expect(maps).to_have_attribute("data-state", "loading")
    expect(maps).to_contain_text("Building each layer's map")
    expect(maps).to_have_attribute("data-state", "ready", timeout=20_000)
    rows = maps.locator("tbody tr")
    expect(rows.locator("th")).to_have_text(["a1", "a2", "a3", "Majority vote (preview)"])
    # Documents, then arguments (matched, P, R, F1) and edges (the same).
    expect(rows.nth(1).locator("td")).to_have_text(
        ["2", "2 of 3 / 4", "0.67", "0.50", "0.57", "1 of 3 / 4", "0.33", "0.25", "0.29"]
    )
    expect(rows.nth(0).locator("td")).to_have_text(
        ["2", "4 of 4 / 4", "1.00", "1.00", "1.00", "4 of 4 / 4", "1.00", "1.00", "1.00"]
    )
    expect(rows.nth(3).locator("td")).to_have_text(
        ["2", "2 of 2 / 4", "1.00", "0.50", "0.67", "2 of 2 / 4", "1.00", "0.50", "0.67"]
    )
    expect(maps.locator("caption")).to_contain_text(
        "Gold map: 4 arguments and 4 support/attack edges from 2 adjudicated documents"
    )
    page.screenshot(path=str(artifacts / "dashboard-agreement.png"), full_page=True)
    assert page.dialogs == []
