// The tokens table: one row per token with its name, the key's first characters, its dates and
// a Revoke button. Every name is set as text, never as markup.

const DATE = { year: "numeric", month: "short", day: "numeric" };

export function when(value) {
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

/** Draw the table (or the empty state) from the state's tokens. */
export function renderTokens(page) {
  const { state, el } = page;
  el.rows.replaceChildren(...state.tokens.map(row));
  const live = state.tokens.filter((t) => !t.expired).length;
  el.count.textContent = state.tokens.length ? `${live} active` : "";
  el.empty.hidden = state.tokens.length > 0;
  el.table.hidden = state.tokens.length === 0;
}

