// The tag popover: the text selected in the document (trimmed, snapped to whole words if
// asked), the form that tags it or edits a span, and the actor it suggests for a new span.

import { suggestActor } from "../speakers/suggest.js";
import { snapToWords, trimSelection } from "../selection.js";
import { orderedSpans } from "./state.js";
import { labelOf, suggestionByKey } from "./suggestion-view.js";
import { decideSuggestion } from "./suggestions.js";
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
  if (state.readOnly) return null;
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

// The form of a new span opens with nothing chosen: a form that chooses for the annotator
// biases the data toward whatever was chosen last. The last choice is one key away (=), or
// pre-filled, and marked so, where the debate turns "remember last choice" on.
function chooseInForm(page, stance, role) {
  const { form } = page.el;
  for (const input of form.querySelectorAll("input[name=stance], input[name=role]")) {
    input.checked = input.value === (input.name === "stance" ? stance : role);
  }
  showFormError(page, "");
}

/** The stance and role of the last span tagged in this layer, or null. */
export function lastChoice(state) {
  if (state.lastChoice) return state.lastChoice;
  let latest = null;
  for (const span of state.spans.values()) {
    if (typeof span.id === "number" && (!latest || span.id > latest.id)) latest = span;
  }
  return latest ? { stance: latest.stance, role: latest.role } : null;
}

function choiceLabel(state, choice) {
  const stance = state.stanceByKey.get(choice.stance)?.label ?? choice.stance;
  const role = state.roleByKey.get(choice.role)?.label ?? choice.role;
  return `${stance} · ${role}`;
}

/** Choose the last stance and role in the open form (the = key). */
export function repeatLastChoice(page) {
  const last = lastChoice(page.state);
  if (!last) {
    showFormError(page, "There is no earlier span to repeat: choose a stance and a role.");
    return;
  }
  chooseInForm(page, last.stance, last.role);
  page.el.choiceHint.textContent = `Repeated your last choice: ${choiceLabel(page.state, last)}.`;
}

function showFormError(page, message) {
  const { el } = page;
  el.formError.textContent = message;
  el.formError.hidden = !message;
}

// Keep the popover inside the viewport: below the selection if it fits, else above it, else
// at the top of the view; never wider than the view (annotate.css lets it scroll inside).
function place(page, anchorRect) {
  const { el } = page;
  const margin = 8;
  const box = el.popover.getBoundingClientRect();
  const width = Math.min(box.width, window.innerWidth - 2 * margin);
  const height = Math.min(box.height, window.innerHeight - 2 * margin);
  const left = Math.max(margin, Math.min(anchorRect.left, window.innerWidth - width - margin));
  let top = anchorRect.bottom + margin;
  if (top + height > window.innerHeight - margin) {
    const above = anchorRect.top - margin - height;
    top = above >= margin ? above : Math.max(margin, window.innerHeight - margin - height);
  }
  el.popover.style.left = `${window.scrollX + left}px`;
  el.popover.style.top = `${window.scrollY + top}px`;
}

export function openPopover(page, draft, anchorRect) {
  const { state, el } = page;
  if (state.readOnly) return;
  state.draft = draft;
  const editing = draft.spanId !== undefined;
  const span = editing ? state.spans.get(draft.spanId) : null;
  const start = editing ? span.start16 : draft.start;
  const end = editing ? span.end16 : draft.end;
  const suggestion = draft.suggestion ? suggestionByKey(state, draft.suggestion) : null;
  el.popTitle.textContent = editing ? "Edit span" : suggestion ? "Edit suggestion" : "Tag selection";
  el.quote.textContent = state.text.slice(start, end);
  const last = editing ? null : lastChoice(state);
  el.choiceHint.textContent = "";
  if (editing) chooseInForm(page, span.stance, span.role);
  else if (suggestion) {
    chooseInForm(page, suggestion.stance, suggestion.role);
    el.choiceHint.textContent = `Pre-filled with the suggestion of ${state.suggestionModelLabel} (${labelOf(state, suggestion)}): change what is wrong.`;
  } else if (last && state.rememberLast) {
    chooseInForm(page, last.stance, last.role);
    el.choiceHint.textContent = `Pre-filled with your last choice (${choiceLabel(state, last)}): check it fits.`;
  } else {
    chooseInForm(page, null, null);
    if (last) el.choiceHint.textContent = `Press = to repeat your last choice: ${choiceLabel(state, last)}.`;
  }
  el.form.dataset.prefilled = String(Boolean(suggestion || (last && state.rememberLast && !editing)));
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
  place(page, anchorRect || el.text.getBoundingClientRect());
  const checked = el.form.querySelector("input[name=stance]:checked");
  (checked || el.form.querySelector("input[name=stance]"))?.focus();
}

export function closePopover(page) {
  page.el.popover.hidden = true;
  page.state.draft = null;
}

/** Save the form (a new span or an edit), or cancel it. */
export function listenForTagForm(page) {
  const { state, el } = page;
  el.form.noValidate = true; // the form says what is missing itself, in its own words
  el.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const stance = el.form.elements.stance.value;
    const role = el.form.elements.role.value;
    const missing = [!stance && "a stance", !role && "a role"].filter(Boolean);
    if (missing.length) {
      showFormError(page, `Choose ${missing.join(" and ")} before saving.`);
      el.form.querySelector(`input[name=${stance ? "role" : "stance"}]`).focus();
      return;
    }
    const fields = {
      stance: el.form.elements.stance.value,
      role: el.form.elements.role.value,
      actor: el.actor.value === "" ? null : Number(el.actor.value),
      note: el.note.value,
    };
    const draft = state.draft;
    state.lastChoice = { stance, role };
    closePopover(page);
    window.getSelection().removeAllRanges();
    if (draft.spanId !== undefined) updateSpan(page, draft.spanId, fields);
    else if (draft.suggestion) decideSuggestion(page, draft.suggestion, "edit", fields);
    else createSpan(page, draft.start, draft.end, fields);
    el.text.focus();
  });

  el.tagCancel.addEventListener("click", () => {
    closePopover(page);
    el.text.focus();
  });
}
