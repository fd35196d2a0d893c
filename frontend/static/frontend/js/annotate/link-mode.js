// Link mode: R starts a link from the selected span, a click or J/K picks its target, the
// relation type's letter makes the link, Esc leaves the mode.

import { renderSelection } from "./render.js";
import { notify } from "./status.js";
import { createRelation } from "./writes.js";

export function startLink(page) {
  const { state } = page;
  if (state.selectedId === null || state.readOnly) return;
  state.linkFrom = state.selectedId;
  state.linkTarget = null;
  notify(page, "");
  renderSelection(page);
}

export function finishLink(page, type) {
  const { state } = page;
  if (state.linkFrom === null || state.linkTarget === null) return;
  const from = state.linkFrom;
  const to = state.linkTarget;
  state.linkFrom = null;
  state.linkTarget = null;
  createRelation(page, from, to, type);
}

export function cancelLink(page) {
  page.state.linkFrom = null;
  page.state.linkTarget = null;
  renderSelection(page);
}
