/**
 * Who draws a report's charts (Vega-Lite spec → SVG, render-svg.ts): this
 * thread, or a thread of their own started before the results are read.
 *
 * On a thread, vega's bundle is loaded (~80 ms) while the caller reads the
 * results, and the charts (~200 ms, most of it vega's code running for the
 * first time in the process) are drawn while the caller writes report.md,
 * report.html and report.json; the SVGs are the same either way (the same
 * code on the same specs). The thread costs ~0.1 CPU-s more in all (its own
 * start-up, module loading and compilation), which only pays in time for
 * results that take longer than that to read, on a machine with a CPU to
 * spare: small results, a single CPU or a busy machine keep the charts on
 * this thread. A thread that fails hands the charts it had back to this one.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromErrorRecord } from '../errors.js';
import type { ErrorRecord } from '../errors.js';
import { renderSvg } from './render-svg.js';
import { saveBundleCodeCaches } from './vega-bundles.js';

type Spec = Record<string, unknown>;

export interface ChartRenderer {
  /** The chart's SVG document. Charts asked for together are drawn one after the other, in the order asked. */
  svg(name: string, spec: Spec): Promise<string>;
  /** No more charts: the bundles' code caches are saved (vega-bundles.ts) and the thread, if any, stops. */
  close(): Promise<void>;
}

/** Parent → chart thread. */
export type ToChartWorker = { cmd: 'RENDER'; id: number; name: string; spec: Spec } | { cmd: 'CLOSE' };

/** Chart thread → parent. */
export type FromChartWorker = { cmd: 'SVG'; id: number; svg: string } | { cmd: 'ERROR'; id: number; error: ErrorRecord } | { cmd: 'CLOSED' };

/** Raw results below this size are read in less time than a thread takes to start and load vega. */
export const THREAD_MIN_RESULT_BYTES = 1 << 20;

/** Charts drawn on this thread, one after the other. */
export function inProcessChartRenderer(): ChartRenderer {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    svg: (name, spec) => {
      const drawn = queue.then(() => renderSvg(name, spec));
      queue = drawn.catch(() => undefined);
      return drawn;
    },
    close: async () => {
      await queue;
      await saveBundleCodeCaches();
    },
  };
}

/** What decides whether a report's charts get a thread. */
export interface ChartThreadInputs {
  /** Size of the raw results, in bytes. */
  resultBytes: number;
  /** CPUs the process may use. */
  cpus: number;
  /** The machine's 1-minute load average (0 where the platform has none). */
  loadAverage: number;
}

/**
 * A thread pays only when the results take longer to read than it takes to start and load vega, and
 * a CPU is free for it: on a machine whose CPUs are all busy (a load average of one per CPU or more)
 * it would only add its start-up to the work, and take CPU from whatever else runs there.
 */
export function wantsChartThread({ resultBytes, cpus, loadAverage }: ChartThreadInputs): boolean {
  return resultBytes >= THREAD_MIN_RESULT_BYTES && cpus >= 2 && loadAverage < cpus;
}

/**
 * The renderer for a report built from these raw results: a thread where wantsChartThread says so,
 * else this thread. Call it before reading the results, so the thread loads vega meanwhile.
 */
export function chartRendererFor(resultsPaths: readonly string[]): ChartRenderer {
  let resultBytes = 0;
  for (const path of resultsPaths) {
    try {
      resultBytes += statSync(path).size;
    } catch {
      // Unreadable: the read reports it.
    }
  }
  const thread = wantsChartThread({ resultBytes, cpus: availableParallelism(), loadAverage: loadavg()[0] ?? 0 });
  return thread ? chartRendererThread() : inProcessChartRenderer();
}

/** Charts drawn on a thread of their own, started now; vega loads there at once. */
export function chartRendererThread(): ChartRenderer {
  const entry = new URL('./chart-worker.js', import.meta.url);
  // A build that bundles this module without the worker's file draws on this thread.
  if (entry.protocol !== 'file:' || !existsSync(fileURLToPath(entry))) return inProcessChartRenderer();
  let worker: Worker;
  try {
    worker = new Worker(entry);
  } catch {
    return inProcessChartRenderer();
  }
  let fallback: ChartRenderer | null = null;
  const local = (): ChartRenderer => (fallback ??= inProcessChartRenderer());
  const pending = new Map<number, { name: string; spec: Spec; resolve: (svg: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let exited = false;
  let closed: Promise<void> | null = null;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  /** The thread is gone: what it had not drawn is drawn here. */
  const takeBack = (): void => {
    exited = true;
    for (const [id, chart] of pending) {
      pending.delete(id);
      local().svg(chart.name, chart.spec).then(chart.resolve, chart.reject);
    }
  };
  let closedByWorker: () => void = () => undefined;
  const saved = new Promise<void>((resolve) => (closedByWorker = resolve));
  worker.on('message', (message: FromChartWorker) => {
    if (message.cmd === 'CLOSED') {
      // Everything is drawn and saved: the thread's teardown (~50-80 ms) need not hold the process.
      worker.unref();
      closedByWorker();
      return;
    }
    const chart = pending.get(message.id);
    if (chart === undefined) return;
    pending.delete(message.id);
    if (message.cmd === 'SVG') chart.resolve(message.svg);
    else chart.reject(fromErrorRecord(message.error));
  });
  worker.on('error', () => takeBack());
  worker.on('exit', () => takeBack());
  return {
    svg: (name, spec) => {
      if (exited) return local().svg(name, spec);
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        pending.set(id, { name, spec, resolve, reject });
        worker.postMessage({ cmd: 'RENDER', id, name, spec } satisfies ToChartWorker);
      });
    },
    close: () =>
      (closed ??= (async () => {
        // The thread draws what it was asked for, saves the code caches and ends: done when it says so or is gone.
        if (!exited) worker.postMessage({ cmd: 'CLOSE' } satisfies ToChartWorker);
        await Promise.race([saved, exit]);
        if (fallback !== null) await fallback.close();
      })()),
  };
}
