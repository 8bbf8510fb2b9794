/**
 * What the progress line can promise about a test before it runs: how long it
 * is planned to last, or, when iterations decide its end, how many there are.
 * A pure function of the executors' plans.
 *
 * Planned length = the latest (startTime + Σ phase durations) over scenarios,
 * graceful stops left out (they only apply when needed). A rate-sweep's rates
 * are decided at run time, but how many there are and how long each lasts is
 * in its plan, so its length is known from the start (it ends earlier when
 * the sweep stops on saturation or a failed threshold). A scenario bounded by
 * iterations (per-vu-iterations, shared-iterations, a concurrency-sweep with
 * iterations per level) has no planned length: maxDuration is a cap, not a
 * plan. Then the line shows the iterations done out of the total instead.
 * A capacity search has no planned length either: how many loads it probes
 * depends on where the SLOs fail, and an undecided probe runs again. What is
 * known is the bound: the most probes it can take (maxCapacityProbes), which
 * the line shows beside the probe running now instead of a planned length.
 */
import { maxCapacityProbes } from '../executors/capacity-bisect.js';
import type { IterationLimit, ScenarioPlan } from '../executors/types.js';

export interface ProgressPlan {
  /** Planned length of the test from its start, ms; null when iterations or a capacity search's probes decide when it ends. */
  totalMs: number | null;
  /** Iterations the iteration-bound scenarios run in all; null when there is none. */
  iterations: number | null;
  /** Names of the iteration-bound scenarios, whose iterations count towards `iterations`. */
  iterationScenarios: string[];
  /** Each capacity-search scenario, by name: the most probes it can take, and what its loads count. */
  searches: Record<string, { maxProbes: number; mode: 'concurrency' | 'rate' }>;
}

export function progressPlan(plans: readonly ScenarioPlan[]): ProgressPlan {
  let totalMs = 0;
  let iterations = 0;
  const iterationScenarios: string[] = [];
  const searches: ProgressPlan['searches'] = {};
  for (const plan of plans) {
    let endMs = plan.startMs;
    let bound = false;
    for (const phase of plan.phases) {
      const limit = 'kind' in phase ? null : phase.iterations;
      if (limit === null) {
        endMs += phase.durationMs;
      } else {
        bound = true;
        iterations += iterationsOf(limit, 'kind' in phase ? 0 : Math.max(0, ...phase.steps.map((s) => s.vus)));
      }
    }
    if (plan.kind === 'rate-sweep') endMs += plan.sweep.rates * plan.sweep.durationMs;
    // A capacity search's probes are decided as it goes: its first probe's length is no plan of the whole.
    if (plan.kind === 'capacity-search') searches[plan.name] = { maxProbes: maxCapacityProbes(plan.search), mode: plan.search.mode };
    else if (bound) iterationScenarios.push(plan.name);
    else totalMs = Math.max(totalMs, endMs);
  }
  const bound = iterationScenarios.length > 0;
  const searching = Object.keys(searches).length > 0;
  return { totalMs: bound || searching ? null : totalMs, iterations: bound ? iterations : null, iterationScenarios, searches };
}

function iterationsOf(limit: IterationLimit, vus: number): number {
  return limit.mode === 'shared' ? limit.total : limit.perVu * vus;
}
