/**
 * One worker thread of a run: a piscina pool of one thread, started now, that
 * loads `entry` (and with it undici and the client) before it has a task.
 *
 * `llmload run`'s first thread can start before the command itself has
 * loaded: bin/llmload.js starts it through this module (compiled, not
 * bundled) and the command's bundle, which has its own copy of this module,
 * takes it over through a slot on globalThis. A worker thread takes ~0.1 s to
 * boot Node; started there, that overlaps loading the command and parsing
 * its arguments instead of following them (BENCHMARKS.md, start-up).
 */
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';

// require(), not import: importing a CommonJS package from an ES module scans its source for exports first.
const { Piscina: PiscinaPool } = createRequire(import.meta.url)('piscina') as typeof import('piscina');

export function startWorkerThread(entry: string): Piscina {
  const piscina = new PiscinaPool({
    filename: entry,
    // minThreads starts the thread now; piscina loads the entry (and its imports) before any task.
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: 1,
    atomics: 'disabled',
    // piscina's task run/wait histograms: one long task per thread has nothing to time, and each pool would make two.
    recordTiming: false,
    // piscina loads the entry with require() first; Node 20's require(esm) then races with the
    // import() fallback ("Unexpected status of a module that is imported again after being
    // required"). Turning require(esm) off in workers makes piscina take the import() path only.
    execArgv: [...process.execArgv, '--no-experimental-require-module'],
    // A streaming worker allocates fast and keeps little: V8 then grows its young generation to
    // 32 MB, most of it garbage, in every worker. 16 MB costs no CPU measurably and is ~30 KiB of
    // RSS less per stream at 1,000 streams (BENCHMARKS.md, memory case).
    resourceLimits: { maxYoungGenerationSizeMb: 16 },
  });
  // A thread that fails before it has a task is replaced when the task comes, and a second
  // failure rejects the task, where WorkerPool reports it: nothing to do here but not crash.
  piscina.on('error', () => undefined);
  return piscina;
}

interface FirstThread {
  entry: string;
  thread: Piscina;
}

const FIRST_THREAD = Symbol.for('llmload.firstWorkerThread');
const slots = globalThis as Record<symbol, FirstThread | undefined>;

/**
 * Start the first worker thread of a run that has not loaded yet (bin/llmload.js). A thread that
 * cannot start (a Node flag workers refuse) is left to the run, which starts its own and reports why.
 */
export function startFirstWorkerThread(entry: string): void {
  if (slots[FIRST_THREAD] !== undefined) return;
  try {
    slots[FIRST_THREAD] = { entry, thread: startWorkerThread(entry) };
  } catch {
    // The run's own start fails the same way, where the command says so.
  }
}

/**
 * The thread startFirstWorkerThread() started, once; undefined when none was. One started on
 * another entry than the run's is not the run's thread: it is destroyed.
 */
export function takeFirstWorkerThread(entry: string): Piscina | undefined {
  const first = slots[FIRST_THREAD];
  if (first === undefined) return undefined;
  slots[FIRST_THREAD] = undefined;
  if (first.entry === entry) return first.thread;
  void first.thread.destroy();
  return undefined;
}

/** Destroy the first thread if no run took it (the command was a usage error, --help, a coordinator). */
export async function dropFirstWorkerThread(): Promise<void> {
  const first = slots[FIRST_THREAD];
  slots[FIRST_THREAD] = undefined;
  await first?.thread.destroy();
}
