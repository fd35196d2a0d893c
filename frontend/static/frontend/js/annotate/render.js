// Drawing the page from its state: everything at once after the layer changed (render), or
// only the marks of the selection and the side panel after a click or J/K (renderSelection).

import { renderDetail } from "./detail.js";
import { markSelectedRow, renderList } from "./span-list.js";
import { orderedSpans } from "./state.js";
import { renderMode } from "./status.js";
import { renderSuggestions } from "./suggestion-view.js";
import { markSelection, renderText } from "./text-view.js";

export function render(page) {
  const items = orderedSpans(page.state);
  renderText(page, items);
  renderList(page, items);
  renderDetail(page);
  renderMode(page);
  renderSuggestions(page);
}

// Choosing a span or a link target changes only classes and the side panel: those are set on
// what is drawn instead of drawing thousands of spans again at every J/K or click.
export function renderSelection(page) {
  markSelection(page);
  markSelectedRow(page);
  renderDetail(page);
  renderMode(page);
}
