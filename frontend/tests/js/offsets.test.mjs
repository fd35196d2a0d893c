import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  codePointLength,
  codePointRangeToUtf16,
  codePointSlice,
  codePointToUtf16,
  createOffsetConverter,
  isCodePointBoundary,
  OffsetConverter,
  utf16RangeToCodePoints,
  utf16ToCodePoint,
} from "../../static/frontend/js/offsets.js";
import { mulberry32, randomText } from "./random.mjs";

// Code point / UTF-16 positions below were computed independently with Python
// (len(s[:i]) against len(s[:i].encode("utf-16-le")) // 2).
//   "🔐" cp 4 = u16 [4, 6)    "café" cp [12, 16) = u16 [13, 17)    "📈" cp 18 = u16 [19, 21)
//   "🇬🇧" cp [21, 23) = u16 [23, 27)    "👩‍💻" cp [26, 29) = u16 [30, 35)
//   NBSP cp 29 = u16 35    "don’t" cp [30, 35) = u16 [36, 41)
const TEXT = "Tap 🔐 then “café” 📈, 🇬🇧 & 👩‍💻\u00a0don’t";

// [utf16, codePoint] at every code point boundary of TEXT.
const BOUNDARIES = [
  [0, 0],
  [4, 4],
  [6, 5],
  [13, 12],
  [17, 16],
  [19, 18],
  [21, 19],
  [23, 21],
  [25, 22],
  [27, 23],
  [30, 26],
  [32, 27],
  [33, 28],
  [35, 29],
  [36, 30],
  [41, 35],
];

// Both the one-off functions and the precomputed converter must give the same answers.
const implementations = [
  {
    name: "functions",
    toCodePoint: (text, offset, options) => utf16ToCodePoint(text, offset, options),
    toUtf16: (text, offset) => codePointToUtf16(text, offset),
    rangeToCodePoints: (text, start, end) => utf16RangeToCodePoints(text, start, end),
    rangeToUtf16: (text, start, end) => codePointRangeToUtf16(text, start, end),
  },
  {
    name: "OffsetConverter",
    toCodePoint: (text, offset, options) => createOffsetConverter(text).toCodePoint(offset, options),
    toUtf16: (text, offset) => createOffsetConverter(text).toUtf16(offset),
    rangeToCodePoints: (text, start, end) =>
      createOffsetConverter(text).rangeToCodePoints(start, end),
    rangeToUtf16: (text, start, end) => createOffsetConverter(text).rangeToUtf16(start, end),
  },
];

test("the sample text has the lengths Python gives it", () => {
  assert.equal(TEXT.length, 41);
  assert.equal(codePointLength(TEXT), 35);
  assert.equal(createOffsetConverter(TEXT).codePointLength, 35);
  assert.equal(createOffsetConverter(TEXT).utf16Length, 41);
});

test("codePointLength counts pairs once and lone surrogates once", () => {
  assert.equal(codePointLength(""), 0);
  assert.equal(codePointLength("abc"), 3);
  assert.equal(codePointLength("café\u00a0“x”"), 8);
  assert.equal(codePointLength("🇬🇧"), 2);
  assert.equal(codePointLength("👩‍💻"), 3);
  assert.equal(codePointLength("\ud83d"), 1);
  assert.equal(codePointLength("a\udc10b"), 3);
  assert.equal(codePointLength("\ud83d\ud83d\ude00"), 2);
  assert.equal(codePointLength("\ude00\ud83d"), 2);
});

