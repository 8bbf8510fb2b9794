/**
 * Reading one number out of a sink: what a threshold compares and what the
 * summary prints. The methods and which metric type has which are k6's
 * (metrics/thresholds_parser.go, metric_type.go).
 */
import { CounterSink, GaugeSink, RateSink, type Sink } from './sinks.js';
import type { MetricType } from './types.js';

export type AggregationMethod = 'count' | 'rate' | 'value' | 'avg' | 'min' | 'max' | 'med' | 'p';

/** Aggregation methods each metric type supports. */
export const AGGREGATIONS_BY_TYPE: Readonly<Record<MetricType, readonly AggregationMethod[]>> = Object.freeze({
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
});

/** How a message names the methods a type supports: "count or rate", "avg, min, med, max or p(N)". */
export function describeAggregations(type: MetricType): string {
  const names = AGGREGATIONS_BY_TYPE[type].map((m) => (m === 'p' ? 'p(N)' : m));
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]!}`;
}

export function supportsAggregation(type: MetricType, method: AggregationMethod): boolean {
  return AGGREGATIONS_BY_TYPE[type].includes(method);
}

/**
 * The aggregated value, or null when the sink has no samples (a counter with
 * none is a real zero and reads 0). `percentile` is used by 'p';
 * `durationMs` (test run time so far) by a counter's 'rate'.
 * Returns undefined when the method does not apply to the sink's type.
 */
export function aggregateSink(sink: Sink, method: AggregationMethod, percentile: number, durationMs: number): number | null | undefined {
  if (sink instanceof CounterSink) {
    if (method === 'count') return sink.count;
    if (method === 'rate') return durationMs > 0 ? sink.count / (durationMs / 1000) : 0;
    return undefined;
  }
  if (sink instanceof GaugeSink) {
    if (method !== 'value') return undefined;
    return sink.samples === 0 ? null : sink.value;
  }
  if (sink instanceof RateSink) {
    if (method !== 'rate') return undefined;
    return sink.total === 0 ? null : sink.rate;
  }
  if (sink.count === 0) return supportsAggregation('trend', method) ? null : undefined;
  switch (method) {
    case 'avg':
      return sink.avg;
    case 'min':
      return sink.min;
    case 'max':
      return sink.max;
    case 'med':
      return sink.med;
    case 'p':
      return sink.percentile(percentile);
    default:
      return undefined;
  }
}
