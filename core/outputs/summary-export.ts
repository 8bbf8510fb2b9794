/**
 * The end-of-test data in k6's handleSummary shape, so tooling written for
 * k6's summary.json reads ours: `root_group` (groups and checks), `options`,
 * `state`, and `metrics[name] = { type, contains, values, thresholds? }` with
 * submetrics under their full key (`llm_ttft{level:10}`). Our extras (the
 * per-level table, failures by class, throughput, target) sit under `llmload`.
 * Everything is plain JSON data.
 */
import type { KnownRow } from '../metrics/known-rows.js';
import type { LoadGeneratorSummary } from '../metrics/load-generator.js';
import type { NotRunPhase } from '../executors/not-run.js';
import { createHash } from 'node:crypto';
import { builtinMetric } from '../metrics/builtin.js';
import { derivedValue } from '../metrics/derived.js';
import type { OpenLoadRow } from '../metrics/load-delivery.js';
import { parsePercentileName } from '../metrics/percentile.js';
import type { CheckRecord } from '../metrics/registry.js';
import type { RequestStatsRow } from '../metrics/request-stats.js';
import { CounterSink, GaugeSink, RateSink, sinkSamples, type Sink } from '../metrics/sinks.js';
import type { TimeBucket } from '../metrics/time-series.js';
import { TrendSink } from '../metrics/trend-sink.js';
import type { MetricType, ValueKind } from '../metrics/types.js';
import type { ThresholdResult } from '../thresholds/types.js';
import { DEFAULT_TREND_STATS, type ScenarioInfo, type SummaryData, type TargetInfo } from './summary-data.js';

/** A threshold in the export: k6's `ok`, plus how it was judged at the end. */
export interface ExportedThreshold {
  ok: boolean;
  noData?: true;
  /** pass, fail or inconclusive (its limit within `interval`); absent when it had no data or could not be evaluated. */
  state?: 'pass' | 'fail' | 'inconclusive';
  /** The observed value's interval at `confidence`; null where the value is exact. */
  interval?: { low: number; high: number; confidence: number } | null;
  /** Inconclusive: about how many more requests would settle it. */
  moreRequests?: number | null;
}

