// What a manager does on the members page, each through the members API: add someone (by
// username or e-mail address), change a role, remove a member after confirming. Every answer
// is said in the status line (success) or the alert line (the API's reason), and the table is
// drawn again from the API's list.

import { api, apiGetAll, errorMessage } from "../api.js";
import { say } from "../notice.js";
import { memberUrl, roleLabel } from "./state.js";
import { renderSuggestions } from "./suggestions.js";
import { renderMembers } from "./table.js";

const PAGE_SIZE = 500;

async function reload(page) {
  const result = await apiGetAll(page.state.urls.members, PAGE_SIZE);
  if (result.status !== 200) {
    say(page, `The list of members could not be read again: ${errorMessage(result)}`, "error");
    return;
  }
  page.state.members = result.data;
  renderMembers(page);
  renderSuggestions(page);
}

/** Name the input after what it asks for: a username or an e-mail address. */
export function switchFindBy(page) {
  const { el } = page;
  const email = el.addBy.value === "email";
  el.addWhoLabel.textContent = email ? "E-mail address" : "Username";
  el.addWho.type = email ? "email" : "text";
  el.addWho.autocomplete = email ? "email" : "off";
}

export async function addMember(page) {
  const { state, el } = page;
  const who = el.addWho.value.trim();
  if (!who) {
    say(page, `Give the ${el.addBy.value === "email" ? "e-mail address" : "username"} of the person to add.`, "error");
    el.addWho.focus();
    return;
  }
  el.addSubmit.disabled = true;
  const role = el.addRole.value;
  const result = await api("POST", state.urls.members, { body: { [el.addBy.value]: who, role } });
  el.addSubmit.disabled = false;
  if (result.status === 201 || result.status === 200) {
    const name = result.data.username;
    const label = roleLabel(state, role).toLowerCase();
    say(page, result.status === 201 ? `Added ${name} as ${label}.` : `${name} is now ${label}.`, "status");
    el.addWho.value = "";
    await reload(page);
  } else {
    say(page, errorMessage(result), "error");
    el.addWho.focus();
  }
}

export async function changeRole(page, select) {
  const { state } = page;
  const username = select.dataset.role;
  const before = state.members.find((m) => m.username === username)?.role;
  const role = select.value;
  select.disabled = true;
  const result = await api("POST", state.urls.members, { body: { username, role } });
  select.disabled = false;
  if (result.status === 200) {
    // A manager who hands their own role on no longer manages here: to the debate's page.
    if (username === state.me && role !== "manager") {
      window.location.assign(state.urls.debate);
      return;
    }
    say(page, `${username} is now ${roleLabel(state, role).toLowerCase()}.`, "status");
    await reload(page);
  } else {
    if (before) select.value = before;
    say(page, errorMessage(result), "error");
  }
  select.focus();
}

export function askRemove(page, username) {
  const { state, el } = page;
  state.removing = username;
  el.removeText.textContent =
    username === state.me
      ? `Remove yourself (${username}) from this debate? You will no longer open it.`
      : `Remove ${username} from this debate?`;
  el.removeDialog.showModal();
}

export async function confirmRemove(page) {
  const { state, el } = page;
  const username = state.removing;
  state.removing = null;
  el.removeDialog.close();
  if (!username) return;
  const result = await api("DELETE", memberUrl(state, username));
  if (result.status === 204) {
    // Who removed themselves is no member any more: to the list of their debates.
    if (username === state.me) {
      window.location.assign(state.urls.home);
      return;
    }
    say(page, `Removed ${username} from the debate.`, "status");
    await reload(page);
    el.addWho.focus();
  } else {
    say(page, errorMessage(result), "error");
  }
}
