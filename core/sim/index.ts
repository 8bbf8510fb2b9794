/**
 * The built-in LLM server simulator: an OpenAI-compatible server that behaves
 * like a continuous-batching engine (vLLM) under load, without a GPU.
 *
 *   const sim = await startSimulator({ preset: 'qwen14b-awq', timeScale: 10 });
 *   // … point a client at sim.url …
 *   const stats = await sim.close();
 *
 * startSimulator runs the server on the calling thread; startSimulatorThread
 * runs it on its own worker thread with the same interface, so that a load
 * generator in the same process keeps its event loop to itself.
 */
import { Worker } from 'node:worker_threads';
import { ErrorCode, LlmloadError, fromErrorRecord } from '../errors.js';
import { SimServer, type SimStats } from './http-server.js';
import { resolveSimulatorOptions, type SimulatorOptions } from './options.js';
import type { FromSimWorker, SimWorkerData, ToSimWorker } from './thread-messages.js';

export type { EngineConfig, OutputLengthDistribution } from './engine-config.js';
export { ENGINE_CONFIG_KEYS, resolveEngineConfig } from './engine-config.js';
export type { FaultConfig, FaultKind, Fault } from './faults.js';
export { FAULT_HEADER, FAULT_KINDS } from './faults.js';
export type { SimStats } from './http-server.js';
export type { LagStats } from './realtime-driver.js';
export type { SimulatorOptions, ResolvedSimulatorOptions } from './options.js';
export { resolveSimulatorOptions, DEFAULT_PRESET, DEFAULT_HOST } from './options.js';
export type { PresetName } from './presets.js';
export { presets, PRESET_NAMES, isPresetName } from './presets.js';
export { Engine, Sequence } from './engine.js';
export type { EngineRequest, ScheduledStep, StepOutcome, EngineCounters } from './engine.js';
export { simulateArrivals, simulateClosedLoop, summarize } from './simulate.js';
export type { WorkloadRequest, RequestTimeline, SimulationResult, ClosedLoopWorkload, RunSummary } from './simulate.js';

/** A running simulator. */
export interface SimulatorHandle {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Served model name. */
  readonly model: string;
  readonly preset: string;
  /** Current counters and step lag (what GET /stats returns). */
  stats(): Promise<SimStats>;
  /** Stop the server (answers in flight are cut); resolves once it is fully closed. Idempotent. */
  close(): Promise<void>;
}

/** Start the simulator on this thread. Rejects with LlmloadError(SIM_CONFIG) for bad options. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const resolved = resolveSimulatorOptions(options);
  const server = new SimServer(resolved);
  let address;
  try {
    address = await server.listen();
  } catch (error) {
    await server.close();
    throw new LlmloadError(ErrorCode.SIM_CONFIG, `simulator cannot listen on ${resolved.host}:${resolved.port}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const host = address.address;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    host,
    port: address.port,
    model: resolved.engine.model,
    preset: resolved.preset,
    stats: () => Promise.resolve(server.stats()),
    close: async () => {
      await server.close();
    },
  };
}

/** Start the simulator on its own worker thread (same interface). */
export function startSimulatorThread(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  // Fail fast, on the caller's thread, with the full error and stack.
  resolveSimulatorOptions(options);
  const data: SimWorkerData = { options };
  const worker = new Worker(new URL('./sim-worker.js', import.meta.url), { workerData: data });
  return new Promise((resolve, reject) => {
    let nextId = 0;
    const pendingStats = new Map<number, { resolve: (stats: SimStats) => void; reject: (error: Error) => void }>();
    let closing: Promise<void> | null = null;
    let ready = false;
    let exited = false;
    const gone = (why: string): LlmloadError => new LlmloadError(ErrorCode.ENGINE, `simulator thread ${why}`);
    worker.on('message', (message: FromSimWorker) => {
      switch (message.cmd) {
        case 'READY':
          ready = true;
          resolve({
            url: message.url,
            host: message.host,
            port: message.port,
            model: message.model,
            preset: message.preset,
            stats: () =>
              new Promise((res, rej) => {
                if (exited) return rej(gone('is not running'));
                const id = nextId++;
                pendingStats.set(id, { resolve: res, reject: rej });
                worker.postMessage({ cmd: 'STATS', id } satisfies ToSimWorker);
              }),
            close: () =>
              (closing ??= exited
                ? Promise.resolve()
                : new Promise<void>((res) => {
                    // Resolved by 'exit': terminate() after CLOSED, or a crash; either way nothing is left running.
                    worker.once('exit', () => res());
                    worker.postMessage({ cmd: 'CLOSE' } satisfies ToSimWorker);
                  })),
          });
          break;
        case 'STATS':
          pendingStats.get(message.id)?.resolve(message.data);
          pendingStats.delete(message.id);
          break;
        case 'CLOSED':
          void worker.terminate();
          break;
        case 'ERROR':
          reject(fromErrorRecord(message.error));
          void worker.terminate();
          break;
      }
    });
    worker.on('error', (error) => {
      if (!ready) reject(new LlmloadError(ErrorCode.ENGINE, `simulator thread failed to start: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      exited = true;
      for (const p of pendingStats.values()) p.reject(gone(`exited (code ${code})`));
      pendingStats.clear();
      if (!ready) reject(gone(`exited with code ${code} before it was ready`));
    });
  });
}
