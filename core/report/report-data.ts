/**
 * Everything a report shows, as plain JSON (report.json): built from a run's
 * results (results-file.ts) and rendered by report-document.ts into Markdown
 * and HTML, by charts.ts into Vega-Lite specs, and read back by `compare`.
 */
import type { NotRunPhase } from '../executors/not-run.js';
import { basename } from 'node:path';
import { LLM_REQUEST_FAILED, TAG_LEVEL, TAG_RATE, TAG_SCENARIO } from '../metrics/builtin.js';
import { loadShortfall, type OpenLoadRow } from '../metrics/load-delivery.js';
import type { LoadGeneratorSummary } from '../metrics/load-generator.js';
import type { CheckRecord } from '../metrics/registry.js';
import type { RequestStats, RequestStatsRow } from '../metrics/request-stats.js';
import { parseMetricKey } from '../metrics/tags.js';
import type { TrendSink } from '../metrics/trend-sink.js';
import type { ScenarioInfo, TargetInfo } from '../outputs/summary-data.js';
import { parseThresholdExpression } from '../thresholds/parse-expression.js';
import type { ThresholdOperator, ThresholdResult } from '../thresholds/types.js';
import { computeFindings, DEFAULT_FAILURE_LIMIT, type Findings } from './findings.js';
import { compare } from '../thresholds/parse-expression.js';
import { checkLevelThresholds, type LevelThresholdCheck } from './level-thresholds.js';
import { shortModelName } from './model-name.js';
import type { CustomMetricSummary } from './custom-metrics.js';
import { buildBreakdown, type Breakdown } from './group-rows.js';
import type { FailureExample, TextSample } from './record-digest.js';
import type { RunResults } from './results-file.js';
import type { MachineInfo, OptionsDigest } from './run-end.js';
import { hasServerFigures, serverSeries, serverWindowStats, type ServerSeriesPoint, type ServerWindowStats } from '../telemetry/server-metrics.js';
import type { ServerConfig } from '../telemetry/server-config.js';
import type { ServerModel } from '../telemetry/server-probe.js';
import { llmloadVersion } from '../loading/version.js';
import { buildRateSweeps, openRowFigures, type OpenRowFigures } from './rate-sweep-data.js';
import { buildGpuReport, type GpuReportData } from './gpu-data.js';
import { pacingNote } from '../metrics/modelled-time.js';
import type { CapacityResult } from '../executors/capacity-bisect.js';
import { capacityFromLevels, capacityRuleOf } from './capacity-data.js';
import { knownRows, knownRules, type KnownRow } from '../metrics/known-rows.js';

/** A table row: the engine's statistics plus what the report adds. */
export interface ReportRow extends RequestStatsRow {
  /** The level's value, the stage's name, the scenario's name, or 'all'. */
  label: string;
  /** Thresholds applicable to this row, judged on its requests (sweep levels only). */
  thresholdChecks: LevelThresholdCheck[];
  /** Server figures over the row's window, when /metrics was scraped. */
  server: ServerWindowStats | null;
  /** Open-loop rows and rate-sweep phases: offered, achieved, dropped, latencies from the schedule, who kept up (rate-sweep-data.ts). */
  open?: OpenRowFigures | null;
}

/** The levels of one concurrency (or rate) sweep scenario. */
export interface ReportSweep {
  scenario: string;
  executor: string | null;
  /** What the level number counts. */
  axis: 'users' | 'rate';
  rows: ReportRow[];
  findings: Findings | null;
  /** A capacity-search scenario's answer, from its rows (absent for other sweeps and in reports made before it). */
  capacity?: CapacityResult | null;
}

/** 100 quantile points (the 0.5th, 1.5th, … 99.5th percentiles) per group: each stands for 1 % of the samples. */
export interface Distribution {
  group: string;
  ttftMs: number[];
  itlMs: number[];
}

/** One bucket of the run's time series; t = seconds from the first request's bucket. */
export interface SeriesPoint {
  t: number;
  requestsPerSec: number;
  failuresPerSec: number;
  outputTokPerSec: number;
  ttftP95Ms: number | null;
  avgInFlight: number;
  peakInFlight: number;
  activeVus: number;
}

