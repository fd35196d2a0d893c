// Submitting the document (after a confirmation, and only once every change is saved), and
// the browser's warning when the page is left with changes still unsaved.

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
