// The keyboard: J/K step through the units the filter shows, 1-9 accept that annotator's
// version of the selected unit, X rejects it, E edits its gold version, Esc closes.

import { stepKey } from "../review-units.js";
import { closeEditor, openEditor } from "./editor.js";
import { selectUnit, visibleKeys } from "./navigation.js";
import { decidable, editValues, unitByKey } from "./state.js";
import { decide } from "./sync.js";

export function listenForKeys(page) {
  const { state, el } = page;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (state.draft) closeEditor(page);
      if (el.finishConfirm) el.finishConfirm.hidden = true;
      if (el.addSpan) el.addSpan.hidden = true;
      return;
    }
    const typing = event.target.closest("input, textarea, select, dialog");
    if (typing || event.ctrlKey || event.metaKey || event.altKey || !state.review) return;
    if (event.key === "j" || event.key === "k") {
      const key = stepKey(visibleKeys(page), state.selectedKey, event.key === "j" ? 1 : -1);
      if (key) selectUnit(page, key, { scrollCard: true, scrollText: true });
      event.preventDefault();
      return;
    }
    const unit = state.selectedKey && unitByKey(state, state.selectedKey);
    if (!unit || !decidable(state)) return;
    if (/^[1-9]$/.test(event.key)) {
      const layer = state.review.annotators[Number(event.key) - 1];
      const span = unit.spans.find((s) => s.layer === layer);
      if (span) decide(page, { action: "accept", unit: unit.key, span: span.id }, `Accepted ${layer}'s version`);
    } else if (event.key === "x") {
      decide(page, { action: "reject", unit: unit.key }, "Rejected");
    } else if (event.key === "e") {
      openEditor(
        page,
        { action: "edit", unit: unit.key, sources: unit.gold ? [] : unit.spans.slice(0, 1).map((s) => s.id) },
        editValues(unit),
      );
      event.preventDefault();
    }
  });
}
