/**
 * rate-sweep (llmload, after GuideLLM's sweep profile): find the range of
 * useful rates, then measure inside it.
 *
 *   1. synchronous: 1 VU, one request at a time, for measureDuration
 *      (tag rate:synchronous). Its request throughput is the lowest rate.
 *   2. throughput: maxVUs VUs at once, for measureDuration (rate:throughput).
 *      Its request throughput is the highest rate the server sustains.
 *   3. `rates` open-loop phases at constant rates evenly spaced between the
 *      two, the last at the maximum (GuideLLM: linspace(sync, max, n + 1)[1:]),
 *      each for `duration`, tagged rate:R with R rounded to 3 significant digits.
 *
 * The plan holds the two measurement phases and what the open phases share;
 * the engine measures the first two, then calls rateSweepPhases() for the
 * rest. With stopOnSaturation or stopOnThresholdFail it stops after the
 * first rate at which the server was over-saturated or a threshold failed,
 * the breaking point, instead of spending time beyond it.
 */
import { msOrDefault } from '../options/duration.js';
import { booleanSchema, countSchema, durationSchema } from '../options/schema-parts.js';
import type { ArrivalProcess } from './arrival-process.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { measureOf, requireMeasuredTime, requirePositiveDuration, resolveBase } from './executor.js';
import { stopWhenKnownOf, stopWhenKnownProperty } from './stop-when-known.js';
import { arrivalProperties, resolveArrivalFields, validateArrivalFields, validateVuFields, type ResolvedArrivalFields } from './open-loop.js';
import { mixSeed } from './random.js';
import type { OpenPhasePlan, PhasePlan, RateSweepScenarioPlan, RateSweepSpec } from './types.js';

export const RATE_SWEEP_DEFAULTS = { rates: 5 } as const;

/** Tag values of the two measurement phases. */
export const SYNCHRONOUS_RATE = 'synchronous';
export const THROUGHPUT_RATE = 'throughput';

export interface ResolvedRateSweepScenario extends ResolvedScenarioBase, ResolvedArrivalFields {
  readonly executor: 'rate-sweep';
  readonly rates: number;
  readonly durationMs: number;
  readonly measureDurationMs: number;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly stopOnSaturation: boolean;
  readonly stopOnThresholdFail: boolean;
}

/** The two measurement phases and the shared spec of the rates. */
export function planRateSweep(name: string, s: ResolvedRateSweepScenario): RateSweepScenarioPlan {
  const measurement = (rate: string, vus: number): PhasePlan => ({
    tags: { rate },
    steps: [{ atMs: 0, vus }],
    durationMs: s.measureDurationMs,
    gracefulStopMs: s.gracefulStopMs,
    gracefulRampDownMs: 0,
    iterations: null,
    maxVus: vus,
    ...measureOf(s),
  });
  const sweep: RateSweepSpec = {
    rates: s.rates,
    durationMs: s.durationMs,
    gracefulStopMs: s.gracefulStopMs,
    preAllocatedVus: s.preAllocatedVUs,
    maxVus: s.maxVUs,
    distribution: s.distribution,
    burstiness: s.burstiness,
    seed: s.seed,
    stopOnSaturation: s.stopOnSaturation,
    stopOnThresholdFail: s.stopOnThresholdFail,
    rateScale: 1,
    ...measureOf(s),
    ...stopWhenKnownOf(s.stopWhenKnown),
  };
  const measuredMs = 2 * (s.measureDurationMs + s.gracefulStopMs);
  return {
    kind: 'rate-sweep',
    name,
    executor: s.executor,
    startMs: s.startTimeMs,
    exec: s.exec,
    tags: { ...s.tags },
    env: { ...s.env },
    phases: [measurement(SYNCHRONOUS_RATE, 1), measurement(THROUGHPUT_RATE, s.maxVUs)],
    sweep,
    maxTotalMs: s.startTimeMs + measuredMs + s.rates * (s.durationMs + s.gracefulStopMs),
  };
}

/** A rate rounded to 3 significant digits (what the phase runs and its tag says). */
export function roundRate(perSec: number): number {
  return Number(perSec.toPrecision(3));
}

