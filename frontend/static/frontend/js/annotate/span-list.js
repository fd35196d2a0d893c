// The span list beside the text.
//
// Rows in groups of LIST_GROUP, which the browser skips while out of view (annotate.css). As
// with the text, a group's rows are drawn when it comes near the list's view: the first
// groups at once, the rest as the list scrolls (or all at once without the event). Every
// row says its place among all (aria-posinset, aria-setsize), so a screen reader names "12 of
// 2,000" for a list whose far groups are not drawn yet.

import { escapeHtml } from "../html.js";
import { fillWhenNearView } from "./near-view.js";
import { spanMeta, stanceLabel } from "./state.js";

const LIST_GROUP = 40;
const FIRST_DRAWN_GROUPS = 2;

/** What is drawn of the list: the spans in order, each group's state, each span's group. */
export function createListDrawing() {
  return { items: [], groups: [], filled: [], nearView: new Set(), groupById: new Map() };
}

/** Fill the list's groups as they come near the view. */
export function watchListGroups(page) {
  fillWhenNearView(page.el.list, page.listDrawn.nearView, (group) => fillGroup(page, group));
}

function rowsHtml(page, group) {
  const { state, listDrawn, stanceClasses } = page;
  const setSize = listDrawn.items.length;
  const html = [];
  for (let index = group * LIST_GROUP; index < Math.min(setSize, (group + 1) * LIST_GROUP); index++) {
    const span = listDrawn.items[index];
    const quote = span.quote.length > 90 ? `${span.quote.slice(0, 88)}…` : span.quote;
    html.push(
      `<li class="span-item" data-id="${escapeHtml(span.id)}" tabindex="-1" role="option" ` +
        `aria-selected="${span.id === state.selectedId}" aria-posinset="${index + 1}" ` +
        `aria-setsize="${setSize}">` +
        `<span class="badge ${stanceClasses(span.stance)}">${escapeHtml(stanceLabel(state, span))}</span> ` +
        `<span class="meta">${escapeHtml(spanMeta(state, span))}</span><q>${escapeHtml(quote)}</q>` +
        `${span.pending ? '<span class="pending">saving…</span>' : ""}</li>`,
    );
  }
  return html.join("");
}

export function renderList(page, items) {
  const { state, el, listDrawn } = page;
  el.count.textContent = String(items.length);
  el.empty.hidden = items.length > 0;
  listDrawn.items = items;
  listDrawn.groupById = new Map(items.map((span, index) => [span.id, Math.floor(index / LIST_GROUP)]));
  const groups = Math.ceil(items.length / LIST_GROUP);
  const wanted = new Set(listDrawn.nearView);
  if (wanted.size === 0) for (let group = 0; group < FIRST_DRAWN_GROUPS; group++) wanted.add(group);
  if (listDrawn.groupById.has(state.selectedId)) wanted.add(listDrawn.groupById.get(state.selectedId));
  const html = [];
  for (let group = 0; group < groups; group++) {
    const fill = !page.drawWhenNearView || wanted.has(group);
    listDrawn.filled[group] = fill;
    html.push(
      `<li class="span-group${fill ? "" : " unfilled"}" role="none"><ol role="none">`,
      fill ? rowsHtml(page, group) : "",
      "</ol></li>",
    );
  }
  listDrawn.filled.length = groups;
  el.list.innerHTML = html.join("");
}

// Draw a group's rows if they are not drawn yet.
function fillGroup(page, group) {
  const { listDrawn } = page;
  if (listDrawn.filled[group] !== false) return;
  listDrawn.filled[group] = true;
  const element = page.el.list.children[group];
  element.firstElementChild.innerHTML = rowsHtml(page, group);
  element.classList.remove("unfilled");
}

// The row of a span, drawn first if its group was not.
export function listRow(page, id) {
  const group = page.listDrawn.groupById.get(id);
  if (group !== undefined) fillGroup(page, group);
  return page.el.list.querySelector(`[data-id="${CSS.escape(String(id))}"]`);
}

// Only the rows' aria-selected changes when the selection does; the list is not drawn again.
export function markSelectedRow(page) {
  const { state, el } = page;
  for (const row of el.list.querySelectorAll('[aria-selected="true"]')) {
    row.setAttribute("aria-selected", "false");
  }
  if (state.selectedId !== null) listRow(page, state.selectedId)?.setAttribute("aria-selected", "true");
}
