import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  hasIntlSegmenter,
  introducingParagraph,
  openQuoteBefore,
  paragraphAround,
  quotationsIn,
  sentenceAround,
  sentencesIn,
  snapToWords,
  trimSelection,
} from "../../static/frontend/js/selection.js";

const slice = (text, range) => text.slice(range.start, range.end);

describe("trimSelection", () => {
  test("drops spaces, NBSP, tabs and newlines on both sides", () => {
    const text = "  \u00a0“Hello”\n\t ";
    assert.deepEqual(trimSelection(text, 0, 13), { start: 3, end: 10 });
    assert.equal(text.slice(3, 10), "“Hello”");
  });

  test("drops zero width spaces but keeps emoji and inner spaces", () => {
    assert.deepEqual(trimSelection("\u200bword\u200b", 0, 6), { start: 1, end: 5 });
    assert.deepEqual(trimSelection(" 🔐 ", 0, 4), { start: 1, end: 3 });
    assert.deepEqual(trimSelection("a\u00a0b", 0, 3), { start: 0, end: 3 });
  });

  test("leaves a trimmed range alone and collapses a blank one at its end", () => {
    assert.deepEqual(trimSelection("abc", 1, 2), { start: 1, end: 2 });
    assert.deepEqual(trimSelection("a \u00a0\n b", 1, 4), { start: 4, end: 4 });
    assert.deepEqual(trimSelection("abc", 2, 2), { start: 2, end: 2 });
  });

  test("refuses ranges that are not in the text", () => {
    assert.throws(() => trimSelection("abc", 2, 1), RangeError);
    assert.throws(() => trimSelection("abc", 0, 4), RangeError);
    assert.throws(() => trimSelection("abc", -1, 2), RangeError);
    assert.throws(() => trimSelection("abc", 0.5, 2), TypeError);
    assert.throws(() => trimSelection(null, 0, 0), TypeError);
  });
});

// [text, start, end, expected start, expected end, what the range then holds]
const SNAP_CASES = [
  ["they don’t stop", 7, 9, 5, 10, "don’t"],
  ["Children’s charity", 0, 4, 0, 10, "Children’s"],
  ["end-to-end e2e", 1, 6, 0, 6, "end-to"],
  ["6,350 offences", 3, 8, 0, 14, "6,350 offences"],
  ["the U.K. is", 5, 6, 4, 7, "U.K"],
  ["café naïve", 2, 7, 0, 10, "café naïve"],
  ["Hello\u00a0world", 3, 8, 0, 11, "Hello\u00a0world"],
  ["‘backdoor’ x", 3, 4, 1, 9, "backdoor"],
  ["a 👩‍💻 b", 3, 4, 2, 7, "👩‍💻"],
  ["a 👩‍💻 b", 4, 5, 2, 7, "👩‍💻"],
  ["🇬🇧🇫🇷x", 4, 6, 4, 8, "🇫🇷"],
  ["🇬🇧🇫🇷x", 2, 2, 0, 4, "🇬🇧"],
  ["x 👍🏽 y", 4, 4, 2, 6, "👍🏽"],
  ["don’t stop", 0, 5, 0, 5, "don’t"],
  ["don't", 4, 4, 0, 5, "don't"],
  ["a  b", 2, 2, 2, 2, ""],
  ["word. Next", 2, 7, 0, 10, "word. Next"],
];

test("Node has Intl.Segmenter, so both snapping paths below really run", () => {
  assert.equal(hasIntlSegmenter(), true);
});

