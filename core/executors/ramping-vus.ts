/**
 * ramping-vus (k6): start with `startVUs`, then ramp linearly to each stage's
 * `target` over the stage's `duration`.
 *
 * Step rule (k6 lib/executor/ramping_vus.go, getRawExecutionSteps, unsegmented):
 * in a stage from `a` to `b` VUs over `d` starting at `t0`, the linear target is
 * a + (b − a)·(t − t0)/d, and the VU count changes to each whole number `v`
 * between a (exclusive) and b (inclusive) at the moment the line reaches `v`:
 *
 *     atMs(v) = t0 + d − floor(d · |b − v| / |b − a|)
 *
 * i.e. the count is the line rounded toward the stage's start value (floor while
 * ramping up, ceil while ramping down), so a VU is added only once the line has
 * reached it and removed only once the line has gone below it. k6 computes the
 * same formula in integer nanoseconds; here it is in milliseconds, so instants
 * are rounded up to the millisecond where k6 rounds up to the nanosecond.
 *
 * A stage with duration 0 jumps to its target at its start. A stage whose
 * target equals the current count adds no step. As in k6, a step is added only
 * when the count changes; when two steps fall on the same millisecond (very
 * steep ramps, zero-length stages) the later one wins. At the end of the
 * stages the phase ends: VUs still running get gracefulStop, not
 * gracefulRampDown (k6 does the same: gracefulRampDown applies to VUs removed
 * by a ramp-down, and everything is cut at Σ stages + gracefulStop).
 */
import { DEFAULTS } from '../options/defaults.js';
import { msOrDefault } from '../options/duration.js';
import { countSchema, durationSchema, stagesSchema } from '../options/schema-parts.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { closedPlan, resolveBase } from './executor.js';
import type { ClosedScenarioPlan, VuStep } from './types.js';

export interface ResolvedStage {
  readonly durationMs: number;
  readonly target: number;
}

export interface ResolvedRampingVusScenario extends ResolvedScenarioBase {
  readonly executor: 'ramping-vus';
  readonly startVUs: number;
  readonly stages: readonly ResolvedStage[];
  readonly gracefulRampDownMs: number;
}

export const RAMPING_VUS_DEFAULTS = { startVUs: 1 } as const;

/** The VU target over time for `stages` starting from `startVUs` (see the rule above). */
export function rampingVusSteps(startVUs: number, stages: readonly ResolvedStage[]): VuStep[] {
  const steps: VuStep[] = [{ atMs: 0, vus: startVUs }];
  const add = (atMs: number, vus: number): void => {
    const last = steps.at(-1);
    if (last !== undefined && last.vus === vus) return;
    if (last !== undefined && last.atMs === atMs) {
      steps.pop();
      const previous = steps.at(-1);
      if (previous !== undefined && previous.vus === vus) return;
    }
    steps.push({ atMs, vus });
  };

  let from = startVUs;
  let endMs = 0;
  for (const stage of stages) {
    endMs += stage.durationMs;
    const to = stage.target;
    if (to === from) continue;
    if (stage.durationMs === 0) {
      add(endMs, to);
    } else {
      const span = Math.abs(to - from);
      const direction = Math.sign(to - from);
      for (let v = from + direction; v !== to + direction; v += direction) {
        // Multiply before dividing, like k6's integer arithmetic, so exact instants stay exact.
        add(endMs - Math.floor((stage.durationMs * Math.abs(to - v)) / span), v);
      }
    }
    from = to;
  }
  return steps;
}

/** One phase lasting Σ stage durations, with a step at every change of the VU count. */
export function planRampingVus(name: string, s: ResolvedRampingVusScenario): ClosedScenarioPlan {
  const steps = rampingVusSteps(s.startVUs, s.stages);
  return closedPlan(name, s.executor, s, [
    {
      tags: {},
      steps,
      durationMs: s.stages.reduce((sum, stage) => sum + stage.durationMs, 0),
      gracefulStopMs: s.gracefulStopMs,
      gracefulRampDownMs: s.gracefulRampDownMs,
      iterations: null,
      maxVus: Math.max(...steps.map((step) => step.vus)),
    },
  ]);
}

export const rampingVus: ExecutorModule<'ramping-vus', ResolvedRampingVusScenario> = {
  name: 'ramping-vus',
  kind: 'closed',
  description: 'looping VUs ramped up and down through stages',
  properties: {
    startVUs: countSchema(0),
    stages: { ...stagesSchema, minItems: 1 },
    gracefulRampDown: durationSchema,
  },
  required: ['stages'],
  validate(raw, at) {
    const problems: string[] = [];
    const startVUs = raw.startVUs ?? RAMPING_VUS_DEFAULTS.startVUs;
    if (raw.stages.length > 0 && Math.max(startVUs, ...raw.stages.map((stage) => stage.target)) === 0) {
      problems.push(`${at('stages')}: every target is 0 and so is ${at('startVUs')}; no VU would ever run`);
    }
    if (raw.stages.length > 0 && raw.stages.every((stage) => msOrDefault(stage.duration, 0) === 0)) {
      problems.push(`${at('stages')}: the stages' durations add up to 0; nothing would run`);
    }
    return problems;
  },
  resolve(raw) {
    return {
      executor: 'ramping-vus',
      ...resolveBase(raw),
      startVUs: raw.startVUs ?? RAMPING_VUS_DEFAULTS.startVUs,
      stages: raw.stages.map((stage) => ({ durationMs: msOrDefault(stage.duration, 0), target: stage.target })),
      gracefulRampDownMs: msOrDefault(raw.gracefulRampDown, DEFAULTS.scenario.gracefulRampDownMs),
    };
  },
  plan: planRampingVus,
};
