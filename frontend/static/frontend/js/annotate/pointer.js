// The mouse on the page: selecting text opens the tag popover, a highlight names its spans
// when the pointer rests on it, a click on a highlight or a list row chooses that span, and
// the buttons with data-action (side panel, save failures, help) do what they say.

import { currentSelection, openPopover } from "./popover.js";
import { toggleHelp } from "./keys.js";
import { startLink } from "./link-mode.js";
import { choose } from "./navigation.js";
import { renderDetail, showHistory } from "./detail.js";
import { spanKey, spanLabel } from "./state.js";
import { deleteRelation, deleteSpan } from "./writes.js";

export function listenForPointer(page) {
  const { state, el } = page;

  el.text.addEventListener("mouseup", () => {
    if (state.linkFrom !== null) return;
    const draft = currentSelection(page);
    if (draft) {
      const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
      openPopover(page, draft, rect);
    }
  });

  el.text.addEventListener("mouseover", (event) => {
    const mark = event.target.closest("mark.hl");
    if (!mark || mark.title) return;
    mark.title = mark.dataset.ids
      .split(" ")
      .map((id) => state.spans.get(spanKey(state, id)))
      .filter(Boolean)
      .map((span) => spanLabel(state, span) + (span.note ? ` — ${span.note}` : ""))
      .join("\n");
  });

  el.text.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.hl");
    if (!mark || !window.getSelection().isCollapsed) return;
    const ids = mark.dataset.ids.split(" ");
    choose(page, spanKey(state, ids[ids.length - 1]));
  });

  el.list.addEventListener("click", (event) => {
    const li = event.target.closest("li.span-item");
    if (!li) return;
    choose(page, spanKey(state, li.dataset.id));
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (state.readOnly && action !== "history" && action !== "help") return;
    if (action === "edit" && state.selectedId !== null) openPopover(page, { spanId: state.selectedId }, null);
    if (action === "link") startLink(page);
    if (action === "delete" && state.selectedId !== null) {
      state.pendingDelete = state.selectedId;
      renderDetail(page);
    }
    if (action === "confirm-delete" && state.pendingDelete !== null) deleteSpan(page, state.pendingDelete);
    if (action === "cancel-delete") {
      state.pendingDelete = null;
      renderDetail(page);
    }
    if (action === "delete-relation") deleteRelation(page, button.dataset.id);
    if (action === "retry") page.queue.retryNow();
    if (action === "discard") page.queue.discard(Number(button.dataset.id));
    if (action === "help") toggleHelp(page);
    if (action === "history") showHistory(page);
  });
}
