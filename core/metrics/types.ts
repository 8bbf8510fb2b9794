/**
 * Shared vocabulary of the metrics engine. Time values are milliseconds
 * (floating point) everywhere, as k6 metrics/units.go fixes one time unit.
 */

/** Kinds of metric, with k6's meanings. */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

/** What a metric's values are: 'time' values are milliseconds, 'default' plain numbers (k6's `contains`). */
export type ValueKind = 'time' | 'default';

export type Tags = Readonly<Record<string, string>>;

/** One sample of any metric, as custom metrics, checks and the engine's own counters send it. */
export interface Sample {
  name: string;
  type: MetricType;
  value: number;
  tags?: Tags | undefined;
  /** True for time values (ms); only meaningful for trends, as in k6 `new Trend(name, true)`. */
  isTime?: boolean | undefined;
}