export interface ReportData {
  format: 'llmload-report';
  version: 1;
  title: string;
  run: {
    script: string | null;
    scriptName: string;
    startedAt: string | null;
    endedAt: string | null;
    durationMs: number | null;
    aborted: string | null;
    /** Planned phases that never started (a sweep stopped before its last levels). */
    notRun: NotRunPhase[];
    /** The results file had its end line (the run got to its end). */
    complete: boolean;
    /**
     * The built-in simulator's time scale every time and rate here was converted by (core/metrics/modelled-time.ts):
     * figures are in the simulated server's time. 1 when they are as measured; absent in reports made before it existed.
     */
    timeScale?: number;
    llmloadVersion: string;
    resultsFile: string;
  };
  target: TargetInfo;
  scenarios: ScenarioInfo[];
  options: OptionsDigest | null;
  machine: MachineInfo | null;
  server: {
    models: ServerModel[] | null;
    version: string | null;
    /** The engine and the settings it publishes; null when none answered. */
    config: ServerConfig | null;
    notes: string[];
    scrapes: number;
    intervalMs: number;
    overall: ServerWindowStats | null;
    series: ServerSeriesPoint[];
  } | null;
  total: ReportRow;
  sweeps: ReportSweep[];
  stages: ReportRow[];
  scenarioRows: ReportRow[];
  thresholds: ThresholdResult[] | null;
  thresholdsOk: boolean | null;
  checks: CheckRecord[];
  failures: {
    total: number;
    byClass: Record<string, number>;
    examples: FailureExample[];
    first: { t: number; failureClass: string; status: number; scenario: string; level: string | null } | null;
    /** Failure share allowed before the run counts as broken (from a llm_request_failed threshold, else 1 %). */
    limit: { operator: ThresholdOperator; value: number; source: string };
    /** First second at which the cumulative failure share broke that limit. */
    crossed: { t: number; share: number } | null;
  };
  samples: TextSample[];
  series: {
    bucketMs: number;
    /** Epoch ms of t = 0. */
    originMs: number | null;
    points: SeriesPoint[];
    /** Windows of sweep levels and stages, for shading the time series. */
    phases: Array<{ label: string; start: number; end: number }>;
  };
  distributions: Distribution[];
  /** Caveats to print under the tables. */
  notes: string[];
  /** Offered, achieved and dropped arrivals per open-loop row (from the end line); [] without open loop. */
  load: OpenLoadRow[];
  /** Why the planned open-loop load was not delivered (core/metrics/load-delivery.ts), or null. */
  loadShortfall: string | null;
  /** The load generator's health per run and row, and whether it was the bottleneck; null without health lines. */
  loadGenerator: LoadGeneratorSummary | null;
  /** Rows per scenario, `name` tag and group, with per-request spreads and phase-to-phase changes (absent in reports made before them). */
  breakdown?: Breakdown;
  /** The script's own metrics, overall and per row (absent in reports made before them). */
  customMetrics?: CustomMetricSummary[];
  /** GPU telemetry per row (core/report/gpu-data.ts); null (or absent in older report.json) when the run read none. */
  gpu?: GpuReportData | null;
  /** Rows a stopWhenKnown rule applied to, with each figure's margin and why its phase ended (absent without the option). */
  known?: KnownRow[];
}

/** The stopWhenKnown rows, from the rows' samples, the rules in the end line's options and its phase stops. */
function knownOf(results: RunResults): { known?: KnownRow[] } {
  const rules = knownRules(results.end?.options?.scenarios ?? {});
  if (rules.size === 0) return {};
  const { registry } = results;
  return { known: knownRows({ level: registry.groups('level'), rate: registry.groups('rate'), scenario: registry.groups('scenario') }, rules, results.end?.phaseStops ?? []) };
}

/** Most groups given a distribution chart. */
const MAX_DISTRIBUTIONS = 8;

