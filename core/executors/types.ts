/**
 * Execution plans: what each executor's pure `plan()` returns. A plan holds
 * no clock and no state; the controller walks it in real time.
 *
 * A scenario is a sequence of phases run one after another (one phase for k6's
 * executors, one per level for concurrency-sweep). Within a phase, `steps`
 * say how many VUs should be running from each instant on.
 */
import { scaleCount, type Stripe } from '../distributed/segment.js';
import type { ArrivalProcess, InterArrival } from './arrival-process.js';
import type { CapacitySearchRule } from './capacity-bisect.js';
import type { KnownFigureRule } from '../metrics/known-figure.js';

/** A change of the VU target at `atMs` (relative to the phase start). */
export interface VuStep {
  atMs: number;
  vus: number;
}

export type IterationLimit =
  /** `total` iterations shared by all VUs of the phase; fast VUs take more. */
  | { mode: 'shared'; total: number }
  /** Each VU runs exactly `perVu` iterations. */
  | { mode: 'per-vu'; perVu: number };

export interface PhasePlan {
  /** Tags added to every sample of the phase, e.g. { level: '10' }. */
  tags: Record<string, string>;
  /** VU target over time; the first step is at 0 and steps are sorted by atMs. */
  steps: VuStep[];
  /** When the phase stops starting iterations (its duration, or maxDuration for iteration-limited phases). */
  durationMs: number;
  /** How long in-flight iterations may continue after durationMs before they are interrupted. */
  gracefulStopMs: number;
  /** How long a VU removed by a ramp-down may finish its iteration before it is interrupted (0 where steps never go down). */
  gracefulRampDownMs: number;
  /** Null: iterate until durationMs. */
  iterations: IterationLimit | null;
  /** Largest VU count the phase reaches (for pre-allocation and connection warm-up). */
  maxVus: number;
  /** Only when the scenario sets warmup, warmupIterations or cooldown. */
  measure?: MeasureWindow;
  /** End the phase before durationMs once this figure of its row is known (scenario option stopWhenKnown). */
  stopWhenKnown?: KnownFigureRule;
}

/**
 * Which requests of a phase count in its figures. Requests of iterations that
 * start in the first `warmupMs` of the phase, or among its first
 * `warmupIterations` iterations, or in its last `cooldownMs`, are recorded
 * (results.ndjson) but excluded from every metric and row: the phase is
 * measured at steady load, and the requests that finish while the load drains
 * away are left out. Absent on a phase when none is set.
 */
export interface MeasureWindow {
  warmupMs: number;
  warmupIterations: number;
  cooldownMs: number;
}

/**
 * An open-loop phase (arrival-rate executors, rate-sweep levels): iterations
 * start on the arrival schedule whatever the VUs are doing; an arrival that
 * finds every VU busy (and maxVus reached) is dropped and counted.
 */
export interface OpenPhasePlan {
  kind: 'open';
  /** Tags added to every sample of the phase, e.g. { rate: '12.5' }. */
  tags: Record<string, string>;
  arrivals: ArrivalProcess;
  /** When the phase stops starting iterations: the end of the arrival schedule. */
  durationMs: number;
  gracefulStopMs: number;
  /** VUs created when the phase starts (k6 preAllocatedVUs). */
  preAllocatedVus: number;
  /** Most VUs the phase may run at once (k6 maxVUs). */
  maxVus: number;
  /** Tag each request with `stage: i`, the 0-based stage (rate segment) its arrival fell in. */
  stageTags: boolean;
  measure?: MeasureWindow;
  /** End the phase before durationMs once this figure of its row is known (scenario option stopWhenKnown). */
  stopWhenKnown?: KnownFigureRule;
  /** When the test is split over instances: the arrivals of the schedule this one sends (by arrival index). */
  share?: Stripe;
}

/** Either kind of phase. Closed phases (PhasePlan) carry no `kind` field. */
export type AnyPhasePlan = PhasePlan | OpenPhasePlan;

/** True for an open-loop phase. */
export function isOpenPhase(phase: AnyPhasePlan): phase is OpenPhasePlan {
  return (phase as { kind?: unknown }).kind === 'open';
}

/**
 * The plan of one scenario, by kind: closed-loop (looping VUs), open-loop
 * (arrival schedules) or rate-sweep (two closed measurement phases, then
 * open phases whose rates the engine computes from those measurements with
 * `rateSweepPhases()`). A `switch (plan.kind)` in the engine stays exhaustive.
 */
