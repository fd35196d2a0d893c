import assert from "node:assert/strict";
import { test } from "node:test";

import { layoutMap, mapIndex, PROPOSITION_ID, voicedBy, wrapText } from "../../static/frontend/js/map-layout.js";
import { mulberry32 } from "./random.mjs";

const WORDS = "backdoor encryption children safety privacy scanning abuse secure platform law".split(" ");

/** A map shaped like the builder's JSON graph: claims on both sides, premises, attacks. */
export function syntheticMap(size, seed = 1) {
  const random = mulberry32(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const sentence = () => Array.from({ length: 6 + Math.floor(random() * 14) }, () => pick(WORDS)).join(" ");
  const actors = Array.from({ length: 12 }, (_, i) => ({
    id: `actor-${i}`,
    name: `Actor ${i}`,
    position: i % 3 === 0 ? "pro" : i % 3 === 1 ? "contra" : "neutral",
    argument_count: 0,
  }));
  const args = [];
  const edges = [];
  for (let i = 0; i < size; i++) {
    const side = random() < 0.45 ? "pro" : random() < 0.9 ? "contra" : "neutral";
    const claims = args.filter((a) => a.kind === "claim");
    const kind = i < 10 || random() < 0.5 || !claims.length ? "claim" : "premise";
    const arg = {
      id: `${kind}-${String(i).padStart(4, "0")}`,
      kind,
      side,
      text: sentence(),
      sources: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({})),
      actors: random() < 0.8 ? [pick(actors).id] : [],
      strength: Math.round(random() * 1000) / 1000,
    };
    args.push(arg);
    if (kind === "claim" && side !== "neutral") {
      edges.push({ id: `e-${arg.id}-p`, kind: side === "pro" ? "support" : "attack", source: arg.id, target: PROPOSITION_ID });
    }
    if (kind === "premise") {
      edges.push({ id: `e-${arg.id}-s`, kind: "support", source: arg.id, target: pick(args.slice(0, i)).id });
    }
    if (random() < 0.15 && i > 0) {
      edges.push({ id: `e-${arg.id}-a`, kind: "attack", source: arg.id, target: pick(args.slice(0, i)).id });
    }
    for (const actor of arg.actors) edges.push({ id: `v-${actor}-${arg.id}`, kind: "voiced", source: actor, target: arg.id });
  }
  return {
    proposition: { id: PROPOSITION_ID, text: "Platforms should scan private messages.", strength: 0.5 },
    arguments: args,
    actors,
    edges,
  };
}

function shuffled(list, seed) {
  const random = mulberry32(seed);
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

test("the same map in any order gives the same layout", () => {
  const graph = syntheticMap(120);
  const again = {
    ...graph,
    arguments: shuffled(graph.arguments, 7),
    actors: shuffled(graph.actors, 8),
    edges: shuffled(graph.edges, 9),
  };
  const first = layoutMap(graph);
  const second = layoutMap(again);
  const byId = (layout) => [...layout.nodes].sort((a, b) => (a.id < b.id ? -1 : 1));
  assert.deepEqual(byId(second), byId(first));
  assert.deepEqual(second.edges, first.edges);
  assert.deepEqual([second.width, second.height], [first.width, first.height]);
});

test("three hundred arguments: no node overlaps another, all inside the picture", () => {
  const graph = syntheticMap(300, 3);
  const layout = layoutMap(graph);
  assert.equal(layout.nodes.filter((n) => n.type === "argument").length, 300);
  assert.equal(layout.nodes.filter((n) => n.type === "actor").length, 12);
  // Readable: at most three boxes per side side by side, so the picture stays narrow.
  assert.ok(layout.width <= 2300, `width ${layout.width}`);
  const nodes = layout.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.w <= layout.width && n.y + n.h <= layout.height, n.id);
    for (let j = i + 1; j < nodes.length; j++) assert.ok(!overlaps(n, nodes[j]), `${n.id} overlaps ${nodes[j].id}`);
  }
  assert.ok(layout.edges.every((e) => /^M[\d.]+,[\d.]+ [CVH]/.test(e.path)), "every edge is drawn");
});

test("a target width caps the columns, so a big map grows downwards at full size", () => {
  const graph = syntheticMap(300, 3);
  const wide = layoutMap(graph);
  const fitted = layoutMap(graph, { targetWidth: 1150 });
  assert.ok(fitted.width <= 1150, `width ${fitted.width}`);
  assert.ok(fitted.height > wide.height);
  // Boxes keep their size (premises lose only their indentation): the text stays readable.
  assert.ok(fitted.nodes.every((n) => n.type !== "argument" || n.w >= 220 - 3 * 24));
  // A claim reaches its half's header along its column's spine, drawn from the header's end
  // so that the spine's dashes line up.
  const claims = fitted.edges.filter((e) => e.target === PROPOSITION_ID);
  assert.ok(claims.length > 0 && claims.every((e) => e.start === "target" && e.hangs));
  assert.deepEqual(fitted.headers.map((h) => h.block), ["pro", "contra", "band"]);
});

