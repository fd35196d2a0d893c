// The side panel of the selected span: its label, quote, offsets, note, links and history,
// and (for a writer) the buttons that edit, link or delete it, with the confirmation a delete
// asks for. The buttons carry data-action; pointer.js handles their clicks.

import { api, errorMessage } from "../api.js";
import { shortQuote, spanLabel } from "./state.js";

const HISTORY_FIELDS = ["stance", "role", "actor", "note", "start", "end"];

function button(action, label, { className, id } = {}) {
  const node = document.createElement("button");
  node.type = "button";
  if (className) node.className = className;
  node.dataset.action = action;
  if (id !== undefined) node.dataset.id = id;
  node.textContent = label;
  return node;
}

function relationsList(state, span) {
  const rels = state.relations.filter((r) => r.source === span.id || r.target === span.id);
  if (!rels.length) return null;
  const ul = document.createElement("ul");
  ul.className = "relations";
  for (const rel of rels) {
    const li = document.createElement("li");
    const other = state.spans.get(rel.source === span.id ? rel.target : rel.source);
    const arrow = rel.source === span.id ? `${rel.type} →` : `← ${rel.type} by`;
    li.textContent = `${arrow} “${other ? shortQuote(other.quote) : "?"}” `;
    if (!state.readOnly) {
      li.append(button("delete-relation", "Remove link", { className: "small", id: String(rel.id) }));
    }
    ul.append(li);
  }
  return ul;
}

function confirmDelete() {
  const confirm = document.createElement("div");
  confirm.className = "confirm";
  confirm.setAttribute("role", "alertdialog");
  confirm.setAttribute("aria-label", "Confirm delete");
  const p = document.createElement("p");
  p.textContent = "Delete this span and its links?";
  const yes = button("confirm-delete", "Delete", { className: "danger" });
  const no = button("cancel-delete", "Keep");
  confirm.append(p, yes, " ", no);
  return { confirm, yes };
}

function describeEvent(state, event) {
  const when = new Date(event.at).toLocaleString();
  if (event.action === "created" || !event.before) return `${when}: created by ${event.by}`;
  if (event.action === "deleted" || !event.after) return `${when}: deleted by ${event.by}`;
  const changed = HISTORY_FIELDS.filter((key) => JSON.stringify(event.before[key]) !== JSON.stringify(event.after[key]));
  const what = changed.length ? changed.join(", ") : "nothing visible";
  return `${when}: ${event.action} by ${event.by} (${what})`;
}

/** Fetch the selected span's history from the API and show it in the panel. */
export async function showHistory(page) {
  const { state } = page;
  const id = state.selectedId;
  if (typeof id !== "number") {
    state.historyShown = { id, message: "The span is not saved yet, so it has no history." };
    renderDetail(page);
    return;
  }
  state.historyShown = { id, message: "Loading history…" };
  renderDetail(page);
  const result = await api("GET", `${state.urls.span_detail}${id}/history/`);
  if (state.selectedId !== id) return;
  state.historyShown =
    result.status === 200
      ? { id, events: result.data.results }
      : { id, message: `Could not load the history: ${errorMessage(result)}` };
  renderDetail(page);
}

function historyList(state, span) {
  const shown = state.historyShown;
  if (!shown || shown.id !== span.id) return null;
  const section = document.createElement("section");
  section.className = "span-history";
  section.setAttribute("aria-label", "History of this span");
  if (shown.message) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = shown.message;
    section.append(p);
    return section;
  }
  const ol = document.createElement("ol");
  for (const event of shown.events) {
    const li = document.createElement("li");
    li.textContent = describeEvent(state, event);
    ol.append(li);
  }
  section.append(ol);
  return section;
}

export function renderDetail(page) {
  const { state, el } = page;
  const span = state.spans.get(state.selectedId);
  el.detail.replaceChildren();
  if (!span) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = "Select a span in the text or the list to see and edit it.";
    el.detail.append(p);
    return;
  }
  const h = document.createElement("h3");
  h.textContent = spanLabel(state, span);
  const q = document.createElement("blockquote");
  q.textContent = span.quote;
  const where = document.createElement("p");
  where.className = "muted";
  where.textContent = `Characters ${span.start}–${span.end}` + (span.version ? ` · version ${span.version}` : "");
  el.detail.append(h, q, where);
  if (span.note) {
    const note = document.createElement("p");
    note.textContent = `Note: ${span.note}`;
    el.detail.append(note);
  }
  const relations = relationsList(state, span);
  if (relations) el.detail.append(relations);
  const actions = document.createElement("div");
  actions.className = "actions";
  const buttons = state.readOnly
    ? [["history", "History"]]
    : [
        ["edit", "Edit (E)"],
        ["link", "Link to… (R)"],
        ["delete", "Delete (Del)"],
        ["history", "History"],
      ];
  for (const [action, label] of buttons) actions.append(button(action, label));
  el.detail.append(actions);
  const history = historyList(state, span);
  if (history) el.detail.append(history);
  if (state.readOnly) return;
  if (state.pendingDelete === span.id) {
    const { confirm, yes } = confirmDelete();
    el.detail.append(confirm);
    yes.focus();
  }
}