export type ScenarioPlan = ClosedScenarioPlan | OpenScenarioPlan | RateSweepScenarioPlan | CapacitySearchScenarioPlan;

interface ScenarioPlanBase {
  name: string;
  executor: string;
  /** Offset of the scenario's first phase from the test start. */
  startMs: number;
  /** Exported function each iteration calls. */
  exec: string;
  tags: Record<string, string>;
  env: Record<string, string>;
  /** Offset from the test start by which the scenario has certainly ended. */
  maxTotalMs: number;
}

export interface OpenScenarioPlan extends ScenarioPlanBase {
  kind: 'open';
  phases: OpenPhasePlan[];
}

/** What a rate-sweep's open phases share; their rates come from the measurement phases. */
export interface RateSweepSpec {
  /** Number of rates between the synchronous rate and the maximum throughput (the last is the maximum). */
  rates: number;
  durationMs: number;
  gracefulStopMs: number;
  preAllocatedVus: number;
  maxVus: number;
  distribution: InterArrival;
  burstiness: number;
  seed: number;
  stopOnSaturation: boolean;
  stopOnThresholdFail: boolean;
  /**
   * Real arrivals per second for each modelled one: the time scale of a simulator run whose
   * schedule runs faster than the clock (core/executors/time-scale.ts), 1 otherwise. The sweep
   * measures and tags rates in modelled terms; its phases arrive at rate × rateScale.
   */
  rateScale: number;
  measure?: MeasureWindow;
  stopWhenKnown?: KnownFigureRule;
  /** When the test is split over instances: the arrivals each rate's schedule this one sends. */
  share?: Stripe;
}

export interface RateSweepScenarioPlan extends ScenarioPlanBase {
  kind: 'rate-sweep';
  /** The measurement phases: synchronous (1 VU, tagged rate:synchronous), then throughput (maxVus VUs, rate:throughput). */
  phases: PhasePlan[];
  sweep: RateSweepSpec;
}

export interface ClosedScenarioPlan {
  kind: 'closed';
  name: string;
  executor: string;
  /** Offset of the scenario's first phase from the test start. */
  startMs: number;
  /** Exported function each iteration calls. */
  exec: string;
  tags: Record<string, string>;
  env: Record<string, string>;
  phases: PhasePlan[];
  /**
   * Offset from the test start by which the scenario has certainly ended:
   * startMs + Σ over phases (durationMs + gracefulStopMs). For ramping-vus this
   * already covers gracefulRampDown, which k6 cuts off at the end + gracefulStop.
   */
  maxTotalMs: number;
}

/** What every probe of a capacity search shares; the engine picks each probe's load (core/executors/capacity-bisect.ts). */
export interface CapacitySearchSpec extends CapacitySearchRule {
  /** Length of one phase of a probe. */
  probeDurationMs: number;
  /** Most phases one load may take while its attainment straddles the target (maxProbeDuration / probeDuration). */
  maxPhases: number;
  gracefulStopMs: number;
  /** Rate mode: the open phases' VUs. */
  preAllocatedVus: number;
  maxVus: number;
  distribution: InterArrival;
  burstiness: number;
  seed: number;
  /** Rate mode: real arrivals per second for each modelled one, as RateSweepSpec.rateScale. */
  rateScale: number;
  measure?: MeasureWindow;
  stopWhenKnown?: KnownFigureRule;
  /**
   * When the test is split over instances: this one's share of every probe, the VUs of a
   * concurrency probe or the arrivals of a rate probe (its VU caps above are its share already).
   */
  share?: Stripe;
}

export interface CapacitySearchScenarioPlan extends ScenarioPlanBase {
  kind: 'capacity-search';
  /** The first probe (at `search.start`); the engine appends the others as the search goes. */
  phases: AnyPhasePlan[];
  search: CapacitySearchSpec;
}

/** Most VUs a scenario can run at once: its largest phase, or for a capacity search the largest load it may probe (rate mode: its maxVUs). */
export function planMaxVus(plan: ScenarioPlan): number {
  const phases = Math.max(0, ...plan.phases.map((p) => p.maxVus));
  if (plan.kind !== 'capacity-search') return phases;
  const max = Math.floor(plan.search.max);
  return Math.max(phases, plan.search.mode === 'concurrency' ? (plan.search.share === undefined ? max : scaleCount(plan.search.share, max)) : plan.search.maxVus);
}
