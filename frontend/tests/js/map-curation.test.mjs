import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  curationNoteText,
  decisionText,
  joinBody,
  joinCandidates,
  mergeText,
  splitBody,
} from "../../static/frontend/js/map-curation.js";

const sources = [{ span_id: "3" }, { span_id: "8" }, { span_id: "10" }];

describe("the map's curation", () => {
  test("a merge step says whether similarity or a reviewer made it", () => {
    assert.equal(mergeText({ method: "lexical-jaccard/v1", score: 0.8333, basis: "5 of 6" }), "merged by similarity 0.83 (5 of 6)");
    assert.equal(mergeText({ method: "reviewer-join", score: 1, by: "rev1" }), "joined by reviewer rev1");
    assert.equal(mergeText({ method: "reviewer-split", score: 1, by: "rev1" }), "kept together by reviewer rev1's split");
  });

  test("a split note names the reviewer and how many sources it keeps apart", () => {
    assert.equal(curationNoteText({ by: "rev1", span_ids: ["2"] }), "split by reviewer rev1: kept apart from 1 source");
    assert.equal(curationNoteText({ by: "rev1", span_ids: ["2", "4"] }), "split by reviewer rev1: kept apart from 2 sources");
  });

  test("a split needs both parts non-empty", () => {
    assert.deepEqual(splitBody(sources, new Set(["8"])), { kind: "split", spans: [8], other_spans: [3, 10] });
    assert.equal(splitBody(sources, new Set()), null);
    assert.equal(splitBody(sources, new Set(["3", "8", "10"])), null);
  });

  test("a join names both arguments' sources, and joins only the same side and kind", () => {
    const a = { id: "a", side: "pro", kind: "claim", sources: [{ span_id: "3" }] };
    const b = { id: "b", side: "pro", kind: "claim", sources: [{ span_id: "8" }, { span_id: "9" }] };
    const c = { id: "c", side: "contra", kind: "claim", sources: [] };
    const d = { id: "d", side: "pro", kind: "premise", sources: [] };
    assert.deepEqual(joinBody(a, b), { kind: "join", spans: [3], other_spans: [8, 9] });
    assert.deepEqual(joinCandidates([a, b, c, d], a), [b]);
  });

  test("a decision reads with its spans and who made it", () => {
    assert.equal(decisionText({ kind: "join", spans: [3], other_spans: [8], by: "rev1" }), "Joined the arguments of spans 3 and 8, by rev1");
    assert.equal(decisionText({ kind: "split", spans: [5], other_spans: [2, 4], by: "rev1" }), "Split spans 5 off from 2, 4, by rev1");
  });
});
