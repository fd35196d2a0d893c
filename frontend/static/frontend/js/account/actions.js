// What someone does on the account page, each through the token API: make a token (its key
// shown once), copy the key, revoke a token after confirming. Every answer is said in the
// status line (success) or the alert line (the API's reason), and the table is drawn again from
// the API's list.

import { api, errorMessage } from "../api.js";
import { say } from "../notice.js";
import { tokenUrl } from "./state.js";
import { renderTokens, when } from "./table.js";

async function reload(page) {
  const result = await api("GET", page.state.urls.tokens);
  if (result.status !== 200) {
    say(page, `The list of tokens could not be read again: ${errorMessage(result)}`, "error");
    return;
  }
  page.state.tokens = result.data;
  renderTokens(page);
}

export async function makeToken(page) {
  const { el, state } = page;
  const name = el.name.value.trim();
  if (!name) {
    say(page, "Say what the token is for (a script, a machine), so you know which to revoke later.", "error");
    el.name.focus();
    return;
  }
  el.submit.disabled = true;
  const result = await api("POST", state.urls.tokens, { body: { name, days: Number(el.days.value) } });
  el.submit.disabled = false;
  if (result.status !== 201) {
    say(page, errorMessage(result), "error");
    el.name.focus();
    return;
  }
  say(page, "", "none");
  el.freshName.textContent = `“${result.data.name}”, valid until ${when(result.data.expires)}`;
  el.freshKey.textContent = result.data.token;
  el.fresh.hidden = false;
  el.name.value = "";
  await reload(page);
  el.copy.focus();
}

export async function copyKey(page) {
  const { el } = page;
  try {
    await navigator.clipboard.writeText(el.freshKey.textContent);
    el.copy.textContent = "Copied";
  } catch (error) {
    // No clipboard (an insecure origin): select the key for the user to copy.
    const range = document.createRange();
    range.selectNodeContents(el.freshKey);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    el.copy.textContent = "Selected: press Ctrl+C";
  }
}

export function askRevoke(page, id) {
  const { state, el } = page;
  const token = state.tokens.find((t) => String(t.id) === id);
  if (!token) return;
  state.revoking = token;
  el.dialogText.textContent = `Revoke the token “${token.name}” (${token.prefix}…)?`;
  el.dialog.showModal();
}

export async function confirmRevoke(page) {
  const { state, el } = page;
  const token = state.revoking;
  state.revoking = null;
  el.dialog.close();
  if (!token) return;
  const result = await api("DELETE", tokenUrl(state, token.id));
  if (result.status === 204 || result.status === 404) {
    say(page, `Revoked “${token.name}”: scripts that use it are refused from now on.`, "status");
    await reload(page);
    el.name.focus();
  } else {
    say(page, errorMessage(result), "error");
  }
}

