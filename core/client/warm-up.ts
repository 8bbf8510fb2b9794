/**
 * Opens a pool's connections before measurement starts: n concurrent GET
 * requests (any status is fine) make the pool open up to n connections at
 * once (pipelining 1: one request per connection), so that the first measured
 * requests do not pay for a burst of connects. Resolves with the connect time
 * of every connection it opened; connections already open are reused and
 * add nothing. Never rejects: a target that cannot be reached shows up in the
 * requests that follow.
 */
import type { Dispatcher, Pool } from 'undici';
import { claimConnectMs, kConnection, type TrackedDispatchOptions } from './connection-pool.js';

/** Reads one warm-up response to its end, keeping only the connect time it was owed. */
class WarmUpHandler implements Dispatcher.DispatchHandler {
  readonly opts: TrackedDispatchOptions;
  connectMs: number | null = null;
  #controller: Dispatcher.DispatchController | null = null;
  #done: (() => void) | null;

  constructor(opts: TrackedDispatchOptions, done: () => void) {
    this.opts = opts;
    this.#done = done;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    this.connectMs = claimConnectMs(this.opts);
  }

  onResponseData(): void {}

  onResponseEnd(): void {
    this.#finish();
  }

  onResponseError(): void {
    this.#finish();
  }

  /** Give up waiting (the warm-up deadline passed). */
  cancel(): void {
    if (this.#done === null) return;
    this.#controller?.abort(new Error('warm-up deadline'));
    this.#finish();
  }

  #finish(): void {
    const done = this.#done;
    this.#done = null;
    done?.();
  }
}

/** Open up to `connections` connections of `pool` with GET `path`; resolves with each new connection's connect ms. */
export function warmUpPool(pool: Pool, path: string, headers: Record<string, string>, connections: number, deadlineMs: number): Promise<number[]> {
  if (!(connections > 0)) return Promise.resolve([]);
  return new Promise((resolve) => {
    const handlers: WarmUpHandler[] = [];
    let pending = connections;
    let timer: NodeJS.Timeout | undefined;
    const settle = (): void => {
      if (--pending > 0) return;
      if (timer !== undefined) clearTimeout(timer);
      const times: number[] = [];
      for (const h of handlers) if (h.connectMs !== null) times.push(h.connectMs);
      resolve(times);
    };
    for (let i = 0; i < connections; i++) {
      const opts: TrackedDispatchOptions = { path, method: 'GET', headers, [kConnection]: null };
      handlers.push(new WarmUpHandler(opts, settle));
    }
    if (deadlineMs > 0) {
      timer = setTimeout(() => {
        for (const h of handlers) h.cancel();
      }, deadlineMs);
      timer.unref();
    }
    for (const h of handlers) {
      try {
        pool.dispatch(h.opts, h);
      } catch {
        h.onResponseError();
      }
    }
  });
}
