/**
 * The answer of a capacity-search scenario, re-derived from its level rows
 * with the rule the run used (its resolved options in the results' end line):
 * the same pure function the engine decided with (core/executors/capacity-bisect.ts),
 * so a report re-made from results.ndjson says what the run said.
 */
import { capacityResult, type CapacityResult, type CapacitySearchRule } from '../executors/capacity-bisect.js';
import { TAG_LEVEL } from '../metrics/builtin.js';
import type { RequestStats } from '../metrics/request-stats.js';

/** The search rule of a resolved capacity-search scenario, or null for any other scenario (or an unreadable one). */
export function capacityRuleOf(scenario: unknown): CapacitySearchRule | null {
  if (scenario === null || typeof scenario !== 'object') return null;
  const s = scenario as Record<string, unknown>;
  if (s['executor'] !== 'capacity-search') return null;
  const numbers = ['start', 'max', 'tolerance', 'target', 'confidence'].map((k) => s[k]);
  if (!numbers.every((n): n is number => typeof n === 'number' && Number.isFinite(n))) return null;
  const [start, max, tolerance, target, confidence] = numbers as [number, number, number, number, number];
  return { mode: s['mode'] === 'rate' ? 'rate' : 'concurrency', start, max, tolerance, target, confidence };
}

/** The capacity from a search's level statistics. */
export function capacityFromLevels(rule: CapacitySearchRule, levels: readonly RequestStats[]): CapacityResult {
  return capacityResult(
    rule,
    levels.map((stats) => ({ load: Number(stats.tags[TAG_LEVEL]), good: stats.good, requests: stats.requests })),
  );
}