test("pro arguments sit left of contra ones, premises below the argument they hang from", () => {
  const graph = syntheticMap(200, 5);
  const layout = layoutMap(graph);
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  const pro = layout.nodes.filter((n) => n.block === "pro");
  const contra = layout.nodes.filter((n) => n.block === "contra");
  const neutral = layout.nodes.filter((n) => n.block === "band");
  // Top-level arguments sit in their side's half (premises follow the argument they hang from).
  const index = mapIndex(graph);
  for (const side of ["pro", "contra"]) {
    assert.ok(index.topLevel[side].every((id) => at.get(id).block === side), side);
  }
  assert.ok(index.topLevel.neutral.every((id) => at.get(id).block === "band"));
  assert.ok(Math.max(...pro.map((n) => n.x + n.w)) < Math.min(...contra.map((n) => n.x)));
  // Neutral arguments hang from nothing: a band below both halves.
  assert.ok(neutral.length > 0);
  assert.ok(Math.min(...neutral.map((n) => n.y)) > Math.max(...[...pro, ...contra].map((n) => n.y + n.h)));
  const top = at.get(PROPOSITION_ID);
  for (const n of layout.nodes) if (n.id !== PROPOSITION_ID) assert.ok(n.y > top.y + top.h);
  for (const edge of layout.edges.filter((e) => e.hangs && e.target !== PROPOSITION_ID)) {
    assert.ok(at.get(edge.source).y > at.get(edge.target).y + at.get(edge.target).h, edge.id);
  }
});

test("the index finds premises, attackers and the top level; the filter follows premises", () => {
  const graph = {
    proposition: { id: PROPOSITION_ID, text: "P", strength: 0.5 },
    actors: [{ id: "actor-1", name: "A", position: "contra" }, { id: "actor-2", name: "B", position: "pro" }],
    arguments: [
      { id: "c1", kind: "claim", side: "contra", text: "c1", sources: [{}, {}], actors: ["actor-1"], strength: 0.4 },
      { id: "p1", kind: "premise", side: "contra", text: "p1", sources: [{}], actors: ["actor-2"], strength: 0.5 },
      { id: "c2", kind: "claim", side: "pro", text: "c2", sources: [{}], actors: [], strength: 0.6 },
    ],
    edges: [
      { id: "e1", kind: "attack", source: "c1", target: PROPOSITION_ID },
      { id: "e2", kind: "support", source: "p1", target: "c1" },
      { id: "e3", kind: "attack", source: "c2", target: "c1" },
      { id: "e4", kind: "support", source: "c2", target: PROPOSITION_ID },
      { id: "e5", kind: "voiced", source: "actor-1", target: "c1" },
    ],
  };
  const index = mapIndex(graph);
  assert.deepEqual(index.topLevel, { pro: ["c2"], neutral: [], contra: ["c1"] });
  assert.deepEqual(index.premisesOf.get("c1"), ["p1"]);
  assert.deepEqual(index.attackersOf.get("c1"), ["c2"]);
  assert.deepEqual(index.attacksOf.get("c2"), ["c1"]);
  assert.equal(voicedBy(index, "c1", "actor-1"), true);
  assert.equal(voicedBy(index, "c1", "actor-2"), true); // through its premise
  assert.equal(voicedBy(index, "c2", "actor-1"), false);
});

test("arguments that support each other in a cycle are still laid out", () => {
  const graph = {
    proposition: { id: PROPOSITION_ID, text: "P", strength: 0.5 },
    actors: [],
    arguments: ["a", "b"].map((id) => ({ id, kind: "premise", side: "pro", text: id, sources: [{}], actors: [], strength: 0.5 })),
    edges: [
      { id: "e1", kind: "support", source: "a", target: "b" },
      { id: "e2", kind: "support", source: "b", target: "a" },
    ],
  };
  const layout = layoutMap(graph);
  assert.deepEqual(layout.nodes.map((n) => n.id).sort(), ["a", "b", PROPOSITION_ID]);
});

test("text wraps at word boundaries and is cut with an ellipsis", () => {
  assert.deepEqual(wrapText("our ferry leaves from the north pier at noon", 16, 3), [
    "our ferry leaves",
    "from the north",
    "pier at noon",
  ]);
  assert.deepEqual(wrapText("our ferry leaves from the north pier at noon today", 16, 2), [
    "our ferry leaves",
    "from the north…",
  ]);
  assert.deepEqual(wrapText("supercalifragilistic", 8, 2), ["superca…"]);
  assert.deepEqual(wrapText("  ", 8, 2), []);
});
