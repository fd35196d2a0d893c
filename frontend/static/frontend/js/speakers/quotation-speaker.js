// Rule 1 of the speaker suggestion: the speaker of the quotation holding the selection.

import { leadInFor, openQuoteBefore } from "../selection.js";
import { attributionsIn } from "./attribution.js";
import { subjectOf } from "./subjects.js";
import {
  closingMark,
  mentionsOutside,
  paragraphOf,
  previousParagraph,
  quotedOffset,
  words,
} from "./text-units.js";

/**
 * Return the attribution of the quotation holding text[start, end): before it in its
 * sentence, right after it closes, in its lead-in, or in the paragraphs a quotation opening
 * its paragraph goes on from; null when the selection is not quoted or no attribution is found.
 */
export function quotationSpeaker(ctx, start, end) {
  const { text } = ctx;
  const inside = quotedOffset(text, start, end);
  const paragraph = paragraphOf(ctx, start);
  const open = openQuoteBefore(text, paragraph.start, inside);
  if (open === null) return null;
  const opening = paragraph.sentences.find((s) => s.start <= open && open < s.end);
  if (opening) {
    const before = attributionsIn(ctx, { start: opening.start, end: open }).at(-1);
    if (before) return before;
  }
  const close = closingMark(ctx, open);
  if (close !== null) {
    const closing = paragraphOf(ctx, close).sentences.find(
      (s) => s.start <= close && close < s.end,
    );
    if (closing) {
      const after = attributionsIn(ctx, { start: close + 1, end: closing.end })[0];
      if (after) return after;
    }
  }
  const leadIn = leadInFor(text, paragraph, inside);
  const introduced = leadIn && leadInSpeaker(ctx, leadIn);
  if (introduced) return introduced;
  return open === paragraph.start ? speakerBefore(ctx, paragraph) : null;
}

// A quotation opening its paragraph goes on from the paragraphs before it: the last
// attribution in the nearest one holding one, passing over the quotation's earlier
// paragraphs and short lines without an actor between them ("Next steps", "See also:").
function speakerBefore(ctx, paragraph) {
  let current = paragraph;
  for (let hops = 0; hops < 12; hops++) {
    current = previousParagraph(ctx, current);
    if (!current) return null;
    for (const sentence of [...current.sentences].reverse()) {
      const last = attributionsIn(ctx, sentence).at(-1);
      if (last) return last;
    }
    const body = ctx.text.slice(current.start, current.end);
    const short =
      words(body).length <= 8 && !mentionsOutside(ctx, current.start, current.end).length;
    if (!/^[“"«„]/u.test(body) && !short) return null;
  }
  return null;
}

// "X said:" or "X was blunt:": the attribution in the lead-in, else its subject.
function leadInSpeaker(ctx, leadIn) {
  const last = attributionsIn(ctx, leadIn).at(-1);
  if (last) return last;
  const colon = ctx.text.lastIndexOf(":", leadIn.end);
  const stop = colon >= leadIn.start ? colon : leadIn.end;
  return subjectOf(ctx, { start: leadIn.start, end: stop }, stop) ?? null;
}
