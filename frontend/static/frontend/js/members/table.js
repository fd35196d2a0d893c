// The members table: one row per member with their role (a select that changes it) and a
// Remove button. Every name is set as text, never as markup.

import { roleLabel } from "./state.js";

function cell(text) {
  const td = document.createElement("td");
  if (text !== undefined) td.textContent = text;
  return td;
}

function roleSelect(state, member) {
  const select = document.createElement("select");
  select.dataset.role = member.username;
  select.setAttribute("aria-label", `Role of ${member.username}`);
  for (const role of state.roles) {
    const option = document.createElement("option");
    option.value = role.value;
    option.textContent = role.label;
    option.selected = role.value === member.role;
    select.append(option);
  }
  return select;
}

function row(state, member) {
  const tr = document.createElement("tr");
  const name = cell(member.username);
  if (member.username === state.me) {
    const you = document.createElement("span");
    you.className = "muted small";
    you.textContent = " (you)";
    name.append(you);
  }
  const role = cell();
  role.append(roleSelect(state, member));
  const since = cell(new Date(member.created_at).toLocaleDateString());
  since.className = "since";
  const actions = cell();
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "small";
  remove.dataset.remove = member.username;
  remove.textContent = "Remove";
  remove.setAttribute("aria-label", `Remove ${member.username}`);
  actions.append(remove);
  tr.append(name, role, since, actions);
  return tr;
}

/** Draw the table from the state's members. */
export function renderMembers(page) {
  const { state, el } = page;
  el.rows.replaceChildren(...state.members.map((member) => row(state, member)));
  const managers = state.members.filter((m) => m.role === "manager").length;
  el.count.textContent = `${state.members.length} · ${managers} ${roleLabel(state, "manager").toLowerCase()}${managers === 1 ? "" : "s"}`;
}
