// A source span from the map.
//
// The map page links every source of an argument here as ?highlight=<start>-<end> (code
// points, like every API offset). The passage is painted with the CSS Custom Highlight API,
// so the span marks stay as they are; it is re-applied after each render and scrolled to once.

import { notify } from "./status.js";

/** Return the passage a page address asks for ({start, end} in UTF-16, scrolled), or null. */
export function sourceHighlightFrom(search, conv) {
  const match = /^(\d+)-(\d+)$/.exec(new URLSearchParams(search).get("highlight") ?? "");
  if (!match) return null;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (!(start < end && end <= conv.codePointLength)) return null;
  return { ...conv.rangeToUtf16(start, end), scrolled: false };
}

function textRange(root, start16, end16) {
  const range = document.createRange();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let node;
  let started = false;
  while ((node = walker.nextNode())) {
    const length = node.data.length;
    if (!started && start16 < seen + length) {
      range.setStart(node, start16 - seen);
      started = true;
    }
    if (started && end16 <= seen + length) {
      range.setEnd(node, end16 - seen);
      return range;
    }
    seen += length;
  }
  return null;
}

export function showSourceHighlight(page) {
  const { source, el } = page;
  if (!source || !window.CSS?.highlights) return;
  const range = textRange(el.text, source.start, source.end);
  if (!range) return;
  CSS.highlights.set("map-source", new Highlight(range));
  if (source.scrolled) return;
  source.scrolled = true;
  range.startContainer.parentElement?.scrollIntoView({ block: "center" });
  const quote = page.state.text.slice(source.start, source.end);
  notify(page, `Highlighted from the argument map: “${quote.length > 120 ? `${quote.slice(0, 118)}…` : quote}”`);
  el.notice.classList.add("source-highlight-note");
}