export function buildReportData(results: RunResults): ReportData {
  const { registry, digest, end, meta } = results;
  const thresholds = end?.thresholds ?? null;
  const scenarios = end?.scenarios ?? [];
  const scrapes = end?.server?.scrapes ?? [];
  const load = (end?.load ?? []).map((row) => ({ ...row, tags: { ...row.tags } }));
  const serverScraped = scrapes.length > 0 && hasServerFigures(scrapes);
  const scrapeIntervalMs = end?.server?.intervalMs ?? 0;
  const toRow = (stats: RequestStats, label: string, checks: LevelThresholdCheck[]): ReportRow => {
    const row = stats.row();
    return {
      ...row,
      label,
      thresholdChecks: checks,
      server: serverScraped && row.window !== null ? serverWindowStats(scrapes, row.window.startMs, row.window.endMs, scrapeIntervalMs) : null,
    };
  };

  // Sweeps: level rows grouped by scenario, in order of first request, levels ascending.
  const byScenario = new Map<string, RequestStats[]>();
  for (const stats of registry.groups('level')) {
    const scenario = stats.tags[TAG_SCENARIO] ?? '';
    byScenario.set(scenario, [...(byScenario.get(scenario) ?? []), stats]);
  }
  const sweeps: ReportSweep[] = [];
  for (const [scenario, members] of byScenario) {
    const executor = scenarios.find((s) => s.name === scenario)?.executor ?? null;
    const sorted = [...members].sort((a, b) => levelNumber(a.tags[TAG_LEVEL]) - levelNumber(b.tags[TAG_LEVEL]));
    const rows = sorted.map((stats) => toRow(stats, stats.tags[TAG_LEVEL] ?? '', thresholds === null ? [] : checkLevelThresholds(stats, stats.tags, thresholds)));
    const findings = computeFindings(
      rows.map((row) => ({ label: row.label, users: row.users ?? levelNumber(row.label), row, checks: row.thresholdChecks, undelivered: undeliveredOf(load, row) })),
      { singleWave: isSingleWave(end?.options?.scenarios[scenario]) },
    );
    const rule = capacityRuleOf(end?.options?.scenarios[scenario]);
    const axis = (executor !== null && executor.includes('rate')) || rule?.mode === 'rate' ? 'rate' : 'users';
    sweeps.push({ scenario, executor, axis, rows, findings, ...(rule === null ? {} : { capacity: capacityFromLevels(rule, members) }) });
  }
  sweeps.push(...buildRateSweeps(registry.groups('rate'), scenarios, thresholds, toRow, load, results.openLoop));

  const total = toRow(registry.total, 'all', []);
  const stages = registry.groups('stage').map((s) => ({ ...toRow(s, s.tags['stage'] ?? '', []), open: openRowFigures(s, load, results.openLoop) }));
  const scenarioRows = registry.groups('scenario').map((s) => toRow(s, s.tags[TAG_SCENARIO] ?? '', []));

  // Time series on the registry's own grid.
  const series = registry.series;
  const buckets = series.buckets();
  const origin = series.originMs;
  const bucketS = series.bucketMs / 1000;
  const concurrency = origin === null ? null : digest.concurrency(origin, series.bucketMs, buckets.length);
  const points: SeriesPoint[] = buckets.map((b, i) => ({
    t: round3((b.startMs - (origin ?? b.startMs)) / 1000),
    requestsPerSec: b.completed / bucketS,
    failuresPerSec: b.failed / bucketS,
    outputTokPerSec: b.outputTokens / bucketS,
    ttftP95Ms: b.ttftP95Ms,
    avgInFlight: concurrency?.avgInFlight[i] ?? 0,
    peakInFlight: concurrency?.peakInFlight[i] ?? 0,
    activeVus: concurrency?.activeVus[i] ?? 0,
  }));
  const relative = (ms: number): number => round3((ms - (origin ?? ms)) / 1000);
  const phases: ReportData['series']['phases'] = [];
  for (const sweep of sweeps) {
    for (const row of sweep.rows) {
      if (row.window !== null)
        phases.push({
          label: `${sweeps.length > 1 ? `${sweep.scenario} ` : ''}${sweep.axis === 'rate' ? 'rate' : 'level'} ${row.label}`,
          start: relative(row.window.startMs),
          end: relative(row.window.endMs),
        });
    }
  }
  if (sweeps.length === 0) {
    for (const row of stages) if (row.window !== null) phases.push({ label: `stage ${row.label}`, start: relative(row.window.startMs), end: relative(row.window.endMs) });
  }

  // Failures: the limit, and the first second the cumulative share broke it.
  const limit = failureLimitOf(thresholds);
  let crossed: ReportData['failures']['crossed'] = null;
  let ended = 0;
  let failed = 0;
  for (let i = 0; i < buckets.length; i++) {
    ended += buckets[i]!.completed + buckets[i]!.failed;
    failed += buckets[i]!.failed;
    if (failed > 0 && ended > 0 && !compare(failed / ended, limit.operator, limit.value)) {
      crossed = { t: points[i]!.t, share: failed / ended };
      break;
    }
  }
  const first = digest.firstFailure;

  // Distributions per level (or the whole run).
  const groups: Array<{ group: string; stats: RequestStats }> = [];
  for (const sweep of sweeps) {
    const members = byScenario.get(sweep.scenario) ?? [];
    for (const row of sweep.rows) {
      const stats = members.find((m) => m.tags[TAG_LEVEL] === row.label);
      if (stats !== undefined) groups.push({ group: `${sweeps.length > 1 ? `${sweep.scenario} ` : ''}${row.label}`, stats });
    }
  }
  const chosen = thin(groups.length > 0 ? groups : [{ group: 'all', stats: registry.total }], MAX_DISTRIBUTIONS);
  const distributions = chosen.filter((g) => g.stats.ttft.count > 0).map((g) => ({ group: g.group, ttftMs: quantiles(g.stats.ttft), itlMs: quantiles(g.stats.itl) }));

  const notes: string[] = [];
  if (end === null) notes.push('The results file has no end line: the run did not finish normally, so thresholds, options and server information are missing.');
  if (registry.tokensEstimated) notes.push('Some token counts are estimates: the server reported no usage for them.');
  const notStreamed = registry.total.notStreamed;
  if (notStreamed > 0) {
    notes.push(
      `${notStreamed} ${notStreamed === 1 ? 'request was' : 'requests were'} not streamed (answered in one body): they are in E2E and token counts, not in TTFT, ITL or TPOT.`,
    );
  }
  const allRows = [total, ...sweeps.flatMap((s) => s.rows), ...stages];
  notes.push(...serverWindowNotes(allRows, scrapeIntervalMs));
  const pacing = pacingNote(results.time.scale, [
    total,
    ...sweeps.flatMap((s) => s.rows.map((r) => ({ ...r, label: `${s.axis === 'rate' ? 'rate' : 'level'} ${r.label}` }))),
    ...stages.map((r) => ({ ...r, label: `stage ${r.label}` })),
  ]);
  if (pacing !== null) notes.push(pacing);
  const measuredScale = end?.target.simulator?.timeScale ?? 1;
  if (!results.time.scaled && measuredScale !== 1) {
    notes.push(
      `The simulator ran at ${measuredScale}× real time, but this results file does not say where its timeline starts (written before llmload kept it): times and rates are as measured, ${measuredScale}× off the simulated server's.`,
    );
  }
  if (allRows.some((r) => [r.e2e, r.ttft, r.itl, r.tpot].some((l) => l?.approximate === true))) {
    notes.push('Some percentiles come from an HDR histogram (≤ 0.1 % relative error) because a metric passed 100,000 samples.');
  }

  const script = typeof meta?.script === 'string' ? meta.script : null;
  const target: TargetInfo = end?.target ?? {
    url: typeof meta?.target === 'string' ? meta.target : null,
    model: typeof meta?.model === 'string' ? meta.model : null,
    simulator: null,
  };
  const modelId = target.model ?? end?.server?.models?.[0]?.id ?? null;
  const modelName = modelId === null ? null : shortModelName(modelId);
  const scriptName = script === null ? basename(results.path) : basename(script);
  return {
    format: 'llmload-report',
    version: 1,
    title: `Load test report: ${modelName ?? scriptName}`,
    run: {
      script,
      scriptName,
      startedAt: typeof meta?.startedAt === 'string' ? meta.startedAt : null,
      endedAt: end?.endedAt ?? null,
      durationMs: end?.durationMs ?? null,
      aborted: end?.aborted ?? null,
      notRun: (end?.notRun ?? []).map((p) => ({ scenario: p.scenario, tags: { ...p.tags } })),
      complete: end !== null,
      timeScale: results.time.scale,
      llmloadVersion: end?.llmloadVersion ?? (typeof meta?.llmloadVersion === 'string' ? meta.llmloadVersion : llmloadVersion()),
      resultsFile: basename(results.path),
    },
    target,
    scenarios: [...scenarios],
    options: end?.options ?? null,
    ...knownOf(results),
    machine: end?.machine ?? null,
    server:
      end?.server === null || end?.server === undefined
        ? null
        : {
            models: end.server.models,
            version: end.server.version,
            config: end.server.config === undefined || end.server.config === null ? null : { ...end.server.config, settings: end.server.config.settings.map((x) => ({ ...x })) },
            notes: [...end.server.notes],
            scrapes: scrapes.length,
            intervalMs: end.server.intervalMs,
            overall: serverScraped && total.window !== null ? serverWindowStats(scrapes, total.window.startMs, total.window.endMs) : null,
            series: serverScraped && origin !== null ? serverSeries(scrapes, origin) : [],
          },
    total,
    sweeps,
    stages,
    scenarioRows,
    thresholds: thresholds === null ? null : thresholds.map((t) => ({ ...t })),
    thresholdsOk: thresholds === null ? null : thresholds.every((t) => t.ok),
    checks: registry.checks(),
    failures: {
      total: total.failed,
      byClass: { ...total.failures },
      examples: digest.failureExamples(),
      first: first === null ? null : { t: relative(first.atMs), failureClass: first.failureClass, status: first.status, scenario: first.scenario, level: first.level },
      limit,
      crossed,
    },
    samples: digest.samples(),
    series: { bucketMs: series.bucketMs, originMs: origin, points, phases },
    distributions,
    notes,
    load,
    loadShortfall: loadShortfall(load),
    loadGenerator: results.loadGenerator.summary(),
    breakdown: buildBreakdown(registry, results.tokensPerSec),
    customMetrics: results.customMetrics.summaries(),
    gpu: buildGpuReport(end?.gpu, { total, sweeps, stages, scenarioRows }, origin),
  };
}

