// The tag popover: the text selected in the document (trimmed, snapped to whole words if
// asked), the form that tags it or edits a span, and the actor it suggests for a new span.

import { suggestActor } from "../actors.js";
import { snapToWords, trimSelection } from "../selection.js";
import { orderedSpans } from "./state.js";
import { createSpan, updateSpan } from "./writes.js";

const SUGGESTION_REASONS = {
  selection: "named in the selection",
  sentence: "named in this sentence",
  attribution: "speaker of this quotation or passage",
};

function rangeOffsets(root, range) {
  const before = document.createRange();
  before.selectNodeContents(root);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  return { start, end: start + range.toString().length };
}

/** The text selected in the document as {start, end} (UTF-16), or null. */
export function currentSelection(page) {
  const { state, el } = page;
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!el.text.contains(range.commonAncestorContainer)) return null;
  let { start, end } = rangeOffsets(el.text, range);
  ({ start, end } = trimSelection(state.text, start, end));
  if (el.snap.checked && end > start) ({ start, end } = snapToWords(state.text, start, end));
  if (end <= start) return null;
  return { start, end };
}

export function openPopover(page, draft, anchorRect) {
  const { state, el } = page;
  if (state.readOnly) return;
  state.draft = draft;
  const editing = draft.spanId !== undefined;
  const span = editing ? state.spans.get(draft.spanId) : null;
  const start = editing ? span.start16 : draft.start;
  const end = editing ? span.end16 : draft.end;
  el.popTitle.textContent = editing ? "Edit span" : "Tag selection";
  el.quote.textContent = state.text.slice(start, end);
  const previous = orderedSpans(state).filter((s) => s.end16 <= start).pop();
  const stance = editing ? span.stance : previous ? previous.stance : state.stances[0].key;
  el.form.elements.stance.value = stance;
  el.form.elements.role.value = editing ? span.role : state.roles[0].key;
  el.note.value = editing ? span.note || "" : "";
  let actor = editing ? span.actor : null;
  el.actorHint.textContent = "";
  if (!editing) {
    const suggestion = suggestActor(state.text, start, end, state.actors);
    if (suggestion) {
      actor = suggestion.actorId;
      const why = suggestion.why || SUGGESTION_REASONS[suggestion.reason] || suggestion.reason;
      el.actorHint.textContent = `Suggested: ${state.actorById.get(actor)?.name ?? "?"} (${why})`;
    }
  }
  el.actor.value = actor === null || actor === undefined ? "" : String(actor);
  el.popover.hidden = false;
  const rect = anchorRect || el.text.getBoundingClientRect();
  const top = window.scrollY + rect.bottom + 8;
  const left = Math.max(8, Math.min(window.scrollX + rect.left, window.innerWidth - 380));
  el.popover.style.top = `${top}px`;
  el.popover.style.left = `${left}px`;
  el.form.querySelector(`input[name=stance][value="${CSS.escape(stance)}"]`)?.focus();
}

export function closePopover(page) {
  page.el.popover.hidden = true;
  page.state.draft = null;
}

/** Save the form (a new span or an edit), or cancel it. */
export function listenForTagForm(page) {
  const { state, el } = page;
  el.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const fields = {
      stance: el.form.elements.stance.value,
      role: el.form.elements.role.value,
      actor: el.actor.value === "" ? null : Number(el.actor.value),
      note: el.note.value,
    };
    const draft = state.draft;
    closePopover(page);
    window.getSelection().removeAllRanges();
    if (draft.spanId !== undefined) updateSpan(page, draft.spanId, fields);
    else createSpan(page, draft.start, draft.end, fields);
    el.text.focus();
  });

  el.tagCancel.addEventListener("click", () => {
    closePopover(page);
    el.text.focus();
  });
}
