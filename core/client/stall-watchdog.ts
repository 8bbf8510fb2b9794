/**
 * One coarse timer per client for every in-flight request's timeout and stall
 * check, in the manner of undici's lib/util/timers.js: arming a timer per
 * request, let alone resetting one per chunk, costs far more than scanning
 * the in-flight set now and then.
 *
 * When it wakes: an item that can say how soon it could possibly be due
 * (`earliestDue`) lets the timer sleep until then, so streams that only wait
 * for tokens under a 60 s stall timeout wake the thread about once a minute
 * instead of four times a second (each wake-up of an idle thread costs more
 * than the scan); an item that cannot say is due every period. A bound only
 * ever moves later (bytes arriving push a stall deadline back), so a tick
 * that finds nothing due just sleeps again until the new earliest bound.
 *
 * Accuracy: a deadline is noticed at most one period late, and ticks are at
 * least one period apart. The period is a fifth of the shortest timeout
 * watched, between MIN_PERIOD_MS and MAX_PERIOD_MS, so a 30 s stall timeout
 * is checked within 250 ms of its deadline and a 100 ms one within 20 ms.
 * The timer runs only while something is watched, and is unref'd: it never
 * keeps the process alive by itself.
 */

/** Something with deadlines; `check` is called with performance.now() and acts on its own. */
export interface Watched {
  check(now: number): void;
  /**
   * The soonest performance.now() at which `check` could act, given what is known at `now`; a
   * lower bound that may only grow as time passes (Infinity: never). Without it the item is due
   * every period.
   */
  earliestDue?(now: number): number;
}

const MIN_PERIOD_MS = 10;
const MAX_PERIOD_MS = 250;

export class StallWatchdog<T extends Watched = Watched> {
  #items = new Set<T>();
  #timer: NodeJS.Timeout | null = null;
  /** When the armed timer fires (performance.now() ms); Infinity when none is armed. */
  #wakeAt = Infinity;
  #periodMs = MAX_PERIOD_MS;

  /** Watch `item`; `shortestTimeoutMs` is its smallest deadline distance (sets how often to check). */
  add(item: T, shortestTimeoutMs: number): void {
    const wanted = Math.min(MAX_PERIOD_MS, Math.max(MIN_PERIOD_MS, shortestTimeoutMs / 5));
    if (this.#items.size === 0 || wanted < this.#periodMs) this.#periodMs = wanted;
    this.#items.add(item);
    const now = performance.now();
    const due = Math.max(this.#dueOf(item, now), now + this.#periodMs);
    if (due < this.#wakeAt) this.#arm(due, now);
  }

  delete(item: T): void {
    this.#items.delete(item);
    if (this.#items.size === 0) this.#disarm();
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
    this.#disarm();
  }

  #dueOf(item: T, now: number): number {
    return item.earliestDue === undefined ? now + this.#periodMs : item.earliestDue(now);
  }

  #arm(at: number, now: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#wakeAt = at;
    this.#timer = setTimeout(this.#tick, Math.max(1, Math.ceil(at - now)));
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#wakeAt = Infinity;
  }

  #tick = (): void => {
    const now = performance.now();
    // Timers run on libuv's cached loop clock, which can be behind performance.now(): early, sleep the rest.
    if (now < this.#wakeAt) {
      this.#arm(this.#wakeAt, now);
      return;
    }
    this.#timer = null;
    this.#wakeAt = Infinity;
    let next = Infinity;
    // An item may delete itself during check(); deleting from a Set while iterating it is safe.
    for (const item of this.#items) {
      item.check(now);
      if (this.#items.has(item)) next = Math.min(next, this.#dueOf(item, now));
    }
    // Something added during the checks may have armed the timer already.
    if (this.#items.size > 0 && next !== Infinity) {
      const at = Math.max(next, now + this.#periodMs);
      if (at < this.#wakeAt) this.#arm(at, now);
    }
  };
}
