// Shape a raw text selection into the span an annotator meant.
//
// All offsets are UTF-16 (what Selection/Range and String indexes use), half-open [start, end).
// The functions return new {start, end} objects; when they move a boundary they never leave it
// inside a surrogate pair, a ZWJ emoji sequence or a flag.
//
// Pure functions, no DOM: imported by the annotate page and by node --test.

// \s covers NBSP, the other Unicode spaces, line and paragraph separators and BOM; the zero
// width space is added because it shows as nothing and would make an invisible span edge.
const SPACE = /[\s\u200b]/u;

function checkRange(text, start, end) {
  if (typeof text !== "string") throw new TypeError("text must be a string");
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    throw new TypeError(`start and end must be integers, got ${start}, ${end}`);
  }
  if (start < 0 || end > text.length || start > end) {
    throw new RangeError(`[${start}, ${end}) is not a range of a text of length ${text.length}`);
  }
}

/**
 * Return the range without surrounding whitespace (spaces, NBSP, tabs, newlines, zero width
 * space). A range of whitespace only collapses to {start: end, end} at its end.
 */
export function trimSelection(text, start, end) {
  checkRange(text, start, end);
  let from = start;
  let to = end;
  while (from < to && SPACE.test(text[from])) from++;
  while (to > from && SPACE.test(text[to - 1])) to--;
  if (from === to) return { start: end, end };
  return { start: from, end: to };
}

// ---------------------------------------------------------------------------------------------
// Word boundaries

let cachedSegments = null; // {text, segments}: the annotate page asks about one text

function wordSegmentsOf(text) {
  if (cachedSegments === null || cachedSegments.text !== text) {
    const segmenter = new Intl.Segmenter("en", { granularity: "word" });
    cachedSegments = { text, segments: segmenter.segment(text) };
  }
  return cachedSegments.segments;
}

/** Return true if Intl.Segmenter is available (it is in Node 16+ and current browsers). */
export function hasIntlSegmenter() {
  return typeof Intl !== "undefined" && typeof Intl.Segmenter === "function";
}

/**
 * Return the range widened so neither end cuts through a word (or an emoji cluster).
 *
 * A word is what Intl.Segmenter calls one (UAX #29: "don’t", "children’s", "6,350", "U.K" are
 * single words; "end-to-end" is three). Without Intl.Segmenter, or with {useIntl: false}, a
 * regex fallback applies the same main rules: letters, marks, digits and connectors form words;
 * an apostrophe (' or ’), a full stop or a middle dot between two letters, and a comma, full
 * stop, semicolon or apostrophe between two digits stay inside the word; grapheme clusters
 * (surrogate pairs, combining marks, ZWJ sequences, variation selectors, skin tones, flag
 * pairs) are never cut. Ends that are already on a boundary, or that sit in whitespace, stay.
 */
export function snapToWords(text, start, end, { useIntl = hasIntlSegmenter() } = {}) {
  checkRange(text, start, end);
  if (useIntl) {
    const segments = wordSegmentsOf(text);
    return { start: snapIntl(segments, text, start, "start"), end: snapIntl(segments, text, end) };
  }
  let from = start;
  while (from > 0 && !isFallbackBoundary(text, from)) from = previousCodePoint(text, from);
  let to = end;
  while (to < text.length && !isFallbackBoundary(text, to)) to = nextCodePoint(text, to);
  return { start: from, end: to };
}

function snapIntl(segments, text, offset, side) {
  if (offset === 0 || offset === text.length) return offset;
  const segment = segments.containing(offset);
  if (segment === undefined || segment.index === offset) return offset;
  if (!segment.isWordLike && /^[\s\u200b]+$/u.test(segment.segment)) return offset;
  return side === "start" ? segment.index : segment.index + segment.segment.length;
}

function codePointBefore(text, offset) {
  return String.fromCodePoint(text.codePointAt(previousCodePoint(text, offset)));
}

function codePointFrom(text, offset) {
  return String.fromCodePoint(text.codePointAt(offset));
}

function previousCodePoint(text, offset) {
  const low = text.charCodeAt(offset - 1);
  const high = text.charCodeAt(offset - 2);
  if (offset >= 2 && low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff) {
    return offset - 2;
  }
  return offset - 1;
}

function nextCodePoint(text, offset) {
  return offset + codePointFrom(text, offset).length;
}

