// Split a text into highlight segments for possibly overlapping spans.
//
// The page renders each segment as one text run; a segment's spanIds say which spans cover it,
// so nested and overlapping highlights can be drawn distinctly (depth = spanIds.length).
// Offsets here are UTF-16 (the page's own); convert API code points with offsets.js first.
//
// Cost: O(k log k) to sort the k spans' boundaries, plus the size of the output (each segment
// copies the list of spans covering it). The text itself is never scanned.
//
// Pure functions, no DOM: imported by the annotate page and by node --test.

/**
 * Return the segments of text under spans, in text order.
 *
 * spans: [{id, start, end, ...}] with UTF-16 offsets, half-open [start, end), in any order.
 * Returns [{start, end, spanIds}] whose ranges are non-empty, contiguous and cover
 * [0, text.length) exactly (an empty text has no segments); uncovered stretches have
 * spanIds []. Two neighbouring segments never have the same spanIds. Within a segment, spanIds
 * are ordered outermost first: by span start, then the longer span first, then input order,
 * so the last id is the innermost span.
 *
 * Empty spans (start === end) cover nothing and appear in no segment. Throws TypeError for a
 * span without an id or with non-integer offsets, RangeError for offsets outside the text or
 * start > end, and Error for a repeated id.
 */
export function buildSegments(text, spans) {
  if (typeof text !== "string") throw new TypeError("text must be a string");
  if (!Array.isArray(spans)) throw new TypeError("spans must be an array");
  const length = text.length;
  const live = validSpans(spans, length);

  // rank: position in outermost-first order. Since it sorts by start first, a span that
  // starts at the sweep position outranks every span already active, so "insert" is a push.
  live.sort((a, b) => a.start - b.start || b.end - a.end || a.index - b.index);
  const byEnd = live.map((_, rank) => rank).sort((a, b) => live[a].end - live[b].end);

  const segments = [];
  const active = []; // ranks, ascending
  let nextStart = 0; // index into live (ordered by start)
  let nextEnd = 0; // index into byEnd
  let position = 0;
  while (position < length) {
    while (nextEnd < byEnd.length && live[byEnd[nextEnd]].end === position) {
      removeSorted(active, byEnd[nextEnd]);
      nextEnd++;
    }
    while (nextStart < live.length && live[nextStart].start === position) {
      active.push(nextStart);
      nextStart++;
    }
    let boundary = length;
    if (nextStart < live.length) boundary = Math.min(boundary, live[nextStart].start);
    if (nextEnd < byEnd.length) boundary = Math.min(boundary, live[byEnd[nextEnd]].end);
    segments.push({ start: position, end: boundary, spanIds: active.map((r) => live[r].id) });
    position = boundary;
  }
  return segments;
}

function validSpans(spans, length) {
  const seen = new Set();
  const live = [];
  spans.forEach((span, index) => {
    if (span === null || typeof span !== "object") {
      throw new TypeError(`span ${index} is not an object`);
    }
    const { id, start, end } = span;
    if (id === undefined || id === null) throw new TypeError(`span ${index} has no id`);
    if (seen.has(id)) throw new Error(`span id ${String(id)} appears twice`);
    seen.add(id);
    if (!Number.isInteger(start) || !Number.isInteger(end)) {
      throw new TypeError(`span ${String(id)} has non-integer offsets`);
    }
    if (start < 0 || end > length || start > end) {
      throw new RangeError(`span ${String(id)} [${start}, ${end}) is outside 0..${length}`);
    }
    if (start < end) live.push({ id, start, end, index });
  });
  return live;
}

function removeSorted(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 1);
}

/**
 * Return, for each span id, the index of the first segment it covers: where the page puts the
 * span's anchor (focus target, scroll target) in text order.
 */
export function firstSegmentBySpan(segments) {
  const first = new Map();
  segments.forEach((segment, index) => {
    for (const id of segment.spanIds) {
      if (!first.has(id)) first.set(id, index);
    }
  });
  return first;
}

/**
 * Return the blocks a long text is drawn in: [{start, end}], contiguous, covering
 * [0, text.length). A block ends just after the first line break at or past `size` UTF-16
 * units from its start, so a block boundary never falls inside a line and the text wraps as
 * it would in one piece; the last block ends with the text. An empty text has no blocks.
 *
 * The page lets the browser skip the style and layout of blocks out of view
 * (content-visibility), which a long text with thousands of highlights needs to show at once.
 */
export function textBlocks(text, size = 1500) {
  if (typeof text !== "string") throw new TypeError("text must be a string");
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError("size must be a positive integer");
  const blocks = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf("\n", start + size - 1);
    const end = newline === -1 ? text.length : newline + 1;
    blocks.push({ start, end });
    start = end;
  }
  return blocks;
}

/**
 * Return the segments of each block, in order: [[segment, ...], ...], one list per block. A
 * segment that crosses a block's end is cut there; both parts keep its spanIds.
 *
 * segments: buildSegments' output for the same text; blocks: textBlocks' output.
 */
export function segmentsByBlock(segments, blocks) {
  const grouped = blocks.map(() => []);
  let block = 0;
  for (const segment of segments) {
    let start = segment.start;
    while (start < segment.end) {
      while (blocks[block].end <= start) block++;
      const end = Math.min(segment.end, blocks[block].end);
      grouped[block].push(end === segment.end && start === segment.start ? segment : { ...segment, start, end });
      start = end;
    }
  }
  return grouped;
}
