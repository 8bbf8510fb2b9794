/**
 * capacity-search (llmload): the highest load that meets options.slo, with
 * its confidence. Probes run one after another, each a phase tagged
 * `level: 'N'` like a concurrency-sweep level: closed-loop with N VUs
 * (mode 'concurrency') or open-loop at N arrivals per second (mode 'rate').
 * The plan holds the first probe and what the others share; the engine
 * decides each next load from what the probes measured
 * (./capacity-bisect.ts): doubling until one fails, then bisecting.
 */
import { msOrDefault } from '../options/duration.js';
import { countSchema, durationSchema, type JsonSchema } from '../options/schema-parts.js';
import { scaleCount } from '../distributed/segment.js';
import { mixSeed } from './random.js';
import type { ArrivalProcess } from './arrival-process.js';
import type { CapacitySearchRule } from './capacity-bisect.js';
import { roundLoad } from './capacity-bisect.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { requireMeasuredTime, requirePositiveDuration, resolveBase } from './executor.js';
import { arrivalProperties, resolveArrivalFields, validateArrivalFields, validateVuFields, type ResolvedArrivalFields } from './open-loop.js';
import type { AnyPhasePlan, CapacitySearchScenarioPlan, CapacitySearchSpec } from './types.js';
import { stopWhenKnownOf, stopWhenKnownProperty } from './stop-when-known.js';

export const CAPACITY_SEARCH_DEFAULTS = { mode: 'concurrency', tolerance: 1, attainment: 0.99, confidence: 0.95, maxProbePhases: 4 } as const;

export interface ResolvedCapacitySearchScenario extends ResolvedScenarioBase, ResolvedArrivalFields, CapacitySearchRule {
  readonly executor: 'capacity-search';
  readonly probeDurationMs: number;
  readonly maxProbeDurationMs: number;
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
}

/** The phase that probes `load`; `index` counts every phase of the search (each open one gets its own seed). */
export function capacityProbePhase(spec: CapacitySearchSpec, load: number, index: number): AnyPhasePlan {
  const tags = { level: String(load) };
  const measure = { ...(spec.measure === undefined ? {} : { measure: { ...spec.measure } }), ...stopWhenKnownOf(spec.stopWhenKnown) };
  if (spec.mode === 'concurrency') {
    // A split test's instance runs its share of the load's VUs; the shares add up to the load.
    const vus = spec.share === undefined ? load : scaleCount(spec.share, load);
    return {
      tags,
      steps: [{ atMs: 0, vus }],
      durationMs: spec.probeDurationMs,
      gracefulStopMs: spec.gracefulStopMs,
      gracefulRampDownMs: 0,
      iterations: null,
      maxVus: vus,
      ...measure,
    };
  }
  const arrivals: ArrivalProcess = {
    // The load is a modelled rate, as its tag; it arrives at load × rateScale per real second (core/executors/time-scale.ts).
    segments: [{ durationMs: spec.probeDurationMs, fromPerSec: load * spec.rateScale, toPerSec: load * spec.rateScale }],
    distribution: spec.distribution,
    burstiness: spec.burstiness,
    seed: mixSeed(spec.seed, index + 1),
    uniformFirst: 'start',
  };
  return {
    kind: 'open',
    tags,
    arrivals,
    durationMs: spec.probeDurationMs,
    gracefulStopMs: spec.gracefulStopMs,
    preAllocatedVus: spec.preAllocatedVus,
    maxVus: spec.maxVus,
    stageTags: false,
    ...measure,
    ...(spec.share === undefined ? {} : { share: spec.share }),
  };
}

/** Most probes a search can run: the doublings from start to max, then the halvings of the widest bracket down to the tolerance. */
export function maxCapacityProbes(rule: CapacitySearchRule): number {
  const doublings = Math.ceil(Math.log2(Math.max(1, rule.max / rule.start))) + 1;
  const halvings = Math.ceil(Math.log2(Math.max(1, rule.max / 2 / Math.max(rule.tolerance, 1e-9)))) + 1;
  return doublings + halvings;
}

export function planCapacitySearch(name: string, s: ResolvedCapacitySearchScenario): CapacitySearchScenarioPlan {
  const search: CapacitySearchSpec = {
    mode: s.mode,
    start: s.start,
    max: s.max,
    tolerance: s.tolerance,
    target: s.target,
    confidence: s.confidence,
    probeDurationMs: s.probeDurationMs,
    maxPhases: Math.max(1, Math.floor(s.maxProbeDurationMs / s.probeDurationMs)),
    gracefulStopMs: s.gracefulStopMs,
    preAllocatedVus: s.preAllocatedVUs,
    maxVus: s.maxVUs,
    distribution: s.distribution,
    burstiness: s.burstiness,
    seed: s.seed,
    rateScale: 1,
    ...(s.measure === undefined ? {} : { measure: { ...s.measure } }),
    ...stopWhenKnownOf(s.stopWhenKnown),
  };
  const probesMs = maxCapacityProbes(s) * search.maxPhases * (s.probeDurationMs + s.gracefulStopMs);
  return {
    kind: 'capacity-search',
    name,
    executor: s.executor,
    startMs: s.startTimeMs,
    exec: s.exec,
    tags: { ...s.tags },
    env: { ...s.env },
    phases: [capacityProbePhase(search, roundLoad(s.mode, s.start), 0)],
    search,
    maxTotalMs: s.startTimeMs + probesMs,
  };
}

