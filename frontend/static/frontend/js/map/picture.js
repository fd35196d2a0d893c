// The picture of the whole map (laid out by map-layout.js, drawn by map-graph.js), its zoom,
// and the table of actors and their positions.

import { renderGraph } from "../map-graph.js";
import { layoutMap } from "../map-layout.js";
import { make } from "./dom.js";
import { applyFilter } from "./filter.js";
import { actorName, plural, sideName } from "./state.js";

export function renderGraphPicture(page) {
  const { state, el } = page;
  // Laid out for the width the picture has on this page (the same width, the same layout).
  const targetWidth = Math.max(480, el.graph.clientWidth - 2);
  const layout = layoutMap(state.graph, { showActors: el.graphActors.checked, targetWidth });
  const args = state.index.args;
  state.svg = renderGraph(layout, {
    label: `Graph of the argument map: ${plural(state.graph.arguments.length, "argument")}, ${plural(state.graph.actors.length, "actor")}.`,
    sourcesLabel: (n) => plural(n, "source"),
    headerName: (block) => (block === "band" ? sideName(state, "neutral") : sideName(state, block)),
    describe: (node) => {
      if (node.type === "proposition") return `Proposition: ${state.graph.proposition.text}`;
      if (node.type === "actor") {
        const actor = state.index.actors.get(node.id);
        return `${actor.name} (${sideName(state, actor.position)}): ${plural(actor.argument_count, "argument")}`;
      }
      const arg = args.get(node.id);
      const who = arg.actors.map((id) => actorName(state, id)).join(", ") || "no named speaker";
      return `${sideName(state, arg.side)} ${arg.kind}: ${arg.text}\n${who} · ${plural(arg.sources.length, "source")} · strength ${arg.strength.toFixed(2)}`;
    },
  });
  el.graph.replaceChildren(state.svg);
  applyZoom(page);
  if (state.actor !== null) applyFilter(page, state.actor);
}

export function applyZoom(page) {
  const { state, el } = page;
  if (!state.svg) return;
  // Fit: as wide as the page allows, never wider than actual size; actual size scrolls.
  const natural = `${state.svg.getAttribute("width")}px`;
  const full = state.zoom === "full";
  state.svg.style.width = full ? natural : "100%";
  state.svg.style.maxWidth = full ? "none" : natural;
  for (const button of el.zoomButtons) {
    button.setAttribute("aria-pressed", String(button.dataset.zoom === state.zoom));
  }
}

export function renderMatrix(page) {
  const { state, el } = page;
  el.matrix.replaceChildren();
  for (const row of state.graph.positions) {
    const tr = make("tr");
    const name = make("th", null, row.name);
    name.scope = "row";
    tr.append(name);
    for (const side of ["pro", "contra", "neutral"]) {
      const n = row.sides[side] ?? 0;
      const td = make("td", `num cell-${side}${n ? " has" : ""}`, String(n));
      tr.append(td);
    }
    const position = make("td");
    position.append(make("span", `position-badge pos-${row.position}`, sideName(state, row.position)));
    tr.append(position, make("td", "num", String(Object.keys(row.arguments).length)));
    el.matrix.append(tr);
  }
  if (!state.graph.positions.length) {
    const tr = make("tr");
    const td = make("td", "empty", "No argument in this map names its speaker.");
    td.colSpan = 6;
    tr.append(td);
    el.matrix.append(tr);
  }
}
