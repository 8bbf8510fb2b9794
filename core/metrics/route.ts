/**
 * Which sinks one request feeds. It depends only on the request's tag set, so
 * the registry builds a Route once per distinct tag set and reuses it; the
 * hot path then only walks arrays.
 */
import {
  LLM_CONNECTING,
  LLM_DISPATCH_LAG,
  LLM_E2E,
  LLM_E2E_SCHED,
  LLM_GOODPUT_RATIO,
  LLM_INPUT_TOKENS,
  LLM_ITL,
  LLM_OUTPUT_TOKENS,
  LLM_OUTPUT_TPS,
  LLM_REQUEST_FAILED,
  LLM_REQUESTS,
  LLM_REQUESTS_EXCLUDED,
  LLM_REQUESTS_INTERRUPTED,
  LLM_TPOT,
  LLM_TTFB,
  LLM_TTFC,
  LLM_TTFT,
  LLM_TTFT_SCHED,
} from './builtin.js';
import type { Metric } from './metric.js';
import type { RequestStats } from './request-stats.js';
import { SharedTrend } from './shared-trend.js';
import type { CounterSink, RateSink, Sink } from './sinks.js';
import { matchesFilter } from './tags.js';
import type { TrendSink } from './trend-sink.js';
import type { Tags } from './types.js';

/** Per builtin request metric: its sink, then the sinks of its submetrics whose filter matches. */
export interface Route {
  e2e: TrendSink[];
  ttft: TrendSink[];
  ttfc: TrendSink[];
  ttfb: TrendSink[];
  /** llm_itl, its matching submetrics and the ITL trends of `stats`: views over the ITL stores. */
  itl: SharedTrend[];
  /** The one store this tag set's ITL gaps go into (each view is then only told); null: each view stores them itself. */
  itlStore: TrendSink | null;
  tpot: TrendSink[];
  connecting: TrendSink[];
  outputTokens: TrendSink[];
  inputTokens: TrendSink[];
  outputTps: TrendSink[];
  requests: CounterSink[];
  failed: RateSink[];
  interrupted: CounterSink[];
  excluded: CounterSink[];
  ttftSched: TrendSink[];
  e2eSched: TrendSink[];
  dispatchLag: TrendSink[];
  goodputRatio: RateSink[];
  /** The run, the groups the request belongs to, and filtered throughput submetrics that match. */
  stats: RequestStats[];
}

/** Build the route of `tags`; `metric` returns a builtin metric by name. */
export function buildRoute(tags: Tags, metric: (name: string) => Metric, stats: RequestStats[]): Route {
  const sinks = <S extends Sink>(name: string): S[] => {
    const m = metric(name);
    const list = [m.sink as S];
    for (const sub of m.submetrics) if (matchesFilter(sub.filter, tags)) list.push(sub.sink as S);
    return list;
  };
  return {
    e2e: sinks(LLM_E2E),
    ttft: sinks(LLM_TTFT),
    ttfc: sinks(LLM_TTFC),
    ttfb: sinks(LLM_TTFB),
    itl: [...sinks<TrendSink>(LLM_ITL), ...stats.map((s) => s.itl)].map(sharedTrend),
    itlStore: null,
    tpot: sinks(LLM_TPOT),
    connecting: sinks(LLM_CONNECTING),
    outputTokens: sinks(LLM_OUTPUT_TOKENS),
    inputTokens: sinks(LLM_INPUT_TOKENS),
    outputTps: sinks(LLM_OUTPUT_TPS),
    requests: sinks(LLM_REQUESTS),
    failed: sinks(LLM_REQUEST_FAILED),
    interrupted: sinks(LLM_REQUESTS_INTERRUPTED),
    excluded: sinks(LLM_REQUESTS_EXCLUDED),
    ttftSched: sinks(LLM_TTFT_SCHED),
    e2eSched: sinks(LLM_E2E_SCHED),
    dispatchLag: sinks(LLM_DISPATCH_LAG),
    goodputRatio: sinks(LLM_GOODPUT_RATIO),
    stats,
  };
}

function sharedTrend(trend: TrendSink): SharedTrend {
  if (!(trend instanceof SharedTrend)) throw new Error('an ITL trend of the registry is not a SharedTrend');
  return trend;
}
