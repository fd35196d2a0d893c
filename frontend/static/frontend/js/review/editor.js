// The gold span editor: edit a unit's gold version, or add a gold span from text selected in
// the document ("Add to gold"). Its boundaries are code points, typed or taken from a text
// selection; the quote shown is the text they cover.

import { selectUnit } from "./navigation.js";
import { decidable } from "./state.js";
import { decide } from "./sync.js";
import { selectionInText } from "./text-view.js";

export function openEditor(page, draft, values) {
  const { state, el } = page;
  state.draft = draft;
  el.editTitle.textContent = draft.action === "add" ? "Add a gold span" : "Edit gold span";
  el.form.elements.start.value = String(values.start);
  el.form.elements.end.value = String(values.end);
  el.form.elements.stance.value = values.stance;
  el.form.elements.role.value = values.role;
  el.form.elements.actor.value = values.actor === null || values.actor === undefined ? "" : String(values.actor);
  el.form.elements.note.value = values.note || "";
  el.editError.textContent = "";
  updateEditQuote(page);
  el.addSpan.hidden = true;
  // Not modal: the reviewer may select text behind it to set the boundaries.
  el.dialog.show();
  el.form.elements.stance[0].focus();
}

export function closeEditor(page) {
  page.state.draft = null;
  if (page.el.dialog.open) page.el.dialog.close();
}

function editorRange(page) {
  const { form } = page.el;
  const start = Number.parseInt(form.elements.start.value, 10);
  const end = Number.parseInt(form.elements.end.value, 10);
  return { start, end };
}

function updateEditQuote(page) {
  const { conv } = page.state;
  const { start, end } = editorRange(page);
  const valid = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start;
  page.el.editQuote.textContent = valid && end <= conv.codePointLength ? conv.slice(start, end) : "—";
}

async function saveEditor(page) {
  const { state, el } = page;
  const { conv } = state;
  const draft = state.draft;
  if (!draft) return;
  const { start, end } = editorRange(page);
  if (!(Number.isInteger(start) && Number.isInteger(end) && end > start)) {
    el.editError.textContent = "Give a start before the end.";
    return;
  }
  const form = el.form.elements;
  const body = {
    action: draft.action,
    start,
    end,
    quote: end <= conv.codePointLength ? conv.slice(start, end) : "",
    stance: form.stance.value,
    role: form.role.value,
    actor: form.actor.value ? Number(form.actor.value) : null,
    note: form.note.value,
  };
  if (draft.action === "edit") {
    body.unit = draft.unit;
    if (draft.sources.length) body.sources = draft.sources;
  }
  const answer = await decide(page, body, draft.action === "add" ? "Added to gold" : "Edited");
  if (answer) {
    const recorded = answer.recorded[0];
    closeEditor(page);
    window.getSelection().removeAllRanges();
    if (recorded && recorded.unit) selectUnit(page, recorded.unit, { scrollCard: true });
  } else if (!el.notice.hidden) {
    el.editError.textContent = el.notice.textContent;
  }
}

export function listenForEditor(page) {
  const { state, el } = page;
  el.form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    await saveEditor(page);
  });

  for (const name of ["start", "end"]) {
    el.form?.elements[name].addEventListener("input", () => updateEditQuote(page));
  }

  el.editCancel?.addEventListener("click", () => closeEditor(page));
  el.editFromSelection?.addEventListener("click", () => {
    const picked = selectionInText(page);
    if (!picked) {
      el.editError.textContent = "Select the passage in the document text first.";
      return;
    }
    el.form.elements.start.value = String(picked.range.start);
    el.form.elements.end.value = String(picked.range.end);
    el.editError.textContent = "";
    updateEditQuote(page);
  });

  // "Add to gold" follows a selection made with the mouse, or with Shift and the arrow keys
  // (caret browsing): the button comes right after the text, so Tab reaches it.
  const offerToAdd = () => {
    if (!el.addSpan || !decidable(state) || state.draft) return;
    const picked = selectionInText(page);
    if (!picked) {
      el.addSpan.hidden = true;
      return;
    }
    state.selection = picked.range;
    const box = el.text.parentElement.getBoundingClientRect();
    el.addSpan.style.top = `${picked.rect.bottom - box.top + 6}px`;
    el.addSpan.style.left = `${Math.max(0, picked.rect.left - box.left)}px`;
    el.addSpan.hidden = false;
  };
  el.text.addEventListener("mouseup", offerToAdd);
  el.text.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") offerToAdd();
  });

  el.addSpan?.addEventListener("click", () => {
    if (!state.selection) return;
    const { start, end } = state.selection;
    openEditor(
      page,
      { action: "add", unit: null, sources: [] },
      { start, end, stance: state.scheme.stances[0].key, role: state.scheme.roles[0].key, actor: null },
    );
  });
}
