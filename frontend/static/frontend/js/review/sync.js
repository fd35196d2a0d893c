// Talking to the review API. Every decision is one POST with the review version this page
// last saw; the answer is the whole review as it is now, which the page renders. A 412 means
// another reviewer decided meanwhile: the page says so and reloads instead of overwriting them.

import { api, errorMessage } from "../api.js";
import { render } from "./render.js";

export function setStatus(page, kind, message) {
  const { status } = page.el;
  status.dataset.state = kind;
  status.textContent = message;
}

export function showNotice(page, kind, message) {
  const { notice } = page.el;
  notice.dataset.kind = kind;
  notice.textContent = message;
  notice.hidden = false;
}

function hideNotice(page) {
  page.el.notice.hidden = true;
}

export async function load(page) {
  const result = await api("GET", page.state.urls.review);
  if (result.status !== 200) {
    setStatus(page, "failed", "Could not load");
    showNotice(page, "error", `The review could not be loaded: ${errorMessage(result)}`);
    return false;
  }
  setReview(page, result.data);
  setStatus(page, "saved", "Up to date");
  return true;
}

function setReview(page, review) {
  const { state } = page;
  state.review = review;
  if (state.selectedKey && !review.units.some((unit) => unit.key === state.selectedKey)) {
    state.selectedKey = null;
  }
  render(page);
}

/** Send one request that changes the review; render the answer or explain the refusal. */
export async function change(page, url, body, done) {
  const { state } = page;
  if (state.busy) return null;
  state.busy = true;
  setStatus(page, "saving", "Saving…");
  const result = await api("POST", url, { body: { ...body, version: state.review.version } });
  state.busy = false;
  if (result.status === 200 || result.status === 201) {
    hideNotice(page);
    setReview(page, result.data.review);
    setStatus(page, "saved", done);
    return result.data;
  }
  if (result.status === 412) {
    setStatus(page, "failed", "Reloaded");
    await load(page);
    showNotice(
      page,
      "warning",
      "Another reviewer decided on this document meanwhile, so nothing was changed. " +
        "The review is reloaded: check it and decide again.",
    );
    return null;
  }
  setStatus(page, "failed", "Not saved");
  showNotice(page, "error", errorMessage(result));
  return null;
}

export const decide = (page, body, done) => change(page, page.state.urls.decisions, body, done);
