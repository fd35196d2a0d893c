// "What changed since version N": the diff of the version shown with another of the debate's
// versions (by default the one made just before it), loaded from the diff API, with a choice
// of the version to compare with. Arguments are listed by their wording, cut to a line; every
// text goes in as text.

import { api, errorMessage } from "../api.js";
import { cut } from "../map-history.js";
import { make } from "./dom.js";
import { diffUrl, plural, positionName, sideName, when } from "./state.js";

const QUOTE_CHARS = 140;

/** Load the diff of the version shown with `from` (a version id, or null for the one before). */
export async function loadChanges(page, from = null) {
  const { state, el } = page;
  const ticket = ++state.diffRequests;
  const result = await api("GET", diffUrl(state, state.versionId, from));
  if (ticket !== state.diffRequests) return; // asked again meanwhile: that answer counts
  if (result.status !== 200) {
    state.diff = null;
    el.changesTitle.textContent = "What changed";
    el.changesSummary.textContent = `Could not compare versions: ${errorMessage(result)}`;
    el.changesLists.replaceChildren();
    return;
  }
  state.diff = result.data;
  renderChanges(page);
}

function versionOption(version, selected) {
  const option = make("option", null, `Version ${version.id}, built ${when(version.created_at)}`);
  option.value = String(version.id);
  option.selected = selected;
  return option;
}

function renderChoice(page) {
  const { state, el } = page;
  const from = state.diff.from_version;
  const others = (state.list?.results ?? []).filter((v) => v.id !== state.versionId);
  el.compareWith.replaceChildren(...others.map((v) => versionOption(v, v.id === from)));
  if (from !== null && !others.some((v) => v.id === from)) {
    const option = make("option", null, `Version ${from}`);
    option.value = String(from);
    option.selected = true;
    el.compareWith.append(option);
  }
  el.compareLabel.hidden = el.compareWith.options.length === 0;
}

function quote(text) {
  const q = make("q", "change-quote", cut(text, QUOTE_CHARS));
  q.title = text;
  return q;
}

/** An argument as a line: its side, kind and wording, and how many sources it has. */
function argumentLine(page, argument, { open = false } = {}) {
  const { state } = page;
  const li = make("li", `change-item side-${argument.side}`);
  const kind = argument.kind === "claim" ? "Claim" : "Premise";
  li.append(
    make("span", `side-dot side-${argument.side}`),
    make("span", "change-kind", `${sideName(state, argument.side)} ${kind.toLowerCase()}`),
    " ",
    quote(argument.text),
    make("span", "muted small", ` · ${plural(argument.sources.length, "source")}`),
  );
  // An argument of the version shown opens its card.
  if (open && state.index?.args.has(argument.id)) {
    const button = make("button", "link small change-open", "show");
    button.type = "button";
    button.dataset.jump = argument.id;
    button.setAttribute("aria-label", `Show the argument: ${cut(argument.text, 60)}`);
    li.append(" ", button);
  }
  return li;
}

function group(title, count, className) {
  const section = make("section", `change-group ${className}`);
  section.append(make("h3", null, `${title} (${count})`));
  return section;
}

function differences(page, change) {
  const { state } = page;
  const { before, after } = change;
  const parts = [];
  for (const what of change.changed) {
    if (what === "side") parts.push(`${sideName(state, before.side)} → ${sideName(state, after.side)}`);
    else if (what === "kind") parts.push(`${before.kind} → ${after.kind}`);
    else if (what === "strength") parts.push(`strength ${before.strength.toFixed(2)} → ${after.strength.toFixed(2)}`);
    else if (what === "sources") parts.push(`sources ${before.sources.length} → ${after.sources.length}`);
    else if (what === "text") parts.push("worded by another source");
  }
  return parts.join("; ");
}

function actorLine(page, shift) {
  const { state } = page;
  const li = make("li", "change-item");
  let text;
  if (shift.before === null) text = `new in the map: ${positionName(state, shift.after)}`;
  else if (shift.after === null) text = `no longer in the map (was ${positionName(state, shift.before)})`;
  else text = `${positionName(state, shift.before)} → ${positionName(state, shift.after)}`;
  li.append(make("strong", null, shift.name), `: ${text}`);
  return li;
}

export function renderChanges(page) {
  const { state, el } = page;
  const diff = state.diff;
  const from = diff.from_version;
  const c = diff.counts;
  renderChoice(page);
  if (from === null) {
    el.changesTitle.textContent = "What changed";
    el.changesSummary.textContent = `This is the first version of the map: its ${plural(c.added, "argument")} are all new.`;
    el.changesLists.replaceChildren();
    return;
  }
  el.changesTitle.textContent =
    from < diff.to_version ? `What changed since version ${from}` : `How version ${from}, built later, differs`;
  const counts = [
    [c.added, "added"],
    [c.removed, "removed"],
    [c.merged, "merged"],
    [c.split, "split"],
    [c.changed, "changed"],
  ].filter(([n]) => n);
  const told = counts.map(([n, word]) => `${n} ${word}`);
  const strength = diff.proposition;
  el.changesSummary.textContent = `${
    told.length ? `Arguments: ${told.join(", ")}, ${c.unchanged} unchanged.` : `No argument changed (${c.unchanged} the same).`
  } ${diff.actors.length ? plural(diff.actors.length, "actor") + " changed position." : "No actor changed position."} Proposition strength ${strength.before.toFixed(2)} → ${strength.after.toFixed(2)}.`;

  const parts = [];
  for (const [title, items, className] of [
    ["Added", diff.added, "added"],
    ["Removed", diff.removed, "removed"],
  ]) {
    if (!items.length) continue;
    const section = group(title, items.length, className);
    const ul = make("ul", "change-list");
    for (const argument of items) ul.append(argumentLine(page, argument, { open: className === "added" }));
    section.append(ul);
    parts.push(section);
  }
  for (const [title, items, className, lead] of [
    ["Merged", diff.merged, "merged", (r) => `Now one argument, from ${plural(r.before.length, "argument")}:`],
    ["Split", diff.split, "split", (r) => `Now ${plural(r.after.length, "argument")}, from one:`],
  ]) {
    if (!items.length) continue;
    const section = group(title, items.length, className);
    const ul = make("ul", "change-list");
    for (const regroup of items) {
      const li = make("li", "change-regroup");
      li.append(make("p", "small", lead(regroup)));
      const was = make("ul", "change-list was");
      for (const argument of regroup.before) was.append(argumentLine(page, argument));
      const now = make("ul", "change-list now");
      for (const argument of regroup.after) now.append(argumentLine(page, argument, { open: true }));
      li.append(make("p", "muted small", "Before:"), was, make("p", "muted small", "Now:"), now);
      ul.append(li);
    }
    section.append(ul);
    parts.push(section);
  }
  if (diff.changed.length) {
    const section = group("Changed", diff.changed.length, "changed");
    const ul = make("ul", "change-list");
    for (const change of diff.changed) {
      const li = argumentLine(page, change.after, { open: true });
      li.append(make("span", "change-what small", differences(page, change)));
      ul.append(li);
    }
    section.append(ul);
    parts.push(section);
  }
  if (diff.actors.length) {
    const section = group("Actors who changed position", diff.actors.length, "actors");
    const ul = make("ul", "change-list");
    for (const shift of diff.actors) ul.append(actorLine(page, shift));
    section.append(ul);
    parts.push(section);
  }
  el.changesLists.replaceChildren(...parts);
}
