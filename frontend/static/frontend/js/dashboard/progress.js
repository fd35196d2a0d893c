// The progress chart: documents and assignments by status, each as one stacked bar with an
// HTML legend.

import { stackSegments } from "../dashboard-charts.js";
import { mount } from "./elements.js";
import { WIDTH, chart, svg } from "./svg.js";

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

export function drawProgress(page) {
  const { progress, statusLabels } = page.state;
  mount(
    page.el.progress,
    ...stackedBar("Documents", progress.documents, DOCUMENT_ORDER, DOCUMENT_COLORS, statusLabels),
    ...stackedBar(
      "Assignments",
      progress.assignments,
      ASSIGNMENT_ORDER,
      ASSIGNMENT_COLORS,
      ASSIGNMENT_LABELS,
    ),
  );
}