for (const impl of implementations) {
  describe(`conversions (${impl.name})`, () => {
    test("every code point boundary converts both ways", () => {
      for (const [utf16, codePoint] of BOUNDARIES) {
        assert.equal(impl.toCodePoint(TEXT, utf16), codePoint, `utf16 ${utf16}`);
        assert.equal(impl.toUtf16(TEXT, codePoint), utf16, `code point ${codePoint}`);
      }
      // Between the listed boundaries every character is one unit wide.
      assert.equal(impl.toCodePoint(TEXT, 10), 9);
      assert.equal(impl.toUtf16(TEXT, 9), 10);
    });

    test("an offset inside a surrogate pair throws unless told which way to snap", () => {
      for (const [inside, before, after] of [
        [5, 4, 5], // 🔐
        [20, 18, 19], // 📈
        [24, 21, 22], // first regional indicator of 🇬🇧
        [26, 22, 23], // second regional indicator
        [31, 26, 27], // 👩 of 👩‍💻
        [34, 28, 29], // 💻 of 👩‍💻
      ]) {
        assert.throws(() => impl.toCodePoint(TEXT, inside), {
          name: "RangeError",
          message: `UTF-16 offset ${inside} falls inside a surrogate pair`,
        });
        assert.equal(impl.toCodePoint(TEXT, inside, { snap: "before" }), before);
        assert.equal(impl.toCodePoint(TEXT, inside, { snap: "after" }), after);
      }
    });

    test("snap has no effect on an offset that is already a boundary", () => {
      assert.equal(impl.toCodePoint(TEXT, 6, { snap: "before" }), 5);
      assert.equal(impl.toCodePoint(TEXT, 6, { snap: "after" }), 5);
    });

    test("ranges snap outward over a cut pair and convert back exactly", () => {
      assert.deepEqual(impl.rangeToCodePoints(TEXT, 5, 24), { start: 4, end: 22 });
      assert.deepEqual(impl.rangeToCodePoints(TEXT, 36, 41), { start: 30, end: 35 });
      assert.deepEqual(impl.rangeToUtf16(TEXT, 12, 16), { start: 13, end: 17 });
      assert.deepEqual(impl.rangeToUtf16(TEXT, 26, 29), { start: 30, end: 35 });
      assert.throws(() => impl.rangeToCodePoints(TEXT, 6, 4), RangeError);
      assert.throws(() => impl.rangeToUtf16(TEXT, 6, 4), RangeError);
    });

    test("offsets outside the text are refused", () => {
      assert.throws(() => impl.toCodePoint(TEXT, -1), RangeError);
      assert.throws(() => impl.toCodePoint(TEXT, 42), RangeError);
      assert.throws(() => impl.toCodePoint(TEXT, 1.5), TypeError);
      assert.throws(() => impl.toCodePoint(TEXT, 3, { snap: "left" }), TypeError);
      assert.throws(() => impl.toUtf16(TEXT, -1), RangeError);
      assert.throws(() => impl.toUtf16(TEXT, 36), RangeError);
      assert.throws(() => impl.toUtf16(TEXT, "3"), TypeError);
      assert.equal(impl.toUtf16("", 0), 0);
      assert.equal(impl.toCodePoint("", 0), 0);
    });

    test("lone surrogates count as one code point each", () => {
      const text = "a\ud83db\ude00c\ud83d\ude00";
      assert.equal(impl.toCodePoint(text, 5), 5);
      assert.equal(impl.toCodePoint(text, 7), 6);
      assert.equal(impl.toUtf16(text, 6), 7);
      assert.throws(() => impl.toCodePoint(text, 6), RangeError);
    });
  });
}

test("isCodePointBoundary is false inside pairs and outside the text", () => {
  const inside = new Set([5, 20, 24, 26, 31, 34]);
  for (let offset = 0; offset <= TEXT.length; offset++) {
    assert.equal(isCodePointBoundary(TEXT, offset), !inside.has(offset), `offset ${offset}`);
  }
  assert.equal(isCodePointBoundary(TEXT, -1), false);
  assert.equal(isCodePointBoundary(TEXT, 42), false);
  assert.equal(isCodePointBoundary(TEXT, 0.5), false);
});

test("OffsetConverter knows whether a text has astral characters", () => {
  assert.equal(new OffsetConverter("café “quoted”\u00a0text").hasAstral, false);
  assert.equal(new OffsetConverter(TEXT).hasAstral, true);
  assert.throws(() => new OffsetConverter(null), TypeError);
});

