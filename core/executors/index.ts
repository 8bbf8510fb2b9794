/**
 * Planning: turn validated options into one pure plan per scenario, and
 * estimate how long the whole test can take. This is what the engine calls
 * after `validateOptions()`.
 */
import type { ResolvedScenario } from './registry.js';
import { executorOf } from './registry.js';
import type { ScenarioPlan } from './types.js';

export type {
  AnyPhasePlan,
  ClosedScenarioPlan,
  IterationLimit,
  MeasureWindow,
  OpenPhasePlan,
  OpenScenarioPlan,
  PhasePlan,
  RateSweepScenarioPlan,
  RateSweepSpec,
  CapacitySearchScenarioPlan,
  CapacitySearchSpec,
  ScenarioPlan,
  VuStep,
} from './types.js';
export { isOpenPhase, planMaxVus } from './types.js';
export type { ArrivalProcess, InterArrival, RateSegment } from './arrival-process.js';
export { ArrivalSequence, arrivalOffsets, expectedArrivals, scheduleMs } from './arrival-process.js';
export type { ResolvedConstantArrivalRateScenario } from './constant-arrival-rate.js';
export type { ResolvedRampingArrivalRateScenario, ResolvedRateStage } from './ramping-arrival-rate.js';
export { rateSegments } from './ramping-arrival-rate.js';
export type { ResolvedRateSweepScenario } from './rate-sweep.js';
export { SYNCHRONOUS_RATE, THROUGHPUT_RATE, rateSweepPhase, rateSweepPhases, rateSweepRates, roundRate } from './rate-sweep.js';
export type { ExecutorKind, ExecutorModule, FieldPath, ResolvedScenarioBase } from './executor.js';
export type { ResolvedScenario } from './registry.js';
export { EXECUTORS, EXECUTOR_NAMES, UPCOMING_EXECUTORS, isExecutorName } from './registry.js';
export type { ResolvedSharedIterationsScenario } from './shared-iterations.js';
export type { ResolvedPerVuIterationsScenario } from './per-vu-iterations.js';
export type { ResolvedConstantVusScenario } from './constant-vus.js';
export type { ResolvedRampingVusScenario, ResolvedStage } from './ramping-vus.js';
export { rampingVusSteps } from './ramping-vus.js';
export type { ResolvedConcurrencySweepScenario, SweepLevelLimit } from './concurrency-sweep.js';
export type { ResolvedCapacitySearchScenario } from './capacity-search.js';
export { capacityProbePhase } from './capacity-search.js';
export type { CapacityResult, CapacitySearchRule, CapacityStatus, ProbeCounts, ProbeOutcome, ProbeVerdict } from './capacity-bisect.js';
export { capacityResult, nextCapacityStep, probeOutcome } from './capacity-bisect.js';

/** The plan of one resolved scenario, by its executor. */
export function planScenario(name: string, scenario: ResolvedScenario): ScenarioPlan {
  return executorOf(scenario.executor).plan(name, scenario);
}

/** One plan per scenario, in the order the scenarios were written. */
export function planScenarios(options: { readonly scenarios: Readonly<Record<string, ResolvedScenario>> }): ScenarioPlan[] {
  return Object.entries(options.scenarios).map(([name, scenario]) => planScenario(name, scenario));
}

/**
 * The longest the test can run, in milliseconds: the latest scenario end
 * (startMs + its phases with their graceful stops). Scenarios run in parallel,
 * so this is a maximum, not a sum. setup() and teardown() are not included.
 */
export function estimateTotalMs(plans: readonly ScenarioPlan[]): number {
  return plans.reduce((longest, plan) => Math.max(longest, plan.maxTotalMs), 0);
}
