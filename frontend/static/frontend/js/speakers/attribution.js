// Attributions: the words that attribute speech or a view ("X said", "said X", "according to
// X", "in her view", "X wants") and who each attributes it to.

import { NOT_LETTER, NOT_LETTER_AFTER } from "./matcher.js";
import {
  immediateSubject,
  leadingSubject,
  PERSON_NOUN,
  subjectOf,
  UNKNOWN,
} from "./subjects.js";
import { insideQuotation, mentionsOutside, paragraphOf, words } from "./text-units.js";

// Words that attribute what follows to their subject ("Tech firms argue that"), or, after a
// comma or a quotation, to the name after them ("“...,” said Susie Hargreaves").
const CUE_WORDS = (
  "said says say saying told tells tell telling added adds adding argued argues argue " +
  "arguing warned warns warn warning claimed claims claiming stated explained explains " +
  "insisted insists insist insisting noted notes wrote writes writing believes believe " +
  "believed disagreed disagrees disagree agreed agrees agree urged urges urging commented " +
  "suggested suggests stressed stresses asked maintained maintains acknowledged admitted " +
  "asserted emphasised emphasized contended contends replied replies responded answered " +
  "announced revealed reveals reiterated reiterates reiterating called calls calling spoke " +
  "wants want wanted supports support supported backs backed opposes oppose opposed " +
  "welcomed welcomes rejected rejects criticised criticized condemned demanded demands " +
  "pledged pledges vowed promised hopes fears thinks think feels recommended recommends " +
  "proposed proposes defended defends accepts accepted threatened confirmed denied denies " +
  "countered conceded predicted campaigned campaigns"
).split(" ");
// Cues whose speaker comes after them: "according to X", "in the view of X".
const INVERTED_CUES = ["according to", "in the view of", "in the words of", "in the opinion of"];
const INVERTING_WORDS = new Set(
  (
    "said says added adds argued argues warned warns wrote writes told explained insisted " +
    "stressed asked replied responded answered countered"
  ).split(" "),
);
// "In her view", "Ofcom’s position", "Her conclusion is stark:": the owner holds the view.
const VIEW_NOUNS = "view|views|opinion|conclusion|argument|position|verdict|words|response|stance";
const CUE_PATTERN = new RegExp(
  `${NOT_LETTER}(?:(${INVERTED_CUES.map((c) => c.replace(/ /g, "\\s+")).join("|")})|` +
    `(${CUE_WORDS.join("|")})|(${VIEW_NOUNS}))${NOT_LETTER_AFTER}`,
  "giu",
);
const MAX_OBJECT_GAP_WORDS = 6;
// What may follow the name in "..., argued Amara Okafor in a lecture": the end of the clause,
// not a verb of its own ("..., said the government had ...").
const CLAUSE_END = new RegExp(
  "^\\s*(?:$|[.,;:!?)”\"—]|['’](?!s(?![\\p{L}]))|(?:in|on|at|of|from|who|when|to|during|" +
    "after|before|last|this|yesterday|today)(?![\\p{L}]))",
  "iu",
);

/**
 * Return the attributions of the cues in range (outside quotations), in text order:
 * [{start, end, speaker} | {start, end, pronoun} | {start, end, unknown: true}].
 * range is a sentence, or part of one.
 */
export function attributionsIn(ctx, range) {
  const sentence = paragraphOf(ctx, range.start).sentences.find(
    (s) => s.start <= range.start && range.start < s.end,
  ) ?? { start: range.start, end: range.end };
  const cues = cuesIn(ctx, sentence.start, Math.max(range.end, sentence.start));
  const found = [];
  let previous = null;
  let outer = null; // the attribution of the cue before, when there is one
  for (const [index, cue] of cues.entries()) {
    const boundary = index > 0 ? cues[index - 1].end : sentence.start;
    // "Jim Killock said the Open Rights Group agreed": a cue inside the words another cue
    // attributes is part of those words.
    const embedded = outer && clauseStartBefore(ctx, sentence, boundary, cue.start) === boundary;
    const attribution = embedded
      ? { ...outer, start: cue.start, end: cue.end }
      : attributeCue(ctx, sentence, cue, boundary, previous);
    outer = attribution;
    if (attribution) {
      previous = attribution;
      if (cue.start >= range.start && cue.end <= range.end) found.push(attribution);
    }
  }
  return found;
}

// The cues inside [from, to), outside quotations.
function cuesIn(ctx, from, to) {
  const { text } = ctx;
  const cues = [];
  const offset = Math.max(0, from - 2);
  const window = text.slice(offset, Math.min(text.length, to + 2));
  CUE_PATTERN.lastIndex = from - offset;
  for (let m = CUE_PATTERN.exec(window); m !== null; m = CUE_PATTERN.exec(window)) {
    const start = offset + m.index;
    const end = start + m[0].length;
    if (end > to) break;
    if (insideQuotation(ctx, start)) continue;
    if (m[3] !== undefined) {
      const owner = viewOwner(ctx, from, start);
      if (owner) cues.push({ start, end, word: m[0].toLowerCase(), ...owner });
      continue;
    }
    const word = m[0].toLowerCase().replace(/\s+/gu, " ");
    cues.push({ start, end, word, inverted: m[1] !== undefined });
  }
  return cues;
}

