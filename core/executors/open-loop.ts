/**
 * What the open-loop executors share: the schema and checks of k6's
 * arrival-rate fields (timeUnit, preAllocatedVUs, maxVUs) and of llmload's
 * inter-arrival fields (distribution, burstiness, seed), their resolution,
 * and the assembly of an open scenario plan.
 */
import { msOrDefault } from '../options/duration.js';
import { countSchema, durationSchema, type JsonSchema } from '../options/schema-parts.js';
import type { ArrivalDistribution, ScenarioOptions } from '../options/types.js';
import { INTER_ARRIVALS, type InterArrival } from './arrival-process.js';
import type { FieldPath, ResolvedScenarioBase } from './executor.js';
import type { OpenPhasePlan, OpenScenarioPlan } from './types.js';

/** Defaults of the open-loop fields. */
export const OPEN_LOOP_DEFAULTS = {
  timeUnitMs: 1_000, // 1 second
  distribution: 'uniform',
  burstiness: 1,
  seed: 0,
} as const;

/** A rate: a number > 0 (iterations per timeUnit). */
export const rateSchema: JsonSchema = { type: 'number', exclusiveMinimum: 0, expected: 'a number of iterations per timeUnit > 0' };

/** Schema of the inter-arrival fields. */
export const arrivalProperties: Readonly<Record<string, JsonSchema>> = {
  distribution: { type: 'string', enum: INTER_ARRIVALS, expected: `one of ${INTER_ARRIVALS.map((d) => `"${d}"`).join(', ')}` },
  burstiness: { type: 'number', exclusiveMinimum: 0, expected: 'a number > 0 (gamma shape; 1 = Poisson)' },
  seed: { type: 'integer', minimum: 0, expected: 'a whole number ≥ 0' },
};

/** Schema of k6's arrival-rate VU fields. */
export const arrivalVuProperties: Readonly<Record<string, JsonSchema>> = {
  timeUnit: durationSchema,
  preAllocatedVUs: countSchema(0),
  maxVUs: countSchema(0),
};

type ArrivalRaw = Extract<ScenarioOptions, { distribution?: ArrivalDistribution }>;

/** Checks of the inter-arrival fields. */
export function validateArrivalFields(raw: ArrivalRaw, at: FieldPath, problems: string[]): void {
  if (raw.burstiness !== undefined && (raw.distribution ?? OPEN_LOOP_DEFAULTS.distribution) !== 'gamma') {
    problems.push(`${at('burstiness')}: only applies with distribution "gamma" (got distribution "${raw.distribution ?? 'uniform'}")`);
  }
}

/** Checks of preAllocatedVUs / maxVUs, as k6's (maxVUs ≥ preAllocatedVUs, something to run). */
export function validateVuFields(preAllocatedVUs: number, maxVUs: number | undefined, at: FieldPath, problems: string[]): void {
  if (maxVUs !== undefined && maxVUs < preAllocatedVUs) {
    problems.push(`${at('maxVUs')}: ${maxVUs} is less than preAllocatedVUs (${preAllocatedVUs})`);
  }
  if (Math.max(preAllocatedVUs, maxVUs ?? 0) === 0) {
    problems.push(`${at('preAllocatedVUs')}: preAllocatedVUs and maxVUs are both 0; no iteration could ever run`);
  }
}

/** Resolved inter-arrival fields. */
export interface ResolvedArrivalFields {
  readonly distribution: InterArrival;
  readonly burstiness: number;
  readonly seed: number;
}

export function resolveArrivalFields(raw: ArrivalRaw): ResolvedArrivalFields {
  const distribution = raw.distribution ?? OPEN_LOOP_DEFAULTS.distribution;
  return {
    distribution,
    burstiness: distribution === 'gamma' ? (raw.burstiness ?? OPEN_LOOP_DEFAULTS.burstiness) : 1,
    seed: raw.seed ?? OPEN_LOOP_DEFAULTS.seed,
  };
}

/** timeUnit in ms (default 1 s). */
export function timeUnitMs(timeUnit: string | number | undefined): number {
  return msOrDefault(timeUnit, OPEN_LOOP_DEFAULTS.timeUnitMs);
}

/** A rate per timeUnit as a rate per second. */
export function perSecond(rate: number, unitMs: number): number {
  return (rate * 1000) / unitMs;
}

/** Assemble an open scenario plan; maxTotalMs = startMs + Σ (durationMs + gracefulStopMs). */
export function openPlan(name: string, executor: string, scenario: ResolvedScenarioBase, phases: OpenPhasePlan[]): OpenScenarioPlan {
  const phasesMs = phases.reduce((sum, phase) => sum + phase.durationMs + phase.gracefulStopMs, 0);
  return {
    kind: 'open',
    name,
    executor,
    startMs: scenario.startTimeMs,
    exec: scenario.exec,
    tags: { ...scenario.tags },
    env: { ...scenario.env },
    phases,
    maxTotalMs: scenario.startTimeMs + phasesMs,
  };
}
