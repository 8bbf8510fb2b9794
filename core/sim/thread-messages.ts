/**
 * Every message that crosses the boundary between startSimulatorThread (the
 * parent) and sim-worker.ts. Plain records: structured clone keeps neither
 * classes nor Error subclasses, so errors travel as ErrorRecord.
 */
import type { ErrorRecord } from '../errors.js';
import type { SimStats } from './http-server.js';
import type { SimulatorOptions } from './options.js';

/** workerData of the simulator thread. */
export interface SimWorkerData {
  options: SimulatorOptions;
}

/** Parent → worker. */
export type ToSimWorker = { cmd: 'STATS'; id: number } | { cmd: 'CLOSE' };

/** Worker → parent. */
export type FromSimWorker =
  | { cmd: 'READY'; url: string; host: string; port: number; model: string; preset: string }
  | { cmd: 'STATS'; id: number; data: SimStats }
  | { cmd: 'CLOSED' }
  | { cmd: 'ERROR'; error: ErrorRecord };
