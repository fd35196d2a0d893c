// Who a clause names as its subject: an actor or a pronoun right before a verb ("X, who has
// also said"), the head of an apposition ("Kate Robertson, of Citizen Lab,"), the actor a
// speaker stands for ("a spokesman for the Home Office"), the person a title is given to
// elsewhere ("the police and crime commissioner"), or someone who is not an actor.

import { actorKind, NOT_LETTER, NOT_LETTER_AFTER, termPattern } from "./matcher.js";
import { insideQuotation, mentionsOutside, words } from "./text-units.js";

// Words that may stand between a speaker and the verb: "X, who has also said", "X last year
// said", "X themselves say".
const GAP_WORDS = new Set(
  (
    "who which has have had is are was were been being also then later previously recently " +
    "repeatedly again once now today yesterday however always often already too both all " +
    "would will did does do not never strongly publicly firmly further themselves itself " +
    "herself himself since long last this week month year earlier first still only even " +
    "just could may might must should can reportedly privately separately"
  ).split(" "),
);
const MAX_GAP_WORDS = 4;
const SUBJECT_PRONOUN = /^(she|he|they|it)$/iu;
// Nouns for a speaker the debate has no actor for: "a spokeswoman for Snap", "one cryptographer".
export const PERSON_NOUN = new RegExp(
  `${NOT_LETTER}(?:spokes(?:person|man|woman|people)|cryptographers?|researchers?|experts?|` +
    "critics?|campaigners?|officials?|ministers?|officers?|trainers?|instructors?|sources?|" +
    "professors?|analysts?|lawyers?|engineers?|executives?|directors?|chiefs?|heads?|" +
    "presidents?|chairs?|founders?|MPs?|peers?|parents?|teachers?|doctors?|scientists?|" +
    `academics?|activists?|advocates?|commissioners?|secretary)${NOT_LETTER_AFTER}`,
  "iu",
);
// Words before a name in an apposition: "Detective Chief Superintendent Liam Doherty".
const NAME_PREFIX = new Set(
  (
    "the a an however but and meanwhile now today then also dr professor prof mr mrs ms miss " +
    "sir dame lord lady baroness detective chief superintendent inspector sergeant constable " +
    "commissioner councillor cllr"
  ).split(" "),
);
// Capitalised words that start a sentence or a phrase without being part of a name.
const NOT_NAME_WORDS = new Set(
  (
    "the a an on in at then but and however earlier later last this when after before asked " +
    "speaking meanwhile monday tuesday wednesday thursday friday saturday sunday january " +
    "february march april may june july august september october november december"
  ).split(" "),
);
/** An attribution to someone who is not an actor. */
export const UNKNOWN = { unknown: true };

function onlyGapWords(text, limit) {
  if (!/^[\s,\p{L}]*$/u.test(text)) return false;
  const gap = words(text);
  return gap.length <= limit && gap.every((w) => GAP_WORDS.has(w.toLowerCase()));
}

// "X said", "X, who has said", "she said": an actor or a pronoun right before the cue.
export function immediateSubject(ctx, from, cueStart) {
  // A comma between them ends an apposition ("Kate Robertson, of Citizen Lab, said"): the
  // actor named last is not always the subject then, so subjectOf decides.
  const mention = mentionsOutside(ctx, from, cueStart).at(-1);
  const gap = mention ? ctx.text.slice(mention.end, cueStart) : "";
  if (mention && !gap.includes(",") && onlyGapWords(gap, MAX_GAP_WORDS)) {
    return { speaker: mention };
  }
  const before = ctx.text.slice(from, cueStart);
  const pronoun = /(?<![\p{L}])(she|he|they|it)((?:[\s,]+\p{L}+)*)[\s,]+$/iu.exec(before);
  if (pronoun && onlyGapWords(pronoun[2], MAX_GAP_WORDS)) {
    const start = from + pronoun.index;
    return { pronoun: { start, end: start + pronoun[1].length, word: pronoun[1].toLowerCase() } };
  }
  return null;
}

// The subject of a clause ending at cueStart: in an apposition, the person ("Kate Robertson,
// of Citizen Lab,"; "the head of WhatsApp, Will Cathcart,"), else the actor the speaker
// stands for ("Meta’s head of safety, Priya Nair,"; "a spokesman for the Home Office");
// unknown when the clause names someone who is not an actor.
export function subjectOf(ctx, range, cueStart) {
  const { text } = ctx;
  const mentions = mentionsOutside(ctx, range.start, range.end);
  const chunks = chunksOf(text, range, mentions).filter(
    (c) => !onlyGapWords(text.slice(c.start, c.end), 3),
  );
  const last = chunks.at(-1);
  const before = chunks.at(-2);
  const inChunk = (chunk) =>
    chunk ? mentions.filter((m) => m.start >= chunk.start && m.end <= chunk.end) : [];
  const isPerson = (m) => actorKind(m.actor) === "person";
  const lastNamed = inChunk(last);
  // The head of an apposition is its subject: "Kate Robertson, a colleague of Susie
  // Hargreaves, said"; "Rani Govender, senior policy officer at the NSPCC, said".
  const named = inChunk(before)
    .filter(isPerson)
    .find((m) => isNameChunk(text, before, m));
  if (named) return { speaker: named };
  const person = lastNamed.filter(isPerson).at(-1);
  if (person) return { speaker: person };
  if (last) {
    const lastText = text.slice(last.start, last.end);
    const first = words(lastText)[0] ?? "";
    if (SUBJECT_PRONOUN.test(first)) {
      const at = last.start + lastText.indexOf(first);
      return { pronoun: { start: at, end: at + first.length, word: first.toLowerCase() } };
    }
    // "the Home Office", "a spokesman for the Home Office": near the clause's start.
    const lead = lastNamed.find((m) => {
      const head = text.slice(last.start, m.start);
      return words(head).length <= 3 || PERSON_NOUN.test(head);
    });
    if (lead) return { speaker: lead };
  }
  // "Meta’s head of safety policy, Priya Nair,": the speaker stands for the actor.
  const affiliation = inChunk(before)[0];
  if (affiliation && PERSON_NOUN.test(text.slice(before.start, before.end))) {
    return { speaker: affiliation };
  }
  const titled = last && titleHolder(ctx, last);
  if (titled) return titled;
  const clause = text.slice(range.start, cueStart);
  const stranger = PERSON_NOUN.test(clause) || unknownNames(ctx, range.start, range.end).length;
  return stranger ? UNKNOWN : null;
}

