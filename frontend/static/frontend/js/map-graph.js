// Draw a laid-out argument map (map-layout.js) as SVG: nodes as boxes with wrapped text and a
// strength bar, supports and attacks as arrows, actors as pills linked to what they voiced.
// Presentation attributes only (no style attributes), so the page's CSP holds.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attributes = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (parent) parent.append(node);
  return node;
}

function marker(defs, id, pathD, className) {
  const m = el("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
  el("path", { d: pathD, class: className }, m);
}

function textLines(group, lines, x, y, lineHeight, anchor = "start") {
  const text = el("text", { x, y, "text-anchor": anchor }, group);
  lines.forEach((line, i) => {
    const tspan = el("tspan", { x, dy: i === 0 ? 0 : lineHeight }, text);
    tspan.textContent = line;
  });
  return text;
}

function title(group, text) {
  el("title", {}, group).textContent = text;
}

/**
 * Return an <svg> of the layout. `describe(node)` gives a node's full text for its tooltip,
 * `sourcesLabel(n)` words a source count and `headerName(block)` names a half ("Pro").
 */
export function renderGraph(layout, { describe, sourcesLabel, label, headerName }) {
  const svg = el("svg", {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    class: "map-svg",
    role: "img",
    "aria-label": label,
  });
  const defs = el("defs", {}, svg);
  marker(defs, "arrow-support", "M0,0 L10,5 L0,10 z", "arrow-support");
  marker(defs, "arrow-attack", "M0,0 L10,5 L0,10 z", "arrow-attack");
  marker(defs, "arrow-voiced", "M0,2 L8,5 L0,8 z", "arrow-voiced");

  // Lines of the trees and to actors go under the boxes; attacks and other cross links over
  // them, so that none hides behind a box it passes.
  const edges = el("g", { class: "g-edges" }, svg);
  const crossings = [];
  for (const edge of layout.edges) {
    if (!edge.hangs && edge.kind !== "voiced") {
      crossings.push(edge);
      continue;
    }
    el(
      "path",
      {
        d: edge.path,
        class: `g-edge edge-${edge.kind}${edge.hangs ? " hangs" : ""}`,
        [edge.start === "target" ? "marker-start" : "marker-end"]: `url(#arrow-${edge.kind})`,
        "data-source": edge.source,
        "data-target": edge.target,
      },
      edges,
    );
  }

  // Each half's header, with one arrow to the proposition for all the claims below it.
  const heads = el("g", { class: "g-headers" }, svg);
  for (const header of layout.headers) {
    const group = el("g", { class: `g-header side-${header.block}` }, heads);
    if (header.path) {
      el("path", { d: header.path, class: `g-edge edge-${header.kind} header-edge`, "marker-end": `url(#arrow-${header.kind})` }, group);
    }
    el("rect", { x: header.x, y: header.y, width: header.w, height: header.h, rx: 4, class: "g-header-box" }, group);
    // Two lines, the side and its count over what the side means: on one line the words ran
    // past a one-column header's box and the picture's edge cut them off.
    const text = el("text", { x: header.x + 10, y: header.y + 17, class: "g-header-text" }, group);
    const name = el("tspan", { class: "g-header-name" }, text);
    name.textContent = headerName(header.block);
    const count = el("tspan", {}, text);
    count.textContent = ` · ${header.count}`;
    const rest = el("tspan", { x: header.x + 10, dy: 15 }, text);
    rest.textContent = header.text;
  }

  const nodes = el("g", { class: "g-nodes" }, svg);
  for (const node of layout.nodes) {
    const group = el("g", { class: `g-node g-${node.type} side-${node.side}`, "data-id": node.id }, nodes);
    title(group, describe(node));
    if (node.type === "proposition") {
      el("rect", { x: node.x, y: node.y, width: node.w, height: node.h, rx: 8, class: "g-box" }, group);
      textLines(group, node.lines, node.x + node.w / 2, node.y + 22, 17, "middle");
      const caption = el("text", { x: node.x + node.w / 2, y: node.y + node.h - 9, "text-anchor": "middle", class: "g-caption" }, group);
      caption.textContent = `Proposition · strength ${node.strength.toFixed(2)}`;
    } else if (node.type === "argument") {
      el("rect", { x: node.x, y: node.y, width: node.w, height: node.h, rx: 6, class: "g-box" }, group);
      el("rect", { x: node.x, y: node.y, width: 5, height: node.h, class: "g-side-bar" }, group);
      textLines(group, node.lines, node.x + 13, node.y + 19, 16);
      const caption = el("text", { x: node.x + 13, y: node.y + node.h - 10, class: "g-caption" }, group);
      caption.textContent = `${node.kind} · ${sourcesLabel(node.sources)}`;
      // The strength as a small bar in the bottom right corner, with its value.
      const barX = node.x + node.w - 62;
      const barY = node.y + node.h - 17;
      el("rect", { x: barX, y: barY, width: 50, height: 7, rx: 3, class: "g-meter" }, group);
      el("rect", { x: barX, y: barY, width: Math.max(1, 50 * node.strength), height: 7, rx: 3, class: "g-meter-fill" }, group);
    } else {
      el("rect", { x: node.x, y: node.y, width: node.w, height: node.h, rx: node.h / 2, class: "g-box" }, group);
      textLines(group, node.lines, node.x + node.w / 2, node.y + node.h / 2 + 5, 16, "middle");
    }
  }
  const over = el("g", { class: "g-edges over" }, svg);
  for (const edge of crossings) {
    el("path", { d: edge.path, class: "g-halo", "data-source": edge.source, "data-target": edge.target }, over);
    el(
      "path",
      {
        d: edge.path,
        class: `g-edge edge-${edge.kind}`,
        "marker-end": `url(#arrow-${edge.kind})`,
        "data-source": edge.source,
        "data-target": edge.target,
      },
      over,
    );
  }
  return svg;
}

/** Dim every node and edge outside `visible` (a Set of node ids), or none when it is null. */
export function focusGraph(svg, visible) {
  for (const node of svg.querySelectorAll(".g-node")) {
    const id = node.dataset.id;
    node.classList.toggle("dim", visible !== null && !visible.has(id));
  }
  for (const edge of svg.querySelectorAll(".g-edge[data-source], .g-halo")) {
    const on = visible === null || (visible.has(edge.dataset.source) && visible.has(edge.dataset.target));
    edge.classList.toggle("dim", !on);
  }
}

/** Mark one node as selected (or none). */
export function selectInGraph(svg, id) {
  for (const node of svg.querySelectorAll(".g-node.selected")) node.classList.remove("selected");
  if (id !== null) svg.querySelector(`.g-node[data-id="${CSS.escape(id)}"]`)?.classList.add("selected");
}