/** What makes a row's server figures less than they seem: too few scrapes inside it, or a counter reset. */
function serverWindowNotes(rows: readonly ReportRow[], intervalMs: number): string[] {
  const notes: string[] = [];
  const short = rows.filter((r) => r.server?.shortWindow === true && r.label !== 'all').map((r) => r.label);
  if (short.length > 0) {
    notes.push(
      `Server figures of ${short.join(', ')} rest on few /metrics scrapes: ${short.length === 1 ? 'that row is' : 'those rows are'} shorter than two scrape intervals (${Math.round(intervalMs)} ms); run each row for longer to read the server per row.`,
    );
  }
  const resets = Math.max(0, ...rows.map((r) => r.server?.counterResets ?? 0));
  if (resets > 0)
    notes.push('A server counter went down during the run (the server restarted, or another replica answered /metrics): its increase was counted from zero after the reset.');
  return notes;
}

/** Why the open-loop load of a sweep row was not delivered: its rate's row, or its scenario's single row. */
function undeliveredOf(load: readonly OpenLoadRow[], row: RequestStatsRow): string | null {
  const scenario = row.tags[TAG_SCENARIO] ?? '';
  const own = load.filter((l) => l.scenario === scenario);
  const rate = row.tags[TAG_RATE] ?? row.tags[TAG_LEVEL];
  const match = own.find((l) => l.tags[TAG_RATE] !== undefined && l.tags[TAG_RATE] === rate) ?? (own.length === 1 && Object.keys(own[0]!.tags).length === 0 ? own[0] : undefined);
  return match?.shortfall ?? null;
}

