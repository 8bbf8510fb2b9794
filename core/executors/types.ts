/**
 * Execution plans: what each executor's pure `plan()` returns. A plan holds
 * no clock and no state; the controller walks it in real time.
 *
 * A scenario is a sequence of phases run one after another (one phase for k6's
 * executors, one per level for concurrency-sweep). Within a phase, `steps`
 * say how many VUs should be running from each instant on.
 */

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
}

/**
 * The plan of one scenario. Every executor today is closed-loop (`kind:
 * 'closed'`: looping VUs). The arrival-rate executors will add an open-loop
 * plan to this union, with `kind: 'open'` and an arrival schedule per phase
 * instead of VU steps, so a `switch (plan.kind)` in the engine stays exhaustive.
 */
export type ScenarioPlan = ClosedScenarioPlan;

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
