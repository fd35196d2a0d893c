// The pages' modules (static/frontend/js/<page>/) do nothing when imported: no DOM lookup, no
// listener, no state of their own. Only a page's entry (main.js) reads the document, when the
// browser runs it, and hands the state and the elements to the others. Node has no document
// and no window, so a module that touched either at import would throw here.

import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, test } from "node:test";

import {
  adopt,
  createState,
  fromApi,
  orderedSpans,
  spanKey,
  spanLabel,
  toApiRange,
} from "../../static/frontend/js/annotate/state.js";

const JS = new URL("../../static/frontend/js/", import.meta.url);

describe("importing a page's modules", () => {
  for (const page of ["annotate", "review", "map", "dashboard", "members", "import", "account"]) {
    test(`the ${page} page's modules import without a DOM`, async () => {
      assert.equal(typeof globalThis.document, "undefined");
      assert.equal(typeof globalThis.window, "undefined");
      const names = readdirSync(new URL(`${page}/`, JS)).filter((name) => name.endsWith(".js"));
      assert.ok(names.includes("main.js"), `${page}/main.js is the entry`);
      for (const name of names.filter((name) => name !== "main.js")) {
        await import(new URL(`${page}/${name}`, JS));
      }
    });
  }
});

describe("the annotate page's state", () => {
  const data = {
    document: { id: 1, title: "t", text: "Tap 🔐 then “café” 📈 don’t" },
    scheme: {
      stances: [{ key: "pro", label: "Pro" }],
      roles: [{ key: "claim", label: "Claim" }],
      relation_types: [{ key: "supports", label: "Supports" }],
    },
    actors: [{ id: 7, name: "Ada Quill", aliases: [] }],
    can_write: true,
    role_keys: [["c", "claim"]],
    relation_keys: [["s", "supports"]],
    urls: { spans: "/spans/" },
  };

  test("spans from the API get UTF-16 offsets and their version is kept", () => {
    const state = createState(data);
    // "café" is code points 12-16, UTF-16 units 13-17 (after the two-unit 🔐).
    const span = fromApi(state, { id: 3, start: 12, end: 16, version: 4, stance: "pro", role: "claim" });
    assert.deepEqual([span.start16, span.end16], [13, 17]);
    assert.equal(data.document.text.slice(span.start16, span.end16), "café");
    assert.equal(state.versions.get(3), 4);
    assert.deepEqual(toApiRange(state, 13, 17), { start: 12, end: 16 });
  });

  test("adopted spans are ordered by start, the longer first, and keyed by id", () => {
    const state = createState(data);
    adopt(
      state,
      [
        { id: 2, start: 12, end: 16, version: 1, stance: "pro", role: "claim", actor: 7 },
        { id: 1, start: 0, end: 3, version: 1, stance: "pro", role: "claim", actor: null },
        { id: 5, start: 0, end: 16, version: 1, stance: "pro", role: "claim", actor: null },
      ],
      [],
    );
    assert.deepEqual(orderedSpans(state).map((span) => span.id), [5, 1, 2]);
    assert.equal(spanKey(state, "2"), 2);
    assert.equal(spanLabel(state, state.spans.get(2)), "Pro · Claim · Ada Quill");
    assert.equal(spanLabel(state, state.spans.get(1)), "Pro · Claim · no actor");
    assert.equal(state.readOnly, false);
    assert.equal(state.roleKeys.get("c"), "claim");
  });
});
