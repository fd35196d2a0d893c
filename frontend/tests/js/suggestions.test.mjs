// The annotate page's suggestions as the text and the keys see them (no DOM).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  currentSuggestion,
  isSuggestionId,
  suggestionRanges,
  suggestionTitle,
} from "../../static/frontend/js/annotate/suggestion-view.js";

const state = {
  suggestionModelLabel: "suggestion model v3",
  stanceByKey: new Map([["pro", { label: "Pro" }]]),
  roleByKey: new Map([["claim", { label: "Claim" }]]),
  suggestions: [
    { key: "sg-0", start16: 0, end16: 12, stance: "pro", role: "claim", confidence: 0.874 },
    { key: "sg-1", start16: 20, end16: 31, stance: "contra", role: "premise", confidence: 0.5 },
  ],
  suggestionCurrent: null,
};

describe("suggestions on the annotate page", () => {
  it("tells suggestion highlights from spans, whose ids are numbers or tmp-", () => {
    assert.equal(isSuggestionId("sg-0"), true);
    assert.equal(isSuggestionId("tmp-1"), false);
    assert.equal(isSuggestionId(7), false);
  });

  it("gives the text their UTF-16 ranges", () => {
    assert.deepEqual(suggestionRanges(state), [
      { id: "sg-0", start: 0, end: 12 },
      { id: "sg-1", start: 20, end: 31 },
    ]);
  });

  it("acts on the chosen suggestion, else the first", () => {
    assert.equal(currentSuggestion(state).key, "sg-0");
    assert.equal(currentSuggestion({ ...state, suggestionCurrent: "sg-1" }).key, "sg-1");
    assert.equal(currentSuggestion({ ...state, suggestions: [] }), null);
  });

  it("says which model suggested what, with labels the scheme does not know as keys", () => {
    assert.equal(
      suggestionTitle(state, state.suggestions[0]),
      "Suggested by suggestion model v3: Pro · Claim, 87% sure. A accepts, X dismisses.",
    );
    assert.equal(
      suggestionTitle(state, state.suggestions[1]),
      "Suggested by suggestion model v3: contra · premise, 50% sure. A accepts, X dismisses.",
    );
  });
});
