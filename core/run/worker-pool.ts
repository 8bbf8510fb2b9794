/**
 * The piscina pool that hosts VUs: one long-running task per thread, each
 * with its own MessagePort to the controller.
 */
import type { Stripe } from '../distributed/segment.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { createSequenceTable } from '../datasets/shared-sequence.js';
import { ErrorCode, LlmloadError, fromErrorRecord } from '../errors.js';
import type { ControllerMsg, WorkerMsg, WorkerTarget, WorkerTask, WorkerTaskResult } from '../workers/messages.js';

const workerEntry = new URL('../workers/worker-entry.js', import.meta.url).href;

export interface PoolOptions {
  workers: number;
  bundleUrl: string;
  /** Iterations carry their context across awaits (BundledScript.usesScriptContext). */
  scriptContext: boolean;
  /** Directory of the script: relative input files named in it are read from there. */
  scriptDir: string;
  setupData: unknown;
  env: Record<string, string>;
  target: WorkerTarget;
  /** Most VUs the test runs at once; split across workers for connection pools. */
  maxVus: number;
  /** VUs that exist from the start; split across workers, their connections are opened before it. */
  warmVus: number;
  flushIntervalMs: number;
  onMessage: (msg: WorkerMsg) => void;
  /** When the test is split over instances: this instance's stripe. */
  instance?: Stripe | null;
}

export class WorkerPool {
  readonly size: number;
  readonly #piscina: Piscina;
  readonly #ports: MessagePort[] = [];
  readonly #tasks: Promise<WorkerTaskResult>[] = [];

  private constructor(size: number, piscina: Piscina) {
    this.size = size;
    this.#piscina = piscina;
  }

  /** Start every worker and wait until each has loaded the script and warmed its connections. */
  static async start(options: PoolOptions): Promise<{ pool: WorkerPool; connectMs: number[] }> {
    const size = Math.max(1, options.workers);
    const piscina = new Piscina({
      filename: workerEntry,
      minThreads: size,
      maxThreads: size,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      atomics: 'disabled',
      // piscina loads the entry with require() first; Node 20's require(esm) then races with the
      // import() fallback ("Unexpected status of a module that is imported again after being
      // required"). Turning require(esm) off in workers makes piscina take the import() path only.
      execArgv: [...process.execArgv, '--no-experimental-require-module'],
      // A streaming worker allocates fast and keeps little: V8 then grows its young generation to
      // 32 MB, most of it garbage, in every worker. 16 MB costs no CPU measurably and is ~30 KiB of
      // RSS less per stream at 1,000 streams (BENCHMARKS.md, memory case).
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
    });
    const pool = new WorkerPool(size, piscina);
    const connectMs: number[] = [];
    let readyCount = 0;
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    const datasetSequence = createSequenceTable();
    for (let w = 0; w < size; w++) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (msg: WorkerMsg) => {
        if (msg.cmd === 'READY') {
          connectMs.push(...msg.connectMs);
          if (++readyCount === size) resolveReady();
          return;
        }
        if (msg.cmd === 'ERROR' && readyCount < size) {
          rejectReady(fromErrorRecord(msg.error));
          return;
        }
        options.onMessage(msg);
      });
      pool.#ports.push(port1);
      const task: WorkerTask = {
        port: port2,
        workerIndex: w,
        workerCount: size,
        bundleUrl: options.bundleUrl,
        scriptContext: options.scriptContext,
        scriptDir: options.scriptDir,
        setupData: options.setupData,
        env: options.env,
        target: options.target,
        maxVus: share(options.maxVus, size, w),
        warmVus: share(options.warmVus, size, w),
        flushIntervalMs: options.flushIntervalMs,
        datasetSequence,
        instance: options.instance ?? null,
      };
      const run = piscina.run(task, { transferList: [port2] }) as Promise<WorkerTaskResult>;
      run.catch((error: unknown) => {
        const failure = new LlmloadError(ErrorCode.ENGINE, `worker ${w} stopped: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        if (readyCount < size) rejectReady(failure);
        else options.onMessage({ cmd: 'ERROR', workerIndex: w, error: { code: ErrorCode.ENGINE, message: failure.message } });
      });
      pool.#tasks.push(run);
    }
    try {
      await ready;
    } catch (error) {
      await pool.close();
      throw error;
    }
    return { pool, connectMs };
  }

  send(workerIndex: number, msg: ControllerMsg): void {
    this.#ports[workerIndex]?.postMessage(msg);
  }

  broadcast(msg: ControllerMsg): void {
    for (const port of this.#ports) port.postMessage(msg);
  }

  /** Ask every worker to flush and stop, then wait for their tasks and the threads. */
  async close(): Promise<void> {
    this.broadcast({ cmd: 'SHUTDOWN' });
    await Promise.allSettled(this.#tasks);
    for (const port of this.#ports) port.close();
    await this.#piscina.destroy();
  }
}

/** Worker w's share of n items split over `size` workers: item k goes to worker k % size. */
export function share(n: number, size: number, w: number): number {
  return Math.floor(n / size) + (w < n % size ? 1 : 0);
}
