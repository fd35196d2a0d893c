// Undo and redo of the changes made on this page since it was opened (Ctrl+Z, Ctrl+Shift+Z
// or Ctrl+Y, and the header's buttons).
//
// writes.js records each change with what reverses it; an undo runs that through the same
// writes and the same API, so the server records it as one more change in the span's
// history: nothing is rewritten silently. An undo that cannot apply (the span is gone, or
// changed elsewhere: 412) says so.

import { notify } from "./status.js";

/** Record a change the annotator made: {label, undo(), redo()}; a new change drops redo. */
export function record(page, entry) {
  const { history } = page.state;
  history.done.push(entry);
  history.undone.length = 0;
  renderUndo(page);
}

function move(page, from, to, run, verb) {
  const entry = from.pop();
  if (!entry) {
    notify(page, `Nothing to ${verb.toLowerCase()}.`);
    return;
  }
  if (entry[run]() === false) {
    notify(page, `Could not ${verb.toLowerCase()} “${entry.label}”: it is no longer on the page.`, "warning");
  } else {
    to.push(entry);
    notify(page, `${verb === "Undo" ? "Undone" : "Redone"}: ${entry.label}.`);
  }
  renderUndo(page);
}

export function undo(page) {
  const { history } = page.state;
  move(page, history.done, history.undone, "undo", "Undo");
}

export function redo(page) {
  const { history } = page.state;
  move(page, history.undone, history.done, "redo", "Redo");
}

/** Enable the buttons when there is something to undo or redo, and say what. */
export function renderUndo(page) {
  const { el, state } = page;
  const { done, undone } = state.history;
  for (const [button, stack, verb] of [
    [el.undo, done, "Undo"],
    [el.redo, undone, "Redo"],
  ]) {
    if (!button) continue;
    const entry = stack[stack.length - 1];
    button.disabled = !entry;
    button.title = entry ? `${verb} ${entry.label}` : `Nothing to ${verb.toLowerCase()}`;
  }
}

export function listenForUndo(page) {
  page.el.undo?.addEventListener("click", () => undo(page));
  page.el.redo?.addEventListener("click", () => redo(page));
  renderUndo(page);
}
