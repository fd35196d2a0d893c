// Convert between the two ways of counting a position in a text.
//
// The browser (String indexes, Selection, Range, text nodes) counts UTF-16 code units; the API
// stores Unicode code points, as Python's str does. They differ only by astral characters
// (U+10000 and above: emoji such as 🔐, flags, the parts of ZWJ sequences), which take two
// UTF-16 units (a surrogate pair) but one code point. Accents (é, NFC), curly quotes and
// NBSP are single units in both counts.
//
// Surrogate pairs: a UTF-16 offset that falls between the two halves of a pair names no
// code point. Converting one is a bug in the caller, so the single-offset functions throw a
// RangeError unless the caller says which way to snap ({snap: "before"} or {snap: "after"}).
// The range functions snap outward (start before the pair, end after it), so a range never
// loses half a character and never grows by more than the character it cut.
//
// A lone surrogate (one not part of a well-formed pair) counts as one code point, as it does
// for Array.from(text) and for Python.
//
// Pure functions, no DOM: imported by the annotate page and by node --test.

const HIGH_MIN = 0xd800;
const HIGH_MAX = 0xdbff;
const LOW_MIN = 0xdc00;
const LOW_MAX = 0xdfff;

/** Return true if the UTF-16 unit is a high (leading) surrogate. */
export function isHighSurrogate(unit) {
  return unit >= HIGH_MIN && unit <= HIGH_MAX;
}

/** Return true if the UTF-16 unit is a low (trailing) surrogate. */
export function isLowSurrogate(unit) {
  return unit >= LOW_MIN && unit <= LOW_MAX;
}

function checkText(text) {
  if (typeof text !== "string") {
    throw new TypeError(`text must be a string, got ${typeof text}`);
  }
}

function checkOffset(name, offset, max) {
  if (!Number.isInteger(offset)) {
    throw new TypeError(`${name} must be an integer, got ${String(offset)}`);
  }
  if (offset < 0 || offset > max) {
    throw new RangeError(`${name} ${offset} is outside 0..${max}`);
  }
}

function checkSnap(snap) {
  if (snap !== undefined && snap !== "before" && snap !== "after") {
    throw new TypeError(`snap must be "before", "after" or undefined, got ${String(snap)}`);
  }
}

/**
 * Return true if a UTF-16 offset lies between two code points (not inside a surrogate pair).
 * Offsets outside 0..text.length are not boundaries.
 */
export function isCodePointBoundary(text, utf16Offset) {
  checkText(text);
  if (!Number.isInteger(utf16Offset) || utf16Offset < 0 || utf16Offset > text.length) {
    return false;
  }
  return !splitsPair(text, utf16Offset);
}

function splitsPair(text, offset) {
  return (
    offset > 0 &&
    offset < text.length &&
    isLowSurrogate(text.charCodeAt(offset)) &&
    isHighSurrogate(text.charCodeAt(offset - 1))
  );
}

/** Return the number of code points in text (what Python's len() returns). */
export function codePointLength(text) {
  checkText(text);
  let pairs = 0;
  for (let i = 1; i < text.length; i++) {
    if (isLowSurrogate(text.charCodeAt(i)) && isHighSurrogate(text.charCodeAt(i - 1))) {
      pairs++;
      i++; // a low surrogate cannot start another pair
    }
  }
  return text.length - pairs;
}

/**
 * Convert a UTF-16 offset into text to a code point offset.
 *
 * Throws RangeError if the offset is outside 0..text.length, or if it splits a surrogate
 * pair and no snap is given; with {snap: "before"} such an offset maps to the code point
 * before the pair's character, with {snap: "after"} to the one after it.
 */
export function utf16ToCodePoint(text, utf16Offset, { snap } = {}) {
  checkText(text);
  checkOffset("UTF-16 offset", utf16Offset, text.length);
  checkSnap(snap);
  let pairs = 0;
  for (let i = 1; i < utf16Offset; i++) {
    if (isLowSurrogate(text.charCodeAt(i)) && isHighSurrogate(text.charCodeAt(i - 1))) {
      pairs++;
      i++;
    }
  }
  // The loop counted pairs that end before utf16Offset, so the pair that utf16Offset cuts
  // through (if any) is not counted yet.
  if (splitsPair(text, utf16Offset)) {
    return snapInsidePair(utf16Offset, utf16Offset - pairs, snap);
  }
  return utf16Offset - pairs;
}

function snapInsidePair(utf16Offset, codePointAfterHigh, snap) {
  // codePointAfterHigh counts the pair's character as if it were complete at utf16Offset.
  if (snap === "before") return codePointAfterHigh - 1;
  if (snap === "after") return codePointAfterHigh;
  throw new RangeError(`UTF-16 offset ${utf16Offset} falls inside a surrogate pair`);
}

/**
 * Convert a code point offset into text to a UTF-16 offset.
 *
 * Throws RangeError if the offset is outside 0..codePointLength(text). The result is always
 * a code point boundary.
 */
