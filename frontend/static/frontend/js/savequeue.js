// An ordered outbox of writes that never drops one silently.
//
// Writes run one at a time in the order they were made (a span is created before it is
// edited). A write that fails for a passing reason (no network, 5xx, 408, 429) stays at the
// head of the queue and is retried with backoff until it succeeds or the user discards it; a
// write the server refuses for good (another 4xx) is removed and reported to its caller. No DOM
// here: the page renders `snapshot()` whenever `onChange` fires.

const TRANSIENT = new Set([0, 408, 425, 429, 500, 502, 503, 504]);
export const DEFAULT_BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

export function isTransient(status) {
  return TRANSIENT.has(status) || status >= 500;
}

export class SaveQueue {
  /**
   * @param {object} options
   * @param {() => void} [options.onChange] called after every state change
   * @param {number[]} [options.backoffMs] delays between retries; the last one repeats
   * @param {(fn: () => void, ms: number) => any} [options.setTimer]
   * @param {(handle: any) => void} [options.clearTimer]
   * @param {() => number} [options.now]
   */
  constructor({
    onChange = () => {},
    backoffMs = DEFAULT_BACKOFF_MS,
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (handle) => clearTimeout(handle),
    now = () => Date.now(),
  } = {}) {
    this.onChange = onChange;
    this.backoffMs = backoffMs;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.now = now;
    this.items = [];
    this.nextId = 1;
    this.running = false;
    this.timer = null;
  }

  /**
   * Queue a write. `run` performs it and resolves to `{status, data}` (status 0 when the
   * network failed). Resolves with that result on a 2xx, rejects with it on a permanent
   * refusal, rejects with `{status: 'discarded'}` when the user discards it.
   */
  enqueue(label, run) {
    return new Promise((resolve, reject) => {
      this.items.push({
        id: this.nextId++,
        label,
        run,
        resolve,
        reject,
        state: "waiting",
        attempts: 0,
        error: "",
        retryAt: null,
      });
      this.changed();
      this.pump();
    });
  }

  /** Return what the page shows: overall state and one row per pending write. */
  snapshot() {
    const failed = this.items.some((item) => item.state === "failed");
    return {
      state: failed ? "failed" : this.items.length ? "saving" : "saved",
      pending: this.items.length,
      items: this.items.map(({ id, label, state, attempts, error, retryAt }) => ({
        id,
        label,
        state,
        attempts,
        error,
        retryInMs: retryAt === null ? null : Math.max(0, retryAt - this.now()),
      })),
    };
  }

  /** Retry the failed head write at once instead of waiting for its backoff. */
  retryNow() {
    const head = this.items[0];
    if (!head || head.state !== "failed") return;
    this.clearTimer(this.timer);
    this.timer = null;
    head.retryAt = null;
    this.pump();
  }

  /** Drop a pending write the user gave up on; its caller sees `{status: 'discarded'}`. */
  discard(id) {
    const index = this.items.findIndex((item) => item.id === id);
    if (index < 0 || (index === 0 && this.running)) return false;
    const [item] = this.items.splice(index, 1);
    if (index === 0) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    item.reject({ status: "discarded", data: null });
    this.changed();
    this.pump();
    return true;
  }

  changed() {
    this.onChange(this.snapshot());
  }

  async pump() {
    if (this.running || this.timer !== null) return;
    const head = this.items[0];
    if (!head) return;
    this.running = true;
    head.state = "saving";
    head.attempts += 1;
    head.retryAt = null;
    this.changed();
    let result;
    try {
      result = await head.run();
    } catch (error) {
      result = { status: 0, data: { detail: String(error && error.message ? error.message : error) } };
    }
    if (result.status >= 200 && result.status < 300) {
      this.items.shift();
      head.resolve(result);
      this.changed();
      // The write's own callbacks run before the next write starts (they were queued by
      // resolve): a create records the server's id there, which a write queued behind it
      // needs (savequeue.test.mjs: "a write queued behind a create sees the id it gave").
      await null;
      this.running = false;
      this.pump();
      return;
    }
    this.running = false;
    if (isTransient(result.status)) {
      const delay = this.backoffMs[Math.min(head.attempts - 1, this.backoffMs.length - 1)];
      head.state = "failed";
      head.error = result.status === 0 ? "server unreachable" : `server error ${result.status}`;
      head.retryAt = this.now() + delay;
      this.timer = this.setTimer(() => {
        this.timer = null;
        this.pump();
      }, delay);
      this.changed();
    } else {
      this.items.shift();
      head.reject(result);
      this.changed();
      this.pump();
    }
  }
}
