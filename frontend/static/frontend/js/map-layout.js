// The argument map as the page shows it, computed without the DOM: which argument hangs under
// which, which attacks which, who voiced what, and a deterministic layered layout of the whole
// map for the SVG picture. The same graph (in any order) always gives the same layout.

export const PROPOSITION_ID = "proposition";
export const SIDE_ORDER = ["pro", "neutral", "contra"];

function push(map, key, value) {
  if (!map.has(key)) map.set(key, []);
  map.get(key).push(value);
}

function byId(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order arguments strongest first, then by how many sources they have, then by id. */
export function compareArguments(a, b) {
  return b.strength - a.strength || b.sources.length - a.sources.length || byId(a.id, b.id);
}

/**
 * Index a map (the JSON graph of the API) for the page.
 * - premisesOf: argument id -> the arguments that support it (its premises)
 * - supportsOf: argument id -> the arguments it supports
 * - attackersOf / attacksOf: argument id -> attacking / attacked arguments
 * - topLevel: per side, the arguments that support no other argument (claims, mostly)
 */
export function mapIndex(graph) {
  const args = new Map(graph.arguments.map((a) => [a.id, a]));
  const actors = new Map(graph.actors.map((a) => [a.id, a]));
  const premisesOf = new Map();
  const supportsOf = new Map();
  const attackersOf = new Map();
  const attacksOf = new Map();
  for (const edge of graph.edges) {
    if (!args.has(edge.source) || !args.has(edge.target)) continue;
    if (edge.kind === "support") {
      push(premisesOf, edge.target, edge.source);
      push(supportsOf, edge.source, edge.target);
    } else if (edge.kind === "attack") {
      push(attackersOf, edge.target, edge.source);
      push(attacksOf, edge.source, edge.target);
    }
  }
  const order = (ids) => ids.map((id) => args.get(id)).sort(compareArguments).map((a) => a.id);
  for (const map of [premisesOf, supportsOf, attackersOf, attacksOf]) {
    for (const [key, ids] of map) map.set(key, order([...new Set(ids)]));
  }
  const topLevel = Object.fromEntries(SIDE_ORDER.map((side) => [side, []]));
  for (const arg of [...args.values()].sort(compareArguments)) {
    if (!supportsOf.has(arg.id)) (topLevel[arg.side] ?? topLevel.neutral).push(arg.id);
  }
  return { args, actors, premisesOf, supportsOf, attackersOf, attacksOf, topLevel };
}

/** Return whether an actor voiced an argument or, below it, one of its premises. */
export function voicedBy(index, argId, actorId, seen = new Set()) {
  if (seen.has(argId)) return false;
  seen.add(argId);
  const arg = index.args.get(argId);
  if (arg.actors.includes(actorId)) return true;
  return (index.premisesOf.get(argId) ?? []).some((id) => voicedBy(index, id, actorId, seen));
}

/** Return the arguments in an argument's subtree (itself, its premises, theirs, ...). */
export function subtree(index, argId) {
  const seen = new Set();
  const stack = [argId];
  while (stack.length) {
    const id = stack.pop();
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(index.premisesOf.get(id) ?? []));
  }
  return seen;
}

/** Wrap text into at most maxLines lines of at most maxChars, ending in … when cut. */
export function wrapText(text, maxChars, maxLines) {
  const words = String(text).replace(/\s+/g, " ").trim().split(" ").filter(Boolean);
  const lines = [];
  let line = "";
  let cut = false;
  for (let word of words) {
    if (word.length > maxChars) word = `${word.slice(0, maxChars - 1)}…`;
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= maxChars) {
      line = candidate;
      continue;
    }
    lines.push(line);
    if (lines.length === maxLines) {
      cut = true;
      break;
    }
    line = word;
  }
  if (!cut && line) lines.push(line);
  if (cut) {
    const last = lines[lines.length - 1];
    lines[lines.length - 1] = last.length >= maxChars ? `${last.slice(0, maxChars - 1)}…` : `${last}…`;
  }
  return lines;
}