export interface K6Check {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface K6Group {
  name: string;
  path: string;
  id: string;
  groups: K6Group[];
  checks: K6Check[];
}

export interface K6Metric {
  type: MetricType;
  contains: ValueKind;
  /** trend: the summaryTrendStats; counter: count, rate; rate: rate, passes, fails; gauge: value, min, max. */
  values: Record<string, number>;
  /** Threshold expression → whether it passed. */
  thresholds?: Record<string, ExportedThreshold>;
}

export interface ThroughputSummary {
  /** First request start → last request end, ms; 0 when nothing was counted. */
  windowMs: number;
  requestsPerSec: number | null;
  outputTokensPerSec: number | null;
  totalTokensPerSec: number | null;
  /** null when no goodput SLO was configured. */
  goodputPerSec: number | null;
  /** Highest output tokens/s over 1-second buckets of token arrival. */
  peakOutputTokensPerSec: number | null;
  /** Σ E2EL / window. */
  averageConcurrency: number | null;
}

export interface LlmloadSummary {
  version: 1;
  target: TargetInfo;
  scenarios: ScenarioInfo[];
  aborted: string | null;
  /** Planned phases that never started; absent when every phase ran. */
  notRun?: NotRunPhase[];
  /** Rows a stopWhenKnown rule applied to: each figure with its margin and why its phase ended; absent without the option. */
  known?: KnownRow[];
  /** The whole run as one row. */
  requests: RequestStatsRow;
  /** One row per concurrency-sweep level (tags scenario, level). */
  levels: RequestStatsRow[];
  /** One row per scenario. */
  scenarioRows: RequestStatsRow[];
  /** One row per stage, when executors tag stages. */
  stages: RequestStatsRow[];
  /** One row per request name (the `name` tag, e.g. task kinds), within its scenario. */
  names: RequestStatsRow[];
  /** One row per rate-sweep rate (tags scenario, rate: 'synchronous', 'throughput' or the target req/s). */
  rates: RequestStatsRow[];
  failures: Record<string, number>;
  /** A few distinct error messages per failure class. */
  failureExamples: Record<string, string[]>;
  throughput: ThroughputSummary;
  /** Some token counts were estimated (the server sent no usage). */
  tokensEstimated: boolean;
  /** Every threshold with the value it compared. */
  thresholds: ThresholdResult[];
  /** Metric keys whose percentiles come from an HDR histogram (≤ 0.1 % error) rather than raw samples. */
  approximate: string[];
  /** Metric keys listed (a threshold refers to them) although they have no samples: their values are k6's zeros. */
  empty: string[];
  series: TimeBucket[];
  /** Samples dropped for a non-finite value. */
  droppedSamples: number;
  /** One row per open-loop scenario, stage or rate: offered and achieved arrival rates, dropped arrivals (core/metrics/load-delivery.ts). */
  load?: OpenLoadRow[];
  /** The load generator's own health and whether it was the bottleneck (core/metrics/load-generator.ts); null without readings. */
  loadGenerator?: LoadGeneratorSummary | null;
  /**
   * Present when the run was against the built-in simulator at a time scale other than 1: every
   * time and rate here (state.testRunDurationMs included) is in the simulated server's time, the
   * measured ones × or ÷ this scale (core/metrics/modelled-time.ts); the load generator's health is not.
   */
  timeScale?: number;
}

export interface SummaryExport {
  root_group: K6Group;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, K6Metric>;
  llmload: LlmloadSummary;
}

/** Build the export from what the engine collected. */
export function summaryExport(data: SummaryData): SummaryExport {
  const { registry, run } = data;
  const stats = [...(run.summaryTrendStats ?? DEFAULT_TREND_STATS)];
  const durationMs = run.testRunDurationMs;
  const results = data.thresholds?.results ?? [];
  const metrics: Record<string, K6Metric> = {};
  const approximate: string[] = [];
  const empty: string[] = [];

  const addSink = (key: string, type: MetricType, contains: ValueKind, sink: Sink): void => {
    metrics[key] = { type, contains, values: sinkValues(sink, stats, durationMs) };
    if (sink instanceof TrendSink && sink.approximate) approximate.push(key);
    if (sinkSamples(sink) === 0) empty.push(key);
  };
  for (const metric of registry.metrics()) {
    if (metric.observed || sinkSamples(metric.sink) > 0) addSink(metric.name, metric.type, metric.contains, metric.sink);
    for (const sub of metric.submetrics) addSink(sub.key, metric.type, metric.contains, sub.sink);
  }
  for (const target of registry.derivedTargets()) {
    const value = derivedValue(target.name, target.stats) ?? null;
    const isBase = target.key === target.name;
    if (isBase && !target.observed && value === null) continue;
    const v = value ?? 0;
    metrics[target.key] = { type: 'gauge', contains: 'default', values: { value: v, min: v, max: v } };
    if (value === null) empty.push(target.key);
  }
  for (const result of results) {
    const metric = metrics[result.metric];
    if (metric === undefined) continue;
    // ok keeps k6's meaning (nothing failed); noData says the threshold could not be judged.
    // state, interval and moreRequests: the end-of-test judgement at 95 % (an inconclusive one has ok per its policy).
    (metric.thresholds ??= {})[result.source] = result.noData
      ? { ok: result.ok, noData: true }
      : result.state === undefined
        ? { ok: result.ok }
        : { ok: result.ok, state: result.state, interval: result.interval ?? null, moreRequests: result.moreRequests ?? null };
  }

  const total = registry.total.row();
  return {
    root_group: rootGroup(registry.checks()),
    options: { summaryTrendStats: stats, summaryTimeUnit: '', noColor: run.noColor ?? false },
    state: { isStdOutTTY: run.isStdOutTTY ?? false, isStdErrTTY: run.isStdErrTTY ?? false, testRunDurationMs: durationMs },
    metrics,
    llmload: {
      version: 1,
      target: { ...run.target },
      scenarios: [...(run.scenarios ?? [])],
      aborted: run.aborted ?? null,
      ...(run.notRun !== undefined && run.notRun.length > 0 ? { notRun: run.notRun.map((p) => ({ scenario: p.scenario, tags: { ...p.tags } })) } : {}),
      ...(run.known !== undefined && run.known.length > 0 ? { known: run.known.map((row) => ({ ...row, tags: { ...row.tags }, figure: { ...row.figure } })) } : {}),
      requests: total,
      levels: registry.groupRows('level'),
      scenarioRows: registry.groupRows('scenario'),
      stages: registry.groupRows('stage'),
      names: registry.groupRows('name'),
      rates: registry.groupRows('rate'),
      failures: { ...total.failures },
      failureExamples: Object.fromEntries(registry.failureExamples),
      throughput: {
        windowMs: total.window?.durationMs ?? 0,
        requestsPerSec: total.requestsPerSec,
        outputTokensPerSec: total.outputTokensPerSec,
        totalTokensPerSec: total.totalTokensPerSec,
        goodputPerSec: total.goodputPerSec,
        peakOutputTokensPerSec: registry.series.peakOutputTokensPerSec(),
        averageConcurrency: total.averageConcurrency,
      },
      tokensEstimated: registry.tokensEstimated,
      thresholds: results.map((r) => ({ ...r })),
      approximate,
      empty,
      series: registry.series.buckets(),
      droppedSamples: registry.droppedSamples,
      load: (run.load ?? []).map((row) => ({ ...row, tags: { ...row.tags } })),
      loadGenerator: data.loadGenerator ?? null,
      ...(run.timeScale !== undefined && run.timeScale !== 1 ? { timeScale: run.timeScale } : {}),
    },
  };
}

/** k6's `values` of one sink; an empty sink reads zeros, as in k6. */
export function sinkValues(sink: Sink, trendStats: readonly string[], durationMs: number): Record<string, number> {
  if (sink instanceof CounterSink) return { count: sink.count, rate: durationMs > 0 ? sink.count / (durationMs / 1000) : 0 };
  if (sink instanceof GaugeSink) {
    const empty = sink.samples === 0;
    return { value: empty ? 0 : sink.value, min: empty ? 0 : sink.min, max: empty ? 0 : sink.max };
  }
  if (sink instanceof RateSink) return { rate: sink.total === 0 ? 0 : sink.rate, passes: sink.passes, fails: sink.fails };
  const values: Record<string, number> = {};
  for (const stat of trendStats) {
    const value = trendStat(sink, stat);
    if (value !== undefined) values[stat] = sink.count === 0 ? 0 : value;
  }
  return values;
}

/** One summaryTrendStats entry of a trend (avg, min, med, max, count, std, p(N)); undefined for an unknown name. */
export function trendStat(sink: TrendSink, stat: string): number | undefined {
  switch (stat) {
    case 'avg':
      return sink.avg;
    case 'min':
      return sink.min;
    case 'med':
      return sink.med;
    case 'max':
      return sink.max;
    case 'count':
      return sink.count;
    case 'std':
      return sink.std;
    default: {
      const p = parsePercentileName(stat);
      return p === null || p > 100 ? undefined : sink.percentile(p);
    }
  }
}

/** k6 ids are the hex MD5 of the path (lib/models.go); the root group's path is ''. */
function k6Id(path: string): string {
  return createHash('md5').update(path).digest('hex');
}

/** The group tree of k6's root_group, built from checks' group paths ('::outer::inner'). */
function rootGroup(checks: readonly CheckRecord[]): K6Group {
  const root: K6Group = { name: '', path: '', id: k6Id(''), groups: [], checks: [] };
  for (const check of checks) {
    let group = root;
    for (const name of check.group.split('::').slice(1)) {
      const path = `${group.path}::${name}`;
      let child = group.groups.find((g) => g.path === path);
      if (child === undefined) {
        child = { name, path, id: k6Id(path), groups: [], checks: [] };
        group.groups.push(child);
      }
      group = child;
    }
    const path = `${group.path}::${check.name}`;
    group.checks.push({ name: check.name, path, id: k6Id(path), passes: check.passes, fails: check.fails });
  }
  return root;
}

/** Whether a value is our export (rather than the engine's SummaryData). */
export function isSummaryExport(value: SummaryData | SummaryExport): value is SummaryExport {
  return Object.hasOwn(value, 'root_group') && Object.hasOwn(value, 'metrics');
}

/** The builtin section of a metric key (submetrics follow their parent); 'custom' otherwise. */
export function sectionOf(key: string): string {
  const brace = key.indexOf('{');
  const name = brace === -1 ? key : key.slice(0, brace);
  return builtinMetric(name)?.section ?? 'custom';
}
