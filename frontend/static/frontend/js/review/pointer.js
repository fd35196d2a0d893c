// Clicks on the units and the text: a card or a passage selects its unit (a passage the
// filter hides shows every unit again), a card's buttons accept, reject or edit, and the
// filter buttons choose which units show.

import { matchesFilter } from "../review-units.js";
import { openEditor } from "./editor.js";
import { selectUnit } from "./navigation.js";
import { editValues, unitByKey } from "./state.js";
import { decide } from "./sync.js";
import { renderUnits } from "./unit-cards.js";

function syncFilterButtons(page) {
  for (const node of page.el.filters) {
    node.setAttribute("aria-pressed", String(node.dataset.filter === page.state.filter));
  }
}

export function listenForPointer(page) {
  const { state, el } = page;
  el.list.addEventListener("click", async (event) => {
    const target = event.target.closest("button[data-action]");
    const card = event.target.closest(".unit-card");
    if (card && !target) {
      selectUnit(page, card.dataset.key, { scrollText: true });
      return;
    }
    if (!target || target.disabled) return;
    const key = target.dataset.unit;
    if (key) selectUnit(page, key);
    const action = target.dataset.action;
    if (action === "accept") {
      const span = Number(target.dataset.span);
      const unit = unitByKey(state, key);
      const layer = unit.spans.find((s) => s.id === span).layer;
      await decide(page, { action: "accept", unit: key, span }, `Accepted ${layer}'s version`);
    } else if (action === "reject") {
      await decide(page, { action: "reject", unit: key }, "Rejected");
    } else if (action === "edit") {
      const unit = unitByKey(state, key);
      const from = editValues(unit);
      const sources = unit.gold ? [] : unit.spans.length ? [unit.spans[0].id] : [];
      openEditor(page, { action: "edit", unit: key, sources }, from);
    }
  });

  el.text.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.lanes");
    if (!mark || !window.getSelection().isCollapsed) return;
    if (!matchesFilter(unitByKey(state, mark.dataset.unit), state.filter)) {
      state.filter = "all";
      syncFilterButtons(page);
      renderUnits(page);
    }
    selectUnit(page, mark.dataset.unit, { scrollCard: true });
  });

  for (const node of el.filters) {
    node.addEventListener("click", () => {
      state.filter = node.dataset.filter;
      syncFilterButtons(page);
      renderUnits(page);
    });
  }
}
