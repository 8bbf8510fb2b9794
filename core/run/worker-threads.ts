/**
 * The worker threads of a run, started before the run knows what they will
 * run: a thread boots Node and loads worker-entry.js with its modules (undici,
 * the client, the VU host) in ~0.2 s, which on a machine with two or more
 * cores overlaps the controller's own start-up (bundling the script,
 * validating options, probing the target). WorkerPool hands each its one task
 * once the script, the target and setup()'s data are known.
 *
 * One piscina pool per thread: the count grows once the options are known,
 * and piscina fixes its thread count when the pool is made.
 */
import type { Piscina } from 'piscina';
import { startWorkerThread, takeFirstWorkerThread } from './worker-thread.js';

/** Set in the bundled command (scripts/bundle-cli.js): the bundled worker entry's loader (core/loading/worker-bundle.ts), relative to this module's compiled file. */
declare const LLMLOAD_BUNDLED_WORKER_ENTRY: string | undefined;
const workerEntry = new URL(typeof LLMLOAD_BUNDLED_WORKER_ENTRY === 'string' ? LLMLOAD_BUNDLED_WORKER_ENTRY : '../workers/worker-entry.js', import.meta.url).href;

export class WorkerThreads {
  readonly #threads: Piscina[] = [];
  #destroyed: Promise<void> | undefined;

  private constructor() {}

  /** Start `count` threads now (at least one). */
  static start(count = 1): WorkerThreads {
    const threads = new WorkerThreads();
    threads.grow(count);
    return threads;
  }

  get size(): number {
    return this.#threads.length;
  }

  /** Threads not yet terminated. */
  get alive(): number {
    let alive = 0;
    for (const thread of this.#threads) alive += thread.threads.length;
    return alive;
  }

  /** Start threads until there are `count`; a destroyed set starts none. */
  grow(count: number): void {
    if (this.#destroyed !== undefined) return;
    while (this.#threads.length < count) this.#threads.push(startThread());
  }

  /** Thread `index`'s pool; grow() first. */
  thread(index: number): Piscina {
    const thread = this.#threads[index];
    if (thread === undefined) throw new RangeError(`worker thread ${index} was not started (${this.#threads.length} started)`);
    return thread;
  }

  /** Terminate every thread, whatever it is doing; later calls wait for the first. */
  destroy(): Promise<void> {
    this.#destroyed ??= Promise.all(this.#threads.map((thread) => thread.destroy())).then(() => undefined);
    return this.#destroyed;
  }
}

function startThread(): Piscina {
  // The first thread of `llmload run`, started by bin/llmload.js before the command loaded, when it has one.
  return takeFirstWorkerThread(workerEntry) ?? startWorkerThread(workerEntry);
}

/** Whether a run hosts its VUs on threads of its own: not a coordinator, whose runners are processes. */
export function startsWorkerThreads(request: { instances?: number | undefined; coordinator?: unknown }): boolean {
  return request.instances === undefined && request.coordinator === undefined;
}
