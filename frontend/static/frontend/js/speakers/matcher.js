// Find where the debate's actors are named, and what kind of actor each is.
//
// Offsets are UTF-16, half-open [start, end). Names and aliases match case-insensitively, on
// word boundaries, with ' and ’ interchangeable and any run of whitespace (NBSP, newline)
// matching a space. At one position the longest name wins ("Senior Policy Officer at the
// NSPCC" over "NSPCC"); a name listed for two actors goes to the first. A person's surname
// names them too when it is capitalised and no other person has it ("Robertson", "Ms
// Robertson" for Kate Robertson). An actor without a kind is taken for a person when the name
// looks like one ("Rani Govender", not "Home Office", "Tech firms" or "NSPCC").

// Word boundaries for patterns built from names: no letter, digit or mark on that side.
export const NOT_LETTER = "(?<![\\p{L}\\p{N}\\p{M}])";
export const NOT_LETTER_AFTER = "(?![\\p{L}\\p{N}\\p{M}])";

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

const compiledMatchers = new WeakMap();

function escapeRegExp(value) {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Return a pattern matching term's words apart by any whitespace, with ' and ’ alike. */
export function termPattern(term) {
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