const shareSchema: JsonSchema = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, expected: 'a share between 0 and 1, like 0.99' };

export const capacitySearch: ExecutorModule<'capacity-search', ResolvedCapacitySearchScenario> = {
  name: 'capacity-search',
  kind: 'closed',
  description: 'the highest load meeting options.slo: doubling, then bisecting; each probe tagged level:N',
  properties: {
    mode: { type: 'string', enum: ['concurrency', 'rate'], expected: '"concurrency" or "rate"' },
    start: { type: 'number', exclusiveMinimum: 0, expected: 'a load > 0 (VUs, or arrivals per second in rate mode)' },
    max: { type: 'number', exclusiveMinimum: 0, expected: 'a load > 0 (VUs, or arrivals per second in rate mode)' },
    tolerance: { type: 'number', exclusiveMinimum: 0, expected: 'a load difference > 0' },
    attainment: shareSchema,
    confidence: shareSchema,
    probeDuration: durationSchema,
    maxProbeDuration: durationSchema,
    preAllocatedVUs: countSchema(0),
    maxVUs: countSchema(1),
    ...arrivalProperties,
    ...stopWhenKnownProperty,
  },
  required: ['start', 'max', 'probeDuration'],
  validate(raw, at) {
    const problems: string[] = [];
    const mode = raw.mode ?? CAPACITY_SEARCH_DEFAULTS.mode;
    requirePositiveDuration(raw.probeDuration, at('probeDuration'), problems);
    requirePositiveDuration(raw.maxProbeDuration, at('maxProbeDuration'), problems);
    const probeMs = msOrDefault(raw.probeDuration, 0);
    if (raw.maxProbeDuration !== undefined && probeMs > 0 && msOrDefault(raw.maxProbeDuration, 0) < probeMs) {
      problems.push(`${at('maxProbeDuration')}: ${String(raw.maxProbeDuration)} is shorter than probeDuration (${String(raw.probeDuration)})`);
    }
    if (raw.max < raw.start) problems.push(`${at('max')}: ${raw.max} is less than start (${raw.start})`);
    if (mode === 'concurrency') {
      for (const field of ['start', 'max', 'tolerance'] as const) {
        const value = raw[field];
        if (value !== undefined && !Number.isInteger(value)) problems.push(`${at(field)}: in concurrency mode loads are VUs, a whole number (got ${value})`);
      }
      for (const field of ['maxVUs', 'preAllocatedVUs', 'distribution', 'burstiness', 'seed'] as const) {
        if (raw[field] !== undefined) problems.push(`${at(field)}: only applies with mode "rate" (open loop)`);
      }
    } else {
      if (raw.maxVUs === undefined) problems.push(`${at('maxVUs')}: mode "rate" needs maxVUs, the most requests in flight at once`);
      else validateVuFields(raw.preAllocatedVUs ?? raw.maxVUs, raw.maxVUs, at, problems);
      validateArrivalFields(raw, at, problems);
    }
    requireMeasuredTime(raw, probeMs, at, problems);
    return problems;
  },
  resolve(raw) {
    const mode = raw.mode ?? CAPACITY_SEARCH_DEFAULTS.mode;
    const probeDurationMs = msOrDefault(raw.probeDuration, 0);
    return {
      executor: 'capacity-search',
      ...resolveBase(raw),
      ...resolveArrivalFields(raw),
      mode,
      start: raw.start,
      max: raw.max,
      tolerance: raw.tolerance ?? CAPACITY_SEARCH_DEFAULTS.tolerance,
      target: raw.attainment ?? CAPACITY_SEARCH_DEFAULTS.attainment,
      confidence: raw.confidence ?? CAPACITY_SEARCH_DEFAULTS.confidence,
      probeDurationMs,
      maxProbeDurationMs: msOrDefault(raw.maxProbeDuration, probeDurationMs * CAPACITY_SEARCH_DEFAULTS.maxProbePhases),
      preAllocatedVUs: raw.preAllocatedVUs ?? raw.maxVUs ?? 0,
      maxVUs: raw.maxVUs ?? 0,
    };
  },
  plan: planCapacitySearch,
};
