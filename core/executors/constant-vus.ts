/** constant-vus (k6): `vus` VUs loop for `duration`. */
import { msOrDefault } from '../options/duration.js';
import { countSchema, durationSchema } from '../options/schema-parts.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { closedPlan, requirePositiveDuration, requireSomeVus, resolveBase } from './executor.js';
import type { ClosedScenarioPlan } from './types.js';
import { stopWhenKnownOf, stopWhenKnownProperty } from './stop-when-known.js';

export interface ResolvedConstantVusScenario extends ResolvedScenarioBase {
  readonly executor: 'constant-vus';
  readonly vus: number;
  readonly durationMs: number;
}

export const CONSTANT_VUS_DEFAULTS = { vus: 1 } as const;

/** One phase: `vus` VUs from the start until `duration`, no iteration limit. */
export function planConstantVus(name: string, s: ResolvedConstantVusScenario): ClosedScenarioPlan {
  return closedPlan(name, s.executor, s, [
    {
      tags: {},
      steps: [{ atMs: 0, vus: s.vus }],
      durationMs: s.durationMs,
      gracefulStopMs: s.gracefulStopMs,
      gracefulRampDownMs: 0,
      iterations: null,
      maxVus: s.vus,
      ...stopWhenKnownOf(s.stopWhenKnown),
    },
  ]);
}

export const constantVus: ExecutorModule<'constant-vus', ResolvedConstantVusScenario> = {
  name: 'constant-vus',
  kind: 'closed',
  description: 'a fixed number of VUs loop for a duration',
  properties: { vus: countSchema(0), duration: durationSchema, ...stopWhenKnownProperty },
  required: ['duration'],
  validate(raw, at) {
    const problems: string[] = [];
    requireSomeVus(raw.vus ?? CONSTANT_VUS_DEFAULTS.vus, 'constant-vus', at('vus'), problems);
    requirePositiveDuration(raw.duration, at('duration'), problems);
    return problems;
  },
  resolve(raw) {
    return {
      executor: 'constant-vus',
      ...resolveBase(raw),
      vus: raw.vus ?? CONSTANT_VUS_DEFAULTS.vus,
      durationMs: msOrDefault(raw.duration, 0),
    };
  },
  plan: planConstantVus,
};
