// The keyboard: every action of the page has a key (the help dialog lists them). In the tag
// popover the digits choose the stance and the role letters the role; in link mode J/K pick
// the target and a relation letter makes the link; Esc closes, cancels or deselects.

import { cancelLink, finishLink, startLink } from "./link-mode.js";
import { renderDetail } from "./detail.js";
import { select, step } from "./navigation.js";
import { closePopover, currentSelection, openPopover } from "./popover.js";
import { notify } from "./status.js";
import { updateSpan } from "./writes.js";

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
      el.submit.click();
      return;
    }
    const popoverOpen = !el.popover.hidden;
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
      } else if (event.key === "Enter" && !event.target.closest("button")) {
        event.preventDefault();
        el.form.requestSubmit();
      }
      return;
    }
    if (state.linkFrom !== null) {
      if (key === "j" || event.key === "ArrowDown") step(page, 1);
      else if (key === "k" || event.key === "ArrowUp") step(page, -1);
      else if (relationKeys.has(key)) finishLink(page, relationKeys.get(key));
      else return;
      event.preventDefault();
      return;
    }
    if (key === "?") toggleHelp(page);
    else if (key === "j") step(page, 1);
    else if (key === "k") step(page, -1);
    else if (key === "t") {
      const draft = currentSelection(page);
      if (draft) openPopover(page, draft, window.getSelection().getRangeAt(0).getBoundingClientRect());
      else notify(page, "Select some text first (with the mouse, or with Shift and the arrow keys after F7).");
    } else if (key === "e" || (event.key === "Enter" && event.target === el.text)) {
      if (state.selectedId !== null) openPopover(page, { spanId: state.selectedId }, null);
    } else if (key === "r") startLink(page);
    else if (event.key === "Delete" || event.key === "Backspace") {
      if (state.selectedId === null || state.readOnly) return;
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