export function codePointToUtf16(text, codePointOffset) {
  checkText(text);
  if (!Number.isInteger(codePointOffset)) {
    throw new TypeError(`code point offset must be an integer, got ${String(codePointOffset)}`);
  }
  if (codePointOffset < 0) {
    throw new RangeError(`code point offset ${codePointOffset} is negative`);
  }
  let unit = 0;
  for (let seen = 0; seen < codePointOffset; seen++) {
    if (unit >= text.length) {
      throw new RangeError(
        `code point offset ${codePointOffset} is outside 0..${codePointLength(text)}`,
      );
    }
    unit += pairAt(text, unit) ? 2 : 1;
  }
  return unit;
}

function pairAt(text, unit) {
  return (
    isHighSurrogate(text.charCodeAt(unit)) &&
    unit + 1 < text.length &&
    isLowSurrogate(text.charCodeAt(unit + 1))
  );
}

/** Convert a UTF-16 range to code points, snapping a cut surrogate pair outward. */
export function utf16RangeToCodePoints(text, start, end) {
  checkRangeOrder(start, end);
  return {
    start: utf16ToCodePoint(text, start, { snap: "before" }),
    end: utf16ToCodePoint(text, end, { snap: "after" }),
  };
}

/** Convert a code point range to UTF-16 offsets. */
export function codePointRangeToUtf16(text, start, end) {
  checkRangeOrder(start, end);
  return { start: codePointToUtf16(text, start), end: codePointToUtf16(text, end) };
}

function checkRangeOrder(start, end) {
  if (Number.isInteger(start) && Number.isInteger(end) && start > end) {
    throw new RangeError(`range start ${start} is after its end ${end}`);
  }
}

/**
 * Return the code points [start, end) of text as a string, with the semantics of
 * Array.from(text).slice(start, end).join("") (and of Python's text[start:end]): negative
 * indexes count from the end, out-of-range indexes are clamped, end defaults to the length.
 */
export function codePointSlice(text, start = 0, end = undefined) {
  return createOffsetConverter(text).slice(start, end);
}

/**
 * Precomputed conversions for one text: O(n) once, then O(log a) per offset, where a is the
 * number of astral characters (O(1) when there are none). Use it when converting many offsets
 * of the same text, such as every span of a document.
 */
export class OffsetConverter {
  constructor(text) {
    checkText(text);
    this.text = text;
    // UTF-16 index of each well-formed pair's high surrogate, ascending.
    const pairUnits = [];
    for (let i = 0; i + 1 < text.length; i++) {
      if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
        pairUnits.push(i);
        i++;
      }
    }
    this.pairUnits = Int32Array.from(pairUnits);
    // Code point index of the same characters: each earlier pair shrinks the count by one.
    this.pairCodePoints = Int32Array.from(pairUnits, (unit, k) => unit - k);
    this.utf16Length = text.length;
    this.codePointLength = text.length - pairUnits.length;
  }

  /** Return true if the text holds any astral character (the two counts differ). */
  get hasAstral() {
    return this.pairUnits.length > 0;
  }

  /** Convert a UTF-16 offset to a code point offset (see utf16ToCodePoint for snap). */
  toCodePoint(utf16Offset, { snap } = {}) {
    checkOffset("UTF-16 offset", utf16Offset, this.utf16Length);
    checkSnap(snap);
    if (this.pairUnits.length === 0) return utf16Offset;
    const before = countBelow(this.pairUnits, utf16Offset);
    if (before > 0 && this.pairUnits[before - 1] === utf16Offset - 1) {
      // utf16Offset sits between the halves of pair (before - 1).
      return snapInsidePair(utf16Offset, utf16Offset - (before - 1), snap);
    }
    return utf16Offset - before;
  }

  /** Convert a code point offset to a UTF-16 offset. */
  toUtf16(codePointOffset) {
    checkOffset("code point offset", codePointOffset, this.codePointLength);
    if (this.pairCodePoints.length === 0) return codePointOffset;
    return codePointOffset + countBelow(this.pairCodePoints, codePointOffset);
  }

  /** Convert a UTF-16 range to code points, snapping a cut surrogate pair outward. */
  rangeToCodePoints(start, end) {
    checkRangeOrder(start, end);
    return {
      start: this.toCodePoint(start, { snap: "before" }),
      end: this.toCodePoint(end, { snap: "after" }),
    };
  }

  /** Convert a code point range to UTF-16 offsets. */
  rangeToUtf16(start, end) {
    checkRangeOrder(start, end);
    return { start: this.toUtf16(start), end: this.toUtf16(end) };
  }

  /** Return the code points [start, end) as a string (Array.prototype.slice semantics). */
  slice(start = 0, end = undefined) {
    const length = this.codePointLength;
    const from = clampSliceIndex(start, length, 0);
    const to = clampSliceIndex(end, length, length);
    if (to <= from) return "";
    return this.text.slice(this.toUtf16(from), this.toUtf16(to));
  }
}

/** Return an OffsetConverter for text. */
export function createOffsetConverter(text) {
  return new OffsetConverter(text);
}

// Array.prototype.slice's index rules: ToIntegerOrInfinity, negative from the end, clamped.
function clampSliceIndex(index, length, fallback) {
  if (index === undefined) return fallback;
  let n = Math.trunc(Number(index));
  if (Number.isNaN(n)) n = 0;
  if (n < 0) return Math.max(length + n, 0);
  return Math.min(n, length);
}

// Number of entries of the ascending array that are < value.
function countBelow(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