for (const useIntl of [true, false]) {
  describe(`snapToWords (${useIntl ? "Intl.Segmenter" : "regex fallback"})`, () => {
    test("widens ends that cut a word or an emoji cluster, and only those", () => {
      for (const [text, start, end, snappedStart, snappedEnd, holds] of SNAP_CASES) {
        const snapped = snapToWords(text, start, end, { useIntl });
        assert.deepEqual(snapped, { start: snappedStart, end: snappedEnd }, `${text} ${start}-${end}`);
        assert.equal(slice(text, snapped), holds);
      }
    });

    test("snaps a selection in a sentence of prose to whole words", () => {
      const text =
        "Ferry crews say that the winter timetable is fair to everybody and keeps the islands connected";
      const start = text.indexOf("nter");
      const end = text.indexOf("everyb") + "everyb".length;
      assert.equal(slice(text, snapToWords(text, start, end, { useIntl })), "winter timetable is fair to everybody");
    });

    test("refuses ranges that are not in the text", () => {
      assert.throws(() => snapToWords("abc", 2, 1, { useIntl }), RangeError);
    });
  });
}

describe("sentencesIn", () => {
  test("splits on terminators, line breaks and glued question marks, not on abbreviations", () => {
    const text =
      "Mr. Smith said: “Why?” she asked. It costs 3.5 billion. The U.K. agreed… Next one! " +
      "“Quoted.” Then J. Doe left etc. Fine.\nHeading line\n\nNew para?Glued sentence. " +
      "E.g. this stays.";
    assert.deepEqual(
      sentencesIn(text).map((s) => slice(text, s)),
      [
        "Mr. Smith said: “Why?” she asked.",
        "It costs 3.5 billion.",
        "The U.K. agreed…",
        "Next one!",
        "“Quoted.”",
        "Then J. Doe left etc.",
        "Fine.",
        "Heading line",
        "New para?",
        "Glued sentence.",
        "E.g. this stays.",
      ],
    );
  });

  test("returns exact offsets and honours the range it is given", () => {
    const text = "One. Two.  Three.";
    assert.deepEqual(sentencesIn(text), [
      { start: 0, end: 4 },
      { start: 5, end: 9 },
      { start: 11, end: 17 },
    ]);
    assert.deepEqual(sentencesIn(text, 5, 17), [
      { start: 5, end: 9 },
      { start: 11, end: 17 },
    ]);
    assert.deepEqual(sentencesIn(""), []);
  });
});

test("paragraphAround finds the run of non-blank lines around an offset", () => {
  const text = "First para.\nSame para line.\n\n  Second para.\n \nThird.";
  assert.deepEqual(paragraphAround(text, 3), { start: 0, end: 27 });
  assert.deepEqual(paragraphAround(text, 27), { start: 0, end: 27 });
  assert.deepEqual(paragraphAround(text, 35), { start: 31, end: 43 });
  assert.deepEqual(paragraphAround(text, 52), { start: 46, end: 52 });
  assert.deepEqual(paragraphAround(text, 0), { start: 0, end: 27 });
  // On a blank line there is no paragraph.
  assert.deepEqual(paragraphAround(text, 28), { start: 28, end: 28 });
});

test("openQuoteBefore and quotationsIn follow curly and straight double quotes", () => {
  const text = 'He said “a “b” c” and "d" then “open';
  assert.deepEqual(quotationsIn(text, 0, text.length), [
    { start: 8, end: 17 },
    { start: 22, end: 25 },
    { start: 31, end: 36 },
  ]);
  assert.equal(openQuoteBefore(text, 0, 5), null);
  assert.equal(openQuoteBefore(text, 0, 13), 8);
  assert.equal(openQuoteBefore(text, 0, 18), null);
  assert.equal(openQuoteBefore(text, 0, 24), 22);
  assert.equal(openQuoteBefore(text, 0, 36), 31);
  // Apostrophes are not quotation marks.
  assert.equal(openQuoteBefore("don’t ‘x’ it’s", 0, 14), null);
});

// Passages written for these tests, laid out like scraped news: a lead-in ending with
// "because:" before a quotation paragraph.
const LEAD_IN =
  "This demand had the support of Night Bus Watch’s chief executive, Ines Calloway, who said " +
  "strict limits on access had to come first, because:\n\n“Without them, a traceable card " +
  "becomes a diary that anyone with a login can open, showing strangers where a child goes " +
  "and leaving a trail that lasts for years.”\n\nFigures gathered by FOSC show that 340 " +
  "children went missing on the network last year, most of them for less than a day.";

