// What the page says about itself: the notice line, the linking mode and the save queue's
// state with a row (retry, discard) for each write that failed.

import { shortQuote } from "./state.js";

export function notify(page, message, kind = "info") {
  const { notice } = page.el;
  notice.textContent = message;
  notice.dataset.kind = kind;
  notice.hidden = !message;
}

/** A write was saved: an assigned document is now in progress (as the server records it). */
export function statusAfterWrite(page) {
  const { docStatus } = page.el;
  if (docStatus && docStatus.dataset.status === "assigned") {
    docStatus.dataset.status = "in_progress";
    docStatus.textContent = "In progress";
  }
}

export function renderMode(page) {
  const { state, el } = page;
  if (state.linkFrom !== null) {
    const source = state.spans.get(state.linkFrom);
    const target = state.linkTarget === null ? null : state.spans.get(state.linkTarget);
    const keys = [...state.relationKeys].map(([k, v]) => `${k.toUpperCase()} = ${v}`).join(", ");
    const from = source ? `“${shortQuote(source.quote)}”` : "the selected span";
    el.mode.textContent = target
      ? `Linking ${from} to “${shortQuote(target.quote)}”: press ${keys}; J/K picks another target, Esc cancels.`
      : `Linking from ${from}: choose the target span (click it, or J/K), then ${keys}. Esc cancels.`;
    el.mode.hidden = false;
  } else {
    el.mode.hidden = true;
  }
}

export function renderSaveStatus(page, snapshot) {
  const { el } = page;
  const words = {
    saved: "All changes saved",
    saving: `Saving ${snapshot.pending} change${snapshot.pending === 1 ? "" : "s"}…`,
    failed: "Not saved: retrying",
  };
  el.status.textContent = words[snapshot.state];
  el.status.dataset.state = snapshot.state;
  el.failures.replaceChildren();
  for (const item of snapshot.items.filter((i) => i.state === "failed")) {
    const li = document.createElement("li");
    const seconds = item.retryInMs === null ? 0 : Math.ceil(item.retryInMs / 1000);
    li.textContent = `${item.label}: ${item.error}, attempt ${item.attempts}; next try in ${seconds} s. `;
    const retry = document.createElement("button");
    retry.type = "button";
    retry.dataset.action = "retry";
    retry.textContent = "Retry now";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.dataset.action = "discard";
    discard.dataset.id = String(item.id);
    discard.textContent = "Discard";
    li.append(retry, " ", discard);
    el.failures.append(li);
  }
}
