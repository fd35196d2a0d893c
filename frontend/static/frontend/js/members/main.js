// The members page, for a debate's managers: who is a member with which role, adding people
// by username or e-mail address, changing a role, removing a member after a confirmation.
// Everything goes through the members API (actions.js); the table is drawn in table.js.
//
// This entry is the only module that reads the document at load: it creates the state, looks
// up the elements and hands both, as one `page` object, to the other modules.

import { addMember, askRemove, changeRole, confirmRemove, switchFindBy } from "./actions.js";
import { findElements } from "./elements.js";
import { createState } from "./state.js";
import { renderSuggestions, saveSuggestions } from "./suggestions.js";
import { renderMembers } from "./table.js";

function listen(page) {
  const { el } = page;
  el.addForm.addEventListener("submit", (event) => {
    event.preventDefault();
    addMember(page);
  });
  el.addBy.addEventListener("change", () => switchFindBy(page));
  el.rows.addEventListener("change", (event) => {
    const select = event.target.closest("select[data-role]");
    if (select) changeRole(page, select);
  });
  el.rows.addEventListener("click", (event) => {
    const remove = event.target.closest("button[data-remove]");
    if (remove) askRemove(page, remove.dataset.remove);
  });
  el.removeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (event.submitter?.value === "remove") confirmRemove(page);
    else {
      page.state.removing = null;
      el.removeDialog.close();
    }
  });
  el.removeDialog.addEventListener("close", () => {
    page.state.removing = null;
  });
  el.suggestForm.addEventListener("submit", (event) => {
    event.preventDefault();
    saveSuggestions(page);
  });
}

function start() {
  const data = JSON.parse(document.getElementById("members-data").textContent);
  const page = { state: createState(data), el: findElements(document) };
  listen(page);
  renderMembers(page);
  renderSuggestions(page);
  document.body.dataset.ready = "true";
}

start();