const LETTER = /^[\p{L}\p{M}]$/u;
const DIGIT = /^\p{N}$/u;
const WORD = /^[\p{L}\p{M}\p{N}\p{Pc}]$/u;
const MID_LETTER = /^['’.·‧]$/u;
const MID_DIGIT = /^[,.;'’]$/u;
// Code points that attach to the one before them in a grapheme cluster.
const EXTEND = /^[\p{M}\u200d\ufe0e\ufe0f\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]$/u;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const REGIONAL = /^[\u{1f1e6}-\u{1f1ff}]$/u;

function isFallbackBoundary(text, offset) {
  if (offset <= 0 || offset >= text.length) return true;
  if (!isGraphemeBoundary(text, offset)) return false;
  const before = codePointBefore(text, offset);
  const after = codePointFrom(text, offset);
  if (WORD.test(before) && WORD.test(after)) return false;
  // before is a mid character between two word characters of the same kind?
  if (MID_LETTER.test(before) || MID_DIGIT.test(before)) {
    const beforeMid = previousCodePoint(text, offset);
    if (beforeMid > 0 && joinsAcross(codePointBefore(text, beforeMid), before, after)) {
      return false;
    }
  }
  if (MID_LETTER.test(after) || MID_DIGIT.test(after)) {
    const afterMid = nextCodePoint(text, offset);
    if (afterMid < text.length && joinsAcross(before, after, codePointFrom(text, afterMid))) {
      return false;
    }
  }
  return true;
}

function joinsAcross(left, mid, right) {
  if (LETTER.test(left) && LETTER.test(right)) return MID_LETTER.test(mid);
  if (DIGIT.test(left) && DIGIT.test(right)) return MID_DIGIT.test(mid);
  return false;
}

function isGraphemeBoundary(text, offset) {
  const unit = text.charCodeAt(offset);
  const previousUnit = text.charCodeAt(offset - 1);
  if (unit >= 0xdc00 && unit <= 0xdfff && previousUnit >= 0xd800 && previousUnit <= 0xdbff) {
    return false;
  }
  const before = codePointBefore(text, offset);
  const after = codePointFrom(text, offset);
  if (before === "\r" && after === "\n") return false;
  if (EXTEND.test(after)) return before === "\n" || before === "\r";
  if (before === "\u200d" && PICTOGRAPHIC.test(after)) return false;
  if (REGIONAL.test(before) && REGIONAL.test(after)) {
    // Flags pair regional indicators from the left: cut only after an even run.
    let run = 0;
    let at = offset;
    while (at > 0 && REGIONAL.test(codePointBefore(text, at))) {
      run++;
      at = previousCodePoint(text, at);
    }
    return run % 2 === 0;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Sentences and paragraphs
//
// A small rule-based splitter instead of Intl.Segmenter's sentence mode: its results differ
// between ICU versions (Node and each Chromium release), and it ends a sentence after "Mr."
// and inside '“Why?” she asked'. Here the rules are fixed and tested.

const TERMINATOR = /[.!?…]/u;
const CLOSER = /[”’"'»›)\]]/u;
const OPENING_QUOTE = /^[“"‘'«„]/u;
const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
// Words after which a full stop does not end a sentence (compared lower-cased).
const ABBREVIATIONS = new Set(
  (
    "mr mrs ms dr prof sr jr st rev gen col capt lt sgt supt insp det cllr sen rep gov pres " +
    "hon vs etc e.g i.e cf al approx no nos fig vol ed eds inc ltd co corp plc dept est " +
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u"
  ).split(" "),
);
// Of those, the ones that still end a sentence when a capitalised word follows.
const SENTENCE_FINAL_ABBREVIATIONS = new Set(["etc", "inc", "ltd", "co", "corp", "plc"]);

/**
 * Return the paragraph around a UTF-16 offset: paragraphs are separated by blank lines
 * (lines holding only whitespace). The range excludes the separating newlines.
 */
export function paragraphAround(text, offset) {
  checkRange(text, offset, offset);
  return trimBlankLines(text, paragraphBounds(text, offset));
}

function isBlank(line) {
  return /^[\s\u200b]*$/u.test(line);
}

// Start and end of the run of non-blank lines around offset (empty on a blank line).
function paragraphBounds(text, offset) {
  let start = offset === 0 ? 0 : text.lastIndexOf("\n", offset - 1) + 1;
  let end = text.indexOf("\n", offset);
  if (end < 0) end = text.length;
  if (isBlank(text.slice(start, end))) return { start: offset, end: offset };
  while (start > 0) {
    const previousStart = text.lastIndexOf("\n", start - 2) + 1;
    if (isBlank(text.slice(previousStart, start - 1))) break;
    start = previousStart;
  }
  while (end < text.length) {
    let nextEnd = text.indexOf("\n", end + 1);
    if (nextEnd < 0) nextEnd = text.length;
    if (isBlank(text.slice(end + 1, nextEnd))) break;
    end = nextEnd;
  }
  return { start, end };
}

function trimBlankLines(text, { start, end }) {
  let from = start;
  let to = end;
  while (from < to && SPACE.test(text[from])) from++;
  while (to > from && SPACE.test(text[to - 1])) to--;
  return { start: from, end: to };
}

/**
 * Return the sentences of text[start, end) as [{start, end}], each trimmed of surrounding
 * whitespace. A sentence ends at a line break, or after . ! ? … (and any closing quotes and
 * brackets) when followed by whitespace, except after a known abbreviation or a single
 * initial, or when the next word starts in lower case. "?" or "!" glued to a capitalised
 * word ("abusers?However", left by scraped captions) also ends a sentence.
 */
export function sentencesIn(text, start = 0, end = text.length) {
  checkRange(text, start, end);
  const sentences = [];
  let sentenceStart = start;
  const push = (to) => {
    const trimmed = trimBlankLines(text, { start: sentenceStart, end: to });
    if (trimmed.start < trimmed.end) sentences.push(trimmed);
  };
  let i = start;
  while (i < end) {
    const char = text[i];
    if (char === "\n") {
      push(i);
      sentenceStart = i + 1;
      i++;
      continue;
    }
    if (!TERMINATOR.test(char)) {
      i++;
      continue;
    }
    let after = i;
    while (after < end && TERMINATOR.test(text[after])) after++;
    const terminators = text.slice(i, after);
    while (after < end && CLOSER.test(text[after])) after++;
    if (endsSentence(text, i, terminators, after, end)) {
      push(after);
      sentenceStart = after;
    }
    i = after;
  }
  push(end);
  return sentences;
}

function endsSentence(text, at, terminators, after, end) {
  if (after >= end) return true;
  const next = text[after];
  const ellipsis = terminators === "…" || terminators.startsWith("..");
  if (!SPACE.test(next)) {
    // Glued: "abusers?However". A full stop glued to a capital is usually "U.K" or "e.g.The".
    if (!ellipsis && /[?!]/u.test(terminators)) return UPPER.test(next);
    return false;
  }
  let word = after;
  while (word < end && SPACE.test(text[word]) && text[word] !== "\n") word++;
  if (word >= end || text[word] === "\n") return true;
  const first = codePointFrom(text, word);
  if (LOWER.test(first)) return false;
  if (ellipsis) return UPPER.test(first) || OPENING_QUOTE.test(first);
  if (terminators === ".") {
    const token = wordBefore(text, at).toLowerCase();
    if (/^\p{Lu}$/u.test(wordBefore(text, at))) return false; // an initial: "J. Smith"
    if (ABBREVIATIONS.has(token)) {
      return SENTENCE_FINAL_ABBREVIATIONS.has(token) && UPPER.test(first);
    }
  }
  return true;
}

// The run of letters and inner full stops right before offset ("Mr", "e.g", "U.K").
function wordBefore(text, offset) {
  let from = offset;
  while (from > 0 && /[\p{L}.]/u.test(text[from - 1])) from--;
  return text.slice(from, offset);
}

/**
 * Return the sentence(s) around a selection: {start, end, leadIn}.
 *
 * start/end cover every sentence the selection touches (a collapsed selection at a sentence
 * edge belongs to the sentence it touches first). leadIn is the {start, end} of the sentence
 * that introduces the quotation holding the selection, when that sentence is not already
 * inside [start, end): the "... said:" or "... because:" before a quoted passage in the same
 * paragraph, or the paragraph before a paragraph that opens with a quotation mark (skipping
 * further quotation paragraphs and short headings between them); otherwise null.
 */
export function sentenceAround(text, start, end) {
  checkRange(text, start, end);
  const paragraph = paragraphAround(text, start);
  const lastParagraph = paragraphAround(text, end);
  const sentences = sentencesIn(text, paragraph.start, Math.max(paragraph.end, lastParagraph.end));
  let first = sentences.findIndex((s) => s.end > start || (s.end === start && start === end));
  if (first < 0) first = sentences.length - 1;
  let last = first;
  while (last + 1 < sentences.length && sentences[last + 1].start < end) last++;
  const range = sentences.length
    ? { start: sentences[first].start, end: sentences[last].end }
    : { start, end };
  // A selection that begins with the opening quotation mark is inside that quotation.
  const inside = start < end && /[“„«"]/u.test(text[start]) ? start + 1 : start;
  const leadIn = leadInFor(text, paragraph, inside);
  const overlaps = leadIn !== null && leadIn.start < range.end && range.start < leadIn.end;
  return { ...range, leadIn: overlaps ? null : leadIn };
}

/**
 * Return the {start, end} of the sentence introducing the quotation open at offset, or null.
 * paragraph is the paragraph holding offset.
 */
export function leadInFor(text, paragraph, offset) {
  const opened = openQuoteBefore(text, paragraph.start, offset);
  if (opened === null) return null;
  if (opened > paragraph.start) {
    const before = text.slice(paragraph.start, opened).trimEnd();
    if (before.endsWith(":")) return sentenceHolding(text, paragraph, before.length - 1);
    return null;
  }
  // The quotation opens the paragraph: it was introduced by an earlier paragraph.
  const intro = introducingParagraph(text, paragraph);
  if (intro === null) return null;
  const body = text.slice(intro.start, intro.end);
  if (body.endsWith(":")) return sentenceHolding(text, intro, body.length - 1);
  // "The PCC said: “Although ..." with the quotation left open at the paragraph's end.
  const open = openQuoteBefore(text, intro.start, intro.end);
  if (open !== null) {
    const before = text.slice(intro.start, open).trimEnd();
    if (before.endsWith(":")) return sentenceHolding(text, intro, before.length - 1);
  }
  return null;
}

/**
 * Return the paragraph that introduces a paragraph opening with a quotation mark: the nearest
 * earlier paragraph that neither opens with one nor is a short heading (a crosshead such as
 * "Prioritise" inside a long quotation). Return null for a paragraph that does not open with a
 * quotation mark, or when there is no such paragraph within 12 paragraphs.
 */
export function introducingParagraph(text, paragraph) {
  if (!OPENING_QUOTE.test(text.slice(paragraph.start, paragraph.start + 1))) return null;
  let current = paragraph;
  for (let hops = 0; hops < 12 && current.start > 0; hops++) {
    const previous = paragraphAround(text, previousParagraphOffset(text, current.start));
    if (previous.start === previous.end) return null;
    const body = text.slice(previous.start, previous.end);
    if (!OPENING_QUOTE.test(body) && !isHeading(body)) return previous;
    current = previous;
  }
  return null;
}

function previousParagraphOffset(text, paragraphStart) {
  let at = paragraphStart;
  while (at > 0 && SPACE.test(text[at - 1])) at--;
  return at;
}

// A short line without closing punctuation: "Prioritise", a crosshead inside a long quotation.
function isHeading(body) {
  return !/[.!?:…”"’)]$/u.test(body) && body.split(/\s+/u).length <= 8;
}

function sentenceHolding(text, paragraph, relativeIndex) {
  const at = paragraph.start + relativeIndex;
  const sentence = sentencesIn(text, paragraph.start, paragraph.end).find(
    (s) => s.start <= at && at < s.end,
  );
  return sentence ?? null;
}

/**
 * Return the offset of the double quotation mark still open at offset, scanning from from,
 * or null. Curly quotes nest; straight double quotes toggle. Single quotes are ignored: ’ is
 * also the apostrophe.
 */
export function openQuoteBefore(text, from, offset) {
  const stack = [];
  let straight = null;
  for (let i = from; i < offset; i++) {
    const char = text[i];
    if (char === "“" || char === "„" || char === "«") stack.push(i);
    else if ((char === "”" || char === "»") && stack.length) stack.pop();
    else if (char === '"') straight = straight === null ? i : null;
  }
  const curly = stack.length ? stack[0] : null;
  if (curly === null) return straight;
  if (straight === null) return curly;
  return Math.min(curly, straight);
}

/**
 * Return the double-quoted passages of text[from, to) as [{start, end}], outermost only, each
 * from its opening mark to just after its closing mark (or to `to` when it stays open, as
 * quotations continued in the next paragraph do). Quote marks follow openQuoteBefore's rules.
 */
export function quotationsIn(text, from, to) {
  const quotations = [];
  let depth = 0;
  let opened = null;
  let straight = false;
  for (let i = from; i < to; i++) {
    const char = text[i];
    if (char === "“" || char === "„" || char === "«") {
      if (depth === 0 && !straight) opened = i;
      depth++;
    } else if ((char === "”" || char === "»") && depth > 0) {
      depth--;
      if (depth === 0 && !straight) quotations.push({ start: opened, end: i + 1 });
    } else if (char === '"') {
      if (!straight && depth === 0) opened = i;
      if (straight && depth === 0) quotations.push({ start: opened, end: i + 1 });
      straight = !straight;
    }
  }
  if (depth > 0 || straight) quotations.push({ start: opened, end: to });
  return quotations;
}
