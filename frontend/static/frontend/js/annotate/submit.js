// Submitting the document (after a confirmation, and only once every change is saved), the
// browser's warning when the page is left with changes still unsaved, and the confirmation
// before a document not in the annotator's queue is taken into it.

import { api, errorMessage } from "../api.js";
import { notify } from "./status.js";

export function listenForSubmit(page) {
  const { state, el } = page;
  el.submit?.addEventListener("click", () => {
    el.submitConfirm.hidden = false;
    el.submitConfirm.querySelector("button[data-submit=yes]").focus();
  });
  el.submitConfirm?.addEventListener("click", async (event) => {
    const choice = event.target.closest("button")?.dataset.submit;
    if (!choice) return;
    el.submitConfirm.hidden = true;
    if (choice !== "yes") return;
    if (page.queue.snapshot().pending) {
      notify(page, "Wait until every change is saved before submitting.", "warning");
      return;
    }
    const result = await api("POST", state.urls.submit);
    if (result.status >= 200 && result.status < 300) {
      el.docStatus.textContent = "Submitted";
      el.docStatus.dataset.status = "submitted";
      notify(page, "Document submitted. Thank you!", "success");
      el.nextDoc?.focus();
    } else {
      notify(page, `Could not submit: ${errorMessage(result)}`, "error");
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (page.queue.snapshot().pending) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}

export function listenForStart(page) {
  const { el } = page;
  if (!el.startButton) return;
  el.startButton.addEventListener("click", () => {
    el.startConfirm.hidden = false;
    el.startConfirm.querySelector("button[type=submit]").focus();
  });
  el.startConfirm.querySelector("button[data-start=no]").addEventListener("click", () => {
    el.startConfirm.hidden = true;
    el.startButton.focus();
  });
}
