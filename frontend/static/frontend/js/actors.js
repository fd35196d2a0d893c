// Suggest who holds the position in a selection, from the debate's actors and their aliases.
//
// Offsets are UTF-16, half-open [start, end). Names and aliases match case-insensitively, on
// word boundaries, with ' and ’ interchangeable and any run of whitespace (NBSP, newline)
// matching a space. At one position the longest name that fits in the range searched wins
// ("Senior Policy Officer at the NSPCC" over "NSPCC"); a name listed for two actors goes to
// the first.
//
// Pure functions, no DOM: imported by the annotate page and by node --test.

import {
  introducingParagraph,
  openQuoteBefore,
  paragraphAround,
  quotationsIn,
  sentenceAround,
  sentencesIn,
} from "./selection.js";

// Verbs that attribute words or a position to their subject (or, inverted, to what follows).
const SPEECH_VERBS = [
  "according to",
  "said",
  "says",
  "say",
  "saying",
  "told",
  "tells",
  "tell",
  "added",
  "adds",
  "adding",
  "argued",
  "argues",
  "argue",
  "arguing",
  "warned",
  "warns",
  "warn",
  "warning",
  "claimed",
  "claiming",
  "stated",
  "explained",
  "explains",
  "insisted",
  "insists",
  "noted",
  "wrote",
  "writes",
  "believes",
  "believe",
  "disagreed",
  "disagrees",
  "disagree",
  "agreed",
  "agrees",
  "urged",
  "urges",
  "commented",
  "suggested",
  "suggests",
  "stressed",
  "stresses",
  "asked",
  "maintained",
  "maintains",
  "acknowledged",
  "admitted",
  "asserted",
  "emphasised",
  "emphasized",
  "contended",
  "contends",
  "replied",
  "responded",
  "announced",
  "revealed",
  "reveals",
  "reiterated",
  "reiterating",
  "called",
  "calling",
];
const VERB_PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}\\p{M}])(?:${SPEECH_VERBS.join("|").replace(/ /g, "\\s+")})(?![\\p{L}\\p{N}\\p{M}])`,
  "giu",
);
// Verbs that also attribute to the name after them when they follow a quotation or a comma:
// "“...,” said Susie Hargreaves".
const INVERTING_VERBS = new Set([
  "said",
  "says",
  "added",
  "adds",
  "argued",
  "argues",
  "warned",
  "warns",
  "wrote",
  "writes",
  "told",
  "explained",
  "insisted",
  "stressed",
  "asked",
  "replied",
  "responded",
]);
// Words that may stand between a speaker and the verb: "X, who said", "X have argued",
// "X is reiterating", "X themselves say".
const SUBJECT_GAP_WORDS = new Set(
  (
    "who which has have had is are was were been being also then later previously recently " +
    "repeatedly again once now today yesterday however always often already too both all " +
    "would will did does do not never strongly publicly firmly further themselves itself " +
    "herself himself"
  ).split(" "),
);
const MAX_SUBJECT_GAP_WORDS = 4;
const MAX_OBJECT_GAP_WORDS = 6;
const PRONOUN_KINDS = {
  she: "person",
  he: "person",
  they: "group",
  it: "group",
};

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
  for (const actor of actors) {
    for (const term of [actor.name, ...(actor.aliases ?? [])]) {
      if (typeof term !== "string" || !term.trim()) continue;
      const key = term.trim().toLowerCase().replace(/’/gu, "'").replace(/\s+/gu, " ");
      if (seen.has(key)) continue;
      seen.add(key);
      terms.push({ term: term.trim(), actor });
    }
  }
  // Longest first, so the alternation prefers "Senior Policy Officer at the NSPCC" to "NSPCC".
  terms.sort((a, b) => b.term.length - a.term.length);
  const pattern =
    terms.length === 0
      ? null
      : new RegExp(
          `(?<![\\p{L}\\p{N}\\p{M}])(?:${terms.map((t) => `(${termPattern(t.term)})`).join("|")})(?![\\p{L}\\p{N}\\p{M}])`,
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
        if (end <= to) {
          const group = match.findIndex((value, index) => index > 0 && value !== undefined);
          found.push({ start, end, actor: terms[group - 1].actor });
        }
      }
      return found;
    },
  };
  compiledMatchers.set(actors, matcher);
  return matcher;
}

/**
 * Return the actor most likely to hold the position in text[start, end), or null.
 *
 * In order of preference:
 *  - "selection": an actor named in the selection (the first one named);
 *  - "sentence": the speaker of an attribution in the selection's sentence ("Tech firms argue
 *    that ...", "X, who said", "said X", "according to X"; the one nearest before the selection,
 *    else the first after it), or failing that the first actor named in the sentence (when
 *    the selection is inside a quotation, the first named outside quotations: an actor
 *    the speaker talks about is not the speaker);
 *  - "attribution": the speaker of the nearest attribution outside the sentence: the one that
 *    introduces or closes the quotation holding the selection, then earlier sentences of the
 *    paragraph, nearest first, then the "X ... said:" lead-in or the paragraph before a
 *    paragraph that opens with a quotation mark. An attribution to a pronoun ("she said")
 *    resolves to the nearest actor named before it in the same or the previous paragraph
 *    (she/he skip actors whose kind is known and not "person"; they/it skip persons); such a
 *    suggestion always has the reason "attribution".
 *
 * Returns {actorId, reason, match: {start, end}} where match is where the actor is named.
 */
export function suggestActor(text, start, end, actors) {
  if (typeof text !== "string") throw new TypeError("text must be a string");
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end) {
    throw new RangeError(`[${start}, ${end}) is not a range`);
  }
  if (end > text.length) throw new RangeError(`end ${end} is beyond the text`);
  const matcher = compileActorMatcher(actors);
  const context = { text, matcher };

  const inSelection = matcher.mentions(text, start, end);
  if (inSelection.length) return suggestion(inSelection[0], "selection");

  const sentence = sentenceAround(text, start, end);
  const nearest = pickAround(attributionsIn(context, sentence), start);
  if (nearest) return fromAttribution(nearest, "sentence");
  const paragraph = paragraphAround(text, start);
  const named = namedOutsideQuotation(context, sentence, paragraph, start, end);
  if (named) return suggestion(named, "sentence");

  const fromQuotation = quotationAttribution(context, paragraph, start, end);
  if (fromQuotation) return fromAttribution(fromQuotation, "attribution");

  const earlier = sentencesIn(text, paragraph.start, paragraph.end).filter(
    (s) => s.end <= sentence.start,
  );
  for (const previous of earlier.reverse()) {
    const found = attributionsIn(context, previous).at(-1);
    if (found) return fromAttribution(found, "attribution");
  }

  if (sentence.leadIn) {
    const found = leadInAttribution(context, sentence.leadIn);
    if (found) return fromAttribution(found, "attribution");
  }
  const intro = introducingParagraph(text, paragraph);
  if (intro) {
    for (const previous of sentencesIn(text, intro.start, intro.end).reverse()) {
      const found = attributionsIn(context, previous).at(-1);
      if (found) return fromAttribution(found, "attribution");
    }
  }
  return null;
}

function namedOutsideQuotation({ text, matcher }, sentence, paragraph, start, end) {
  const named = matcher.mentions(text, sentence.start, sentence.end);
  if (!insideQuotation(text, paragraph, start, end)) return named[0] ?? null;
  const quotations = quotationsIn(text, paragraph.start, paragraph.end);
  return (
    named.find((m) => !quotations.some((q) => q.start < m.end && m.start < q.end)) ?? null
  );
}

function insideQuotation(text, paragraph, start, end) {
  return openQuoteBefore(text, paragraph.start, quotedOffset(text, start, end)) !== null;
}

// A selection that begins with the opening quotation mark is inside that quotation.
function quotedOffset(text, start, end) {
  return start < end && /[“„«"]/u.test(text[start]) ? start + 1 : start;
}

function suggestion(mention, reason) {
  return { actorId: mention.actor.id, reason, match: { start: mention.start, end: mention.end } };
}

function fromAttribution(attribution, reason) {
  if (attribution.speaker) return suggestion(attribution.speaker, reason);
  return suggestion(attribution.antecedent, "attribution");
}

// The attribution nearest before offset, else the first after it.
function pickAround(attributions, offset) {
  const before = attributions.filter((a) => a.verbStart < offset);
  return before.at(-1) ?? attributions[0] ?? null;
}

/**
 * Return the attributions in range whose speaker is an actor, in text order:
 * [{verbStart, verbEnd, speaker} | {verbStart, verbEnd, pronoun, antecedent}].
 */
function attributionsIn({ text, matcher }, range) {
  const mentions = matcher.mentions(text, range.start, range.end);
  const found = [];
  for (const { start: verbStart, end: verbEnd, word } of verbsIn(text, range.start, range.end)) {
    const attribution = { verbStart, verbEnd };
    const subject = word === "according to" ? null : subjectBefore(text, mentions, verbStart);
    if (subject) {
      found.push({ ...attribution, speaker: subject });
      continue;
    }
    const pronoun = word === "according to" ? null : pronounBefore(text, range.start, verbStart);
    if (pronoun) {
      const antecedent = antecedentOf({ text, matcher }, pronoun);
      if (antecedent) found.push({ ...attribution, pronoun, antecedent });
      continue;
    }
    const object = objectAfter(text, mentions, word, range.start, verbStart, verbEnd);
    if (object) found.push({ ...attribution, speaker: object });
  }
  return found;
}

// The speech verbs inside [from, to), searched with two units of context each side.
function verbsIn(text, from, to) {
  const offset = Math.max(0, from - 2);
  const window = text.slice(offset, Math.min(text.length, to + 2));
  const verbs = [];
  VERB_PATTERN.lastIndex = from - offset;
  for (let verb = VERB_PATTERN.exec(window); verb !== null; verb = VERB_PATTERN.exec(window)) {
    const start = offset + verb.index;
    const end = start + verb[0].length;
    if (end > to) break;
    verbs.push({ start, end, word: verb[0].toLowerCase().replace(/\s+/gu, " ") });
  }
  return verbs;
}

function gapWords(gap) {
  if (!/^[\s,\p{L}]*$/u.test(gap)) return null;
  return gap.split(/[\s,]+/u).filter(Boolean);
}

// "X said", "X, who said", "X have argued": the actor named right before the verb.
function subjectBefore(text, mentions, verbStart) {
  const subject = mentions.filter((m) => m.end <= verbStart).at(-1);
  if (!subject) return null;
  const words = gapWords(text.slice(subject.end, verbStart));
  if (words === null || words.length > MAX_SUBJECT_GAP_WORDS) return null;
  return words.every((w) => SUBJECT_GAP_WORDS.has(w.toLowerCase())) ? subject : null;
}

// "she said", "they have argued": a pronoun right before the verb.
const PRONOUN_BEFORE_VERB = new RegExp(
  `(?<![\\p{L}\\p{N}\\p{M}])(she|he|they|it)((?:[\\s,]+(?:${[...SUBJECT_GAP_WORDS].join("|")}))*)[\\s,]+$`,
  "iu",
);

function pronounBefore(text, from, verbStart) {
  const match = PRONOUN_BEFORE_VERB.exec(text.slice(from, verbStart));
  if (!match || gapWords(match[2]).length > MAX_SUBJECT_GAP_WORDS) return null;
  return { start: from + match.index, word: match[1].toLowerCase() };
}

// "“...,” said X", "according to X": the actor named a few words after the verb.
function objectAfter(text, mentions, word, rangeStart, verbStart, verbEnd) {
  const inverted =
    word === "according to" ||
    (INVERTING_VERBS.has(word) && /(?:^|[,”"’])\s*$/u.test(text.slice(rangeStart, verbStart)));
  if (!inverted) return null;
  const object = mentions.find((m) => m.start >= verbEnd);
  if (!object) return null;
  const words = gapWords(text.slice(verbEnd, object.start));
  return words !== null && words.length <= MAX_OBJECT_GAP_WORDS ? object : null;
}

// The nearest actor named before the pronoun, in its paragraph or the one before.
function antecedentOf({ text, matcher }, pronoun) {
  const paragraph = paragraphAround(text, pronoun.start);
  let from = paragraph.start;
  if (from > 0) {
    let at = from;
    while (at > 0 && /\s/u.test(text[at - 1])) at--;
    from = paragraphAround(text, at).start;
  }
  const wanted = PRONOUN_KINDS[pronoun.word];
  const fits = (actor) =>
    !actor.kind || (wanted === "person" ? actor.kind === "person" : actor.kind !== "person");
  return (
    matcher
      .mentions(text, from, pronoun.start)
      .filter((m) => fits(m.actor))
      .at(-1) ?? null
  );
}

// The attribution attached to the quotation holding the selection, if it is open in this
// paragraph: before its opening mark in the same sentence, or right after its closing mark.
function quotationAttribution(context, paragraph, start, end) {
  const { text } = context;
  const open = openQuoteBefore(text, paragraph.start, quotedOffset(text, start, end));
  if (open === null) return null;
  const sentences = sentencesIn(text, paragraph.start, paragraph.end);
  const opening = sentences.find((s) => s.start <= open && open < s.end);
  if (opening) {
    const found = attributionsIn(context, opening).filter((a) => a.verbEnd <= open);
    if (found.length) return found.at(-1);
  }
  const close = closingQuoteAfter(text, open, paragraph.end);
  if (close === null) return null;
  const closing = sentences.find((s) => s.start <= close && close < s.end);
  if (!closing) return null;
  return attributionsIn(context, closing).find((a) => a.verbStart > close) ?? null;
}

function closingQuoteAfter(text, open, limit) {
  const closer = text[open] === '"' ? '"' : text[open] === "«" ? "»" : "”";
  const at = text.indexOf(closer, open + 1);
  return at >= 0 && at < limit ? at : null;
}

// "X ... said:" before a quotation: an attribution in the lead-in, else the actor named last
// before its first speech verb (or, with none before it, the first named after it).
function leadInAttribution(context, leadIn) {
  const found = attributionsIn(context, leadIn).at(-1);
  if (found) return found;
  const { text, matcher } = context;
  const [verb] = verbsIn(text, leadIn.start, leadIn.end);
  if (verb === undefined) return null;
  const mentions = matcher.mentions(text, leadIn.start, leadIn.end);
  const speaker =
    mentions.filter((m) => m.end <= verb.start).at(-1) ??
    mentions.find((m) => m.start >= verb.end);
  return speaker ? { verbStart: verb.start, verbEnd: verb.end, speaker } : null;
}
