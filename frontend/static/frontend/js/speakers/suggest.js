// Suggest the actor who said a selection's words, from the debate's actors and their aliases.
//
// docs/SPEAKERS.md gives the rules in order and measures them. Pure functions, no DOM:
// imported by the annotate page and by node --test. The other modules of speakers/ hold the
// parts: matcher.js (where actors are named), text-units.js (paragraphs, sentences,
// quotations), subjects.js and attribution.js (who a clause and its verb name as speaker),
// quotation-speaker.js (rule 1) and references.js (pronouns and surnames).

import { attributionsIn } from "./attribution.js";
import { compileActorMatcher } from "./matcher.js";
import { quotationSpeaker } from "./quotation-speaker.js";
import { resolvePronoun, surnameRefersBack } from "./references.js";
import { UNKNOWN } from "./subjects.js";
import { createContext, insideQuotation, paragraphOf, sentencesAcross } from "./text-units.js";

/**
 * Return the actor who said the words text[start, end), or null.
 *
 * The rules, in order (docs/SPEAKERS.md has examples):
 *  1. inside a quotation: its speaker, from an attribution before it in its sentence, right
 *     after it closes ("“...,” said X", across paragraphs), the lead-in ("X said:",
 *     "X, who said ..., because:") or the paragraph a continued quotation follows;
 *  2. an attribution in the selection's sentences, outside quotations: the nearest before the
 *     selection, else the first in it or after it ("X said", "said X", "according to X",
 *     "X, of Y, told", "in her view", "X wants");
 *  3. an attribution in an earlier sentence of the paragraph, nearest first;
 *  4. the first actor named in the selection, then in its sentence (never inside the
 *     quotation holding the selection: an actor a speaker talks about is not the speaker).
 * A speaker who is not an actor ("a spokeswoman for Snap", "Professor Alan Marsh") ends the
 * search with null. "she", "her", "they" stand for the last speaker, else the subject, of
 * their kind named before them, within the paragraph and the two before it; a title for the
 * person it is given to elsewhere ("the police and crime commissioner").
 *
 * Returns {actorId, reason, why, match: {start, end}}: reason is "selection", "sentence" or
 * "attribution"; why is a short explanation for the annotator; match is where the actor is
 * named.
 */
export function suggestActor(text, start, end, actors) {
  if (typeof text !== "string") throw new TypeError("text must be a string");
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end) {
    throw new RangeError(`[${start}, ${end}) is not a range`);
  }
  if (end > text.length) throw new RangeError(`end ${end} is beyond the text`);
  const ctx = createContext(text, compileActorMatcher(actors));

  const sentences = sentencesAcross(ctx, start, end);
  const quoted = quotationSpeaker(ctx, start, end);
  if (quoted) {
    const here = sentences.some((s) => s.start <= quoted.start && quoted.end <= s.end);
    return answer(ctx, quoted, here ? "sentence" : "attribution", QUOTATION);
  }

  const found = sentences.flatMap((sentence) => attributionsIn(ctx, sentence));
  // "Signal said it would leave" selected: the attribution the selection holds, speaker and
  // all; else the nearest before the selection, else the first after its start.
  const within = (m) => m && m.start >= start && m.end <= end;
  const own = found.find((a) => a.start >= start && a.end <= end && within(a.speaker));
  if (own) return answer(ctx, own, "selection", "said in the selection");
  const chosen = found.filter((a) => a.start < start).at(-1) ?? found[0];
  if (chosen) return answer(ctx, chosen, "sentence", "said in this sentence");

  const paragraph = paragraphOf(ctx, start);
  const earlier = paragraph.sentences.filter((s) => s.end <= sentences[0].start).reverse();
  for (const [index, sentence] of earlier.entries()) {
    const previous = attributionsIn(ctx, sentence).at(-1);
    if (!previous) continue;
    if (previous.unknown) return null;
    const why = index === 0 ? "said in the sentence before" : "said earlier in this paragraph";
    return answer(ctx, previous, "attribution", why);
  }

  const outside = (m) => !insideQuotation(ctx, m.start);
  const named = ctx.matcher.mentions(text, start, end).filter(outside);
  if (named.length) return suggestion(ctx, named[0], "selection", "named in the selection");
  const around = sentences.flatMap((s) => ctx.matcher.mentions(text, s.start, s.end));
  const nearby = around.filter(outside);
  if (nearby.length) return suggestion(ctx, nearby[0], "sentence", "named in this sentence");
  return null;
}

const QUOTATION = "speaker of this quotation";

function suggestion(ctx, mention, reason, why) {
  const { actor } = mention;
  const named = ctx.text.slice(mention.start, mention.end);
  // "Robertson said" after "Kate Robertson ..." earlier on: say who the surname stands for.
  const surname = surnameRefersBack(ctx, mention);
  return {
    actorId: actor.id,
    reason,
    why: surname ? `‘${named}’ refers back to ${actor.name}` : why,
    match: { start: mention.start, end: mention.end },
  };
}

// An attribution's answer: its speaker, or the actor its pronoun refers back to.
function answer(ctx, attribution, reason, why) {
  if (attribution.unknown) return null;
  if (attribution.title) {
    const why = `‘${attribution.title}’ is ${attribution.speaker.actor.name}`;
    return suggestion(ctx, attribution.speaker, "attribution", why);
  }
  if (attribution.speaker) return suggestion(ctx, attribution.speaker, reason, why);
  const antecedent = resolvePronoun(ctx, attribution.pronoun, 0);
  if (!antecedent || antecedent === UNKNOWN) return null;
  const word = ctx.text.slice(attribution.pronoun.start, attribution.pronoun.end).toLowerCase();
  return {
    actorId: antecedent.actor.id,
    reason: "attribution",
    why: `‘${word}’ refers back to ${antecedent.actor.name}`,
    match: { start: antecedent.start, end: antecedent.end },
  };
}
