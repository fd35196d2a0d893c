// The side panel of the selected span: its label, quote, offsets, note and links, and (for a
// writer) the buttons that edit, link or delete it, with the confirmation a delete asks for.
// The buttons carry data-action; pointer.js handles their clicks.

import { spanLabel } from "./state.js";

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
    li.textContent = `${arrow} “${other ? other.quote.slice(0, 60) : "?"}” `;
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
  if (state.readOnly) return;
  const actions = document.createElement("div");
  actions.className = "actions";
  for (const [action, label] of [
    ["edit", "Edit (E)"],
    ["link", "Link to… (R)"],
    ["delete", "Delete (Del)"],
  ]) {
    actions.append(button(action, label));
  }
  el.detail.append(actions);
  if (state.pendingDelete === span.id) {
    const { confirm, yes } = confirmDelete();
    el.detail.append(confirm);
    yes.focus();
  }
}