// Whose view: "her view", "Ofcom’s position", "Doherty’s view".
function viewOwner(ctx, from, nounStart) {
  const before = ctx.text.slice(from, nounStart);
  const pronoun = /(?<![\p{L}])(her|his|their|its)\s+$/iu.exec(before);
  if (pronoun) {
    const start = from + pronoun.index;
    const word = pronoun[1].toLowerCase();
    return { owner: { pronoun: { start, end: start + word.length, word } } };
  }
  const mention = mentionsOutside(ctx, from, nounStart).at(-1);
  if (!mention) return null;
  const named = ctx.text.slice(mention.start, mention.end);
  const gap = ctx.text.slice(mention.end, nounStart);
  const possessive = /^['’]s\s+$/u.test(gap) || (/['’]s$/u.test(named) && /^\s+$/u.test(gap));
  return possessive ? { owner: { speaker: mention } } : null;
}

// Who a cue attributes to. boundary is where the clause before it starts (the sentence start
// or the previous cue's end); previous is the attribution before it in the sentence.
function attributeCue(ctx, sentence, cue, boundary, previous) {
  const base = { start: cue.start, end: cue.end };
  if (cue.owner) return { ...base, ...cue.owner };
  if (cue.inverted) return objectAfter(ctx, sentence, cue, false, base);
  const clauseStart = clauseStartBefore(ctx, sentence, boundary, cue.start);
  const clause = ctx.text.slice(clauseStart, cue.start);
  const immediate = immediateSubject(ctx, clauseStart, cue.start);
  if (immediate) return { ...base, ...immediate };
  const empty = /^[\s,\p{P}]*$/u.test(clause.replace(/\b(?:but|and|while|whereas)\b/giu, ""));
  const inverting = INVERTING_WORDS.has(cue.word) && /(?:^|[,”"’])\s*$/u.test(clause);
  if (inverting && empty) {
    const object = objectAfter(ctx, sentence, cue, true, base);
    if (object) return object;
  }
  if (empty) {
    // "..., saying", "..., but insists": the clause's subject speaks again.
    if (previous && !previous.unknown)
      return { ...base, speaker: previous.speaker, pronoun: previous.pronoun };
    if (cue.word.endsWith("ing") || clauseStart > sentence.start) {
      const leading = leadingSubject(ctx, sentence, cue.start);
      if (leading) return { ...base, ...leading };
    }
    return null;
  }
  const subject = subjectOf(ctx, { start: clauseStart, end: cue.start }, cue.start);
  if (subject) return { ...base, ...subject };
  // "Private messages should stay private, argued Amara Okafor".
  return inverting ? objectAfter(ctx, sentence, cue, true, base) : null;
}

// The clause before a cue starts after the boundary, a closed quotation, ";", ":" or a dash,
// or a "but", "while", "whereas", "although" or ", and" joining two clauses.
function clauseStartBefore(ctx, sentence, boundary, cueStart) {
  const { text } = ctx;
  let start = Math.max(sentence.start, boundary);
  for (const q of paragraphOf(ctx, cueStart).quotations) {
    if (q.end <= cueStart && q.end > start) start = q.end;
  }
  const joints =
    /[;:—]|,\s+and(?![\p{L}])|(?<![\p{L}])(?:but|while|whereas|although)(?![\p{L}])/giu;
  const before = text.slice(start, cueStart);
  let cut = 0;
  for (let m = joints.exec(before); m !== null; m = joints.exec(before)) {
    cut = m.index + m[0].length;
  }
  return start + cut;
}

// "“...,” said X", "according to X": the actor named a few words after the cue; "said a
// spokesman" is an unknown speaker.
function objectAfter(ctx, sentence, cue, needsClauseEnd, base) {
  const { text } = ctx;
  const mention = mentionsOutside(ctx, cue.end, sentence.end)[0];
  if (mention) {
    const gap = text.slice(cue.end, mention.start);
    const rest = text.slice(mention.end, sentence.end);
    const clauseEnds = !needsClauseEnd || CLAUSE_END.test(rest);
    if (/^[\s\p{L}]*$/u.test(gap) && words(gap).length <= MAX_OBJECT_GAP_WORDS && clauseEnds) {
      return { ...base, speaker: mention };
    }
  }
  const next = words(text.slice(cue.end, Math.min(sentence.end, cue.end + 40))).slice(0, 3);
  if (PERSON_NOUN.test(next.join(" "))) return { ...base, ...UNKNOWN };
  return null;
}
