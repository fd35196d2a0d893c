// Time the pure part of opening the annotate page for a document with 2,000 spans:
// convert the API's code point offsets to UTF-16, then split the text into highlight segments.
//
//   node bench/segments_bench.mjs [spans] [characters] [runs]
//
// Prints the machine, then median / p95 / max per step over the runs (after warm-up runs).
// The budget is 300 ms until the page is ready in Chromium; this is the JS share of it.

import os from "node:os";
import { performance } from "node:perf_hooks";

import { createOffsetConverter } from "../frontend/static/frontend/js/offsets.js";
import { buildSegments } from "../frontend/static/frontend/js/segments.js";

const SPAN_COUNT = Number(process.argv[2] ?? 2000);
const LENGTH = Number(process.argv[3] ?? 50_000);
const RUNS = Number(process.argv[4] ?? 50);
const WARMUP = 10;

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// News-like text: words, curly quotes, accents, NBSP, and an emoji every ~40 words.
function makeText(random, length) {
  const words = ["encryption", "safety", "café", "“privacy”", "don’t", "children", "the", "of"];
  const astral = ["🔐", "📈", "🇬🇧", "👩‍💻"];
  let text = "";
  while (text.length < length) {
    const r = random();
    if (r < 0.025) text += astral[Math.floor(random() * astral.length)];
    else text += words[Math.floor(random() * words.length)];
    text += r > 0.97 ? ".\n\n" : random() < 0.05 ? "\u00a0" : " ";
  }
  return text.slice(0, length).replace(/[\ud800-\udbff]$/u, "x");
}

// Spans as the API returns them: code point offsets, mostly short, some nested in others.
function makeSpans(random, codePointLength, count) {
  const spans = [];
  for (let id = 0; id < count; id++) {
    const size = 5 + Math.floor(random() * (random() < 0.1 ? 600 : 120));
    const start = Math.floor(random() * Math.max(1, codePointLength - size));
    spans.push({ id, start, end: Math.min(codePointLength, start + size), stance: "pro" });
  }
  return spans;
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(2)} ms  p95 ${at(0.95).toFixed(2)} ms  max ${sorted.at(-1).toFixed(2)} ms`;
}

const random = mulberry32(8);
const text = makeText(random, LENGTH);
const codePointLength = createOffsetConverter(text).codePointLength;
const apiSpans = makeSpans(random, codePointLength, SPAN_COUNT);

const timings = { converter: [], convert: [], segments: [], total: [] };
let segmentCount = 0;
let maxDepth = 0;
for (let run = 0; run < WARMUP + RUNS; run++) {
  const t0 = performance.now();
  const converter = createOffsetConverter(text);
  const t1 = performance.now();
  const spans = apiSpans.map((s) => ({ id: s.id, ...converter.rangeToUtf16(s.start, s.end) }));
  const t2 = performance.now();
  const segments = buildSegments(text, spans);
  const t3 = performance.now();
  if (run >= WARMUP) {
    timings.converter.push(t1 - t0);
    timings.convert.push(t2 - t1);
    timings.segments.push(t3 - t2);
    timings.total.push(t3 - t0);
  }
  segmentCount = segments.length;
  maxDepth = segments.reduce((depth, s) => Math.max(depth, s.spanIds.length), 0);
}

console.log(`node ${process.version} on ${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} cores), ${os.platform()} ${os.arch()}`);
console.log(
  `text: ${text.length} UTF-16 units, ${codePointLength} code points, ` +
    `${text.length - codePointLength} astral characters; ${SPAN_COUNT} spans; ${RUNS} runs after ${WARMUP} warm-up`,
);
console.log(`segments: ${segmentCount}, deepest overlap: ${maxDepth}`);
console.log(`build converter        ${summary(timings.converter)}`);
console.log(`convert ${SPAN_COUNT} ranges    ${summary(timings.convert)}`);
console.log(`buildSegments          ${summary(timings.segments)}`);
console.log(`total                  ${summary(timings.total)}`);

// Worst case for the output size: every span nested in every other, so each of the 2k
// segments lists up to k ids. Cost follows the output (about k^2 ids), not the sort.
const nested = Array.from({ length: SPAN_COUNT }, (_, id) => ({
  id,
  start: id,
  end: text.length - id,
}));
const nestedTimes = [];
let nestedIds = 0;
for (let run = 0; run < WARMUP + RUNS; run++) {
  const t0 = performance.now();
  const segments = buildSegments(text, nested);
  if (run >= WARMUP) nestedTimes.push(performance.now() - t0);
  nestedIds = segments.reduce((sum, s) => sum + s.spanIds.length, 0);
}
console.log(`all ${SPAN_COUNT} nested (${nestedIds} ids out)  ${summary(nestedTimes)}`);
