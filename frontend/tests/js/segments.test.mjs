import assert from "node:assert/strict";
import { test } from "node:test";

import { createOffsetConverter } from "../../static/frontend/js/offsets.js";
import { buildSegments, firstSegmentBySpan, segmentsByBlock, textBlocks } from "../../static/frontend/js/segments.js";
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

test("textBlocks cuts after the first line break at or past each size, never inside a line", () => {
  const text = "one\ntwo three\nfour\n\nfive";
  //            0123 4567890123 45678 9 0123
  assert.deepEqual(textBlocks(text, 4), [
    { start: 0, end: 4 }, // "one\n": the break at 3 is at or past 4 - 1 characters in
    { start: 4, end: 14 }, // "two three\n": no break within the first 4
    { start: 14, end: 19 }, // "four\n"
    { start: 19, end: 24 }, // "\nfive": the text ends it
  ]);
  assert.deepEqual(textBlocks("no line break at all", 5), [{ start: 0, end: 20 }]);
  assert.deepEqual(textBlocks("", 5), []);
  assert.deepEqual(textBlocks("ends with one\n", 5), [{ start: 0, end: 14 }]);
  assert.throws(() => textBlocks("x", 0), RangeError);
  assert.throws(() => textBlocks(null), TypeError);
});

test("textBlocks covers the text exactly, each block but the last ending in a line break", () => {
  const random = mulberry32(15);
  for (let round = 0; round < 200; round++) {
    const length = Math.floor(random() * 300);
    let text = "";
    for (let i = 0; i < length; i++) text += random() < 0.05 ? "\n" : "w";
    const size = 1 + Math.floor(random() * 60);
    const blocks = textBlocks(text, size);
    let position = 0;
    blocks.forEach((block, index) => {
      assert.equal(block.start, position);
      assert.ok(block.end > block.start);
      const inside = text.slice(block.start, block.end);
      if (index < blocks.length - 1) {
        assert.equal(inside.at(-1), "\n");
        // the first line break at or past size - 1 characters in ends the block
        assert.equal(inside.indexOf("\n", size - 1), inside.length - 1);
      }
      position = block.end;
    });
    assert.equal(position, text.length);
  }
});

test("segmentsByBlock cuts a segment crossing a block's end, both parts keeping its spans", () => {
  const text = "ab\ncd\nef";
  const segments = buildSegments(text, [
    { id: "long", start: 1, end: 7 },
    { id: "inner", start: 3, end: 4 },
  ]);
  const blocks = textBlocks(text, 1); // "ab\n", "cd\n", "ef"
  assert.deepEqual(segmentsByBlock(segments, blocks), [
    [
      { start: 0, end: 1, spanIds: [] },
      { start: 1, end: 3, spanIds: ["long"] },
    ],
    [
      { start: 3, end: 4, spanIds: ["long", "inner"] },
      { start: 4, end: 6, spanIds: ["long"] },
    ],
    [
      { start: 6, end: 7, spanIds: ["long"] },
      { start: 7, end: 8, spanIds: [] },
    ],
  ]);
});

test("segmentsByBlock keeps every offset once and every segment inside its block", () => {
  const random = mulberry32(33);
  for (let round = 0; round < 200; round++) {
    const length = 1 + Math.floor(random() * 200);
    let text = "";
    for (let i = 0; i < length; i++) text += random() < 0.08 ? "\n" : "w";
    const spans = [];
    for (let id = 0; id < Math.floor(random() * 10); id++) {
      const a = Math.floor(random() * (length + 1));
      const b = Math.floor(random() * (length + 1));
      spans.push({ id, start: Math.min(a, b), end: Math.max(a, b) });
    }
    const segments = buildSegments(text, spans);
    const blocks = textBlocks(text, 1 + Math.floor(random() * 30));
    const grouped = segmentsByBlock(segments, blocks);
    assert.equal(grouped.length, blocks.length);
    let position = 0;
    grouped.forEach((inBlock, index) => {
      for (const segment of inBlock) {
        assert.equal(segment.start, position);
        assert.ok(segment.start >= blocks[index].start && segment.end <= blocks[index].end);
        const whole = segments.find((s) => s.start <= segment.start && segment.end <= s.end);
        assert.deepEqual(segment.spanIds, whole.spanIds);
        position = segment.end;
      }
    });
    assert.equal(position, length);
  }
});
