// The actor filter: everyone, or one actor's arguments (those they voiced, or whose premises
// they voiced); the picture dims every node but the actor's.

import { focusGraph } from "../map-graph.js";
import { renderColumns, visibleTopLevel } from "./cards.js";
import { make } from "./dom.js";
import { actorName, plural, sideName } from "./state.js";

export function renderFilter(page) {
  const { state, el } = page;
  el.filter.replaceChildren();
  const all = make("button", "filter-chip", "Everyone");
  all.type = "button";
  all.dataset.actor = "";
  all.setAttribute("aria-pressed", String(state.actor === null));
  el.filter.append(all);
  const actors = [...state.graph.actors].sort(
    (a, b) => a.position.localeCompare(b.position) || a.name.localeCompare(b.name),
  );
  for (const actor of actors) {
    const chip = make("button", `filter-chip pos-${actor.position}`);
    chip.type = "button";
    chip.dataset.actor = actor.id;
    chip.setAttribute("aria-pressed", String(state.actor === actor.id));
    chip.append(make("span", `side-dot side-${actor.position}`), actor.name, make("span", "count", String(actor.argument_count)));
    chip.title = `${actor.name}: ${sideName(state, actor.position)}, ${plural(actor.argument_count, "argument")}`;
    el.filter.append(chip);
  }
  const total = Object.values(state.index.topLevel).reduce((n, ids) => n + ids.length, 0);
  if (state.actor === null) {
    el.filterSummary.textContent = `Showing all ${plural(total, "argument")} that hang directly under the proposition; open one for its premises, attackers and sources.`;
  } else {
    const shown = ["pro", "contra", "neutral"].reduce((n, side) => n + visibleTopLevel(state, side).length, 0);
    el.filterSummary.textContent = `Showing ${shown} of ${plural(total, "argument")}: those ${actorName(state, state.actor)} voiced, or whose premises they voiced.`;
  }
}

export function applyFilter(page, actorId) {
  const { state } = page;
  state.actor = actorId || null;
  renderFilter(page);
  renderColumns(page);
  if (state.svg) {
    let visible = null;
    if (state.actor !== null) {
      visible = new Set(["proposition", state.actor]);
      for (const arg of state.graph.arguments) if (arg.actors.includes(state.actor)) visible.add(arg.id);
    }
    focusGraph(state.svg, visible);
  }
}
