/**
 * constant-arrival-rate (k6): start `rate` iterations per `timeUnit` for
 * `duration`, whatever the VUs are doing: open loop, so a slow server does
 * not slow the load down (no coordinated omission). An arrival that finds all
 * `maxVUs` VUs busy is not started and counts in `dropped_iterations`.
 *
 * Arrivals are evenly spaced as in k6 (the first at 0, then every
 * timeUnit/rate) unless `distribution` asks for Poisson or gamma gaps with the
 * same mean rate (see ./arrival-process.ts).
 */
import { msOrDefault } from '../options/duration.js';
import { durationSchema } from '../options/schema-parts.js';
import type { ArrivalProcess } from './arrival-process.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { measureOf, requireMeasuredTime, requirePositiveDuration, resolveBase } from './executor.js';
import { stopWhenKnownOf, stopWhenKnownProperty } from './stop-when-known.js';
import {
  arrivalProperties,
  arrivalVuProperties,
  openPlan,
  perSecond,
  rateSchema,
  resolveArrivalFields,
  timeUnitMs,
  validateArrivalFields,
  validateVuFields,
  type ResolvedArrivalFields,
} from './open-loop.js';
import type { ScenarioPlan } from './types.js';

export interface ResolvedConstantArrivalRateScenario extends ResolvedScenarioBase, ResolvedArrivalFields {
  readonly executor: 'constant-arrival-rate';
  /** Iterations started per second (rate / timeUnit). */
  readonly ratePerSec: number;
  readonly durationMs: number;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
}

/** One open phase: the constant rate for the duration. */
export function planConstantArrivalRate(name: string, s: ResolvedConstantArrivalRateScenario): ScenarioPlan {
  const arrivals: ArrivalProcess = {
    segments: [{ durationMs: s.durationMs, fromPerSec: s.ratePerSec, toPerSec: s.ratePerSec }],
    distribution: s.distribution,
    burstiness: s.burstiness,
    seed: s.seed,
    uniformFirst: 'start',
  };
  return openPlan(name, s.executor, s, [
    {
      kind: 'open',
      tags: {},
      arrivals,
      durationMs: s.durationMs,
      gracefulStopMs: s.gracefulStopMs,
      preAllocatedVus: s.preAllocatedVUs,
      maxVus: s.maxVUs,
      stageTags: false,
      ...measureOf(s),
      ...stopWhenKnownOf(s.stopWhenKnown),
    },
  ]);
}

export const constantArrivalRate: ExecutorModule<'constant-arrival-rate', ResolvedConstantArrivalRateScenario> = {
  name: 'constant-arrival-rate',
  kind: 'open',
  description: 'iterations started at a fixed rate, whatever the VUs are doing (open loop)',
  properties: { rate: rateSchema, duration: durationSchema, ...arrivalVuProperties, ...arrivalProperties, ...stopWhenKnownProperty },
  required: ['rate', 'duration', 'preAllocatedVUs'],
  validate(raw, at) {
    const problems: string[] = [];
    requirePositiveDuration(raw.duration, at('duration'), problems);
    requirePositiveDuration(raw.timeUnit, at('timeUnit'), problems);
    validateVuFields(raw.preAllocatedVUs, raw.maxVUs, at, problems);
    validateArrivalFields(raw, at, problems);
    requireMeasuredTime(raw, msOrDefault(raw.duration, 0), at, problems);
    return problems;
  },
  resolve(raw) {
    return {
      executor: 'constant-arrival-rate',
      ...resolveBase(raw),
      ...resolveArrivalFields(raw),
      ratePerSec: perSecond(raw.rate, timeUnitMs(raw.timeUnit)),
      durationMs: msOrDefault(raw.duration, 0),
      preAllocatedVUs: raw.preAllocatedVUs,
      maxVUs: raw.maxVUs ?? raw.preAllocatedVUs,
    };
  },
  plan: planConstantArrivalRate,
};