test("accents, curly quotes and NBSP never shift an offset", () => {
  const text = "é “x” ‘y’ don’t\u00a0z\u202f–—…";
  const converter = createOffsetConverter(text);
  for (let offset = 0; offset <= text.length; offset++) {
    assert.equal(utf16ToCodePoint(text, offset), offset);
    assert.equal(converter.toCodePoint(offset), offset);
    assert.equal(converter.toUtf16(offset), offset);
  }
});

test("a phrase after emoji keeps its quote through the round trip", () => {
  // What the annotate page does: browser range -> API code points -> quote the server checks.
  const start = TEXT.indexOf("don’t");
  const end = start + "don’t".length;
  const api = utf16RangeToCodePoints(TEXT, start, end);
  assert.deepEqual(api, { start: 30, end: 35 });
  assert.equal(codePointSlice(TEXT, api.start, api.end), "don’t");
  assert.deepEqual(codePointRangeToUtf16(TEXT, api.start, api.end), { start, end });
});

test("codePointSlice follows Array.prototype.slice", () => {
  assert.equal(codePointSlice(TEXT, 12, 16), "café");
  assert.equal(codePointSlice(TEXT, 4, 5), "🔐");
  assert.equal(codePointSlice(TEXT, 21, 22), "🇬");
  assert.equal(codePointSlice(TEXT, 26, 29), "👩‍💻");
  assert.equal(codePointSlice(TEXT, 29, 30), "\u00a0");
  assert.equal(codePointSlice(TEXT, -5), "don’t");
  assert.equal(codePointSlice(TEXT, -6, -5), "\u00a0");
  assert.equal(codePointSlice(TEXT, 30, 100), "don’t");
  assert.equal(codePointSlice(TEXT, 10, 5), "");
  assert.equal(codePointSlice(TEXT), TEXT);
  assert.equal(codePointSlice("", 0, 3), "");
});

test("property: random texts round-trip at every boundary and slice like Array.from", () => {
  const random = mulberry32(20240611);
  let checkedBoundaries = 0;
  for (let round = 0; round < 300; round++) {
    const text = randomText(random, Math.floor(random() * 60));
    const points = Array.from(text);
    const converter = createOffsetConverter(text);
    assert.equal(codePointLength(text), points.length);
    assert.equal(converter.codePointLength, points.length);

    let utf16 = 0;
    for (let codePoint = 0; codePoint <= points.length; codePoint++) {
      assert.equal(codePointToUtf16(text, codePoint), utf16);
      assert.equal(converter.toUtf16(codePoint), utf16);
      assert.equal(utf16ToCodePoint(text, utf16), codePoint);
      assert.equal(converter.toCodePoint(utf16), codePoint);
      assert.equal(isCodePointBoundary(text, utf16), true);
      checkedBoundaries++;
      if (codePoint < points.length) {
        const width = points[codePoint].length;
        if (width === 2) {
          // The offset between the halves: refused, or snapped to either side.
          assert.throws(() => converter.toCodePoint(utf16 + 1), RangeError);
          assert.throws(() => utf16ToCodePoint(text, utf16 + 1), RangeError);
          assert.equal(converter.toCodePoint(utf16 + 1, { snap: "before" }), codePoint);
          assert.equal(converter.toCodePoint(utf16 + 1, { snap: "after" }), codePoint + 1);
          assert.equal(utf16ToCodePoint(text, utf16 + 1, { snap: "after" }), codePoint + 1);
        }
        utf16 += width;
      }
    }
    assert.equal(utf16, text.length);

    for (let k = 0; k < 8; k++) {
      const start = Math.floor(random() * (points.length + 6)) - 3;
      const end = Math.floor(random() * (points.length + 6)) - 3;
      const expected = points.slice(start, end).join("");
      assert.equal(codePointSlice(text, start, end), expected, `${JSON.stringify(text)} ${start} ${end}`);
      assert.equal(converter.slice(start, end), expected);
    }
  }
  assert.ok(checkedBoundaries > 5000, `only ${checkedBoundaries} boundaries were checked`);
});
