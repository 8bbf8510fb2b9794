/**
 * Three-state threshold judgement, the end-of-test verdict (evaluate.ts): a threshold on a percentile or a
 * rate whose limit lies inside its observed value's own confidence interval is
 * inconclusive, neither passed nor failed, with an estimate of how many more
 * requests would settle it.
 *
 * - A trend's percentile: the order-statistic interval (core/metrics/quantile-interval.ts).
 *   With too few samples for any interval at the confidence (p95 at 95 %: ~60) it is judged
 *   on its value alone, as k6 does: a short test keeps its binary verdict.
 * - A rate metric (checks, llm_request_failed): the Wilson score interval of passes/total.
 * - Counters, gauges, avg/min/max/med, equality operators: exact over what ran, judged as k6 does.
 *
 * "About N more requests": the interval's half-width on the limit's side shrinks about as
 * 1/√n, so the interval clears the limit once n grows by (half-width ÷ distance to limit)².
 * For a rate the Wilson interval is recomputed at the same observed share instead: near 0 or 1
 * its bound shrinks as 1/n, not 1/√n (0 failures in 50 under 1 %: ~330 more, not ~2,500).
 */
import { trendQuantileInterval } from '../metrics/known-figure.js';
import { RateSink, type Sink } from '../metrics/sinks.js';
import { TrendSink } from '../metrics/trend-sink.js';
import { wilsonInterval } from '../metrics/wilson.js';
import { compare } from './parse-expression.js';
import type { ThresholdExpression } from './types.js';

export type ThresholdState = 'pass' | 'fail' | 'inconclusive';

export interface ThresholdJudgement {
  state: ThresholdState;
  observed: number;
  /** The observed value's interval at the confidence; null where the threshold is judged on its value alone. */
  interval: { low: number; high: number; confidence: number } | null;
  /** Inconclusive only: about how many more samples would move the interval off the limit; null when the value sits on the limit. */
  moreRequests: number | null;
}

const INEQUALITIES: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);

/** Judge `expression` on a sink that has samples, at `confidence` (0.95). */
export function judgeWithMargin(sink: Sink, expression: ThresholdExpression, observed: number, confidence: number): ThresholdJudgement {
  const binary: ThresholdJudgement = { state: compare(observed, expression.operator, expression.value) ? 'pass' : 'fail', observed, interval: null, moreRequests: null };
  if (!INEQUALITIES.has(expression.operator)) return binary;
  const bounds = intervalOf(sink, expression, confidence);
  if (bounds === null) return binary;
  const interval = { ...bounds.interval, confidence };
  const limit = expression.value;
  if (limit < interval.low || limit > interval.high) return { ...binary, interval };
  const distance = Math.abs(observed - limit);
  const halfWidth = limit >= observed ? interval.high - observed : observed - interval.low;
  let moreRequests: number | null = null;
  if (distance > 0 && halfWidth > 0) {
    moreRequests = sink instanceof RateSink ? rateRequestsToClear(observed, limit, bounds.n, confidence) : Math.max(1, Math.ceil(bounds.n * ((halfWidth / distance) ** 2 - 1)));
  }
  return { state: 'inconclusive', observed, interval, moreRequests };
}

/** How many more trials at the same observed share move its Wilson interval off `limit` (doubling, then bisecting). */
function rateRequestsToClear(share: number, limit: number, n: number, confidence: number): number {
  const clears = (total: number): boolean => {
    const interval = wilsonInterval(share * total, total, confidence);
    return limit < interval.low || limit > interval.high;
  };
  let high = Math.max(2 * n, n + 1);
  while (!clears(high)) high *= 2;
  let low = n;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (clears(mid)) high = mid;
    else low = mid;
  }
  return Math.max(1, high - n);
}

/** The interval of the aggregation a threshold compares, with its sample count; null where none applies. */
function intervalOf(sink: Sink, expression: ThresholdExpression, confidence: number): { interval: { low: number; high: number }; n: number } | null {
  if (sink instanceof TrendSink && expression.method === 'p') {
    const interval = trendQuantileInterval(sink, expression.percentile, confidence);
    return interval === null ? null : { interval: { low: interval.low, high: interval.high }, n: sink.count };
  }
  if (sink instanceof RateSink && expression.method === 'rate' && sink.total > 0) {
    const interval = wilsonInterval(sink.passes, sink.total, confidence);
    return { interval: { low: interval.low, high: interval.high }, n: sink.total };
  }
  return null;
}

/** 'inconclusive (about 120 more requests needed)'. */
export function describeInconclusive(judgement: Pick<ThresholdJudgement, 'moreRequests'>): string {
  return judgement.moreRequests === null ? 'inconclusive (the value sits on the limit)' : `inconclusive (about ${judgement.moreRequests} more requests needed)`;
}
