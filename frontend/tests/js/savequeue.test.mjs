import assert from "node:assert/strict";
import { test } from "node:test";

import { SaveQueue, isTransient } from "../../static/frontend/js/savequeue.js";

// A manual clock: timers fire only when the test says so.
function manualTimers() {
  const timers = [];
  return {
    timers,
    setTimer: (fn, ms) => {
      const handle = { fn, ms };
      timers.push(handle);
      return handle;
    },
    clearTimer: (handle) => {
      const index = timers.indexOf(handle);
      if (index >= 0) timers.splice(index, 1);
    },
    fire() {
      const handle = timers.shift();
      handle.fn();
      return handle.ms;
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test("writes run one at a time in the order they were queued", async () => {
  const order = [];
  const queue = new SaveQueue();
  let release;
  const first = queue.enqueue("first", () => new Promise((resolve) => {
    order.push("first started");
    release = () => resolve({ status: 201, data: { id: 1 } });
  }));
  const second = queue.enqueue("second", async () => {
    order.push("second started");
    return { status: 200, data: { id: 2 } };
  });
  await flush();
  assert.deepEqual(order, ["first started"]);
  assert.equal(queue.snapshot().state, "saving");
  assert.equal(queue.snapshot().pending, 2);
  release();
  assert.deepEqual((await first).data, { id: 1 });
  assert.deepEqual((await second).data, { id: 2 });
  assert.deepEqual(order, ["first started", "second started"]);
  assert.deepEqual(queue.snapshot(), { state: "saved", pending: 0, items: [] });
});

test("a write that fails for a passing reason is retried with backoff until it succeeds", async () => {
  const clock = manualTimers();
  const statuses = [0, 503, 201];
  const states = [];
  const queue = new SaveQueue({
    ...clock,
    backoffMs: [10, 20],
    onChange: (snapshot) => states.push(snapshot.state),
  });
  let calls = 0;
  const done = queue.enqueue("create", async () => ({ status: statuses[calls++], data: { n: calls } }));
  await flush();
  assert.equal(calls, 1);
  assert.equal(queue.snapshot().state, "failed");
  assert.equal(queue.snapshot().items[0].error, "server unreachable");
  assert.equal(queue.snapshot().items[0].attempts, 1);
  assert.equal(clock.fire(), 10);
  await flush();
  assert.equal(calls, 2);
  assert.equal(queue.snapshot().items[0].error, "server error 503");
  assert.equal(clock.fire(), 20);
  const result = await done;
  assert.equal(calls, 3);
  assert.deepEqual(result, { status: 201, data: { n: 3 } });
  assert.equal(queue.snapshot().state, "saved");
  assert.ok(states.includes("failed"));
});

test("a failed write blocks later writes so they never overtake it", async () => {
  const clock = manualTimers();
  const queue = new SaveQueue({ ...clock, backoffMs: [5] });
  let online = false;
  const ran = [];
  queue.enqueue("create", async () => {
    ran.push("create");
    return online ? { status: 201, data: {} } : { status: 0, data: null };
  });
  const edit = queue.enqueue("edit", async () => {
    ran.push("edit");
    return { status: 200, data: {} };
  });
  await flush();
  assert.deepEqual(ran, ["create"]);
  assert.deepEqual(queue.snapshot().items.map((i) => i.state), ["failed", "waiting"]);
  online = true;
  queue.retryNow();
  await edit;
  assert.deepEqual(ran, ["create", "create", "edit"]);
  assert.equal(clock.timers.length, 0);
});

test("a permanent refusal rejects that write and lets the next one run", async () => {
  const queue = new SaveQueue();
  const refused = queue.enqueue("bad", async () => ({ status: 400, data: { start: ["too big"] } }));
  const next = queue.enqueue("good", async () => ({ status: 201, data: { id: 9 } }));
  await assert.rejects(refused, (result) => result.status === 400 && result.data.start[0] === "too big");
  assert.equal((await next).data.id, 9);
});

test("a 412 is a permanent refusal so the page can reload the span", async () => {
  const queue = new SaveQueue();
  await assert.rejects(
    queue.enqueue("stale", async () => ({ status: 412, data: { detail: "stale" } })),
    (result) => result.status === 412,
  );
  assert.equal(queue.snapshot().state, "saved");
});

test("the user can discard a failed write; it rejects as discarded and the queue moves on", async () => {
  const clock = manualTimers();
  const queue = new SaveQueue({ ...clock, backoffMs: [1000] });
  const failing = queue.enqueue("doomed", async () => ({ status: 0, data: null }));
  const after = queue.enqueue("after", async () => ({ status: 201, data: { ok: true } }));
  await flush();
  const id = queue.snapshot().items[0].id;
  assert.equal(queue.discard(id), true);
  await assert.rejects(failing, (result) => result.status === "discarded");
  assert.deepEqual((await after).data, { ok: true });
  assert.equal(clock.timers.length, 0);
});

test("a thrown exception counts as a network failure", async () => {
  const clock = manualTimers();
  const queue = new SaveQueue({ ...clock, backoffMs: [1] });
  let first = true;
  const done = queue.enqueue("x", async () => {
    if (first) {
      first = false;
      throw new Error("boom");
    }
    return { status: 204, data: null };
  });
  await flush();
  assert.equal(queue.snapshot().items[0].error, "server unreachable");
  clock.fire();
  assert.equal((await done).status, 204);
});

test("transient statuses are exactly network, timeouts, rate limits and server errors", () => {
  assert.deepEqual(
    [0, 200, 400, 403, 404, 408, 409, 412, 429, 500, 503].map(isTransient),
    [true, false, false, false, false, true, false, false, true, true, true],
  );
});

test("a write queued behind a create sees the id it gave", async () => {
  const ids = new Map();
  const queue = new SaveQueue();
  const seen = [];
  queue
    .enqueue("create", async () => ({ status: 201, data: { id: 41 } }))
    .then((result) => ids.set("tmp-1", result.data.id));
  const edit = queue.enqueue("edit", async () => {
    seen.push(ids.get("tmp-1") ?? "tmp-1");
    return { status: 200, data: {} };
  });
  await edit;
  assert.deepEqual(seen, [41]);
});
