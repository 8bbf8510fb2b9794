/**
 * Every executor llmload runs, by name. The options schema, validation and
 * planning all read this map; adding an executor is one file plus its
 * entries here (the map and the union).
 */
import type { ExecutorName } from '../options/types.js';
import type { ExecutorModule } from './executor.js';
import { capacitySearch, type ResolvedCapacitySearchScenario } from './capacity-search.js';
import { concurrencySweep, type ResolvedConcurrencySweepScenario } from './concurrency-sweep.js';
import { constantArrivalRate, type ResolvedConstantArrivalRateScenario } from './constant-arrival-rate.js';
import { constantVus, type ResolvedConstantVusScenario } from './constant-vus.js';
import { perVuIterations, type ResolvedPerVuIterationsScenario } from './per-vu-iterations.js';
import { rampingArrivalRate, type ResolvedRampingArrivalRateScenario } from './ramping-arrival-rate.js';
import { rampingVus, type ResolvedRampingVusScenario } from './ramping-vus.js';
import { rateSweep, type ResolvedRateSweepScenario } from './rate-sweep.js';
import { sharedIterations, type ResolvedSharedIterationsScenario } from './shared-iterations.js';

/** A scenario after validation: defaults applied, durations in milliseconds. */
export type ResolvedScenario =
  | ResolvedSharedIterationsScenario
  | ResolvedPerVuIterationsScenario
  | ResolvedConstantVusScenario
  | ResolvedRampingVusScenario
  | ResolvedConcurrencySweepScenario
  | ResolvedConstantArrivalRateScenario
  | ResolvedRampingArrivalRateScenario
  | ResolvedRateSweepScenario
  | ResolvedCapacitySearchScenario;

type ModuleFor<K extends ExecutorName> = ExecutorModule<K, Extract<ResolvedScenario, { executor: K }>>;

export const EXECUTORS: { readonly [K in ExecutorName]: ModuleFor<K> } = {
  'shared-iterations': sharedIterations,
  'per-vu-iterations': perVuIterations,
  'constant-vus': constantVus,
  'ramping-vus': rampingVus,
  'concurrency-sweep': concurrencySweep,
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
  'rate-sweep': rateSweep,
  'capacity-search': capacitySearch,
};

/** Names of the executors that run today, in the order they are listed to users. */
export const EXECUTOR_NAMES = Object.keys(EXECUTORS) as readonly ExecutorName[];

/** k6 executors that are planned but not available yet; naming one gets "not supported yet". */
export const UPCOMING_EXECUTORS: readonly string[] = ['externally-controlled'];

/** True when `name` is an executor that runs today. */
export function isExecutorName(name: unknown): name is ExecutorName {
  return typeof name === 'string' && Object.hasOwn(EXECUTORS, name);
}

/**
 * The module of a scenario's executor, typed for the whole union. TypeScript
 * cannot correlate `EXECUTORS[s.executor]` with `s`, so this one cast stands in
 * for a switch over every executor; the lookup by `executor` makes it sound.
 */
export function executorOf(name: ExecutorName): ExecutorModule<ExecutorName, ResolvedScenario> {
  return EXECUTORS[name] as unknown as ExecutorModule<ExecutorName, ResolvedScenario>;
}
