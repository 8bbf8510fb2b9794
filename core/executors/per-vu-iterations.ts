/**
 * per-vu-iterations (k6): each of `vus` VUs runs exactly `iterations`
 * iterations; the scenario ends when all are done or at maxDuration.
 */
import { DEFAULTS } from '../options/defaults.js';
import { msOrDefault } from '../options/duration.js';
import { countSchema, durationSchema } from '../options/schema-parts.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { closedPlan, requirePositiveDuration, requireSomeVus, resolveBase } from './executor.js';
import type { ClosedScenarioPlan } from './types.js';

export interface ResolvedPerVuIterationsScenario extends ResolvedScenarioBase {
  readonly executor: 'per-vu-iterations';
  readonly vus: number;
  /** Iterations each VU runs. */
  readonly iterations: number;
  readonly maxDurationMs: number;
}

export const PER_VU_ITERATIONS_DEFAULTS = { vus: 1, iterations: 1 } as const;

/** One phase: `vus` VUs from the start, `iterations` each, cut at maxDuration. */
export function planPerVuIterations(name: string, s: ResolvedPerVuIterationsScenario): ClosedScenarioPlan {
  return closedPlan(name, s.executor, s, [
    {
      tags: {},
      steps: [{ atMs: 0, vus: s.vus }],
      durationMs: s.maxDurationMs,
      gracefulStopMs: s.gracefulStopMs,
      gracefulRampDownMs: 0,
      iterations: { mode: 'per-vu', perVu: s.iterations },
      maxVus: s.vus,
    },
  ]);
}

export const perVuIterations: ExecutorModule<'per-vu-iterations', ResolvedPerVuIterationsScenario> = {
  name: 'per-vu-iterations',
  kind: 'closed',
  description: 'each VU runs a fixed number of iterations',
  properties: { vus: countSchema(0), iterations: countSchema(1), maxDuration: durationSchema },
  required: [],
  validate(raw, at) {
    const problems: string[] = [];
    requireSomeVus(raw.vus ?? PER_VU_ITERATIONS_DEFAULTS.vus, 'per-vu-iterations', at('vus'), problems);
    requirePositiveDuration(raw.maxDuration, at('maxDuration'), problems);
    return problems;
  },
  resolve(raw) {
    return {
      executor: 'per-vu-iterations',
      ...resolveBase(raw),
      vus: raw.vus ?? PER_VU_ITERATIONS_DEFAULTS.vus,
      iterations: raw.iterations ?? PER_VU_ITERATIONS_DEFAULTS.iterations,
      maxDurationMs: msOrDefault(raw.maxDuration, DEFAULTS.scenario.maxDurationMs),
    };
  },
  plan: planPerVuIterations,
};
