// Maps against gold: each annotator's map and the majority-vote preview compared with the
// gold map. A worker builds the maps, which takes a while on a large debate, so the figures
// are asked for after the rest of the page is drawn (GET .../maps/agreement/, again after
// Retry-After while it answers 202) and fill their card when they come; the card's
// data-state says where it is (loading, ready, failed).

import { api, errorMessage } from "../api.js";
import { mapAgreementRows } from "../dashboard-charts.js";
import { empty, mount } from "./elements.js";

const COLUMNS = [
  "Layer",
  "Documents",
  "Arguments matched",
  "P",
  "R",
  "F1",
  "Edges matched",
  "P",
  "R",
  "F1",
];

function cell(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function comparisonTable(body) {
  const table = document.createElement("table");
  table.className = "list map-agreement";
  const headRow = document.createElement("tr");
  for (const name of COLUMNS) {
    const th = cell("th", name);
    th.scope = "col";
    headRow.append(th);
  }
  const head = document.createElement("thead");
  head.append(headRow);
  const rows = document.createElement("tbody");
  for (const row of mapAgreementRows(body)) {
    const tr = document.createElement("tr");
    if (row.majority) tr.className = "majority";
    const name = cell("th", row.label);
    name.scope = "row";
    tr.append(name, cell("td", String(row.documents)));
    if (row.arguments === null) {
      const failed = cell("td", `No map: ${row.error}`, "error");
      failed.colSpan = COLUMNS.length - 2;
      tr.append(failed);
    } else {
      for (const side of [row.arguments, row.edges]) {
        tr.append(
          cell("td", side.counts),
          cell("td", side.precision),
          cell("td", side.recall),
          cell("td", side.f1, "f1"),
        );
      }
    }
    rows.append(tr);
  }
  const caption = cell(
    "caption",
    `Gold map: ${body.gold_arguments} arguments and ${body.gold_edges} support/attack edges ` +
      `from ${body.documents} adjudicated document${body.documents === 1 ? "" : "s"}. ` +
      "Matched: of the layer's / of gold's in the layer's documents.",
  );
  table.append(caption, head, rows);
  return table;
}

// A worker builds the maps; while it does, the API answers 202 with Retry-After. Asking for
// longer than this means it is stuck (its task gives up after 12 minutes).
const GIVE_UP_AFTER_MS = 15 * 60 * 1000;

function retryDelay(result) {
  const seconds = Number(result.retryAfter);
  return Math.min(Math.max(Number.isFinite(seconds) && seconds > 0 ? seconds : 3, 1), 60) * 1000;
}

function wait(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

export async function loadMapAgreement(page) {
  const target = page.el.maps;
  if (!target) return;
  target.dataset.state = "loading";
  mount(target, empty("Building each layer's map…"));
  const started = Date.now();
  let result = await api("GET", page.state.urls.mapAgreement);
  while (result.status === 202 && Date.now() - started < GIVE_UP_AFTER_MS) {
    await wait(retryDelay(result));
    result = await api("GET", page.state.urls.mapAgreement);
  }
  if (result.status !== 200) {
    const reason = result.status === 202 ? "still building after 15 minutes" : errorMessage(result);
    mount(target, empty(`The maps could not be compared: ${reason}`));
    target.dataset.state = "failed";
    return;
  }
  if (result.data.layers.length === 0) {
    mount(target, empty("No adjudicated document has submitted layers yet."));
  } else {
    mount(target, comparisonTable(result.data));
  }
  target.dataset.state = "ready";
}