// A quotation over paragraphs, with a crosshead ("Next steps") between them.
const CONTINUED_QUOTE =
  "Dev Harker, FOSC head of travel safety policy, said: “These numbers show missing-pupil " +
  "reports were rising before the new timetable, and the risk to children seems to have grown " +
  "sharply since.\n\nNext steps\n\n“Almost two years have passed since councillors first set " +
  "out plans to trace missing pupils, and children still go missing on journeys that could " +
  "have been made safer.";

describe("sentenceAround", () => {
  test("a selection inside a quotation paragraph gets the '... because:' lead-in", () => {
    const start = LEAD_IN.indexOf("a traceable card");
    const around = sentenceAround(LEAD_IN, start, start + 16);
    assert.equal(
      slice(LEAD_IN, around),
      "“Without them, a traceable card becomes a diary that anyone with a login can open, " +
        "showing strangers where a child goes and leaving a trail that lasts for years.”",
    );
    assert.deepEqual(around.leadIn, { start: 0, end: 141 });
    assert.equal(
      slice(LEAD_IN, around.leadIn),
      "This demand had the support of Night Bus Watch’s chief executive, Ines Calloway, who said " +
        "strict limits on access had to come first, because:",
    );
  });

  test("a selection that starts with the opening quotation mark is inside the quotation", () => {
    const start = LEAD_IN.indexOf("“Without");
    assert.deepEqual(sentenceAround(LEAD_IN, start, start + 14).leadIn, { start: 0, end: 141 });
  });

  test("a sentence outside any quotation has no lead-in", () => {
    const start = LEAD_IN.indexOf("340 children");
    const around = sentenceAround(LEAD_IN, start, start + 3);
    assert.equal(
      slice(LEAD_IN, around),
      "Figures gathered by FOSC show that 340 children went missing on the network last year, most of them for less than a day.",
    );
    assert.equal(around.leadIn, null);
  });

  test("a quotation continued over paragraphs reaches back past a crosshead", () => {
    const start = CONTINUED_QUOTE.indexOf("could have been made safer");
    const around = sentenceAround(CONTINUED_QUOTE, start, start + 26);
    assert.equal(
      slice(CONTINUED_QUOTE, around.leadIn),
      "Dev Harker, FOSC head of travel safety policy, said: “These numbers show missing-pupil " +
        "reports were rising before the new timetable, and the risk to children seems to have grown " +
        "sharply since.",
    );
    // In the lead-in's own paragraph, after the colon, the lead-in is part of the sentence.
    const first = CONTINUED_QUOTE.indexOf("missing-pupil");
    assert.equal(sentenceAround(CONTINUED_QUOTE, first, first + 13).leadIn, null);
  });

  test("a quotation after a colon in the same paragraph gets that sentence as lead-in", () => {
    const text = "The OSC said: “More parents are reporting it. The numbers are worrying.”";
    const start = text.indexOf("numbers");
    const around = sentenceAround(text, start, start + 7);
    assert.equal(slice(text, around), "The numbers are worrying.”");
    assert.equal(slice(text, around.leadIn), "The OSC said: “More parents are reporting it.");
  });

  test("a selection over two sentences covers both; a caret at a sentence end keeps it", () => {
    const text = "One is here. Two is there. Three.";
    assert.deepEqual(sentenceAround(text, 8, 15), { start: 0, end: 26, leadIn: null });
    assert.deepEqual(sentenceAround(text, 12, 12), { start: 0, end: 12, leadIn: null });
    assert.deepEqual(sentenceAround(text, 13, 13), { start: 13, end: 26, leadIn: null });
  });
});

test("introducingParagraph skips quotation paragraphs and crossheads", () => {
  const quoted = paragraphAround(CONTINUED_QUOTE, CONTINUED_QUOTE.indexOf("Almost two years"));
  assert.deepEqual(introducingParagraph(CONTINUED_QUOTE, quoted), paragraphAround(CONTINUED_QUOTE, 0));
  assert.equal(introducingParagraph(CONTINUED_QUOTE, paragraphAround(CONTINUED_QUOTE, 0)), null);
});
