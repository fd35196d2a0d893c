import assert from "node:assert/strict";
import { test } from "node:test";

import { apiGetAll } from "../../static/frontend/js/api.js";

// A fake request function over pages keyed by URL; it records what was asked.
function pages(byUrl) {
  const asked = [];
  const get = async (method, url) => {
    asked.push(`${method} ${url}`);
    return byUrl[url] ?? { status: 404, data: { detail: "Not found." }, etag: null };
  };
  return { get, asked };
}

test("apiGetAll follows next links and returns every page's results", async () => {
  const { get, asked } = pages({
    "/api/v1/documents/1/spans/?page_size=2": {
      status: 200,
      data: { next: "http://x/api/v1/documents/1/spans/?cursor=b&page_size=2", results: [{ id: 1 }, { id: 2 }] },
    },
    "http://x/api/v1/documents/1/spans/?cursor=b&page_size=2": {
      status: 200,
      data: { next: null, previous: "p", results: [{ id: 3 }] },
    },
  });
  const result = await apiGetAll("/api/v1/documents/1/spans/", 2, get);
  assert.equal(result.status, 200);
  assert.deepEqual(
    result.data.map((s) => s.id),
    [1, 2, 3],
  );
  assert.deepEqual(asked, [
    "GET /api/v1/documents/1/spans/?page_size=2",
    "GET http://x/api/v1/documents/1/spans/?cursor=b&page_size=2",
  ]);
});

test("apiGetAll keeps a query string and stops at the first failed page", async () => {
  const { get, asked } = pages({
    "/api/v1/x/?layer=gold&page_size=5": {
      status: 200,
      data: { next: "/api/v1/x/?cursor=c", results: [{ id: 1 }] },
    },
    "/api/v1/x/?cursor=c": { status: 503, data: { detail: "Retry shortly." }, etag: null },
  });
  const result = await apiGetAll("/api/v1/x/?layer=gold", 5, get);
  assert.equal(result.status, 503);
  assert.equal(result.data.detail, "Retry shortly.");
  assert.equal(asked.length, 2);
});

test("apiGetAll passes an unpaginated list through", async () => {
  const { get } = pages({ "/l/?page_size=9": { status: 200, data: [{ id: 7 }], etag: null } });
  const result = await apiGetAll("/l/", 9, get);
  assert.deepEqual(result.data, [{ id: 7 }]);
});
