// The account page: your API tokens, listed, made (the key shown once) and revoked after a
// confirmation, each through the token API. Every name is set as text, never as markup.

import { api, errorMessage } from "../api.js";

const $ = (id) => document.getElementById(id);

function elements() {
  return {
    form: $("token-form"),
    name: $("token-name"),
    days: $("token-days"),
    submit: $("token-submit"),
    fresh: $("new-token"),
    freshName: $("new-token-name"),
    freshKey: $("new-token-key"),
    copy: $("new-token-copy"),
    status: $("tokens-status"),
    error: $("tokens-error"),
    empty: $("tokens-empty"),
    table: $("tokens-table"),
    rows: $("tokens-rows"),
    count: $("tokens-count"),
    dialog: $("revoke-dialog"),
    dialogForm: $("revoke-form"),
    dialogText: $("revoke-text"),
  };
}

function say(page, message, kind) {
  const { el } = page;
  el.status.hidden = kind !== "status";
  el.error.hidden = kind !== "error";
  (kind === "error" ? el.error : el.status).textContent = message;
}

const DATE = { year: "numeric", month: "short", day: "numeric" };

function when(value) {
  return value ? new Date(value).toLocaleDateString(undefined, DATE) : "never";
}

function cell(text) {
  const td = document.createElement("td");
  if (text !== undefined) td.textContent = text;
  return td;
}

function row(token) {
  const tr = document.createElement("tr");
  tr.dataset.token = String(token.id);
  const name = cell(token.name);
  const prefix = cell();
  const code = document.createElement("code");
  code.textContent = `${token.prefix}…`;
  prefix.append(code);
  const expires = cell(token.expired ? `expired ${when(token.expires)}` : when(token.expires));
  if (token.expired) expires.className = "expired";
  const actions = cell();
  const revoke = document.createElement("button");
  revoke.type = "button";
  revoke.className = "small";
  revoke.dataset.revoke = String(token.id);
  revoke.textContent = token.expired ? "Remove" : "Revoke";
  revoke.setAttribute("aria-label", `${revoke.textContent} ${token.name}`);
  actions.append(revoke);
  tr.append(name, prefix, cell(when(token.created)), expires, cell(when(token.last_used)), actions);
  return tr;
}

function render(page) {
  const { state, el } = page;
  el.rows.replaceChildren(...state.tokens.map(row));
  const live = state.tokens.filter((t) => !t.expired).length;
  el.count.textContent = state.tokens.length ? `${live} active` : "";
  el.empty.hidden = state.tokens.length > 0;
  el.table.hidden = state.tokens.length === 0;
}

async function reload(page) {
  const result = await api("GET", page.state.urls.tokens);
  if (result.status !== 200) {
    say(page, `The list of tokens could not be read again: ${errorMessage(result)}`, "error");
    return;
  }
  page.state.tokens = result.data;
  render(page);
}

async function makeToken(page) {
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

async function copyKey(page) {
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

function askRevoke(page, id) {
  const { state, el } = page;
  const token = state.tokens.find((t) => String(t.id) === id);
  if (!token) return;
  state.revoking = token;
  el.dialogText.textContent = `Revoke the token “${token.name}” (${token.prefix}…)?`;
  el.dialog.showModal();
}

async function confirmRevoke(page) {
  const { state, el } = page;
  const token = state.revoking;
  state.revoking = null;
  el.dialog.close();
  if (!token) return;
  const result = await api("DELETE", state.urls.token.replace("{id}", String(token.id)));
  if (result.status === 204 || result.status === 404) {
    say(page, `Revoked “${token.name}”: scripts that use it are refused from now on.`, "status");
    await reload(page);
    el.name.focus();
  } else {
    say(page, errorMessage(result), "error");
  }
}

function start() {
  const data = JSON.parse(document.getElementById("account-data").textContent);
  const page = { state: { tokens: data.tokens, urls: data.urls, revoking: null }, el: elements() };
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
  render(page);
  document.body.dataset.ready = "true";
}

start();
