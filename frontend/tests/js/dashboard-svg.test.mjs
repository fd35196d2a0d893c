// The dashboard's bar chart as drawn: a value of 0.00 leaves a visible mark, n/a leaves none.
// svg.js draws through document.createElementNS, so this file gives it the smallest document
// that records what is drawn (each test file runs in its own process under node --test).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";

class FakeNode {
  constructor(tag) {
    this.tag = tag;
    this.attributes = {};
    this.children = [];
    this.textContent = "";
  }

  setAttribute(name, value) {
    this.attributes[name] = value;
  }

  append(...nodes) {
    this.children.push(...nodes);
  }

  *walk() {
    yield this;
    for (const child of this.children) yield* child.walk();
  }
}

let barChart;

before(async () => {
  globalThis.document = { createElementNS: (_ns, tag) => new FakeNode(tag) };
  ({ barChart } = await import("../../static/frontend/js/dashboard/svg.js"));
});

after(() => {
  delete globalThis.document;
});

function drawn(values) {
  const root = barChart([{ label: "Role", values }], { label: "alpha", series: ["alpha"] });
  const nodes = [...root.walk()];
  return {
    bars: nodes.filter((n) => n.tag === "rect" && n.attributes.class !== "zero-mark"),
    marks: nodes.filter((n) => n.attributes.class === "zero-mark"),
    values: nodes.filter((n) => n.attributes.class === "value").map((n) => n.textContent),
    na: nodes.filter((n) => n.attributes.class === "na").map((n) => n.textContent),
  };
}

test("an alpha of 0.00 draws a zero mark wider than the axis, with its value", () => {
  const { bars, marks, values, na } = drawn([0]);
  assert.equal(bars.length, 0);
  assert.equal(marks.length, 1);
  assert.ok(Number(marks[0].attributes.width) >= 3, "wider than the 1-unit axis line");
  assert.equal(marks[0].children[0].textContent, "Role, alpha: 0.00");
  assert.deepEqual(values, ["0.00"]);
  assert.deepEqual(na, []);
});

test("n/a draws neither a bar nor a mark, only the words", () => {
  const { bars, marks, values, na } = drawn([null]);
  assert.deepEqual([bars.length, marks.length, values], [0, 0, []]);
  assert.deepEqual(na, ["alpha: n/a"]);
});

test("a positive alpha is a bar, not a mark", () => {
  const { bars, marks, values } = drawn([0.42]);
  assert.deepEqual([bars.length, marks.length, values], [1, 0, ["0.42"]]);
  assert.ok(Number(bars[0].attributes.width) > 100);
});
