// Reloading the layer from the API.
//
// The embedded lists are the server's when it made the page. A page shown again from the
// back/forward cache may be older than that (another tab, a colleague's edits), so it asks
// the API, the lists' source, for them again: once the save queue is empty, so a write still
// waiting (or being retried) is never drawn over by the list from before it.

import { api, errorMessage } from "../api.js";
import { closePopover } from "./popover.js";
import { render } from "./render.js";
import { adopt } from "./state.js";
import { notify, renderSaveStatus } from "./status.js";

/** The save queue changed: reload if a reload waits for it to empty, and show its state. */
export function saveStatusChanged(page, snapshot) {
  if (page.state.reloadWanted && !snapshot.pending) reloadLayer(page);
  renderSaveStatus(page, snapshot);
}

function reloadWhenSaved(page) {
  page.state.reloadWanted = true;
  if (!page.queue.snapshot().pending) reloadLayer(page);
}

async function reloadLayer(page) {
  const { state } = page;
  state.reloadWanted = false;
  // One request: the document with every span and relation of the layer, however many.
  const result = await api("GET", state.urls.layer);
  if (result.status !== 200) {
    notify(page, `Could not reload the spans: ${errorMessage(result)}`, "error");
    return;
  }
  if (page.queue.snapshot().pending) {
    reloadWhenSaved(page); // written meanwhile: the lists may be from before that write
    return;
  }
  adopt(state, result.data.spans, result.data.relations);
  for (const key of ["selectedId", "linkFrom", "linkTarget", "pendingDelete"]) {
    if (!state.spans.has(state[key])) state[key] = null;
  }
  if (state.draft?.spanId !== undefined && !state.spans.has(state.draft.spanId)) closePopover(page);
  render(page);
}

/** A page shown again from the back/forward cache reloads its layer. */
export function listenForPageShow(page) {
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) reloadWhenSaved(page);
  });
}
