// The document text with every layer on it: each annotator a coloured lane, gold shaded, and
// each passage naming the units it belongs to (a click selects the innermost one). Also the
// text the reviewer selects in it, in code points, for "Add to gold" and the editor.
// Offsets from the API are code points; they are converted to the page's UTF-16 here.

import { laneBackground } from "../review-units.js";
import { buildSegments } from "../segments.js";
import { trimSelection } from "../selection.js";
import { layerIndex, roleLabel, stanceLabel } from "./state.js";

/** Return every span drawn on the text, with UTF-16 offsets, and which unit it belongs to. */
function drawnSpans(state) {
  const drawn = [];
  for (const unit of state.review.units) {
    for (const span of unit.spans) {
      drawn.push({ id: `a${span.id}`, span, unit: unit.key, lane: layerIndex(state, span.layer) });
    }
    if (unit.gold) drawn.push({ id: `g${unit.gold.id}`, span: unit.gold, unit: unit.key, lane: -1 });
  }
  for (const item of drawn) {
    const range = state.conv.rangeToUtf16(item.span.start, item.span.end);
    item.start = range.start;
    item.end = range.end;
  }
  return drawn;
}

export function renderText(page) {
  const { state } = page;
  const { text } = state;
  const drawn = drawnSpans(state);
  const byId = new Map(drawn.map((item) => [item.id, item]));
  const lanesTotal = state.review.annotators.length;
  const fragment = document.createDocumentFragment();
  for (const segment of buildSegments(text, drawn)) {
    const chunk = text.slice(segment.start, segment.end);
    if (segment.spanIds.length === 0) {
      fragment.append(document.createTextNode(chunk));
      continue;
    }
    const items = segment.spanIds.map((id) => byId.get(id));
    const mark = document.createElement("mark");
    mark.className = "lanes";
    const units = [...new Set(items.map((item) => item.unit))];
    mark.dataset.units = units.join(" ");
    // The innermost span's unit is the one a click selects.
    mark.dataset.unit = items[items.length - 1].unit;
    const lanes = [...new Set(items.filter((i) => i.lane >= 0).map((i) => i.lane))];
    const gold = items.some((item) => item.lane === -1);
    Object.assign(mark.style, laneBackground(lanes, { gold, lanesTotal }));
    if (gold) mark.classList.add("has-gold");
    if (state.selectedKey && units.includes(state.selectedKey)) mark.classList.add("in-unit");
    mark.title = items
      .map(({ span }) => `${span.layer}: ${stanceLabel(state, span.stance)} · ${roleLabel(state, span.role)}`)
      .join("\n");
    mark.textContent = chunk;
    fragment.append(mark);
  }
  page.el.text.replaceChildren(fragment);
}

/** The text selected in the document: {range} in code points and its {rect}, or null. */
export function selectionInText(page) {
  const { state, el } = page;
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!el.text.contains(range.commonAncestorContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(el.text);
  before.setEnd(range.startContainer, range.startOffset);
  let start = before.toString().length;
  let end = start + range.toString().length;
  ({ start, end } = trimSelection(state.text, start, end));
  if (end <= start) return null;
  return { range: state.conv.rangeToCodePoints(start, end), rect: range.getBoundingClientRect() };
}
