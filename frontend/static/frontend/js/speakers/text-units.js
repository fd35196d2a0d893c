// The text's paragraphs, sentences and quotations, as the speaker suggestion reads them.
//
// ctx is one call's context (createContext): the text, the actors' matcher, and each
// paragraph's sentences and quotations, computed once per paragraph per call.

import { paragraphAround, quotationsIn, sentencesIn } from "../selection.js";

/** Return a context for one suggestion over text, with the actors' matcher. */
export function createContext(text, matcher) {
  return { text, matcher, paragraphs: new Map() };
}

/** Return the paragraph holding offset: {start, end, sentences, quotations}. */
export function paragraphOf(ctx, offset) {
  const { start, end } = paragraphAround(ctx.text, offset);
  let paragraph = ctx.paragraphs.get(start);
  if (!paragraph) {
    paragraph = {
      start,
      end,
      sentences: sentencesIn(ctx.text, start, end),
      quotations: quotationsIn(ctx.text, start, end),
    };
    ctx.paragraphs.set(start, paragraph);
  }
  return paragraph;
}

/** Return the paragraph before paragraph, or null at the start of the text. */
export function previousParagraph(ctx, paragraph) {
  let at = paragraph.start;
  while (at > 0 && /\s/u.test(ctx.text[at - 1])) at--;
  if (at === 0) return null;
  const previous = paragraphOf(ctx, at);
  return previous.start < previous.end ? previous : null;
}

/** Return whether offset lies inside a quotation, between its marks. */
export function insideQuotation(ctx, offset) {
  return paragraphOf(ctx, offset).quotations.some((q) => q.start < offset && offset < q.end);
}

// The sentences of every paragraph the selection touches that overlap it.
export function sentencesAcross(ctx, start, end) {
  const sentences = [];
  let paragraph = paragraphOf(ctx, start);
  for (;;) {
    for (const s of paragraph.sentences) {
      if (
        (s.end > start && s.start < end) ||
        (start === end && s.start <= start && start <= s.end)
      ) {
        sentences.push(s);
      }
    }
    if (paragraph.end >= end || paragraph.end >= ctx.text.length) break;
    let next = paragraph.end;
    while (next < ctx.text.length && /\s/u.test(ctx.text[next])) next++;
    if (next >= end) break;
    paragraph = paragraphOf(ctx, next);
  }
  if (sentences.length) return sentences;
  const paragraphHere = paragraphOf(ctx, start);
  const after = paragraphHere.sentences.find((s) => s.end >= start);
  return [after ?? paragraphHere.sentences.at(-1) ?? { start, end }];
}

// A selection that begins with the opening quotation mark is inside that quotation.
export function quotedOffset(text, start, end) {
  return start < end && /[“„«"]/u.test(text[start]) ? start + 1 : start;
}

// The mark closing the quotation opened at open: in its paragraph, or in a later paragraph
// when the quotation goes on into paragraphs that each open with a quotation mark (headings
// between them are skipped).
export function closingMark(ctx, open) {
  const { text } = ctx;
  let paragraph = paragraphOf(ctx, open);
  let from = open + 1;
  for (let hops = 0; hops < 12; hops++) {
    for (let i = from; i < paragraph.end; i++) {
      if (/[”"»]/u.test(text[i])) return i;
    }
    let next = paragraph.end;
    while (next < text.length && /\s/u.test(text[next])) next++;
    if (next >= text.length) return null;
    paragraph = paragraphOf(ctx, next);
    const body = text.slice(paragraph.start, paragraph.end);
    if (/^[“"«„]/u.test(body)) from = paragraph.start + 1;
    else if (!/[.!?:…”"’)]$/u.test(body) && body.split(/\s+/u).length <= 8) from = paragraph.end;
    else return null;
  }
  return null;
}

/** Return the words of text, split at whitespace and commas. */
export function words(text) {
  return text.split(/[\s,]+/u).filter(Boolean);
}

/** Return the actors named in [from, to) outside quotations. */
export function mentionsOutside(ctx, from, to) {
  return ctx.matcher.mentions(ctx.text, from, to).filter((m) => !insideQuotation(ctx, m.start));
}
