/**
 * Which thresholds each sweep level (or stage) would pass on its own: the
 * basis of the breaking point and the capacity line. A threshold applies to
 * a level when it has no tag filter (its expression is evaluated on that
 * level's requests alone) or when its filter names only `scenario`/`level`/
 * `stage` and matches the level (the run's own verdict is used). Thresholds
 * on metrics a level's statistics do not hold (custom metrics, checks, TTFB…)
 * are left out.
 */
import { LLM_E2E, LLM_ITL, LLM_REQUEST_FAILED, LLM_REQUESTS, LLM_TPOT, LLM_TTFT, TAG_LEVEL, TAG_SCENARIO, TAG_STAGE } from '../metrics/builtin.js';
import { derivedValue } from '../metrics/derived.js';
import type { RequestStats } from '../metrics/request-stats.js';
import { parseMetricKey } from '../metrics/tags.js';
import type { TrendSink } from '../metrics/trend-sink.js';
import { parseThresholdExpression } from '../thresholds/parse-expression.js';
import { compare } from '../thresholds/parse-expression.js';
import type { ThresholdResult } from '../thresholds/types.js';

/** One threshold judged on one level. */
export interface LevelThresholdCheck {
  /** The metric key as written, e.g. `llm_ttft` or `llm_ttft{level:10}`. */
  key: string;
  /** The expression, e.g. `p(95)<2000`. */
  source: string;
  /** The level's value (null without samples). */
  observed: number | null;
  /** Not failed; with `noData` it was not judged either (shown as "no data", never as passed). */
  ok: boolean;
  noData: boolean;
  /** 'level': evaluated on the level's requests; 'run': the run's verdict of a threshold filtered to this level. */
  basis: 'level' | 'run';
}

const GROUP_TAGS: ReadonlySet<string> = new Set([TAG_SCENARIO, TAG_LEVEL, TAG_STAGE]);

/** The thresholds that apply to the group with these tags, each judged. */
export function checkLevelThresholds(stats: RequestStats, tags: Readonly<Record<string, string>>, thresholds: readonly ThresholdResult[]): LevelThresholdCheck[] {
  const out: LevelThresholdCheck[] = [];
  for (const threshold of thresholds) {
    const parsed = parseMetricKey(threshold.metric);
    if (!parsed.ok) continue;
    const { name, filter } = parsed.value;
    if (filter !== null) {
      if (!filter.every(([k]) => GROUP_TAGS.has(k))) continue;
      if (!filter.every(([k, v]) => tags[k] === v)) continue;
      // Filtered to this very group: every request of the group, and only those, fed it. Per-level verdicts
      // judge the value alone (as the breaking point always has): an inconclusive run verdict is not a level's failure.
      out.push({ key: threshold.key, source: threshold.source, observed: threshold.observed, ok: runVerdictOf(threshold), noData: threshold.noData, basis: 'run' });
      continue;
    }
    const expression = parseThresholdExpression(threshold.source);
    if (!expression.ok) continue;
    const { method, percentile, operator, value } = expression.value;
    const observed = levelValue(stats, name, method, percentile);
    if (observed === undefined) continue;
    out.push({ key: threshold.key, source: threshold.source, observed, ok: observed === null || compare(observed, operator, value), noData: observed === null, basis: 'level' });
  }
  return out;
}

/** The run's verdict of a threshold on its value alone: an inconclusive one passes when its value is within the limit. */
function runVerdictOf(threshold: ThresholdResult): boolean {
  if (threshold.state !== 'inconclusive' || threshold.observed === null) return threshold.ok;
  const expression = parseThresholdExpression(threshold.source);
  return expression.ok ? compare(threshold.observed, expression.value.operator, expression.value.value) : threshold.ok;
}

/** The value a threshold on metric `name` reads from one group's statistics; undefined when the group cannot say. */
function levelValue(stats: RequestStats, name: string, method: string, percentile: number): number | null | undefined {
  const trend = trendOf(stats, name);
  if (trend !== undefined) {
    if (trend.count === 0) return null;
    switch (method) {
      case 'avg':
        return trend.avg;
      case 'min':
        return trend.min;
      case 'max':
        return trend.max;
      case 'med':
        return trend.med;
      case 'p':
        return trend.percentile(percentile);
      default:
        return undefined;
    }
  }
  if (name === LLM_REQUEST_FAILED) return method === 'rate' ? (stats.requests === 0 ? null : stats.failed / stats.requests) : undefined;
  if (name === LLM_REQUESTS) return method === 'count' ? stats.requests : undefined;
  const derived = derivedValue(name, stats);
  if (derived !== undefined) return method === 'value' ? derived : undefined;
  return undefined;
}

function trendOf(stats: RequestStats, name: string): TrendSink | undefined {
  switch (name) {
    case LLM_TTFT:
      return stats.ttft;
    case LLM_E2E:
      return stats.e2e;
    case LLM_ITL:
      return stats.itl;
    case LLM_TPOT:
      return stats.tpot;
    default:
      return undefined;
  }
}
