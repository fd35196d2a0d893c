// Words that refer back to an actor named before them: a pronoun ("she", "their") and a
// surname alone ("Robertson" after "Kate Robertson"). A title given to a person elsewhere ("the
// police and crime commissioner") is found with the subject it stands as (subjects.js).

import { attributionsIn } from "./attribution.js";
import { actorKind } from "./matcher.js";
import { PERSON_NOUN, UNKNOWN, unknownNames } from "./subjects.js";
import { mentionsOutside, paragraphOf, previousParagraph } from "./text-units.js";

const PRONOUN_KINDS = {
  she: "person",
  he: "person",
  her: "person",
  his: "person",
  they: "group",
  their: "group",
  it: "group",
  its: "group",
};
const MAX_PARAGRAPHS_BACK = 2;
const LOOK_BACK = 3000; // characters searched for the full name before a surname

/** Return whether mention is a surname alone for an actor named otherwise shortly before. */
export function surnameRefersBack(ctx, mention) {
  const { actor } = mention;
  const named = ctx.text.slice(mention.start, mention.end);
  return (
    named !== actor.name &&
    actor.name.trim().split(/\s+/u).at(-1) === named &&
    ctx.matcher
      .mentions(ctx.text, Math.max(0, mention.start - LOOK_BACK), mention.start)
      .some((m) => m.actor === actor && ctx.text.slice(m.start, m.end) !== named)
  );
}

/**
 * Return the mention "she", "they" or "her" refers back to: the last speaker of its kind
 * before it (the subject of an attribution), else the last actor of its kind named, within
 * its paragraph and the two before. UNKNOWN when the last person named before a she/he is not
 * an actor; null when nothing fits.
 */
export function resolvePronoun(ctx, pronoun, depth) {
  const wanted = PRONOUN_KINDS[pronoun.word];
  const fits = (actor) =>
    wanted === "person" ? actorKind(actor) === "person" : actorKind(actor) !== "person";
  // "A spokesman for the Home Office said ... He added": a person speaking for a body.
  const spokesperson = (a) =>
    a.speaker.end <= a.start &&
    PERSON_NOUN.test(ctx.text.slice(Math.max(0, a.speaker.start - 40), a.start));
  let paragraph = paragraphOf(ctx, pronoun.start);
  for (let back = 0; paragraph && back <= MAX_PARAGRAPHS_BACK; back++) {
    const sentences = paragraph.sentences.filter((s) => s.start < pronoun.start).reverse();
    for (const sentence of sentences) {
      const end = Math.min(sentence.end, pronoun.start);
      const unit = { start: sentence.start, end };
      for (const a of attributionsIn(ctx, unit).reverse()) {
        if (a.speaker && (fits(a.speaker.actor) || (wanted === "person" && spokesperson(a)))) {
          return a.speaker;
        }
        if (a.pronoun && a.pronoun.start < pronoun.start && depth < 4) {
          if (PRONOUN_KINDS[a.pronoun.word] === wanted)
            return resolvePronoun(ctx, a.pronoun, depth + 1);
        }
        if (a.unknown && wanted === "person") return UNKNOWN;
      }
      // The sentence's subject comes first: "Liam Doherty met Susie Hargreaves. He said".
      const named = mentionsOutside(ctx, unit.start, unit.end).find((m) => fits(m.actor));
      const strangers = wanted === "person" ? unknownNames(ctx, unit.start, unit.end) : [];
      if (strangers.length && (!named || strangers[0].start < named.start)) return UNKNOWN;
      if (named) return named;
    }
    paragraph = previousParagraph(ctx, paragraph);
  }
  return null;
}
