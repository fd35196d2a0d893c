import assert from "node:assert/strict";
import { test } from "node:test";

import {
  agreedUndecided,
  agreementOf,
  contextParts,
  formatFigure,
  laneBackground,
  layerColor,
  LAYER_COLORS,
  matchesFilter,
  stepKey,
} from "../../static/frontend/js/review-units.js";

const unit = (extra) => ({
  origin: "aligned",
  agreed: false,
  missing: [],
  differing: [],
  spans: [],
  state: "undecided",
  ...extra,
});

test("a version is shown in its unit's context with its own boundaries marked", () => {
  assert.deepEqual(contextParts(10, 30, 15, 25), [
    { start: 10, end: 15, inside: false },
    { start: 15, end: 25, inside: true },
    { start: 25, end: 30, inside: false },
  ]);
  assert.deepEqual(contextParts(10, 30, 10, 30), [{ start: 10, end: 30, inside: true }]);
  // A span reaching past the unit (a gold edit) is clamped to it, never an empty part.
  assert.deepEqual(contextParts(10, 30, 5, 12), [
    { start: 10, end: 12, inside: true },
    { start: 12, end: 30, inside: false },
  ]);
});

test("lanes stack in layer order from the bottom and reserve room for every annotator", () => {
  const style = laneBackground([1, 0], { lanesTotal: 3 });
  assert.equal(style.backgroundImage.split("linear-gradient").length - 1, 2);
  assert.equal(style.backgroundPosition, "left 0 bottom 0px, left 0 bottom 4px");
  assert.equal(style.paddingBottom, "12px");
  const gold = laneBackground([], { gold: true, lanesTotal: 2 });
  assert.equal(gold.backgroundSize, "100% calc(100% - 8px)");
  assert.equal(layerColor(LAYER_COLORS.length), LAYER_COLORS[0]);
});

test("units are described by how the annotators relate on them", () => {
  assert.deepEqual(agreementOf(unit({ agreed: true })), { kind: "agreed", text: "All agree" });
  assert.deepEqual(agreementOf(unit({ differing: ["boundaries", "stance"] })), {
    kind: "differs",
    text: "Differ: boundaries, stance",
  });
  assert.deepEqual(agreementOf(unit({ missing: ["b"], spans: [{ layer: "a" }] })), {
    kind: "partial",
    text: "Only a",
  });
  assert.deepEqual(
    agreementOf(unit({ missing: ["c"], spans: [{ layer: "a" }, { layer: "b" }], differing: ["role"] })),
    { kind: "partial", text: "Not c · differ: role" },
  );
  assert.equal(agreementOf(unit({ origin: "gold" })).kind, "gold");
});

test("filters and the accept-all set pick the right units", () => {
  const units = [
    unit({ agreed: true }),
    unit({ agreed: true, state: "accepted" }),
    unit({ differing: ["role"] }),
    unit({ origin: "gold", state: "added" }),
  ];
  assert.deepEqual(agreedUndecided(units), [units[0]]);
  assert.deepEqual(units.filter((u) => matchesFilter(u, "differ")), [units[2]]);
  assert.deepEqual(units.filter((u) => matchesFilter(u, "undecided")), [units[0], units[2]]);
  assert.equal(units.filter((u) => matchesFilter(u, "all")).length, 4);
});

test("figures and keyboard steps", () => {
  assert.equal(formatFigure(null), "n/a");
  assert.equal(formatFigure(-0.0526), "-0.05");
  assert.equal(stepKey(["a", "b", "c"], "b", 1), "c");
  assert.equal(stepKey(["a", "b", "c"], "c", 1), "c");
  assert.equal(stepKey(["a", "b", "c"], null, -1), "c");
  assert.equal(stepKey([], null, 1), null);
});