const DEFAULTS = {
  nodeWidth: 220,
  nodeHeight: 88,
  premiseGap: 12,
  clusterGap: 26,
  indent: 24,
  maxIndents: 3,
  headerHeight: 42,
  actorWidth: 170,
  actorHeight: 34,
  gapX: 30,
  sideGap: 56,
  layerGap: 56,
  margin: 28,
  maxColumns: 3,
  targetWidth: Infinity,
  maxChars: 28,
  maxLines: 3,
  showActors: true,
};

const HEADERS = {
  pro: "for the proposition",
  contra: "against the proposition",
  band: "on neither side",
};

/**
 * Lay the map out as two trees under the proposition: pro arguments fill the left half and
 * contra ones the right half, under a header each; neutral arguments, which hang from nothing,
 * come in a band below, then the actors. Every top-level argument is followed by its premises,
 * indented below it like an outline, and these clusters fill the columns of their half (at
 * most `maxColumns`, fewer if they would not fit in `targetWidth` at full size, each next
 * cluster in the shortest column). Hundreds of arguments thus make a tall picture whose text
 * stays readable, and every line from a premise to its claim stays short.
 *
 * Edges: the claims of a column reach their half's header along one spine (the header's arrow
 * stands for all of them), premises their argument along its spine; attacks and any further
 * supports are curves. Each edge has an SVG `path` drawn from `start` ("source" or "target"),
 * so paths sharing a spine begin at its shared end and their dashes line up. The result is
 * {width, height, nodes, edges, headers}; the same graph in any order gives the same layout.
 */
