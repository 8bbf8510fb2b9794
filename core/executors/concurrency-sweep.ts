/**
 * concurrency-sweep (llmload): closed-loop concurrency levels run one after
 * another, like the hand-made "1 / 2 / 5 / 10 users" tables. Each level is one
 * phase with that many VUs, tagged `level: 'N'`, for `duration` or for
 * `iterations` requests shared by the level's VUs, or for `iterationsPerVu`
 * requests from every VU (cut at maxDuration). Each
 * level gets gracefulStop; the engine starts the next level only after the
 * previous one has drained, so no request of one level runs in another.
 */
import { DEFAULTS } from '../options/defaults.js';
import { msOrDefault } from '../options/duration.js';
import { countSchema, durationSchema } from '../options/schema-parts.js';
import type { ExecutorModule, ResolvedScenarioBase } from './executor.js';
import { closedPlan, requirePositiveDuration, resolveBase } from './executor.js';
import type { PhasePlan, ClosedScenarioPlan } from './types.js';
import { stopWhenKnownOf, stopWhenKnownProperty } from './stop-when-known.js';

/** How long each level runs: for a time, or for a number of requests. */
export type SweepLevelLimit =
  | { readonly mode: 'duration'; readonly durationMs: number }
  | { readonly mode: 'iterations'; readonly iterations: number; readonly maxDurationMs: number }
  /** Every VU of the level sends exactly this many requests (a wave of N at once when 1, as hand-made sweeps do). */
  | { readonly mode: 'per-vu'; readonly iterationsPerVu: number; readonly maxDurationMs: number };

export interface ResolvedConcurrencySweepScenario extends ResolvedScenarioBase {
  readonly executor: 'concurrency-sweep';
  /** VUs of each level, in the order they run. */
  readonly levels: readonly number[];
  readonly perLevel: SweepLevelLimit;
}

/** One phase per level, in order, each tagged { level: 'N' }. */
export function planConcurrencySweep(name: string, s: ResolvedConcurrencySweepScenario): ClosedScenarioPlan {
  const phases = s.levels.map((level): PhasePlan => ({
    tags: { level: String(level) },
    steps: [{ atMs: 0, vus: level }],
    durationMs: s.perLevel.mode === 'duration' ? s.perLevel.durationMs : s.perLevel.maxDurationMs,
    gracefulStopMs: s.gracefulStopMs,
    gracefulRampDownMs: 0,
    iterations:
      s.perLevel.mode === 'iterations'
        ? { mode: 'shared', total: s.perLevel.iterations }
        : s.perLevel.mode === 'per-vu'
          ? { mode: 'per-vu', perVu: s.perLevel.iterationsPerVu }
          : null,
    maxVus: level,
    ...stopWhenKnownOf(s.stopWhenKnown),
  }));
  return closedPlan(name, s.executor, s, phases);
}

export const concurrencySweep: ExecutorModule<'concurrency-sweep', ResolvedConcurrencySweepScenario> = {
  name: 'concurrency-sweep',
  kind: 'closed',
  description: 'closed-loop concurrency levels one after another, each tagged level:N',
  properties: {
    levels: {
      type: 'array',
      items: countSchema(1),
      minItems: 1,
      uniqueItems: true,
      expected: 'a non-empty list of concurrency levels like [1, 2, 5, 10]',
    },
    duration: durationSchema,
    iterations: countSchema(1),
    iterationsPerVu: countSchema(1),
    maxDuration: durationSchema,
    ...stopWhenKnownProperty,
  },
  required: ['levels'],
  validate(raw, at) {
    const problems: string[] = [];
    const limits = [raw.duration, raw.iterations, raw.iterationsPerVu].filter((v) => v !== undefined).length;
    if (limits === 0) {
      problems.push(`${at('')}: needs one of duration (time per level), iterations (requests per level) or iterationsPerVu (requests per VU)`);
    }
    if (limits > 1) {
      problems.push(`${at('')}: takes one of duration (time per level), iterations (requests per level) or iterationsPerVu (requests per VU), not several`);
    }
    if (raw.duration !== undefined && raw.maxDuration !== undefined) {
      problems.push(`${at('maxDuration')}: only applies with iterations; with duration each level runs exactly that long`);
    }
    requirePositiveDuration(raw.duration, at('duration'), problems);
    requirePositiveDuration(raw.maxDuration, at('maxDuration'), problems);
    const highest = Math.max(...raw.levels);
    if (raw.iterations !== undefined && raw.levels.length > 0 && raw.iterations < highest) {
      problems.push(`${at('iterations')}: ${raw.iterations} is less than the highest level (${highest}); ` + 'every VU of a level needs at least one request');
    }
    return problems;
  },
  resolve(raw) {
    const maxDurationMs = msOrDefault(raw.maxDuration, DEFAULTS.scenario.maxDurationMs);
    const perLevel: SweepLevelLimit =
      raw.iterations !== undefined
        ? { mode: 'iterations', iterations: raw.iterations, maxDurationMs }
        : raw.iterationsPerVu !== undefined
          ? { mode: 'per-vu', iterationsPerVu: raw.iterationsPerVu, maxDurationMs }
          : { mode: 'duration', durationMs: msOrDefault(raw.duration, 0) };
    return { executor: 'concurrency-sweep', ...resolveBase(raw), levels: [...raw.levels], perLevel };
  },
  plan: planConcurrencySweep,
};