// "The police and crime commissioner says": the person that title stands beside elsewhere in
// the text ("Police and Crime Commissioner, John Campion", "Tony Stower, NSPCC head of ...").
function titleHolder(ctx, chunk) {
  const { text } = ctx;
  const title = text.slice(chunk.start, chunk.end).replace(/^(?:the|a|an)\s+/iu, "");
  if (!/^[\p{L}\s’'-]+$/u.test(title) || words(title).length < 2 || !PERSON_NOUN.test(title)) {
    return null;
  }
  const pattern = new RegExp(`${NOT_LETTER}${termPattern(title)}${NOT_LETTER_AFTER}`, "giu");
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const end = m.index + m[0].length;
    const after = ctx.matcher.mentions(text, end, Math.min(text.length, end + 80))[0];
    if (
      after &&
      /^,?\s+$/u.test(text.slice(end, after.start)) &&
      actorKind(after.actor) === "person"
    ) {
      return { speaker: after, title };
    }
    const before = ctx.matcher.mentions(text, Math.max(0, m.index - 80), m.index).at(-1);
    if (before && /^,\s+(?:the\s+)?$/iu.test(text.slice(before.end, m.index))) {
      if (actorKind(before.actor) === "person") return { speaker: before, title };
    }
  }
  return null;
}

// The comma-separated parts of a range, not splitting an actor's name ("Department for
// Digital, Culture, Media & Sport").
function chunksOf(text, range, mentions) {
  const chunks = [];
  let from = range.start;
  for (let i = range.start; i <= range.end; i++) {
    if (i < range.end && (text[i] !== "," || mentions.some((m) => m.start < i && i < m.end))) {
      continue;
    }
    let a = from;
    let b = i;
    while (a < b && /\s/u.test(text[a])) a++;
    while (b > a && /\s/u.test(text[b - 1])) b--;
    if (a < b) chunks.push({ start: a, end: b });
    from = i + 1;
  }
  return chunks;
}

// "Kate Robertson", "Detective Chief Superintendent Liam Doherty": the chunk is the name.
function isNameChunk(text, chunk, mention) {
  if (text.slice(mention.end, chunk.end).trim()) return false;
  return words(text.slice(chunk.start, mention.start)).every((w) =>
    NAME_PREFIX.has(w.toLowerCase()),
  );
}

// The sentence's own subject, for a cue whose clause is empty: an actor or pronoun in its
// first words ("Johansson has since accepted changes, but insists").
export function leadingSubject(ctx, sentence, cueStart) {
  const { text } = ctx;
  let from = sentence.start;
  const opener = /^[^,]{0,30},\s*/u.exec(text.slice(from, cueStart));
  if (opener && !mentionsOutside(ctx, from, from + opener[0].length).length) {
    from += opener[0].length;
  }
  const mention = mentionsOutside(ctx, from, cueStart)[0];
  if (mention && words(text.slice(from, mention.start)).length <= 1) return { speaker: mention };
  const pronoun = /^(she|he|they|it)(?![\p{L}])/iu.exec(text.slice(from, cueStart));
  if (pronoun) {
    return {
      pronoun: { start: from, end: from + pronoun[1].length, word: pronoun[1].toLowerCase() },
    };
  }
  return null;
}

// Names of people or bodies that are not actors: runs of two or more capitalised words that
// are not an actor's name ("Professor Alan Marsh", "European Data Protection Supervisor").
export function unknownNames(ctx, from, to) {
  const { text } = ctx;
  const mentions = mentionsOutside(ctx, from, to);
  const found = [];
  const run = /(?:\p{Lu}[\p{L}’'-]*\.?\s+){1,5}\p{Lu}[\p{L}’'-]*/gu;
  const slice = text.slice(from, to);
  for (let m = run.exec(slice); m !== null; m = run.exec(slice)) {
    const start = from + m.index;
    const end = start + m[0].length;
    if (insideQuotation(ctx, start) || mentions.some((x) => x.start < end && start < x.end)) {
      continue;
    }
    const name = words(m[0]).filter((w) => !NOT_NAME_WORDS.has(w.toLowerCase()));
    if (name.length >= 2) found.push({ start, end });
  }
  return found;
}
