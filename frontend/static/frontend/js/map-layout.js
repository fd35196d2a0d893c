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
  nodeWidth: 210,
  nodeHeight: 88,
  actorWidth: 170,
  actorHeight: 34,
  gapX: 18,
  rowGap: 30,
  layerGap: 64,
  sideGap: 56,
  margin: 24,
  maxColumns: 3,
  maxChars: 31,
  maxLines: 3,
  showActors: true,
};

/**
 * Lay the map out in layers: the proposition on top, the arguments that hang directly under it
 * (claims) below, their premises below those, and so on; actors in a band at the bottom.
 * Within a layer pro arguments sit on the left, neutral ones in the middle and contra ones on
 * the right, each side wrapped into rows of at most `maxColumns`, so hundreds of arguments make
 * a tall picture rather than an unreadably wide one. Premises are ordered under their claims.
 * Returns {width, height, nodes, edges}; edges carry an SVG path.
 */
export function layoutMap(graph, options = {}) {
  const o = { ...DEFAULTS, ...options };
  const index = mapIndex(graph);
  const { args } = index;

  // Depth: top-level arguments are 1, each premise one below the argument it hangs under
  // (the first one it supports, breadth first, so the shallowest).
  const depth = new Map();
  const parent = new Map();
  const queue = [];
  for (const side of SIDE_ORDER) {
    for (const id of index.topLevel[side]) {
      depth.set(id, 1);
      queue.push(id);
    }
  }
  // Arguments that only support each other in a cycle have no top: start from the first.
  const rest = [...args.values()].sort(compareArguments).map((a) => a.id);
  let cursor = 0;
  for (;;) {
    while (queue.length) {
      const id = queue.shift();
      for (const premise of index.premisesOf.get(id) ?? []) {
        if (depth.has(premise)) continue;
        depth.set(premise, depth.get(id) + 1);
        parent.set(premise, id);
        queue.push(premise);
      }
    }
    while (cursor < rest.length && depth.has(rest[cursor])) cursor++;
    if (cursor >= rest.length) break;
    depth.set(rest[cursor], 1);
    queue.push(rest[cursor]);
  }

  const layers = [];
  for (const [id, d] of depth) {
    while (layers.length < d) layers.push(Object.fromEntries(SIDE_ORDER.map((s) => [s, []])));
    const side = SIDE_ORDER.includes(args.get(id).side) ? args.get(id).side : "neutral";
    layers[d - 1][side].push(id);
  }
  const perSide = Math.max(1, ...layers.flatMap((layer) => SIDE_ORDER.map((s) => layer[s].length)));
  const columns = Math.min(o.maxColumns, perSide);
  const blockWidth = columns * o.nodeWidth + (columns - 1) * o.gapX;
  const hasNeutral = layers.some((layer) => layer.neutral.length > 0);
  const sides = hasNeutral ? SIDE_ORDER : ["pro", "contra"];
  const blockX = {};
  let x = o.margin;
  for (const side of sides) {
    blockX[side] = x;
    x += blockWidth + o.sideGap;
  }
  let width = Math.max(x - o.sideGap + o.margin, o.nodeWidth * 2 + o.margin * 2);

  const nodes = [];
  const placed = new Map();
  const propLines = wrapText(graph.proposition.text, Math.round(o.maxChars * 2.2), 4);
  const propWidth = Math.min(width - 2 * o.margin, o.nodeWidth * 2.6);
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

  let y = proposition.y + proposition.h + o.layerGap;
  layers.forEach((layer, layerIndex) => {
    let rows = 0;
    for (const side of sides) {
      const ids = layer[side];
      if (layerIndex === 0) {
        ids.sort((a, b) => compareArguments(args.get(a), args.get(b)));
      } else {
        // Under the argument each premise hangs from, left to right as those are placed.
        const key = (id) => placed.get(parent.get(id))?.x ?? 0;
        ids.sort((a, b) => key(a) - key(b) || compareArguments(args.get(a), args.get(b)));
      }
      const sideRows = Math.ceil(ids.length / columns);
      rows = Math.max(rows, sideRows);
      ids.forEach((id, i) => {
        const row = Math.floor(i / columns);
        const inRow = Math.min(columns, ids.length - row * columns);
        // A short row is centred in its side's block.
        const offset = ((columns - inRow) * (o.nodeWidth + o.gapX)) / 2;
        const arg = args.get(id);
        const node = {
          id,
          type: "argument",
          kind: arg.kind,
          side,
          x: blockX[side] + offset + (i % columns) * (o.nodeWidth + o.gapX),
          y: y + row * (o.nodeHeight + o.rowGap),
          w: o.nodeWidth,
          h: o.nodeHeight,
          lines: wrapText(arg.text, o.maxChars, o.maxLines),
          strength: arg.strength,
          sources: arg.sources.length,
          actors: arg.actors,
        };
        nodes.push(node);
        placed.set(id, node);
      });
    }
    y += rows * o.nodeHeight + (rows - 1) * o.rowGap + o.layerGap;
  });

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
        y: y + row * (o.actorHeight + o.rowGap),
        w: o.actorWidth,
        h: o.actorHeight,
        lines: wrapText(actor.name, 24, 1),
      };
      nodes.push(node);
      placed.set(actor.id, node);
    });
    y += Math.ceil(actors.length / perRow) * (o.actorHeight + o.rowGap) - o.rowGap + o.layerGap;
  }
  const height = y - o.layerGap + o.margin;

  const edges = [];
  for (const edge of [...graph.edges].sort((a, b) => byId(a.id, b.id))) {
    const from = placed.get(edge.source);
    const to = placed.get(edge.target);
    if (!from || !to) continue;
    const hangs = edge.target === PROPOSITION_ID || (edge.kind === "support" && parent.get(edge.source) === edge.target);
    edges.push({
      id: edge.id,
      kind: edge.kind,
      source: edge.source,
      target: edge.target,
      hangs,
      path: edgePath(from, to, edge.kind, hangs),
    });
  }
  width = Math.round(width);
  return { width, height: Math.round(height), nodes, edges };
}

