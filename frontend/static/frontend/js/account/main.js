// The account page: your API tokens, listed, made (the key shown once) and revoked after a
// confirmation, each through the token API (actions.js); the table is drawn in table.js.
//
// This entry is the only module that reads the document at load: it creates the state, looks
// up the elements and hands both, as one `page` object, to the other modules.

import { askRevoke, confirmRevoke, copyKey, makeToken } from "./actions.js";
import { findElements } from "./elements.js";
import { createState } from "./state.js";
import { renderTokens } from "./table.js";

function start() {
  const data = JSON.parse(document.getElementById("account-data").textContent);
  const page = { state: createState(data), el: findElements(document) };
  const { el } = page;
  el.form.addEventListener("submit", (event) => {
    event.preventDefault();
    makeToken(page);
  });
  el.copy.addEventListener("click", () => copyKey(page));
  el.rows.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-revoke]");
    if (button) askRevoke(page, button.dataset.revoke);
  });
  el.dialogForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (event.submitter?.value === "revoke") confirmRevoke(page);
    else {
      page.state.revoking = null;
      el.dialog.close();
    }
  });
  el.dialog.addEventListener("close", () => {
    page.state.revoking = null;
  });
  renderTokens(page);
  document.body.dataset.ready = "true";
}

start();
