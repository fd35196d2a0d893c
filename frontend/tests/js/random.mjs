// Seeded pseudo-random texts for property tests: the same seed gives the same texts.

/** Return a function yielding floats in [0, 1) from a 32-bit seed (mulberry32). */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces a news text about encryption can hold, and a few that no text should but may.
export const PIECES = [
  "a",
  "Z",
  "7",
  " ",
  " ",
  "\n",
  ".",
  ",",
  "é", // precomposed U+00E9 (NFC)
  "e\u0301", // decomposed: two code points, two units
  "\u00a0", // NBSP
  "“",
  "”",
  "‘",
  "’",
  "don’t",
  "🔐", // U+1F510
  "📈",
  "🇬🇧", // two regional indicators
  "👩‍💻", // ZWJ sequence
  "👍🏽", // skin tone modifier
  "❤️", // BMP pictograph + VS16
  "\ud800", // lone high surrogate
  "\udc00", // lone low surrogate
];

/** Return a text of `pieces` random pieces. */
export function randomText(random, pieces) {
  let text = "";
  for (let i = 0; i < pieces; i++) text += PIECES[Math.floor(random() * PIECES.length)];
  return text;
}
