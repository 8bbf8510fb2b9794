/**
 * shared-iterations (k6): `vus` VUs share `iterations` iterations; fast VUs
 * take more. The scenario ends when every iteration is done or at maxDuration.
 * As in k6 (lib/executor/shared_iterations.go), fewer iterations than VUs is an
 * error rather than a silent cap: some VUs would never run.
 */
import { DEFAULTS } from '../options/defaults.js';
import { msOrDefault } from '../options/duration.js';
import { countSchema, durationSchema } from '../options/schema-parts.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { closedPlan, requirePositiveDuration, requireSomeVus, resolveBase } from './executor.js';
import type { ClosedScenarioPlan } from './types.js';

export interface ResolvedSharedIterationsScenario extends ResolvedScenarioBase {
  readonly executor: 'shared-iterations';
  readonly vus: number;
  /** Total iterations across all VUs. */
  readonly iterations: number;
  readonly maxDurationMs: number;
}

export const SHARED_ITERATIONS_DEFAULTS = { vus: 1, iterations: 1 } as const;

/** One phase: `vus` VUs from the start, `iterations` shared, cut at maxDuration. */
export function planSharedIterations(name: string, s: ResolvedSharedIterationsScenario): ClosedScenarioPlan {
  return closedPlan(name, s.executor, s, [
    {
      tags: {},
      steps: [{ atMs: 0, vus: s.vus }],
      durationMs: s.maxDurationMs,
      gracefulStopMs: s.gracefulStopMs,
      gracefulRampDownMs: 0,
      iterations: { mode: 'shared', total: s.iterations },
      maxVus: s.vus,
    },
  ]);
}

export const sharedIterations: ExecutorModule<'shared-iterations', ResolvedSharedIterationsScenario> = {
  name: 'shared-iterations',
  kind: 'closed',
  description: 'a fixed number of iterations shared by a number of VUs',
  properties: { vus: countSchema(0), iterations: countSchema(1), maxDuration: durationSchema },
  required: [],
  validate(raw, at) {
    const problems: string[] = [];
    const vus = raw.vus ?? SHARED_ITERATIONS_DEFAULTS.vus;
    const iterations = raw.iterations ?? SHARED_ITERATIONS_DEFAULTS.iterations;
    requireSomeVus(vus, 'shared-iterations', at('vus'), problems);
    if (vus >= 1 && iterations < vus) {
      problems.push(`${at('iterations')}: ${iterations} is less than the number of VUs (${vus}); each VU needs at least one iteration`);
    }
    requirePositiveDuration(raw.maxDuration, at('maxDuration'), problems);
    return problems;
  },
  resolve(raw) {
    return {
      executor: 'shared-iterations',
      ...resolveBase(raw),
      vus: raw.vus ?? SHARED_ITERATIONS_DEFAULTS.vus,
      iterations: raw.iterations ?? SHARED_ITERATIONS_DEFAULTS.iterations,
      maxDurationMs: msOrDefault(raw.maxDuration, DEFAULTS.scenario.maxDurationMs),
    };
  },
  plan: planSharedIterations,
};
