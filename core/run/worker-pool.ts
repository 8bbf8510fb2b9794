/**
 * The worker threads that host VUs: one long-running task per thread, each
 * with its own MessagePort to the controller.
 */
import type { Stripe } from '../distributed/segment.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { createSequenceTable } from '../datasets/shared-sequence.js';
import { ErrorCode, LlmloadError, fromErrorRecord } from '../errors.js';
import type { ControllerMsg, WorkerMsg, WorkerTarget, WorkerTask, WorkerTaskResult } from '../workers/messages.js';
import { WorkerThreads } from './worker-threads.js';

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
  readonly #threads: WorkerThreads;
  readonly #ports: MessagePort[] = [];
  readonly #tasks: Promise<WorkerTaskResult>[] = [];

  private constructor(size: number, threads: WorkerThreads) {
    this.size = size;
    this.#threads = threads;
  }

  /**
   * Hand every worker its task and wait until each has loaded the script and warmed its
   * connections. `threads`: the run's threads, started early (WorkerThreads); the pool owns them
   * from here and destroys them on close() or a failed start.
   */
  static async start(options: PoolOptions, threads: WorkerThreads = WorkerThreads.start()): Promise<{ pool: WorkerPool; connectMs: number[] }> {
    const size = Math.max(1, options.workers);
    threads.grow(size);
    const pool = new WorkerPool(size, threads);
    const connectMs: number[] = [];
    let readyCount = 0;
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    const datasetSequence = createSequenceTable();
    // What the controller's process.env holds now (-e values, and what init code or setup() set):
    // threads copied it when they started, which may have been before.
    const processEnv = envSnapshot();
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
        processEnv,
      };
      const run = threads.thread(w).run(task, { transferList: [port2] }) as Promise<WorkerTaskResult>;
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
    await this.#threads.destroy();
  }
}

function envSnapshot(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}

/** Worker w's share of n items split over `size` workers: item k goes to worker k % size. */
export function share(n: number, size: number, w: number): number {
  return Math.floor(n / size) + (w < n % size ? 1 : 0);
}
