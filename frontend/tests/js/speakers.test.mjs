// The actor suggestion measured on the labelled reported-speech passages in
// fixtures/reported-speech.json (written for these tests; docs/SPEAKERS.md reports the
// figures). The counts are exact, so a change that fixes a passage or breaks one fails here
// until the figures, and the docs, are brought up to date.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { suggestActor } from "../../static/frontend/js/speakers/suggest.js";

const { actors, passages } = JSON.parse(
  readFileSync(new URL("fixtures/reported-speech.json", import.meta.url), "utf8"),
);
const nameOf = new Map(actors.map((actor) => [actor.id, actor.name]));

const COVERS = [
  "x-said",
  "said-x",
  "according-to",
  "apposition",
  "colon-quote",
  "multi-paragraph",
  "pronoun",
  "surname",
  "name-inside",
  "whole-paragraph",
  "two-speakers",
  "no-speaker",
  "speaker-in-selection",
  "position-verb",
];

// The passage's text and its selection as UTF-16 offsets.
function selectionOf(passage) {
  const text = passage.paragraphs.join("\n\n");
  if (passage.select !== undefined) {
    const start = text.indexOf(passage.select);
    return { text, start, end: start + passage.select.length };
  }
  const before = passage.paragraphs.slice(0, passage.select_paragraph);
  const start = before.reduce((length, paragraph) => length + paragraph.length + 2, 0);
  return { text, start, end: start + passage.paragraphs[passage.select_paragraph].length };
}

function suggestedName(passage) {
  const { text, start, end } = selectionOf(passage);
  const suggestion = suggestActor(text, start, end, actors);
  return suggestion === null ? null : nameOf.get(suggestion.actorId);
}

describe("the labelled reported-speech passages", () => {
  test("are well formed: one selection each, a known speaker or null, every pattern", () => {
    const names = new Set(actors.map((actor) => actor.name));
    const ids = new Set();
    for (const passage of passages) {
      assert.ok(!ids.has(passage.id), `${passage.id} twice`);
      ids.add(passage.id);
      assert.ok(COVERS.includes(passage.covers), `${passage.id}: ${passage.covers}`);
      assert.ok(passage.speaker === null || names.has(passage.speaker), passage.id);
      const text = passage.paragraphs.join("\n\n");
      if (passage.select !== undefined) {
        const at = text.indexOf(passage.select);
        assert.ok(at >= 0 && text.indexOf(passage.select, at + 1) < 0, passage.id);
      } else {
        assert.ok(passage.paragraphs[passage.select_paragraph], passage.id);
      }
    }
    assert.equal(passages.length, 196);
    for (const covers of COVERS) {
      assert.ok(passages.filter((p) => p.covers === covers).length >= 6, covers);
    }
    // The actors carry no kind, as on the annotate page.
    assert.ok(actors.every((actor) => actor.kind === undefined));
  });

  test("the speaker is right for 193 of 196, and these are the misses", () => {
    const misses = passages
      .filter((passage) => suggestedName(passage) !== passage.speaker)
      .map((passage) => `${passage.id}: ${suggestedName(passage)}`);
    // A fact about an actor, with nobody saying it: the actor named in the selection is
    // suggested, as the rules intend when nothing attributes the words.
    assert.deepEqual(misses, [
      "no-speaker-03: Tech firms",
      "no-speaker-13: Signal",
      "no-speaker-15: Tech firms",
    ]);
    assert.equal(passages.length - misses.length, 193);
  });

  test("the 40 passages written after the rules were set: 38 right", () => {
    const later = passages.filter((passage) => passage.written === "after the rules");
    const correct = later.filter((passage) => suggestedName(passage) === passage.speaker);
    assert.equal(later.length, 40);
    assert.equal(correct.length, 38);
  });

  test("the pattern of the bug: 'platforms' inside Rani Govender's reported speech", () => {
    const passage = passages.find(
      (p) => p.select === "platforms should invest in technical solutions",
    );
    const { text, start, end } = selectionOf(passage);
    const suggestion = suggestActor(text, start, end, actors);
    assert.equal(nameOf.get(suggestion.actorId), "Rani Govender");
    assert.equal(suggestion.why, "‘her’ refers back to Rani Govender");
    assert.equal(text.slice(suggestion.match.start, suggestion.match.end), "Rani Govender");
  });
});
