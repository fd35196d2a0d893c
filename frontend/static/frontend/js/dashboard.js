// The agreement dashboard: SVG charts drawn from the figures the server computed (the same
// ones GET /api/v1/debates/{slug}/agreement/ answers), embedded with json_script.

import {
  agreementDomain,
  barRows,
  heat,
  stackSegments,
  stanceAccord,
} from "./dashboard-charts.js";

const data = JSON.parse(document.getElementById("dashboard-data").textContent);
const agreement = data.agreement.agreement;
const progress = data.agreement.progress;
const SVG = "http://www.w3.org/2000/svg";
const SERIES = ["#0550ae", "#8fb8ed", "#0a7d5a"];
const stanceByKey = new Map(data.stances.map((s) => [s.key, s]));
const WIDTH = 560;

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function chart(height, label) {
  const root = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${Math.ceil(height)}`,
    class: "chart",
    role: "img",
    "aria-label": label,
  });
  root.append(svg("title", {}, label));
  return root;
}

function fmt(value) {
  return value === null || value === undefined ? "n/a" : value.toFixed(2);
}

function legend(names) {
  const box = document.createElement("div");
  box.className = "chart-legend";
  names.forEach((name, index) => {
    const item = document.createElement("span");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.setProperty("--swatch", SERIES[index]);
    item.append(swatch, name);
    box.append(item);
  });
  return box;
}

/** Draw horizontal bars with labels, value labels, gridlines and optional thresholds. */
function barChart(items, { label, series, domain = [0, 1], thresholds = [] }) {
  // Room for the longest row label (about 7 units per character at this font size).
  const longest = Math.max(...items.map((item) => item.label.length));
  const plotLeft = Math.min(260, Math.max(90, Math.ceil(longest * 7) + 16));
  const layout = barRows(items, { domain, plotLeft, plotRight: WIDTH - 50, top: 22 });
  const root = chart(layout.height + 8, label);
  const ticks = [];
  for (let t = Math.ceil(domain[0] * 5) / 5; t <= domain[1] + 1e-9; t += 0.2) ticks.push(t);
  for (const tick of ticks) {
    const x = layout.scale(tick);
    root.append(
      svg("line", { x1: x, x2: x, y1: 16, y2: layout.height, class: tick === 0 ? "axis" : "grid" }),
      svg("text", { x, y: 12, "text-anchor": "middle", class: "muted-text" }, tick.toFixed(1)),
    );
  }
  for (const threshold of thresholds) {
    const x = layout.scale(threshold.value);
    const line = svg("line", { x1: x, x2: x, y1: 16, y2: layout.height, class: "threshold" });
    line.append(svg("title", {}, threshold.label));
    root.append(line);
  }
  for (const row of layout.rows) {
    root.append(
      svg(
        "text",
        { x: plotLeft - 8, y: row.y + row.height / 2 + 4, "text-anchor": "end" },
        row.label,
      ),
    );
    for (const bar of row.bars) {
      const name = series[bar.series];
      if (bar.value === null) {
        root.append(
          svg("text", { x: layout.zero + 4, y: bar.y + bar.height - 3, class: "na" }, `${name}: n/a`),
        );
        continue;
      }
      const rect = svg("rect", {
        x: bar.x,
        y: bar.y,
        width: Math.max(bar.width, 1),
        height: bar.height,
        rx: 2,
        fill: SERIES[bar.series],
      });
      rect.append(svg("title", {}, `${row.label}, ${name}: ${fmt(bar.value)}`));
      root.append(
        rect,
        svg(
          "text",
          { x: bar.x + bar.width + 4, y: bar.y + bar.height - 3, class: "value" },
          fmt(bar.value),
        ),
      );
    }
  }
  return root;
}

function mount(id, ...nodes) {
  const target = document.getElementById(id);
  if (target) target.replaceChildren(...nodes);
}

function empty(message) {
  const p = document.createElement("p");
  p.className = "empty";
  p.textContent = message;
  return p;
}

function drawAlpha() {
  const alpha = agreement.alpha;
  const rows = [
    { label: "Stance", values: [alpha.stance] },
    { label: "Role", values: [alpha.role] },
    { label: "Actor", values: [alpha.actor] },
    { label: "Boundaries", values: [alpha.boundaries] },
  ];
  if (agreement.documents === 0) {
    mount("chart-alpha", empty("No document has two submitted layers yet."));
    return;
  }
  mount(
    "chart-alpha",
    barChart(rows, {
      label: "Krippendorff's alpha per attribute",
      series: ["alpha"],
      domain: agreementDomain(Object.values(alpha)),
      thresholds: [
        { value: 0.667, label: "0.667: lowest acceptable for tentative conclusions" },
        { value: 0.8, label: "0.8: reliable" },
      ],
    }),
  );
}

function labelName(row) {
  if (row.attribute === "stance") {
    const stance = stanceByKey.get(row.label);
    return `Stance: ${stance ? stance.label : row.label}`;
  }
  return `Role: ${row.label}`;
}

function drawLabels() {
  if (agreement.labels.length === 0) {
    mount("chart-labels", empty("No spans compared yet."));
    return;
  }
  const rows = agreement.labels.map((row) => ({
    label: labelName(row),
    values: [row.exact.f1, row.overlap.f1],
  }));
  mount(
    "chart-labels",
    barChart(rows, { label: "Span F1 per label", series: ["exact", "overlap"] }),
    legend(["exact boundaries", "any overlap"]),
  );
}

function drawPairs() {
  if (agreement.pairs.length === 0) {
    mount("chart-pairs", empty("No pair of annotators shares a submitted document yet."));
    return;
  }
  const rows = agreement.pairs.map((pair) => ({
    label: `${pair.annotators[0]} × ${pair.annotators[1]}`,
    values: [pair.exact.f1, pair.overlap.f1, stanceAccord(pair.stance_confusion)],
  }));
  mount(
    "chart-pairs",
    barChart(rows, {
      label: "Agreement per annotator pair",
      series: ["F1 exact", "F1 overlap", "same stance"],
    }),
    legend(["F1 exact", "F1 overlap", "same stance on matched spans"]),
  );
}

const DOCUMENT_ORDER = ["new", "annotating", "ready_for_review", "adjudicated"];
const DOCUMENT_COLORS = {
  new: "#d0d7de",
  annotating: "#d4a72c",
  ready_for_review: "#54aeff",
  adjudicated: "#1a7f37",
};
const ASSIGNMENT_ORDER = ["assigned", "in_progress", "submitted"];
const ASSIGNMENT_COLORS = { assigned: "#d0d7de", in_progress: "#d4a72c", submitted: "#1a7f37" };
const ASSIGNMENT_LABELS = { assigned: "Assigned", in_progress: "In progress", submitted: "Submitted" };

function stackedBar(name, counts, order, colors, labels) {
  const left = 110;
  const width = WIDTH - left - 10;
  const root = chart(30, `${name} by status`);
  root.append(svg("text", { x: left - 10, y: 19, "text-anchor": "end" }, name));
  const segments = stackSegments(counts, order, width);
  if (segments.length === 0) {
    root.append(svg("rect", { x: left, y: 4, width, height: 22, fill: "#f6f8fa", rx: 3 }));
    root.append(svg("text", { x: left + 8, y: 19, class: "na" }, "none yet"));
  }
  for (const segment of segments) {
    const rect = svg("rect", {
      x: left + segment.x,
      y: 4,
      width: segment.width,
      height: 22,
      fill: colors[segment.key],
    });
    rect.append(svg("title", {}, `${labels[segment.key]}: ${segment.count}`));
    root.append(rect);
    if (segment.width > 24) {
      const dark = segment.key === "new" || segment.key === "assigned";
      root.append(
        svg(
          "text",
          {
            x: left + segment.x + segment.width / 2,
            y: 19,
            "text-anchor": "middle",
            class: "value",
            fill: dark ? "#1b1f24" : "#ffffff",
          },
          String(segment.count),
        ),
      );
    }
  }
  // The legend is HTML, so long status names wrap instead of running off the chart.
  const key = document.createElement("div");
  key.className = "chart-legend progress-legend";
  for (const status of order) {
    const item = document.createElement("span");
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.setProperty("--swatch", colors[status]);
    item.append(swatch, `${labels[status]} ${counts[status] || 0}`);
    key.append(item);
  }
  return [root, key];
}

function drawProgress() {
  mount(
    "chart-progress",
    ...stackedBar("Documents", progress.documents, DOCUMENT_ORDER, DOCUMENT_COLORS, data.status_labels),
    ...stackedBar(
      "Assignments",
      progress.assignments,
      ASSIGNMENT_ORDER,
      ASSIGNMENT_COLORS,
      ASSIGNMENT_LABELS,
    ),
  );
}

function stanceName(label) {
  if (label === null) return "not marked";
  const stance = stanceByKey.get(label);
  return stance ? stance.label : label;
}

function confusionTable(matrix, caption) {
  const table = document.createElement("table");
  table.className = "confusion";
  const levels = heat(matrix.counts);
  const head = document.createElement("thead");
  const headRow = document.createElement("tr");
  const corner = document.createElement("th");
  corner.scope = "col";
  corner.textContent = `${matrix.annotators[0]} ↓ · ${matrix.annotators[1]} →`;
  headRow.append(corner);
  for (const label of matrix.labels) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = stanceName(label);
    headRow.append(th);
  }
  head.append(headRow);
  const body = document.createElement("tbody");
  matrix.labels.forEach((rowLabel, i) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = stanceName(rowLabel);
    tr.append(th);
    matrix.labels.forEach((columnLabel, j) => {
      const td = document.createElement("td");
      td.textContent = String(matrix.counts[i][j]);
      td.style.setProperty("--heat", levels[i][j].toFixed(3));
      if (levels[i][j] > 0.55) td.classList.add("hot");
      if (i === j && rowLabel !== null) td.classList.add("diagonal");
      td.title = `${matrix.annotators[0]}: ${stanceName(rowLabel)}, ${matrix.annotators[1]}: ${stanceName(columnLabel)}`;
      tr.append(td);
    });
    body.append(tr);
  });
  const cap = document.createElement("caption");
  cap.textContent = caption;
  table.append(cap, head, body);
  return table;
}

function drawConfusion() {
  const select = document.getElementById("confusion-pair");
  const pooled = data.agreement.stance_confusion;
  if (!pooled) {
    mount("confusion", empty("No pair of annotators to compare yet."));
    if (select) select.hidden = true;
    return;
  }
  const choices = [
    { label: "All pairs, added up", matrix: pooled },
    ...agreement.pairs.map((pair) => ({
      label: `${pair.annotators[0]} × ${pair.annotators[1]}`,
      matrix: pair.stance_confusion,
    })),
  ];
  select.replaceChildren(
    ...choices.map((choice, index) => {
      const option = document.createElement("option");
      option.value = String(index);
      option.textContent = choice.label;
      return option;
    }),
  );
  const show = () => {
    const choice = choices[Number(select.value)];
    mount(
      "confusion",
      confusionTable(
        choice.matrix,
        "Units by the stance each annotator gave; the diagonal is agreement, 'not marked' " +
          "counts units only one of them marked.",
      ),
    );
  };
  select.addEventListener("change", show);
  show();
}

drawAlpha();
drawLabels();
drawPairs();
drawProgress();
drawConfusion();
document.body.dataset.ready = "true";
