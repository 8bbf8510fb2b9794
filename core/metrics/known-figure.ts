/**
 * "Stop when the answer is known": whether a row's latency percentile is
 * known to a margin of error at a confidence, from the row's own samples by
 * the order-statistic interval (./quantile-interval.ts). The controller asks
 * it while a level, rate or probe runs and ends the phase once it is; the
 * summary and the report ask it again of the finished row to print the
 * figure with its margin ("TTFT p95 412 ms ± 3.1 % (95 %)").
 */
import { intervalAtRanks, quantileInterval, quantileRanks, type QuantileInterval } from './quantile-interval.js';
import type { RequestStats } from './request-stats.js';
import type { TrendSink } from './trend-sink.js';

/** The request latencies a figure can be about. */
export type KnownMetric = 'ttft' | 'e2e' | 'itl' | 'tpot';

export const KNOWN_METRICS: readonly KnownMetric[] = ['ttft', 'e2e', 'itl', 'tpot'];

/** What must be known before a phase may end early. */
export interface KnownFigureRule {
  readonly metric: KnownMetric;
  /** The percentile, 0 < p < 100 (95 for p95). */
  readonly percentile: number;
  /** Relative margin of error, e.g. 0.05 for ± 5 %. */
  readonly margin: number;
  /** Confidence of the interval, e.g. 0.95. */
  readonly confidence: number;
  /** Counted requests the row needs before it can be called known, whatever its interval. */
  readonly minRequests: number;
}

/** Why a phase with a rule ended: its figure was known, or it ran its whole duration. */
export type PhaseStopReason = 'known' | 'max-duration';

/** How one phase that had a rule ended; the end line of results.ndjson keeps them for the report. */
export interface PhaseStop {
  scenario: string;
  /** The phase's row tags: { level } or { rate }, {} for a single-phase scenario. */
  tags: Record<string, string>;
  reason: PhaseStopReason;
}

/** A row's figure with its margin of error. */
export interface KnownFigure {
  metric: KnownMetric;
  percentile: number;
  confidence: number;
  /** The row's percentile as its table shows it, ms; null without samples. */
  estimateMs: number | null;
  /** Larger distance from the estimate to a bound of the interval, relative to the estimate; null while too few samples give an interval. */
  relativeMargin: number | null;
  /** Counted requests of the row. */
  requests: number;
  /** Within the rule's margin, with at least its minRequests. */
  known: boolean;
}

const METRIC_LABEL: Record<KnownMetric, string> = { ttft: 'TTFT', e2e: 'E2E', itl: 'ITL', tpot: 'TPOT' };

/**
 * The row's figure under `rule`, and whether it is known. `inFlightMs`: how long each request of
 * the row still in flight has been running (E2E only). Finished requests alone are a biased
 * sample while slow ones are still running (the fast ones finish first): an in-flight request
 * older than the interval's upper bound is certainly above it, so it counts as a sample at +∞,
 * which widens the interval until it finishes. Younger ones could land on either side and are left out.
 */
export function knownFigure(stats: RequestStats, rule: KnownFigureRule, inFlightMs: readonly number[] = []): KnownFigure {
  const trend = stats[rule.metric];
  let interval = trendQuantileInterval(trend, rule.percentile, rule.confidence);
  if (rule.metric === 'e2e' && inFlightMs.length > 0) interval = censoredInterval(trend, rule, interval, inFlightMs);
  const relativeMargin = interval?.relativeMargin ?? null;
  return {
    metric: rule.metric,
    percentile: rule.percentile,
    confidence: rule.confidence,
    estimateMs: trend.count === 0 ? null : trend.percentile(rule.percentile),
    relativeMargin,
    requests: stats.requests,
    known: relativeMargin !== null && relativeMargin <= rule.margin && stats.requests >= rule.minRequests,
  };
}

/**
 * The order-statistic interval of a trend's p-th percentile (0..100), around the percentile the
 * trend reports; past the trend's raw cap the bounds are the histogram's estimates at their ranks.
 */
export function trendQuantileInterval(trend: TrendSink, percentile: number, confidence: number): QuantileInterval | null {
  const q = percentile / 100;
  const n = trend.count;
  if (n === 0) return null;
  const estimate = trend.percentile(percentile);
  const sorted = trend.sortedSamples();
  if (sorted !== null) {
    const exact = quantileInterval(sorted, q, confidence);
    return exact === null ? null : intervalAtRanks(exact, (rank) => sorted[rank - 1]!, estimate);
  }
  const ranks = quantileRanks(n, q, confidence);
  // numpy's type-7 percentile at (rank − 1)/(n − 1) is exactly the sample of that rank.
  return ranks === null ? null : intervalAtRanks(ranks, (rank) => trend.percentile(n === 1 ? 50 : ((rank - 1) / (n - 1)) * 100), estimate);
}

/** The interval with the in-flight requests known to lie above its upper bound added as samples at +∞ (until that count settles). */
function censoredInterval(trend: TrendSink, rule: KnownFigureRule, interval: QuantileInterval | null, inFlightMs: readonly number[]): QuantileInterval | null {
  const sorted = trend.sortedSamples();
  if (sorted === null || interval === null) return interval;
  let above = 0;
  // Each pass can only raise the bound, so the count only grows: a few passes settle it.
  for (let pass = 0; pass < 4; pass++) {
    const high = interval.high;
    const count = inFlightMs.filter((ms) => ms > high).length;
    if (count <= above) break;
    above = count;
    const n = sorted.length + above;
    const valueAt = (rank: number): number => (rank <= sorted.length ? sorted[rank - 1]! : Number.POSITIVE_INFINITY);
    const ranks = quantileRanks(n, rule.percentile / 100, rule.confidence);
    if (ranks === null) return null;
    const estimate = valueAt(Math.min(n, Math.max(1, Math.ceil((n * rule.percentile) / 100))));
    interval = intervalAtRanks(ranks, valueAt, estimate);
    if (!Number.isFinite(interval.high)) return { ...interval, relativeMargin: Number.POSITIVE_INFINITY };
  }
  return interval;
}

/** 'TTFT p95 412 ms ± 3.1 % (95 %)'; the margin reads 'n/a' while too few samples give an interval. */
export function describeKnownFigure(figure: KnownFigure): string {
  const name = `${METRIC_LABEL[figure.metric]} p${String(figure.percentile)}`;
  if (figure.estimateMs === null) return `${name}: no samples`;
  const value = figure.estimateMs >= 1000 ? `${(figure.estimateMs / 1000).toFixed(2)} s` : `${figure.estimateMs.toFixed(0)} ms`;
  const margin = figure.relativeMargin === null || !Number.isFinite(figure.relativeMargin) ? '± n/a' : `± ${(figure.relativeMargin * 100).toFixed(1)} %`;
  return `${name} ${value} ${margin} (${percentText(figure.confidence)})`;
}

/** Why the row ended, in words: 'stopped: known to ± 5 % after 120 requests' or 'ran to its full duration (not known to ± 5 %)'. */
export function describeStop(figure: KnownFigure, rule: Pick<KnownFigureRule, 'margin'>, reason: PhaseStopReason | null): string {
  const target = `± ${percentText(rule.margin)}`;
  if (reason === 'known') return `stopped early: known to ${target} after ${figure.requests} requests`;
  if (reason === 'max-duration') return figure.known ? `ran to its full duration (known to ${target} only at the end)` : `ran to its full duration: not known to ${target}`;
  return figure.known ? `known to ${target}` : `not known to ${target}`;
}

function percentText(share: number): string {
  const pct = share * 100;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : String(Math.round(pct * 100) / 100)} %`;
}
