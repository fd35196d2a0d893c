// Reloading the layer from the API.
//
// The embedded lists are the server's when it made the page. A page shown again from the
// back/forward cache may be older than that (another tab, a colleague's edits), so it asks
// the API, the lists' source, for them again: once the save queue is empty, so a write still
// waiting (or being retried) is never drawn over by the list from before it.

import { apiGetAll, errorMessage } from "../api.js";
import { closePopover } from "./popover.js";
import { render } from "./render.js";
import { adopt } from "./state.js";
import { notify, renderSaveStatus } from "./status.js";

// The largest pages the API serves (CursorPageInTextOrder, CursorPage).
const SPAN_PAGE_SIZE = 5000;
const RELATION_PAGE_SIZE = 500;

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
  // Every page: a long article can hold more spans than one page of the API.
  const [spans, relations] = await Promise.all([
    apiGetAll(state.urls.spans, SPAN_PAGE_SIZE),
    apiGetAll(state.urls.relations, RELATION_PAGE_SIZE),
  ]);
  for (const result of [spans, relations]) {
    if (result.status !== 200) {
      notify(page, `Could not reload the spans: ${errorMessage(result)}`, "error");
      return;
    }
  }
  if (page.queue.snapshot().pending) {
    reloadWhenSaved(page); // written meanwhile: the lists may be from before that write
    return;
  }
  adopt(state, spans.data, relations.data);
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
