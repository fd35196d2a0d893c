// Suggest the actor who said a selection's words, from the debate's actors and their aliases.
//
// Offsets are UTF-16, half-open [start, end). Names and aliases match case-insensitively, on
// word boundaries, with ' and ’ interchangeable and any run of whitespace (NBSP, newline)
// matching a space. At one position the longest name wins ("Senior Policy Officer at the
// NSPCC" over "NSPCC"); a name listed for two actors goes to the first. A person's surname
// names them too when it is capitalised and no other person has it ("Robertson", "Ms
// Robertson" for Kate Robertson). An actor without a kind is taken for a person when the name
// looks like one ("Rani Govender", not "Home Office", "Tech firms" or "NSPCC").
//
// docs/SPEAKERS.md gives the rules in order and measures them. Pure functions, no DOM:
// imported by the annotate page and by node --test.

import {
  leadInFor,
  openQuoteBefore,
  paragraphAround,
  quotationsIn,
  sentencesIn,
} from "./selection.js";

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
const NOT_LETTER = "(?<![\\p{L}\\p{N}\\p{M}])";
const NOT_LETTER_AFTER = "(?![\\p{L}\\p{N}\\p{M}])";
const CUE_PATTERN = new RegExp(
  `${NOT_LETTER}(?:(${INVERTED_CUES.map((c) => c.replace(/ /g, "\\s+")).join("|")})|` +
    `(${CUE_WORDS.join("|")})|(${VIEW_NOUNS}))${NOT_LETTER_AFTER}`,
  "giu",
);
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
const MAX_OBJECT_GAP_WORDS = 6;
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
const SUBJECT_PRONOUN = /^(she|he|they|it)$/iu;
// Nouns for a speaker the debate has no actor for: "a spokeswoman for Snap", "one cryptographer".
const PERSON_NOUN = new RegExp(
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
// Words of organisation names, which are not people's names.
const ORGANISATION_WORDS = new Set(
  (
    "office foundation lab laboratory police council government department ministry agency " +
    "institute centre center society association union commission committee trust group bank " +
    "party parliament university college school service services network alliance coalition " +
    "forum partnership authority board unit bureau charity company corporation watch hall " +
    "inc ltd plc fund campaign project initiative league federation court training bill act " +
    "plan strategy summit supervisor"
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
// What may follow the name in "..., argued Amara Okafor in a lecture": the end of the clause,
// not a verb of its own ("..., said the government had ...").
const CLAUSE_END = new RegExp(
  "^\\s*(?:$|[.,;:!?)”\"—]|['’](?!s(?![\\p{L}]))|(?:in|on|at|of|from|who|when|to|during|" +
    "after|before|last|this|yesterday|today)(?![\\p{L}]))",
  "iu",
);
const MAX_PARAGRAPHS_BACK = 2;
const LOOK_BACK = 3000; // characters searched for the full name before a surname
const UNKNOWN = { unknown: true }; // an attribution to someone who is not an actor

const compiledMatchers = new WeakMap();

function escapeRegExp(value) {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function termPattern(term) {
  return term
    .trim()
    .split(/\s+/u)
    .map((word) => escapeRegExp(word).replace(/['’]/gu, "['’]"))
    .join("\\s+");
}

function termKey(term) {
  return term.trim().toLowerCase().replace(/’/gu, "'").replace(/\s+/gu, " ");
}

/** Return an actor's kind: its own, else "person", "collective" or "organisation" by its name. */
export function actorKind(actor) {
  if (actor.kind) return actor.kind;
  const words = String(actor.name ?? "")
    .trim()
    .split(/\s+/u);
  if (words.some((w) => ORGANISATION_WORDS.has(w.toLowerCase()))) return "organisation";
  if (words.length >= 2 && words.length <= 4 && words.every((w) => /^\p{Lu}\p{Ll}/u.test(w))) {
    return "person";
  }
  return words.some((w) => /^\p{Ll}/u.test(w)) ? "collective" : "organisation";
}

// The capitalised surname of each person whose surname no other person has.
function surnames(actors) {
  const byName = new Map();
  for (const actor of actors) {
    const words = String(actor.name ?? "")
      .trim()
      .split(/\s+/u);
    const last = words.at(-1);
    if (actorKind(actor) !== "person" || words.length < 2 || !/^\p{Lu}\p{Ll}{2,}/u.test(last)) {
      continue;
    }
    byName.set(last, byName.has(last) ? null : actor);
  }
  return [...byName].filter(([, actor]) => actor !== null);
}

/**
 * Return a matcher for actors [{id, name, aliases, kind?}] that finds where they are named.
 * The matcher is cached per actors array; pass a new array after the actors change.
 */
export function compileActorMatcher(actors) {
  if (!Array.isArray(actors)) throw new TypeError("actors must be an array");
  const cached = compiledMatchers.get(actors);
  if (cached) return cached;
  const terms = [];
  const seen = new Set();
  const addTerm = (term, actor, surname) => {
    if (typeof term !== "string" || !term.trim() || seen.has(termKey(term))) return;
    seen.add(termKey(term));
    terms.push({ term: term.trim(), actor, surname });
  };
  for (const actor of actors) {
    for (const term of [actor.name, ...(actor.aliases ?? [])]) addTerm(term, actor, false);
  }
  for (const [surname, actor] of surnames(actors)) addTerm(surname, actor, true);
  // Longest first, so the alternation prefers "Senior Policy Officer at the NSPCC" to "NSPCC".
  terms.sort((a, b) => b.term.length - a.term.length);
  const pattern =
    terms.length === 0
      ? null
      : new RegExp(
          `${NOT_LETTER}(?:${terms.map((t) => `(${termPattern(t.term)})`).join("|")})${NOT_LETTER_AFTER}`,
          "giu",
        );
  const matcher = {
    /** Return [{start, end, actor}] for every naming of an actor inside [from, to). */
    mentions(text, from = 0, to = text.length) {
      if (pattern === null || from >= to) return [];
      // Search only the range, plus two units each side so the word-boundary checks still see
      // the characters around it (one code point, which may be a surrogate pair).
      const offset = Math.max(0, from - 2);
      const window = text.slice(offset, Math.min(text.length, to + 2));
      const found = [];
      pattern.lastIndex = from - offset;
      for (let match = pattern.exec(window); match !== null; match = pattern.exec(window)) {
        const start = offset + match.index;
        const end = start + match[0].length;
        if (start >= to) break;
        const term = terms[match.findIndex((v, i) => i > 0 && v !== undefined) - 1];
        // A surname names its person only when capitalised: "Church", not "the church".
        if (end <= to && !(term.surname && !/^\p{Lu}/u.test(match[0]))) {
          found.push({ start, end, actor: term.actor });
        }
      }
      return found;
    },
  };
  compiledMatchers.set(actors, matcher);
  return matcher;
}

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
  const matcher = compileActorMatcher(actors);
  const ctx = { text, matcher, paragraphs: new Map() };

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
  const surname =
    named !== actor.name &&
    actor.name.trim().split(/\s+/u).at(-1) === named &&
    ctx.matcher
      .mentions(ctx.text, Math.max(0, mention.start - LOOK_BACK), mention.start)
      .some((m) => m.actor === actor && ctx.text.slice(m.start, m.end) !== named);
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

// ---------------------------------------------------------------------------------------------
// Paragraphs, sentences and quotations, computed once per paragraph per call

function paragraphOf(ctx, offset) {
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

function previousParagraph(ctx, paragraph) {
  let at = paragraph.start;
  while (at > 0 && /\s/u.test(ctx.text[at - 1])) at--;
  if (at === 0) return null;
  const previous = paragraphOf(ctx, at);
  return previous.start < previous.end ? previous : null;
}

function insideQuotation(ctx, offset) {
  return paragraphOf(ctx, offset).quotations.some((q) => q.start < offset && offset < q.end);
}

// The sentences of every paragraph the selection touches that overlap it.
function sentencesAcross(ctx, start, end) {
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
function quotedOffset(text, start, end) {
  return start < end && /[“„«"]/u.test(text[start]) ? start + 1 : start;
}

// ---------------------------------------------------------------------------------------------
// Rule 1: the speaker of the quotation holding the selection

function quotationSpeaker(ctx, start, end) {
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

// The mark closing the quotation opened at open: in its paragraph, or in a later paragraph
// when the quotation goes on into paragraphs that each open with a quotation mark (headings
// between them are skipped).
function closingMark(ctx, open) {
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

// ---------------------------------------------------------------------------------------------
// Attributions: the cues in a range and who each attributes to

/**
 * Return the attributions of the cues in range (outside quotations), in text order:
 * [{start, end, speaker} | {start, end, pronoun} | {start, end, unknown: true}].
 * range is a sentence, or part of one.
 */
function attributionsIn(ctx, range) {
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

function words(text) {
  return text.split(/[\s,]+/u).filter(Boolean);
}

function onlyGapWords(text, limit) {
  if (!/^[\s,\p{L}]*$/u.test(text)) return false;
  const gap = words(text);
  return gap.length <= limit && gap.every((w) => GAP_WORDS.has(w.toLowerCase()));
}

function mentionsOutside(ctx, from, to) {
  return ctx.matcher.mentions(ctx.text, from, to).filter((m) => !insideQuotation(ctx, m.start));
}

// "X said", "X, who has said", "she said": an actor or a pronoun right before the cue.
function immediateSubject(ctx, from, cueStart) {
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

// The subject of a clause ending at cueStart: in an apposition, the person ("Kate Robertson,
// of Citizen Lab,"; "the head of WhatsApp, Will Cathcart,"), else the actor the speaker
// stands for ("Meta’s head of safety, Priya Nair,"; "a spokesman for the Home Office");
// unknown when the clause names someone who is not an actor.
function subjectOf(ctx, range, cueStart) {
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
function leadingSubject(ctx, sentence, cueStart) {
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
function unknownNames(ctx, from, to) {
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

// ---------------------------------------------------------------------------------------------
// Pronouns

/**
 * Return the mention "she", "they" or "her" refers back to: the last speaker of its kind
 * before it (the subject of an attribution), else the last actor of its kind named, within
 * its paragraph and the two before. UNKNOWN when the last person named before a she/he is not
 * an actor; null when nothing fits.
 */
function resolvePronoun(ctx, pronoun, depth) {
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