/**
 * The sweep's rates from the measured synchronous rate and maximum throughput
 * (requests/s): n rates evenly spaced, the first one step above the
 * synchronous rate, the last at the maximum, each rounded (roundRate).
 * Equal or reversed measurements give n copies of the maximum.
 */
export function rateSweepRates(synchronousPerSec: number, maxPerSec: number, n: number): number[] {
  const low = Math.min(synchronousPerSec, maxPerSec);
  return Array.from({ length: n }, (_, k) => roundRate(low + ((maxPerSec - low) * (k + 1)) / n));
}

/**
 * The open phase of the sweep's k-th rate (0-based). Each rate gets its own seed, derived from the sweep's.
 * `ratePerSec` is in the modelled server's terms, as the tag that names it; the arrivals come at
 * rate × rateScale per real second, on the spec's real-clock duration (core/executors/time-scale.ts).
 */
export function rateSweepPhase(sweep: RateSweepSpec, ratePerSec: number, k: number): OpenPhasePlan {
  const realPerSec = ratePerSec * sweep.rateScale;
  const arrivals: ArrivalProcess = {
    segments: [{ durationMs: sweep.durationMs, fromPerSec: realPerSec, toPerSec: realPerSec }],
    distribution: sweep.distribution,
    burstiness: sweep.burstiness,
    seed: mixSeed(sweep.seed, k + 1),
    uniformFirst: 'start',
  };
  const phase: OpenPhasePlan = {
    kind: 'open',
    tags: { rate: String(ratePerSec) },
    arrivals,
    durationMs: sweep.durationMs,
    gracefulStopMs: sweep.gracefulStopMs,
    preAllocatedVus: sweep.preAllocatedVus,
    maxVus: sweep.maxVus,
    stageTags: false,
  };
  if (sweep.measure !== undefined) phase.measure = { ...sweep.measure };
  if (sweep.stopWhenKnown !== undefined) phase.stopWhenKnown = { ...sweep.stopWhenKnown };
  if (sweep.share !== undefined) phase.share = sweep.share;
  return phase;
}

/** Every open phase of the sweep, for the measured rates (requests per modelled second). */
export function rateSweepPhases(sweep: RateSweepSpec, synchronousPerSec: number, maxPerSec: number): OpenPhasePlan[] {
  return rateSweepRates(synchronousPerSec, maxPerSec, sweep.rates).map((rate, k) => rateSweepPhase(sweep, rate, k));
}

export const rateSweep: ExecutorModule<'rate-sweep', ResolvedRateSweepScenario> = {
  name: 'rate-sweep',
  kind: 'open',
  description: 'synchronous rate and max throughput, then open-loop rates between them, each tagged rate:R',
  properties: {
    rates: countSchema(1),
    duration: durationSchema,
    measureDuration: durationSchema,
    preAllocatedVUs: countSchema(0),
    maxVUs: countSchema(1),
    stopOnSaturation: booleanSchema,
    stopOnThresholdFail: booleanSchema,
    ...arrivalProperties,
    ...stopWhenKnownProperty,
  },
  required: ['duration', 'maxVUs'],
  validate(raw, at) {
    const problems: string[] = [];
    requirePositiveDuration(raw.duration, at('duration'), problems);
    requirePositiveDuration(raw.measureDuration, at('measureDuration'), problems);
    validateVuFields(raw.preAllocatedVUs ?? raw.maxVUs, raw.maxVUs, at, problems);
    validateArrivalFields(raw, at, problems);
    const durationMs = msOrDefault(raw.duration, 0);
    requireMeasuredTime(raw, Math.min(durationMs, msOrDefault(raw.measureDuration, durationMs)), at, problems);
    return problems;
  },
  resolve(raw) {
    const durationMs = msOrDefault(raw.duration, 0);
    return {
      executor: 'rate-sweep',
      ...resolveBase(raw),
      ...resolveArrivalFields(raw),
      rates: raw.rates ?? RATE_SWEEP_DEFAULTS.rates,
      durationMs,
      measureDurationMs: msOrDefault(raw.measureDuration, durationMs),
      preAllocatedVUs: raw.preAllocatedVUs ?? raw.maxVUs,
      maxVUs: raw.maxVUs,
      stopOnSaturation: raw.stopOnSaturation ?? false,
      stopOnThresholdFail: raw.stopOnThresholdFail ?? false,
    };
  },
  plan: planRateSweep,
};
