import assert from "node:assert/strict";
import { test } from "node:test";

import { createOffsetConverter } from "../offsets.js";
import { buildSegments, firstSegmentBySpan } from "../segments.js";
import { mulberry32 } from "./random.mjs";

test("overlapping and nested spans split the text into distinct segments", () => {
  const spans = [
    { id: "b", start: 4, end: 8, stance: "contra" },
    { id: "a", start: 2, end: 6, stance: "pro" },
    { id: "c", start: 4, end: 5, stance: "neutral" },
  ];
  assert.deepEqual(buildSegments("abcdefghij", spans), [
    { start: 0, end: 2, spanIds: [] },
    { start: 2, end: 4, spanIds: ["a"] },
    { start: 4, end: 5, spanIds: ["a", "b", "c"] },
    { start: 5, end: 6, spanIds: ["a", "b"] },
    { start: 6, end: 8, spanIds: ["b"] },
    { start: 8, end: 10, spanIds: [] },
  ]);
});

test("spanIds are outermost first: by start, then longer, then input order", () => {
  const spans = [
    { id: 3, start: 0, end: 3 },
    { id: 1, start: 0, end: 3 },
    { id: 2, start: 0, end: 10 },
    { id: 4, start: 1, end: 2 },
  ];
  assert.deepEqual(buildSegments("0123456789", spans), [
    { start: 0, end: 1, spanIds: [2, 3, 1] },
    { start: 1, end: 2, spanIds: [2, 3, 1, 4] },
    { start: 2, end: 3, spanIds: [2, 3, 1] },
    { start: 3, end: 10, spanIds: [2] },
  ]);
});

test("adjacent spans meet without a gap and spans may cover the whole text", () => {
  assert.deepEqual(
    buildSegments("abcdef", [
      { id: "x", start: 0, end: 3 },
      { id: "y", start: 3, end: 6 },
    ]),
    [
      { start: 0, end: 3, spanIds: ["x"] },
      { start: 3, end: 6, spanIds: ["y"] },
    ],
  );
});

test("empty spans cover nothing; no spans or no text give plain segments", () => {
  assert.deepEqual(buildSegments("abc", [{ id: 1, start: 1, end: 1 }]), [
    { start: 0, end: 3, spanIds: [] },
  ]);
  assert.deepEqual(buildSegments("abc", []), [{ start: 0, end: 3, spanIds: [] }]);
  assert.deepEqual(buildSegments("", []), []);
  assert.deepEqual(buildSegments("", [{ id: 1, start: 0, end: 0 }]), []);
});

test("invalid spans are refused, not drawn in the wrong place", () => {
  assert.throws(() => buildSegments("abc", [{ id: 1, start: 0, end: 4 }]), {
    name: "RangeError",
    message: "span 1 [0, 4) is outside 0..3",
  });
  assert.throws(() => buildSegments("abc", [{ id: 1, start: -1, end: 2 }]), RangeError);
  assert.throws(() => buildSegments("abc", [{ id: 1, start: 2, end: 1 }]), RangeError);
  assert.throws(() => buildSegments("abc", [{ id: 1, start: 0.5, end: 2 }]), TypeError);
  assert.throws(() => buildSegments("abc", [{ start: 0, end: 2 }]), TypeError);
  assert.throws(() => buildSegments("abc", [null]), TypeError);
  assert.throws(
    () =>
      buildSegments("abc", [
        { id: 7, start: 0, end: 1 },
        { id: 7, start: 1, end: 2 },
      ]),
    { message: "span id 7 appears twice" },
  );
  assert.throws(() => buildSegments(null, []), TypeError);
  assert.throws(() => buildSegments("abc", {}), TypeError);
});

test("spans stored in code points land on the right characters after emoji", () => {
  const text = "🔐 Keys: “café” and 👩‍💻 don’t 🇬🇧 mix.";
  // Code point ranges as the API stores them (computed with Python).
  const stored = [
    { id: "keys", start: 2, end: 6 },
    { id: "quote", start: 8, end: 14 },
    { id: "cafe", start: 9, end: 13 },
    { id: "dont", start: 23, end: 28 },
    { id: "tail", start: 26, end: 35 },
  ];
  const converter = createOffsetConverter(text);
  const spans = stored.map((s) => ({ id: s.id, ...converter.rangeToUtf16(s.start, s.end) }));
  const pieces = buildSegments(text, spans).map((s) => [text.slice(s.start, s.end), s.spanIds]);
  assert.deepEqual(pieces, [
    ["🔐 ", []],
    ["Keys", ["keys"]],
    [": ", []],
    ["“", ["quote"]],
    ["café", ["quote", "cafe"]],
    ["”", ["quote"]],
    [" and 👩‍💻 ", []],
    ["don", ["dont"]],
    ["’t", ["dont", "tail"]],
    [" 🇬🇧 mix", ["tail"]],
    [".", []],
  ]);
});

test("firstSegmentBySpan gives the first segment each span covers", () => {
  const segments = buildSegments("abcdefghij", [
    { id: "a", start: 2, end: 6 },
    { id: "b", start: 4, end: 8 },
  ]);
  assert.deepEqual(
    [...firstSegmentBySpan(segments)],
    [
      ["a", 1],
      ["b", 2],
    ],
  );
});

// Reference: decide every character on its own, then join equal neighbours.
function naiveSegments(length, spans) {
  const order = spans
    .map((span, index) => ({ ...span, index }))
    .filter((s) => s.start < s.end)
    .sort((a, b) => a.start - b.start || b.end - a.end || a.index - b.index);
  const segments = [];
  for (let i = 0; i < length; i++) {
    const ids = order.filter((s) => s.start <= i && i < s.end).map((s) => s.id);
    const last = segments.at(-1);
    if (last && last.spanIds.join() === ids.join()) last.end = i + 1;
    else segments.push({ start: i, end: i + 1, spanIds: ids });
  }
  return segments;
}

test("property: random spans give what a character-by-character reference gives", () => {
  const random = mulberry32(7);
  for (let round = 0; round < 400; round++) {
    const length = Math.floor(random() * 40);
    const spans = [];
    const count = Math.floor(random() * 12);
    for (let id = 0; id < count; id++) {
      const a = Math.floor(random() * (length + 1));
      const b = Math.floor(random() * (length + 1));
      spans.push({ id, start: Math.min(a, b), end: Math.max(a, b) });
    }
    const text = "x".repeat(length);
    assert.deepEqual(buildSegments(text, spans), naiveSegments(length, spans), JSON.stringify(spans));
  }
});

test("2,000 spans over 50,000 characters: every span covered exactly, nothing else", () => {
  const random = mulberry32(2000);
  const length = 50_000;
  const spans = [];
  for (let id = 0; id < 2000; id++) {
    const start = Math.floor(random() * (length - 400));
    spans.push({ id, start, end: start + 1 + Math.floor(random() * 400) });
  }
  const segments = buildSegments("y".repeat(length), spans);
  const covered = new Map();
  let position = 0;
  let previous = null;
  for (const segment of segments) {
    assert.equal(segment.start, position);
    assert.ok(segment.end > segment.start);
    assert.notEqual(segment.spanIds.join(), previous);
    previous = segment.spanIds.join();
    for (const id of segment.spanIds) {
      covered.set(id, (covered.get(id) ?? 0) + segment.end - segment.start);
    }
    position = segment.end;
  }
  assert.equal(position, length);
  for (const span of spans) assert.equal(covered.get(span.id), span.end - span.start);
});
