// SVG chart drawing: a chart's frame, its legend, and horizontal bar charts laid out by
// dashboard-charts.js (labels, value labels, gridlines, optional thresholds).

import { barRows, formatFigure as fmt } from "../dashboard-charts.js";

const SVG = "http://www.w3.org/2000/svg";
export const SERIES = ["#0550ae", "#8fb8ed", "#0a7d5a"];
export const WIDTH = 560;
const ZERO_MARK_WIDTH = 4;

export function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function chart(height, label) {
  const root = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${Math.ceil(height)}`,
    class: "chart",
    role: "img",
    "aria-label": label,
  });
  root.append(svg("title", {}, label));
  return root;
}

export function legend(names) {
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

/**
 * Return what stands for a value too close to 0 to draw as a bar: a mark across the zero
 * line, wider and taller than the axis so it cannot be taken for it, and the value beside
 * it. (An undefined value gets no mark, only "n/a".)
 */
export function zeroMark(zero, bar, title) {
  const mark = svg("rect", {
    x: zero - ZERO_MARK_WIDTH / 2,
    y: bar.y - 2,
    width: ZERO_MARK_WIDTH,
    height: bar.height + 4,
    rx: 1,
    fill: SERIES[bar.series],
    class: "zero-mark",
  });
  mark.append(svg("title", {}, title));
  const label = svg(
    "text",
    { x: zero + ZERO_MARK_WIDTH + 3, y: bar.y + bar.height - 3, class: "value" },
    fmt(bar.value),
  );
  return [mark, label];
}

/** Draw horizontal bars with labels, value labels, gridlines and optional thresholds. */
export function barChart(items, { label, series, domain = [0, 1], thresholds = [] }) {
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
      if (bar.kind === "na") {
        root.append(
          svg("text", { x: layout.zero + 4, y: bar.y + bar.height - 3, class: "na" }, `${name}: n/a`),
        );
        continue;
      }
      if (bar.kind === "zero") {
        root.append(...zeroMark(layout.zero, bar, `${row.label}, ${name}: ${fmt(bar.value)}`));
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