function round(value) {
  return Math.round(value * 10) / 10;
}

/** An SVG path from one node to another: down the hierarchy, across for attacks. */
export function edgePath(from, to, kind, hangs) {
  const fx = from.x + from.w / 2;
  const tx = to.x + to.w / 2;
  if (kind === "voiced") {
    // From the actor's top edge up to the argument's bottom edge.
    const y1 = from.y;
    const y2 = to.y + to.h;
    const bend = Math.max(30, (y1 - y2) / 2);
    return `M${round(fx)},${round(y1)} C${round(fx)},${round(y1 - bend)} ${round(tx)},${round(y2 + bend)} ${round(tx)},${round(y2)}`;
  }
  if (hangs || from.y > to.y + to.h) {
    // Up from the child's top edge to the parent's bottom edge.
    const y1 = from.y;
    const y2 = to.y + to.h;
    const bend = Math.max(24, (y1 - y2) / 2);
    return `M${round(fx)},${round(y1)} C${round(fx)},${round(y1 - bend)} ${round(tx)},${round(y2 + bend)} ${round(tx)},${round(y2)}`;
  }
  if (to.y > from.y + from.h) {
    const y1 = from.y + from.h;
    const y2 = to.y;
    const bend = Math.max(24, (y2 - y1) / 2);
    return `M${round(fx)},${round(y1)} C${round(fx)},${round(y1 + bend)} ${round(tx)},${round(y2 - bend)} ${round(tx)},${round(y2)}`;
  }
  // Side by side (an attack within a band): leave and enter by the facing edges, arching
  // below the row so the line does not run through the nodes between them.
  const leftToRight = fx < tx;
  const x1 = leftToRight ? from.x + from.w : from.x;
  const x2 = leftToRight ? to.x : to.x + to.w;
  const y1 = from.y + from.h * 0.7;
  const y2 = to.y + to.h * 0.7;
  const drop = Math.min(80, 24 + Math.abs(x2 - x1) / 8);
  return `M${round(x1)},${round(y1)} C${round(x1 + (leftToRight ? 30 : -30))},${round(y1 + drop)} ${round(x2 + (leftToRight ? -30 : 30))},${round(y2 + drop)} ${round(x2)},${round(y2)}`;
}
