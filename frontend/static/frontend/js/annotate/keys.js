// The keyboard: every action of the page has a key (the help dialog lists them). In the tag
// popover the digits choose the stance and the role letters the role; in link mode J/K pick
// the target and a relation letter makes the link; Esc closes, cancels or deselects.

import { cancelLink, finishLink, startLink } from "./link-mode.js";
import { renderDetail } from "./detail.js";
import { select, step } from "./navigation.js";
import { closePopover, currentSelection, openPopover, repeatLastChoice } from "./popover.js";
import { notify } from "./status.js";
import { currentSuggestion } from "./suggestion-view.js";
import { decideSuggestion } from "./suggestions.js";
import { redo, undo } from "./undo.js";
import { updateSpan } from "./writes.js";

function readOnlyMessage(page) {
  return page.el.readOnly
    ? "This document is read only here: the banner above says why."
    : "The gold layer is read only here; reviewers edit it on the review page.";
}

export function toggleHelp(page) {
  const { help } = page.el;
  if (help.open) help.close();
  else help.showModal();
}

function inFormField(target) {
  return target.closest("input, textarea, select, [contenteditable=true]") !== null;
}

export function listenForKeys(page) {
  const { state, el } = page;
  const { stances, roleKeys, relationKeys } = state;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (!el.popover.hidden) closePopover(page);
      else if (state.linkFrom !== null) cancelLink(page);
      else if (state.pendingDelete !== null) {
        state.pendingDelete = null;
        renderDetail(page);
      } else select(page, null);
      el.text.focus();
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (el.submit) el.submit.click();
      else notify(page, readOnlyMessage(page));
      return;
    }
    const popoverOpen = !el.popover.hidden;
    // Undo and redo, except in a text field (its own undo) or while the tag form is open.
    const undoKey = event.key.toLowerCase() === "z" || event.key.toLowerCase() === "y";
    if (undoKey && (event.ctrlKey || event.metaKey) && !event.altKey && !popoverOpen && !inFormField(event.target)) {
      event.preventDefault();
      if (state.readOnly) notify(page, readOnlyMessage(page));
      else if (event.key.toLowerCase() === "y" || event.shiftKey) redo(page);
      else undo(page);
      return;
    }
    if (popoverOpen && event.target.closest("textarea, select")) return;
    if (!popoverOpen && inFormField(event.target)) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.toLowerCase();
    const stanceIndex = Number(event.key) - 1;
    if (popoverOpen) {
      if (Number.isInteger(stanceIndex) && stances[stanceIndex]) {
        el.form.elements.stance.value = stances[stanceIndex].key;
        event.preventDefault();
      } else if (roleKeys.has(key)) {
        el.form.elements.role.value = roleKeys.get(key);
        event.preventDefault();
      } else if (event.key === "=") {
        repeatLastChoice(page);
        event.preventDefault();
      } else if (event.key === "Enter" && !event.target.closest("button")) {
        event.preventDefault();
        el.form.requestSubmit();
      }
      return;
    }
    if (state.linkFrom !== null) {
      if (key === "j" || event.key === "ArrowDown") step(page, 1);
      else if (key === "k" || event.key === "ArrowUp") step(page, -1);
      else if (relationKeys.has(key)) {
        if (state.linkTarget === null) notify(page, "Choose the target span first: click it, or press J/K.", "warning");
        else finishLink(page, relationKeys.get(key));
      } else if (key.length === 1) {
        const keys = [...relationKeys.keys()].map((k) => k.toUpperCase()).join("/");
        notify(page, `In link mode: J/K choose the target, ${keys} make the link, Esc cancels.`);
      } else return;
      event.preventDefault();
      return;
    }
    if (key === "?") toggleHelp(page);
    else if (key === "j") step(page, 1);
    else if (key === "k") step(page, -1);
    else if (state.readOnly) {
      const acts = ["t", "e", "r"].includes(key) || event.key === "Delete" || event.key === "Backspace";
      if (acts || stances[stanceIndex] || roleKeys.has(key)) notify(page, readOnlyMessage(page));
      else return;
    } else if ((key === "a" || key === "x") && state.suggestionsOn) {
      const suggestion = currentSuggestion(state);
      if (suggestion) decideSuggestion(page, suggestion.key, key === "a" ? "accept" : "dismiss");
      else notify(page, "No suggestions left in this document.");
    } else if (key === "t") {
      const draft = currentSelection(page);
      if (draft) openPopover(page, draft, window.getSelection().getRangeAt(0).getBoundingClientRect());
      else notify(page, "Select some text first (with the mouse, or with Shift and the arrow keys after F7).");
    } else if (key === "e" || (event.key === "Enter" && event.target === el.text)) {
      if (state.selectedId !== null) openPopover(page, { spanId: state.selectedId }, null);
      else if (key === "e") notify(page, "Select a span to edit first (click it, or J/K).");
    } else if (key === "r") {
      if (state.selectedId === null) notify(page, "Select the span to link from first (click it, or J/K), then press R.");
      else startLink(page);
    } else if (event.key === "Delete" || event.key === "Backspace") {
      if (state.selectedId === null) return;
      state.pendingDelete = state.selectedId;
      renderDetail(page);
    } else if (Number.isInteger(stanceIndex) && stances[stanceIndex] && state.selectedId !== null) {
      updateSpan(page, state.selectedId, { stance: stances[stanceIndex].key });
    } else if (roleKeys.has(key) && state.selectedId !== null) {
      updateSpan(page, state.selectedId, { role: roleKeys.get(key) });
    } else return;
    event.preventDefault();
  });
}
