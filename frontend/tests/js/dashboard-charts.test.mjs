import assert from "node:assert/strict";
import { test } from "node:test";

import {
  MIN_BAR_WIDTH,
  agreementDomain,
  barRows,
  formatFigure,
  heat,
  linearScale,
  mapAgreementRows,
  pairMatrix,
  stackSegments,
  stanceAccord,
} from "../../static/frontend/js/dashboard-charts.js";

test("a scale maps and clamps", () => {
  const scale = linearScale([0, 1], [100, 500]);
  assert.equal(scale(0.5), 300);
  assert.equal(scale(2), 500);
  assert.equal(scale(-1), 100);
  assert.throws(() => linearScale([1, 1], [0, 1]), RangeError);
});

test("the agreement domain reaches below zero only for negative alphas", () => {
  assert.deepEqual(agreementDomain([0.2, null, 0.9]), [0, 1]);
  assert.deepEqual(agreementDomain([-0.05, 0.4]), [-0.1, 1]);
  assert.deepEqual(agreementDomain([]), [0, 1]);
});

test("bars start at zero, negative ones grow left, undefined ones have no width", () => {
  const layout = barRows(
    [
      { label: "a", values: [0.5, null] },
      { label: "b", values: [-0.5, 1] },
    ],
    { domain: [-1, 1], plotLeft: 0, plotRight: 200, barHeight: 10, barGap: 2, rowGap: 6, top: 0 },
  );
  assert.equal(layout.zero, 100);
  const [a, b] = layout.rows;
  assert.deepEqual(a.bars[0], {
    series: 0,
    kind: "bar",
    x: 100,
    width: 50,
    y: 0,
    height: 10,
    value: 0.5,
  });
  assert.equal(a.bars[1].width, 0);
  assert.equal(a.bars[1].value, null);
  assert.equal(a.bars[1].kind, "na");
  assert.deepEqual([b.bars[0].x, b.bars[0].width], [50, 50]);
  assert.equal(b.y, 28);
  assert.equal(layout.height, 50);
});

test("a value of 0 is a zero mark, an undefined one is n/a, and neither is a bar", () => {
  const layout = barRows([{ label: "role", values: [0, null, 0.004, -0.004, 0.01, -0.5] }], {
    domain: [-1, 1],
    plotLeft: 0,
    plotRight: 400,
  });
  const bars = layout.rows[0].bars;
  // 0.004 and -0.004 show as "0.00" and are under MIN_BAR_WIDTH wide: marks, like 0 itself.
  assert.deepEqual(
    bars.map((bar) => [bar.kind, bar.value]),
    [
      ["zero", 0],
      ["na", null],
      ["zero", 0.004],
      ["zero", -0.004],
      ["bar", 0.01],
      ["bar", -0.5],
    ],
  );
  assert.ok(bars[2].width < MIN_BAR_WIDTH && bars[4].width >= MIN_BAR_WIDTH);
  assert.equal(bars[0].x, layout.zero);
});

test("stacked segments fill the width exactly and skip empty keys", () => {
  const segments = stackSegments({ a: 1, b: 0, c: 2 }, ["a", "b", "c"], 100);
  assert.deepEqual(
    segments.map((s) => [s.key, s.count]),
    [
      ["a", 1],
      ["c", 2],
    ],
  );
  assert.equal(segments[0].width + segments[1].width, 100);
  assert.deepEqual(stackSegments({ a: 0 }, ["a"], 100), []);
});

test("heat and stance accord from a confusion matrix", () => {
  assert.deepEqual(heat([[2, 1], [0, 4]]), [[0.5, 0.25], [0, 1]]);
  assert.deepEqual(heat([[0]]), [[0]]);
  const matrix = { labels: ["contra", "pro", null], counts: [[3, 1, 2], [0, 4, 0], [1, 0, 0]] };
  // 7 of the 8 units both marked have the same stance; "not marked" rows/columns are left out.
  assert.equal(stanceAccord(matrix), 7 / 8);
  assert.equal(stanceAccord({ labels: [null], counts: [[0]] }), null);
});

test("figures have two decimals, undefined ones are n/a", () => {
  assert.equal(formatFigure(0.3), "0.30");
  assert.equal(formatFigure(-1 / 9), "-0.11");
  assert.equal(formatFigure(null), "n/a");
  assert.equal(formatFigure(undefined), "n/a");
});

test("the pair matrix is symmetric, empty on the diagonal and for pairs without documents", () => {
  const pairs = [
    {
      annotators: ["a", "b"],
      alphas: [
        { attribute: "stance", alpha: 4 / 9, units: 3 },
        { attribute: "relation", alpha: null, units: 0 },
      ],
    },
    { annotators: ["b", "c"], alphas: [{ attribute: "stance", alpha: 1 / 11, units: 3 }] },
  ];
  const matrix = pairMatrix(["a", "b", "c"], pairs, "stance");
  assert.deepEqual(matrix, [
    [null, { attribute: "stance", alpha: 4 / 9, units: 3 }, null],
    [{ attribute: "stance", alpha: 4 / 9, units: 3 }, null, { attribute: "stance", alpha: 1 / 11, units: 3 }],
    [null, { attribute: "stance", alpha: 1 / 11, units: 3 }, null],
  ]);
  assert.deepEqual(pairMatrix(["a", "b"], pairs, "relation")[0][1], {
    attribute: "relation",
    alpha: null,
    units: 0,
  });
});

test("map comparison rows name the majority and keep a failed layer's error", () => {
  const counts = { matched: 2, layer: 3, gold: 4, precision: 2 / 3, recall: 0.5, f1: 4 / 7 };
  const rows = mapAgreementRows({
    layers: [
      { layer: "a2", majority: false, documents: 2, arguments: counts, edges: counts, error: "" },
      { layer: "a3", majority: false, documents: 1, arguments: null, edges: null, error: "bad" },
      { layer: "majority", majority: true, documents: 2, arguments: counts, edges: counts, error: "" },
    ],
  });
  assert.deepEqual(rows[0].arguments, {
    counts: "2 of 3 / 4",
    precision: "0.67",
    recall: "0.50",
    f1: "0.57",
  });
  assert.deepEqual([rows[1].arguments, rows[1].error], [null, "bad"]);
  assert.deepEqual([rows[2].label, rows[2].majority], ["Majority vote (preview)", true]);
});