export function layoutMap(graph, options = {}) {
  const o = { ...DEFAULTS, ...options };
  const index = mapIndex(graph);
  const { args } = index;
  const sideOf = (id) => {
    const side = args.get(id).side;
    return side === "pro" || side === "contra" ? side : "neutral";
  };

  // The tree: each argument hangs under the first argument it supports, breadth first from
  // the top-level ones (so at its shallowest); arguments in a support cycle with no top start
  // a tree of their own.
  const parent = new Map();
  const children = new Map();
  const depth = new Map();
  const roots = [];
  const queue = [];
  const plant = (id) => {
    depth.set(id, 0);
    roots.push(id);
    queue.push(id);
  };
  for (const side of SIDE_ORDER) for (const id of index.topLevel[side]) plant(id);
  const rest = [...args.values()].sort(compareArguments).map((a) => a.id);
  let cursor = 0;
  for (;;) {
    while (queue.length) {
      const id = queue.shift();
      for (const premise of index.premisesOf.get(id) ?? []) {
        if (depth.has(premise)) continue;
        depth.set(premise, depth.get(id) + 1);
        parent.set(premise, id);
        push(children, id, premise);
        queue.push(premise);
      }
    }
    while (cursor < rest.length && depth.has(rest[cursor])) cursor++;
    if (cursor >= rest.length) break;
    plant(rest[cursor]);
  }

  // A tree goes in its root's half, or in the neutral band.
  const blockOf = (root) => (sideOf(root) === "neutral" ? "band" : sideOf(root));
  const clusters = { pro: [], contra: [], band: [] };
  for (const root of roots) {
    const members = [];
    const walk = (id) => {
      members.push(id);
      for (const child of children.get(id) ?? []) walk(child);
    };
    walk(root);
    clusters[blockOf(root)].push(members);
  }
  const clusterHeight = (members) => members.length * o.nodeHeight + (members.length - 1) * o.premiseGap;

  const room = (o.targetWidth - 2 * o.margin - o.sideGap) / 2;
  const fitting = Math.max(1, Math.floor((room + o.gapX) / (o.nodeWidth + o.gapX)));
  const busiest = Math.max(1, clusters.pro.length, clusters.contra.length);
  const columns = Math.min(o.maxColumns, busiest, fitting);
  const blockWidth = columns * o.nodeWidth + (columns - 1) * o.gapX;
  const width = Math.round(2 * o.margin + 2 * blockWidth + o.sideGap);
  const bandColumns = Math.max(1, Math.floor((width - 2 * o.margin + o.gapX) / (o.nodeWidth + o.gapX)));

  const nodes = [];
  const placed = new Map();
  const headers = [];
  const propWidth = Math.min(width - 2 * o.margin, o.nodeWidth * 2.6);
  // As many characters as an argument's line holds for its box's width, less 15% for the
  // proposition's larger bold type: a fixed count ran past a narrow picture's box.
  const propChars = Math.floor(((o.maxChars * (propWidth - 20)) / o.nodeWidth) * 0.85);
  const propLines = wrapText(graph.proposition.text, propChars, 4);
  const proposition = {
    id: PROPOSITION_ID,
    type: "proposition",
    side: "proposition",
    x: (width - propWidth) / 2,
    y: o.margin,
    w: propWidth,
    h: 30 + propLines.length * 17,
    lines: propLines,
    strength: graph.proposition.strength,
  };
  nodes.push(proposition);
  placed.set(PROPOSITION_ID, proposition);

  // Fill a block's columns with its clusters, each next one in the shortest column; return
  // the block's bottom.
  const fill = (block, left, cols, top) => {
    const header = { block, x: left, y: top, w: cols * o.nodeWidth + (cols - 1) * o.gapX, h: o.headerHeight, text: HEADERS[block], count: clusters[block].length };
    headers.push(header);
    const heights = Array.from({ length: cols }, () => top + o.headerHeight + o.clusterGap);
    for (const members of clusters[block]) {
      let column = 0;
      for (let c = 1; c < cols; c++) if (heights[c] < heights[column]) column = c;
      let y = heights[column];
      const x = left + column * (o.nodeWidth + o.gapX);
      for (const id of members) {
        const arg = args.get(id);
        const shift = o.indent * Math.min(depth.get(id), o.maxIndents);
        const node = {
          id,
          type: "argument",
          kind: arg.kind,
          side: sideOf(id),
          block,
          column: x,
          x: x + shift,
          y,
          w: o.nodeWidth - shift,
          h: o.nodeHeight,
          lines: wrapText(arg.text, o.maxChars - Math.round(shift / 7.5), o.maxLines),
          strength: arg.strength,
          sources: arg.sources.length,
          actors: arg.actors,
        };
        nodes.push(node);
        placed.set(id, node);
        y += o.nodeHeight + o.premiseGap;
      }
      heights[column] = y - o.premiseGap + o.clusterGap;
    }
    header.columnBottoms = heights.map((h) => h - o.clusterGap);
    return Math.max(...heights) - o.clusterGap;
  };

  let y = proposition.y + proposition.h + o.layerGap;
  const halvesTop = y;
  y = Math.max(
    fill("pro", o.margin, columns, halvesTop),
    fill("contra", o.margin + blockWidth + o.sideGap, columns, halvesTop),
  );
  if (clusters.band.length) y = fill("band", o.margin, bandColumns, y + o.layerGap);
  y += o.layerGap;

  if (o.showActors && graph.actors.length) {
    const rank = { pro: 0, neutral: 1, mixed: 1, contra: 2 };
    const actors = [...graph.actors].sort(
      (a, b) => (rank[a.position] ?? 1) - (rank[b.position] ?? 1) || a.name.localeCompare(b.name) || byId(a.id, b.id),
    );
    const perRow = Math.max(1, Math.floor((width - 2 * o.margin + o.gapX) / (o.actorWidth + o.gapX)));
    actors.forEach((actor, i) => {
      const row = Math.floor(i / perRow);
      const inRow = Math.min(perRow, actors.length - row * perRow);
      const rowWidth = inRow * o.actorWidth + (inRow - 1) * o.gapX;
      const node = {
        id: actor.id,
        type: "actor",
        side: actor.position,
        x: (width - rowWidth) / 2 + (i % perRow) * (o.actorWidth + o.gapX),
        y: y + row * (o.actorHeight + o.clusterGap),
        w: o.actorWidth,
        h: o.actorHeight,
        lines: wrapText(actor.name, 24, 1),
      };
      nodes.push(node);
      placed.set(actor.id, node);
    });
    y += Math.ceil(actors.length / perRow) * (o.actorHeight + o.clusterGap) - o.clusterGap + o.layerGap;
  }
  const height = Math.round(y - o.layerGap + o.margin);

  // The arrow from each half's header to the proposition stands for all its claims' edges.
  for (const header of headers) {
    if (header.block === "band") continue;
    const tx = proposition.x + proposition.w * (header.block === "pro" ? 0.3 : 0.7);
    header.path = curve(header.x + header.w / 2, header.y, tx, proposition.y + proposition.h);
    header.kind = header.block === "pro" ? "support" : "attack";
  }

  const headerOf = Object.fromEntries(headers.map((h) => [h.block, h]));
  const edges = [];
  for (const edge of [...graph.edges].sort((a, b) => byId(a.id, b.id))) {
    const from = placed.get(edge.source);
    const to = placed.get(edge.target);
    if (!from || !to) continue;
    let route;
    if (edge.target === PROPOSITION_ID && from.block !== "band" && depth.get(edge.source) === 0) {
      // Down the column's spine from the header, then right into the claim.
      const header = headerOf[from.block];
      const spine = from.column - o.gapX / 2;
      route = { path: `M${r(spine)},${r(header.y + header.h)} V${r(from.y + 20)} H${r(from.x)}`, start: "target", spine: true };
    } else if (edge.kind === "support" && parent.get(edge.source) === edge.target) {
      // Down the argument's spine, then right into the premise.
      const spine = to.x + Math.min(o.indent / 2, 12);
      route = { path: `M${r(spine)},${r(to.y + to.h)} V${r(from.y + 20)} H${r(from.x)}`, start: "target", spine: true };
    } else if (edge.kind === "voiced") {
      route = { path: curve(from.x + from.w / 2, from.y, to.x + to.w / 2, to.y + to.h), start: "source" };
    } else {
      route = { path: crossing(from, to, width - 4), start: "source" };
    }
    edges.push({ id: edge.id, kind: edge.kind, source: edge.source, target: edge.target, hangs: Boolean(route.spine), path: route.path, start: route.start });
  }
  return { width, height, nodes, edges, headers };
}