/** A concurrency sweep whose users send one request each per level: a level is one wave, not a sustained load. */
function isSingleWave(scenario: unknown): boolean {
  if (scenario === null || typeof scenario !== 'object') return false;
  const perLevel = (scenario as Record<string, unknown>)['perLevel'];
  const perVu =
    perLevel !== null && typeof perLevel === 'object' ? (perLevel as Record<string, unknown>)['iterationsPerVu'] : (scenario as Record<string, unknown>)['iterationsPerVu'];
  return perVu === 1;
}

/** The failure share limit: an unfiltered llm_request_failed rate threshold, else "rate <= 1 %". */
function failureLimitOf(thresholds: readonly ThresholdResult[] | null): ReportData['failures']['limit'] {
  for (const t of thresholds ?? []) {
    const key = parseMetricKey(t.metric);
    if (!key.ok || key.value.name !== LLM_REQUEST_FAILED || key.value.filter !== null) continue;
    const expression = parseThresholdExpression(t.source);
    if (expression.ok && expression.value.method === 'rate') return { operator: expression.value.operator, value: expression.value.value, source: `${t.key} ${t.source}` };
  }
  return { operator: '<=', value: DEFAULT_FAILURE_LIMIT, source: 'default (failures ≤ 1%)' };
}

function quantiles(trend: TrendSink): number[] {
  if (trend.count === 0) return [];
  const out: number[] = [];
  for (let k = 0; k < 100; k++) out.push(round3(trend.percentile(k + 0.5)));
  return out;
}

/** At most `max` items, evenly spread, first and last kept. */
function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))]!);
  return out;
}

function levelNumber(level: string | undefined): number {
  const n = Number(level);
  return level === undefined || level.trim() === '' || !Number.isFinite(n) ? Number.POSITIVE_INFINITY : n;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
