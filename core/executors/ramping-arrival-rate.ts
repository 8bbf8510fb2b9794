/**
 * ramping-arrival-rate (k6): the iteration rate starts at `startRate` and
 * ramps linearly to each stage's `target` (per `timeUnit`) over the stage's
 * `duration`; open loop, with `dropped_iterations` when every VU is busy.
 *
 * Uniform arrivals follow k6's `cal()` (lib/executor/ramping_arrival_rate.go):
 * the k-th iteration (k = 1, 2, …) starts when the area under the rate curve
 * reaches k, so a ramp from 0 to 1/s over 5 s starts its first iterations at
 * √10 s and √20 s. Each request is tagged `stage: i`, the 0-based stage its
 * arrival fell in, so the summary has one row per stage.
 */
import { msOrDefault } from '../options/duration.js';
import { stagesSchema, type JsonSchema } from '../options/schema-parts.js';
import type { ArrivalProcess, RateSegment } from './arrival-process.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { measureOf, requireMeasuredTime, requirePositiveDuration, resolveBase } from './executor.js';
import {
  arrivalProperties,
  arrivalVuProperties,
  openPlan,
  perSecond,
  resolveArrivalFields,
  timeUnitMs,
  validateArrivalFields,
  validateVuFields,
  type ResolvedArrivalFields,
} from './open-loop.js';
import type { ScenarioPlan } from './types.js';

export interface ResolvedRateStage {
  readonly durationMs: number;
  /** Rate at the stage's end, per second. */
  readonly targetPerSec: number;
}

export interface ResolvedRampingArrivalRateScenario extends ResolvedScenarioBase, ResolvedArrivalFields {
  readonly executor: 'ramping-arrival-rate';
  /** Per second. */
  readonly startRatePerSec: number;
  readonly stages: readonly ResolvedRateStage[];
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
}

/** A rate stage: { duration, target } where target is a rate per timeUnit (≥ 0, not necessarily whole). */
const rateStagesSchema: JsonSchema = {
  ...stagesSchema,
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['duration', 'target'],
    properties: {
      duration: stagesSchema.items!.properties!['duration']!,
      target: { type: 'number', minimum: 0, expected: 'a rate per timeUnit ≥ 0' },
    },
    expected: 'a stage like { duration: "30s", target: 10 }',
  },
};

/** The rate curve: one segment per stage, from the previous target (or startRate) to this one. */
export function rateSegments(startRatePerSec: number, stages: readonly ResolvedRateStage[]): RateSegment[] {
  let from = startRatePerSec;
  return stages.map((stage) => {
    const segment = { durationMs: stage.durationMs, fromPerSec: from, toPerSec: stage.targetPerSec };
    from = stage.targetPerSec;
    return segment;
  });
}

/** One open phase lasting Σ stage durations. */
export function planRampingArrivalRate(name: string, s: ResolvedRampingArrivalRateScenario): ScenarioPlan {
  const arrivals: ArrivalProcess = {
    segments: rateSegments(s.startRatePerSec, s.stages),
    distribution: s.distribution,
    burstiness: s.burstiness,
    seed: s.seed,
    uniformFirst: 'area',
  };
  return openPlan(name, s.executor, s, [
    {
      kind: 'open',
      tags: {},
      arrivals,
      durationMs: s.stages.reduce((sum, stage) => sum + stage.durationMs, 0),
      gracefulStopMs: s.gracefulStopMs,
      preAllocatedVus: s.preAllocatedVUs,
      maxVus: s.maxVUs,
      stageTags: true,
      ...measureOf(s),
    },
  ]);
}

export const rampingArrivalRate: ExecutorModule<'ramping-arrival-rate', ResolvedRampingArrivalRateScenario> = {
  name: 'ramping-arrival-rate',
  kind: 'open',
  description: 'an iteration rate ramped through stages, whatever the VUs are doing (open loop)',
  properties: {
    startRate: { type: 'number', minimum: 0, expected: 'a rate per timeUnit ≥ 0' },
    stages: rateStagesSchema,
    ...arrivalVuProperties,
    ...arrivalProperties,
  },
  required: ['stages', 'preAllocatedVUs'],
  validate(raw, at) {
    const problems: string[] = [];
    requirePositiveDuration(raw.timeUnit, at('timeUnit'), problems);
    const totalMs = raw.stages.reduce((sum, stage) => sum + msOrDefault(stage.duration, 0), 0);
    if (raw.stages.length > 0 && totalMs === 0) problems.push(`${at('stages')}: the stages' durations add up to 0; nothing would run`);
    if (raw.stages.length > 0 && Math.max(raw.startRate ?? 0, ...raw.stages.map((stage) => stage.target)) === 0) {
      problems.push(`${at('stages')}: every target is 0 and so is ${at('startRate')}; no iteration would ever start`);
    }
    validateVuFields(raw.preAllocatedVUs, raw.maxVUs, at, problems);
    validateArrivalFields(raw, at, problems);
    requireMeasuredTime(raw, totalMs, at, problems);
    return problems;
  },
  resolve(raw) {
    const unit = timeUnitMs(raw.timeUnit);
    return {
      executor: 'ramping-arrival-rate',
      ...resolveBase(raw),
      ...resolveArrivalFields(raw),
      startRatePerSec: perSecond(raw.startRate ?? 0, unit),
      stages: raw.stages.map((stage) => ({ durationMs: msOrDefault(stage.duration, 0), targetPerSec: perSecond(stage.target, unit) })),
      preAllocatedVUs: raw.preAllocatedVUs,
      maxVUs: raw.maxVUs ?? raw.preAllocatedVUs,
    };
  },
  plan: planRampingArrivalRate,
};