function r(value) {
  return Math.round(value * 10) / 10;
}

/** A vertical S-curve from (x1, y1) to (x2, y2). */
function curve(x1, y1, x2, y2) {
  const bend = Math.max(24, Math.abs(y2 - y1) / 2) * (y2 < y1 ? -1 : 1);
  return `M${r(x1)},${r(y1)} C${r(x1)},${r(y1 + bend)} ${r(x2)},${r(y2 - bend)} ${r(x2)},${r(y2)}`;
}

/**
 * A curve between two boxes that are not parent and child (an attack, a second support): an
 * arc from the top of one to the top of the other, over the boxes between them in a row.
 */
export function crossing(from, to, maxX = Infinity) {
  const toward = Math.sign(to.x + to.w / 2 - (from.x + from.w / 2)) || 1;
  const x1 = Math.min(maxX, from.x + from.w / 2 + (toward * from.w) / 4);
  const x2 = Math.min(maxX, to.x + to.w / 2 - (toward * to.w) / 4);
  const lift = Math.min(30, 12 + Math.abs(x2 - x1) / 25);
  const top = Math.min(from.y, to.y) - lift;
  return `M${r(x1)},${r(from.y)} C${r(x1)},${r(top)} ${r(x2)},${r(top)} ${r(x2)},${r(to.y)}`;
}
