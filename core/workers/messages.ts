/**
 * Every message that crosses the controller ↔ worker boundary, named.
 * They travel over a MessagePort as structured-clone records.
 */
import type { RequestRecord } from '../client/types.js';
import type { ErrorRecord } from '../errors.js';
import type { HealthReading } from '../metrics/load-generator.js';
import type { Stripe } from '../distributed/segment.js';
import type { ArrivalProcess } from '../executors/arrival-process.js';
import type { IterationLimit, MeasureWindow } from '../executors/types.js';
import type { MetricType } from './vu-api.js';

/** What the piscina task receives once per worker thread. */
export interface WorkerTask {
  port: import('node:worker_threads').MessagePort;
  workerIndex: number;
  workerCount: number;
  bundleUrl: string;
  /** Run each iteration in a context that follows its awaits (the script imports check, group, sleep or custom metrics). */
  scriptContext: boolean;
  /** Directory of the script (not of its bundle): relative dataset and tokenizer paths start there. */
  scriptDir: string;
  /** Data returned by setup(), structured-cloned. */
  setupData: unknown;
  env: Record<string, string>;
  target: WorkerTarget;
  /** Most VUs this worker will ever run at once (connection pool size). */
  maxVus: number;
  /** Connections to open before the test starts (this worker's VUs that exist from the start). */
  warmVus: number;
  /** How often to ship batches to the controller. */
  flushIntervalMs: number;
  /** Sequential-sampling counters of the run's datasets, shared by every worker (core/datasets/shared-sequence.ts). */
  datasetSequence: SharedArrayBuffer;
  /** When the test is split over instances: this instance's stripe (VU numbers and dataset items are global). Null: not split. */
  instance: Stripe | null;
  /** The controller's process.env when the task was handed over: the thread may have started (and copied it) before -e values, init code or setup() set some. */
  processEnv: Record<string, string>;
}

export interface WorkerTarget {
  baseUrl: string;
  model?: string;
  /** The API key value; kept in memory only, never logged. */
  apiKey?: string;
  headers: Record<string, string>;
  /** In the modelled server's ms, as the options write them; the client divides them by timeScale. */
  timeoutMs: number;
  stallTimeoutMs: number;
  stream: boolean;
  /**
   * Modelled ms per real ms: a simulator run's time scale, 1 otherwise. The script's own times in the
   * server's terms (request timeouts, sleep(), think time) run this much faster (core/executors/time-scale.ts).
   */
  timeScale?: number;
}

export interface WorkerTaskResult {
  workerIndex: number;
  iterations: number;
}

/** A custom-metric or engine sample: [name, type, value, tags, isTime]. */
export type SampleTuple = [name: string, type: MetricType, value: number, tags: Record<string, string>, isTime: boolean];

// controller → worker

export interface StartPhaseMsg {
  cmd: 'START_PHASE';
  phaseId: number;
  scenario: string;
  exec: string;
  /** scenario, level and the scenario's own tags. */
  tags: Record<string, string>;
  env: Record<string, string>;
  /** Shared iteration counter (Int32Array over a SharedArrayBuffer) when the limit is shared across workers. */
  sharedCounter: SharedArrayBuffer | null;
  iterations: IterationLimit | null;
  /** The worker's share of the phase's first VU target. */
  vus: number;
  /** Warm-up / cool-down of the phase; absent when the scenario sets none. */
  measure?: ClosedMeasure;
}

/** What a worker needs to tell a closed phase's warm-up and cool-down iterations from the rest. */
export interface ClosedMeasure {
  window: MeasureWindow;
  /** Epoch ms (performance.timeOrigin + performance.now()) of the phase start. */
  startEpochMs: number;
  durationMs: number;
  /** Iterations started in the phase across workers (Int32Array over it), for warmupIterations; null without. */
  counter: SharedArrayBuffer | null;
}

/**
 * Start an open-loop phase. Every worker generates the same arrival schedule
 * and runs arrival i when i % slots === slot, on its deadline
 * startEpochMs + offset (epoch ms, comparable across threads).
 */
export interface StartOpenPhaseMsg {
  cmd: 'START_OPEN_PHASE';
  phaseId: number;
  scenario: string;
  exec: string;
  tags: Record<string, string>;
  env: Record<string, string>;
  arrivals: ArrivalProcess;
  /** Epoch ms at which offset 0 of the schedule falls. */
  startEpochMs: number;
  /** No arrival at or after this offset is started, ms. */
  durationMs: number;
  /** This worker's share of the arrivals: those with index % slots === slot; -1 for none. */
  slot: number;
  slots: number;
  /** This worker's share of preAllocatedVUs and maxVUs. */
  preAllocatedVus: number;
  maxVus: number;
  /** Tag requests with the 0-based stage of their arrival. */
  stageTags: boolean;
  measure: MeasureWindow | null;
  /** When the test is split over instances: the arrivals this instance sends; the slots share those. Null: all. */
  share: Stripe | null;
}

export interface SetVusMsg {
  cmd: 'SET_VUS';
  phaseId: number;
  /** This worker's share of the phase's VU target. */
  vus: number;
  gracefulRampDownMs: number;
}

export interface EndPhaseMsg {
  cmd: 'END_PHASE';
  phaseId: number;
  /** In-flight iterations are interrupted after this long. 0: at once. */
  gracefulStopMs: number;
}

export interface ShutdownMsg {
  cmd: 'SHUTDOWN';
}

export type ControllerMsg = StartPhaseMsg | StartOpenPhaseMsg | SetVusMsg | EndPhaseMsg | ShutdownMsg;

// worker → controller

export interface ReadyMsg {
  cmd: 'READY';
  workerIndex: number;
  /** Connection set-up times of the warm-up, ms. */
  connectMs: number[];
}

export interface BatchMsg {
  cmd: 'BATCH';
  workerIndex: number;
  records: RequestRecord[];
  samples: SampleTuple[];
  /** VUs running in this worker right now. */
  activeVus: number;
  /** Output tokens received since the previous batch, finished requests or not (the live tokens/s). */
  streamedTokens: number;
  /** Requests in flight in this worker now: [scenario, level, rate ('' when untagged), sent at (epoch ms)]; absent when unchanged and none. */
  inFlight?: Array<[string, string, string, number]>;
  /** When inFlight was listed (epoch ms): a request's age is known up to this instant, however late the batch is read. */
  inFlightAtMs?: number;
  /** The thread's health since its previous reading (core/workers/client-health.ts); absent when too recent. */
  health?: HealthReading;
}

export interface PhaseDoneMsg {
  cmd: 'PHASE_DONE';
  workerIndex: number;
  phaseId: number;
}

/** An open phase created a VU beyond its preallocated ones (arrivals found every VU busy). */
export interface VusAllocatedMsg {
  cmd: 'VUS_ALLOCATED';
  workerIndex: number;
  phaseId: number;
  /** VUs the phase holds in this worker now. */
  vus: number;
}

export interface LogMsg {
  cmd: 'LOG';
  /** 'console': a line the script printed with console.* (shown as is, on stderr). */
  level: 'warn' | 'error' | 'console';
  message: string;
  /** Print only the first message with this key in the run (the same warning from every worker and iteration). */
  once?: string;
}

export interface AbortTestMsg {
  cmd: 'ABORT_TEST';
  reason: string;
}

export interface WorkerErrorMsg {
  cmd: 'ERROR';
  workerIndex: number;
  error: ErrorRecord;
}

export type WorkerMsg = ReadyMsg | BatchMsg | PhaseDoneMsg | VusAllocatedMsg | LogMsg | AbortTestMsg | WorkerErrorMsg;
