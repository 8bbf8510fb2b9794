/**
 * One coarse timer per client for every in-flight request's timeout and stall
 * check, in the manner of undici's lib/util/timers.js: arming a timer per
 * request, let alone resetting one per chunk, costs far more than scanning
 * the in-flight set a few times a second.
 *
 * Accuracy: a deadline is noticed at most one period late. The period is a
 * fifth of the shortest timeout watched, between MIN_PERIOD_MS and
 * MAX_PERIOD_MS, so a 30 s stall timeout is checked every 250 ms and a 100 ms
 * one every 20 ms. The timer runs only while something is watched, and is
 * unref'd: it never keeps the process alive by itself.
 */

/** Something with deadlines; `check` is called with performance.now() and acts on its own. */
export interface Watched {
  check(now: number): void;
}

const MIN_PERIOD_MS = 10;
const MAX_PERIOD_MS = 250;

export class StallWatchdog<T extends Watched = Watched> {
  #items = new Set<T>();
  #timer: NodeJS.Timeout | null = null;
  #periodMs = MAX_PERIOD_MS;

  /** Watch `item`; `shortestTimeoutMs` is its smallest deadline distance (sets how often to check). */
  add(item: T, shortestTimeoutMs: number): void {
    this.#items.add(item);
    const wanted = Math.min(MAX_PERIOD_MS, Math.max(MIN_PERIOD_MS, shortestTimeoutMs / 5));
    if (this.#timer === null) {
      this.#periodMs = wanted;
      this.#start();
    } else if (wanted < this.#periodMs) {
      clearInterval(this.#timer);
      this.#periodMs = wanted;
      this.#start();
    }
  }

  delete(item: T): void {
    this.#items.delete(item);
    if (this.#items.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** The watched items (live view). */
  get items(): ReadonlySet<T> {
    return this.#items;
  }

  /** The current check period in ms. */
  get periodMs(): number {
    return this.#periodMs;
  }

  /** Stop watching everything. */
  close(): void {
    this.#items.clear();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #start(): void {
    this.#timer = setInterval(this.#tick, this.#periodMs);
    this.#timer.unref();
  }

  #tick = (): void => {
    const now = performance.now();
    // An item may delete itself during check(); deleting from a Set while iterating it is safe.
    for (const item of this.#items) item.check(now);
  };
}
