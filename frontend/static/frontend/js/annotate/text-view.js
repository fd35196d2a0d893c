// The document text with its highlights.
//
// The text is drawn as one HTML string, every piece of user text escaped: for thousands of
// spans one innerHTML is several times faster than a DOM call per attribute. Tooltips are
// written when the pointer first rests on a highlight (see pointer.js), not for each of
// thousands of highlights at every drawing.
//
// The text is drawn in blocks of whole lines (textBlocks). A block holds its plain text until
// it comes near the view, and its highlights are drawn then: the browser neither styles nor
// lays out a block out of view (annotate.css), and the highlights of a long text were most of
// the page's work before it showed. A browser that cannot tell when a block comes near
// (no contentvisibilityautostatechange) gets every highlight at once.

import { escapeHtml } from "../html.js";
import { buildSegments, segmentsByBlock } from "../segments.js";
import { fillWhenNearView } from "./near-view.js";
import { showSourceHighlight } from "./source-highlight.js";
import { isSuggestionId, suggestionByKey, suggestionRanges, suggestionTitle } from "./suggestion-view.js";

// What the first drawing fills before the browser has said which blocks are in view: the
// first screens of text (the page opens at the top).
const FIRST_DRAWN_CHARACTERS = 6000;

/** What is drawn of the text: each block's segments, whether filled, which are near the view. */
export function createTextDrawing() {
  return { segments: [], filled: [], nearView: new Set() };
}

/** Fill the text's blocks as they come near the view. */
export function watchTextBlocks(page) {
  fillWhenNearView(page.el.text, page.textDrawn.nearView, (index) => fillBlock(page, index));
}

export function blockAt(blocks, offset16) {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (blocks[mid].start <= offset16) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function blocksOf(blocks, start16, end16) {
  const indexes = [];
  for (let index = blockAt(blocks, start16); index < blocks.length && blocks[index].start < end16; index++) {
    indexes.push(index);
  }
  return indexes;
}

// The spans that have a link, drawn with a dotted underline; the selected span's partners get
// an outline (markSelection), so links are seen in the text, not only in the side panel.
function linkedIds(state) {
  const ids = new Set();
  for (const rel of state.relations) ids.add(String(rel.source)).add(String(rel.target));
  return ids;
}

function partnersOf(state, id) {
  const partners = new Set();
  if (id === null) return partners;
  for (const rel of state.relations) {
    if (rel.source === id) partners.add(String(rel.target));
    if (rel.target === id) partners.add(String(rel.source));
  }
  return partners;
}

function highlightsHtml(page, segments) {
  const { state, stanceClasses } = page;
  const withLinks = page.textDrawn.withLinks ?? linkedIds(state);
  const partners = partnersOf(state, state.selectedId);
  const html = [];
  for (const segment of segments) {
    const chunk = escapeHtml(state.text.slice(segment.start, segment.end));
    // Suggestions are drawn apart from spans: dashed, with the words of the model's guess.
    const suggested = segment.spanIds.filter(isSuggestionId);
    const ids = suggested.length ? segment.spanIds.filter((id) => !isSuggestionId(id)) : segment.spanIds;
    if (ids.length === 0 && suggested.length) {
      const suggestion = suggestionByKey(state, suggested[suggested.length - 1]);
      html.push(
        `<mark class="hl-suggestion" data-suggestion="${escapeHtml(suggestion.key)}" ` +
          `title="${escapeHtml(suggestionTitle(state, suggestion))}">${chunk}</mark>`,
      );
      continue;
    }
    if (ids.length === 0) {
      html.push(chunk);
      continue;
    }
    let classes = `hl ${stanceClasses(state.spans.get(ids[ids.length - 1]).stance)}`;
    if (suggested.length) classes += " suggested";
    if (state.selectedId !== null && ids.includes(state.selectedId)) classes += " selected";
    if (state.linkTarget !== null && ids.includes(state.linkTarget)) classes += " link-target";
    if (ids.some((id) => withLinks.has(String(id)))) classes += " has-links";
    if (partners.size && ids.some((id) => partners.has(String(id)))) classes += " linked";
    html.push(
      `<mark class="${classes}" data-ids="${escapeHtml(ids.join(" "))}" ` +
        `data-depth="${Math.min(ids.length, 4)}">${chunk}</mark>`,
    );
  }
  return html.join("");
}

// The blocks drawn with their highlights at once: those near the view (or the first screens),
// and those a selected span or the map's source span needs.
function blocksToFillNow(page) {
  const { state, source } = page;
  const { blocks } = state;
  const wanted = new Set(page.textDrawn.nearView);
  if (wanted.size === 0) {
    for (let index = 0; index < blocks.length && blocks[index].start < FIRST_DRAWN_CHARACTERS; index++) {
      wanted.add(index);
    }
  }
  const selected = state.spans.get(state.selectedId);
  if (selected) blocksOf(blocks, selected.start16, selected.end16).forEach((index) => wanted.add(index));
  if (source) blocksOf(blocks, source.start, source.end).forEach((index) => wanted.add(index));
  return wanted;
}

export function renderText(page, items) {
  const { state, textDrawn } = page;
  const { text, blocks } = state;
  const spans = items.map((s) => ({ id: s.id, start: s.start16, end: s.end16 }));
  spans.push(...suggestionRanges(state));
  textDrawn.withLinks = linkedIds(state);
  textDrawn.segments = segmentsByBlock(buildSegments(text, spans), blocks);
  const wanted = page.drawWhenNearView ? blocksToFillNow(page) : null;
  const html = [];
  textDrawn.segments.forEach((segments, index) => {
    const fill = wanted === null || wanted.has(index);
    textDrawn.filled[index] = fill;
    const { start, end } = blocks[index];
    html.push(
      '<div class="text-block">',
      fill ? highlightsHtml(page, segments) : escapeHtml(text.slice(start, end)),
      "</div>",
    );
  });
  page.el.text.innerHTML = html.join("");
  showSourceHighlight(page);
}

// Draw a block's highlights if it still holds plain text.
export function fillBlock(page, index) {
  const { textDrawn } = page;
  if (textDrawn.filled[index]) return;
  textDrawn.filled[index] = true;
  page.el.text.children[index].innerHTML = highlightsHtml(page, textDrawn.segments[index]);
}

// Choosing a span or a link target changes only classes: those are set on what is drawn
// instead of drawing thousands of spans again at every J/K or click.
export function markSelection(page) {
  const { state } = page;
  const selected = state.selectedId === null ? null : String(state.selectedId);
  const target = state.linkTarget === null ? null : String(state.linkTarget);
  const partners = partnersOf(state, state.linkFrom ?? state.selectedId);
  for (const mark of page.el.text.querySelectorAll("mark.hl")) {
    const ids = mark.dataset.ids.split(" ");
    mark.classList.toggle("selected", selected !== null && ids.includes(selected));
    mark.classList.toggle("link-target", target !== null && ids.includes(target));
    mark.classList.toggle("linked", partners.size > 0 && ids.some((id) => partners.has(id)));
  }
}
