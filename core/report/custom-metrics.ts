/**
 * A script's own metrics (Trend, Counter, Rate, Gauge) in the report: each
 * one over the whole run and per row (scenario, `name` tag, `group` tag)
 * wherever its samples carry that tag. Fed from the `sample` lines of
 * results.ndjson, which hold every custom sample with the tags of the code
 * that emitted it, so nothing is added to the run's hot path.
 */
import { builtinMetric, TAG_GROUP, TAG_NAME, TAG_SCENARIO } from '../metrics/builtin.js';
import { CounterSink, GaugeSink, RateSink } from '../metrics/sinks.js';
import { TrendSink } from '../metrics/trend-sink.js';
import type { MetricType } from '../metrics/types.js';

/** Which rows a figure is broken down by. */
export type BreakdownKind = 'scenario' | 'name' | 'group';

/** One custom metric's figures over some samples, by its type (k6's meanings). */
export type CustomValue =
  | { type: 'trend'; samples: number; mean: number; median: number; min: number; max: number; p95: number }
  | { type: 'counter'; samples: number; total: number }
  | { type: 'rate'; samples: number; rate: number; passes: number }
  | { type: 'gauge'; samples: number; last: number; min: number; max: number };

export interface CustomMetricRow {
  kind: BreakdownKind;
  scenario: string;
  /** The scenario's, name's or group's own value. */
  label: string;
  value: CustomValue;
}

export interface CustomMetricSummary {
  name: string;
  type: MetricType;
  /** Trend values are milliseconds (`new Trend(name, true)`). */
  isTime: boolean;
  overall: CustomValue;
  rows: CustomMetricRow[];
}

type AnySink = TrendSink | CounterSink | RateSink | GaugeSink;

interface Tracked {
  name: string;
  type: MetricType;
  isTime: boolean;
  overall: AnySink;
  rows: Map<string, { kind: BreakdownKind; scenario: string; label: string; sink: AnySink }>;
}

/** Rows kept per metric: a tag with thousands of values (a request id, say) must not fill memory. */
const MAX_ROWS_PER_METRIC = 200;

/** Trends here keep few raw samples: their HDR histogram answers past that (≤ 0.1 % error). */
const TREND_OPTIONS = { rawCap: 10_000 };

export class CustomMetricsCollector {
  readonly #metrics = new Map<string, Tracked>();

  /** Whether a sample of this metric name belongs here (builtin and engine metrics do not). */
  static isCustom(name: string): boolean {
    return builtinMetric(name) === undefined;
  }

  /** Account one sample; a sample whose type differs from the metric's first is left out (the registry rejects it too). */
  add(name: string, type: MetricType, value: number, tags: Readonly<Record<string, string>>, isTime: boolean): void {
    if (!Number.isFinite(value)) return;
    let tracked = this.#metrics.get(name);
    if (tracked === undefined) {
      tracked = { name, type, isTime, overall: newSink(type), rows: new Map() };
      this.#metrics.set(name, tracked);
    }
    if (tracked.type !== type) return;
    tracked.overall.add(value);
    const scenario = tags[TAG_SCENARIO];
    if (scenario === undefined) return;
    this.#addRow(tracked, 'scenario', scenario, scenario, value);
    const name_ = tags[TAG_NAME];
    if (name_ !== undefined) this.#addRow(tracked, 'name', scenario, name_, value);
    const group = tags[TAG_GROUP];
    if (group !== undefined && group !== '') this.#addRow(tracked, 'group', scenario, groupLabel(group), value);
  }

  /** Every custom metric in order of first sample, rows in order of first sample. */
  summaries(): CustomMetricSummary[] {
    return [...this.#metrics.values()].map((m) => ({
      name: m.name,
      type: m.type,
      isTime: m.isTime,
      overall: valueOf(m.overall),
      rows: [...m.rows.values()].map((r) => ({ kind: r.kind, scenario: r.scenario, label: r.label, value: valueOf(r.sink) })),
    }));
  }

  #addRow(tracked: Tracked, kind: BreakdownKind, scenario: string, label: string, value: number): void {
    const key = `${kind}\u0000${scenario}\u0000${label}`;
    let row = tracked.rows.get(key);
    if (row === undefined) {
      if (tracked.rows.size >= MAX_ROWS_PER_METRIC) return;
      row = { kind, scenario, label, sink: newSink(tracked.type) };
      tracked.rows.set(key, row);
    }
    row.sink.add(value);
  }
}

/** A k6 group path ('::outer::inner') as a reader writes it: 'outer::inner'. */
export function groupLabel(path: string): string {
  return path.startsWith('::') ? path.slice(2) : path;
}

function newSink(type: MetricType): AnySink {
  switch (type) {
    case 'trend':
      return new TrendSink(TREND_OPTIONS);
    case 'counter':
      return new CounterSink();
    case 'rate':
      return new RateSink();
    case 'gauge':
      return new GaugeSink();
  }
}

function valueOf(sink: AnySink): CustomValue {
  if (sink instanceof TrendSink) {
    return { type: 'trend', samples: sink.count, mean: sink.avg, median: sink.med, min: sink.min, max: sink.max, p95: sink.percentile(95) };
  }
  if (sink instanceof CounterSink) return { type: 'counter', samples: sink.samples, total: sink.count };
  if (sink instanceof RateSink) return { type: 'rate', samples: sink.total, rate: sink.total === 0 ? 0 : sink.passes / sink.total, passes: sink.passes };
  return { type: 'gauge', samples: sink.samples, last: sink.value, min: sink.min, max: sink.max };
}
