// Choosing a span: by a click in the text or the list, or with J/K in text order. In link
// mode the same choices pick the link's target instead of the selection.

import { renderSelection } from "./render.js";
import { listRow } from "./span-list.js";
import { orderedSpans } from "./state.js";
import { blocksOf, fillBlock } from "./text-view.js";

export function select(page, id, { scroll = false } = {}) {
  const { state, el } = page;
  state.selectedId = id;
  state.pendingDelete = null;
  renderSelection(page);
  if (scroll && id !== null) {
    listRow(page, id)?.scrollIntoView({ block: "nearest" });
    const span = state.spans.get(id);
    if (span) blocksOf(state.blocks, span.start16, span.end16).forEach((index) => fillBlock(page, index));
    el.text.querySelector("mark.selected")?.scrollIntoView({ block: "nearest" });
  }
}

/** A span clicked in the text or the list: the link's target in link mode, else selected. */
export function choose(page, key) {
  const { state } = page;
  if (state.linkFrom !== null) {
    if (key !== state.linkFrom) state.linkTarget = key;
    renderSelection(page);
  } else {
    select(page, key, { scroll: true });
  }
}

export function step(page, direction) {
  const { state } = page;
  const items = orderedSpans(state);
  if (!items.length) return;
  const current = state.linkFrom !== null ? state.linkTarget : state.selectedId;
  let index = items.findIndex((s) => s.id === current);
  index = index < 0 ? (direction > 0 ? 0 : items.length - 1) : (index + direction + items.length) % items.length;
  if (state.linkFrom !== null) {
    if (items[index].id === state.linkFrom) index = (index + direction + items.length) % items.length;
    state.linkTarget = items[index].id;
    renderSelection(page);
  } else {
    select(page, items[index].id, { scroll: true });
  }
}
