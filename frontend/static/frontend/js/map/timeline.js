// "Positions over time": each actor's sources of the version shown, at their documents'
// publication days (map-history.js lays them out), drawn as SVG marks shaped and coloured by
// side, with the same points as a table and the undated sources listed apart.

import { api, errorMessage } from "../api.js";
import { cut, formatDay, timelineLayout } from "../map-history.js";
import { make } from "./dom.js";
import { plural, positionName, sideName, timelineUrl } from "./state.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A mark: a circle for pro, a square for contra, a diamond for neutral (not colour alone). */
function mark(x, y, side) {
  if (side === "pro") return svg("circle", { cx: x, cy: y, r: 6 });
  if (side === "contra") return svg("rect", { x: x - 5.5, y: y - 5.5, width: 11, height: 11 });
  return svg("path", { d: `M${x} ${y - 7}L${x + 7} ${y}L${x} ${y + 7}L${x - 7} ${y}Z` });
}

export async function loadTimeline(page) {
  const { state, el } = page;
  const id = state.versionId;
  const result = await api("GET", timelineUrl(state, id));
  if (state.versionId !== id) return;
  if (result.status !== 200) {
    state.timeline = null;
    el.timelineSummary.textContent = `Could not load the timeline: ${errorMessage(result)}`;
    el.timelineChart.replaceChildren();
    return;
  }
  state.timeline = result.data;
  renderTimeline(page);
}

function describe(page, actor, point) {
  return `${actor.name}, ${formatDay(point.published)}: ${sideName(page.state, point.side)}. “${cut(point.source.quote, 100)}” (${point.source.document_title})`;
}

function drawChart(page, layout) {
  const { state } = page;
  const t = state.timeline;
  const label = `Positions over time of ${plural(layout.rows.length, "actor")}, from ${formatDay(t.first)} to ${formatDay(t.last)}: each mark a source, by the side of its argument.`;
  const root = svg("svg", {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    class: "timeline-svg",
    role: "img",
    "aria-label": label,
  });
  root.append(svg("title", {}, label));
  layout.ticks.forEach((tick, i) => {
    // The first and last labels lean inwards, so they stay inside a narrow chart.
    const anchor = i === 0 ? "start" : i === layout.ticks.length - 1 ? "end" : "middle";
    root.append(
      svg("line", { x1: tick.x, x2: tick.x, y1: layout.axisY + 6, y2: layout.height, class: "tl-grid" }),
      svg("text", { x: tick.x, y: layout.axisY, "text-anchor": anchor, class: "tl-tick" }, tick.label),
    );
  });
  for (const row of layout.rows) {
    const group = svg("g", { class: `tl-row pos-${row.actor.position}` });
    const name = `${row.actor.name} · ${positionName(state, row.actor.position)}`;
    group.append(
      svg("text", { x: layout.plotLeft, y: row.nameY, class: "tl-name" }, name),
      svg("line", { x1: layout.plotLeft, x2: layout.plotRight, y1: row.trackY, y2: row.trackY, class: "tl-track" }),
    );
    for (const m of row.marks) {
      const shape = mark(m.x, m.y, m.point.side);
      shape.setAttribute("class", `tl-mark side-${m.point.side}`);
      shape.append(svg("title", {}, describe(page, row.actor, m.point)));
      group.append(shape);
    }
    root.append(group);
  }
  return root;
}

function tableRow(page, actor, point) {
  const { state } = page;
  const tr = make("tr");
  const name = make("th", null, actor.name);
  name.scope = "row";
  const said = make("td");
  const q = make("q", null, cut(point.source.quote, 120));
  q.title = point.source.quote;
  said.append(q, make("cite", "timeline-document small", point.source.document_title));
  const when = make("td", null, point.published ? formatDay(point.published) : "no date");
  when.append(make("span", `side-cell side-${point.side}`, sideName(state, point.side)));
  tr.append(name, when, said);
  return tr;
}

export function renderTimeline(page) {
  const { state, el } = page;
  const t = state.timeline;
  // As wide as the chart's place on the page, so its text keeps its size on a phone.
  const width = Math.max(260, Math.min(900, Math.round(el.timelineChart.clientWidth || 560)));
  const layout = timelineLayout(t, { width });
  const dated = t.actors.reduce((n, a) => n + a.points.length, 0);
  const undated = t.actors.filter((a) => a.undated.length);
  if (!t.actors.length) {
    el.timelineSummary.textContent = "No argument in this map names its speaker, so no actor has a timeline.";
  } else if (!dated) {
    el.timelineSummary.textContent = "None of the documents of this map has a publication date, so no source can be placed in time.";
  } else {
    el.timelineSummary.textContent = `${plural(dated, "source")} of ${plural(layout.rows.length, "actor")} from ${formatDay(t.first)} to ${formatDay(t.last)}.`;
  }
  el.timelineChart.replaceChildren(...(layout.rows.length ? [drawChart(page, layout)] : []));
  el.timelineTable.hidden = dated === 0;
  el.timelineRows.replaceChildren(
    ...t.actors.flatMap((actor) => actor.points.map((point) => tableRow(page, actor, point))),
  );
  el.timelineUndated.hidden = undated.length === 0;
  el.timelineUndatedList.replaceChildren(
    ...undated.map((actor) => {
      const li = make("li");
      const titles = [...new Set(actor.undated.map((p) => p.source.document_title))];
      li.append(
        make("strong", null, actor.name),
        `: ${plural(actor.undated.length, "source")} in `,
        ...titles.flatMap((title, i) => [i ? ", " : "", make("cite", null, title)]),
      );
      return li;
    }),
  );
}
