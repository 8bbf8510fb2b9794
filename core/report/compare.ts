/**
 * `llmload compare`: runs side by side. Each run is a report folder (its
 * report.json, or its results.ndjson), a report.json, a results.ndjson, or a
 * `--summary-export` file. Rows are matched per sweep level (or stage) and for
 * the whole run; a level only some runs have is kept, with gaps. The first run
 * is the baseline: % change = (candidate − baseline) / baseline × 100,
 * labelled better or worse by each metric's direction (throughput, goodput and
 * success higher-better; latencies lower-better), as METRICS.md defines it.
 * A latency of 0 (or none) on either side is not comparable: 0 ms ITL means
 * the tokens came coalesced in one read, not an infinitely fast server, so it
 * is shown with its reason, never as a −100 % improvement. A change inside
 * the runs' own sampling uncertainty (the noise band, compare-noise.ts) is
 * "same", whichever way it points. Rows are also matched per scenario (when
 * a run has several), per `name` tag and per group. Open-loop rows add
 * offered and achieved arrival rates and dropped arrivals, and a run whose
 * planned load was not delivered gets a warning.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ErrorCode, LlmloadError } from '../errors.js';
import { loadShortfall, type OpenLoadRow } from '../metrics/load-delivery.js';
import type { RequestStatsRow } from '../metrics/request-stats.js';
import { extremeSe, itlQuantileSe, meanSe, noiseBand, quantileSe, RELATIVE_FLOOR, sharePercentSe, throughputSe } from './compare-noise.js';
import type { GpuWindowStats } from '../telemetry/gpu-windows.js';
import { capacityRows, type RunCapacity } from './compare-capacity.js';
import type { BreakdownKind } from './custom-metrics.js';
import { offeredRateOf, rateOrder, type OpenRowFigures } from './rate-sweep-data.js';
import { buildReportData, type ReportData, type ReportSweep } from './report-data.js';
import { readResultsFile } from './results-file.js';

/** One run as compare sees it. */
export interface CompareRun {
  label: string;
  source: string;
  script: string | null;
  model: string | null;
  /**
   * Level rows (scenario, level label, row), stage rows, and the whole run. A rate-sweep row has `key`:
   * its place in the sweep ('rate synchronous', 'rate 2 of 5'), since the rates are measured per run and differ.
   */
  levels: Array<{ scenario: string; label: string; users: number | null; row: RequestStatsRow; key?: string; order?: number; open?: OpenRowFigures | null }>;
  stages: Array<{ scenario: string; label: string; row: RequestStatsRow; open?: OpenRowFigures | null }>;
  total: RequestStatsRow;
  saturation: string | null;
  capacityPerHour: number | null;
  /** Each capacity-search scenario's answer (absent in inputs without one, and in summary exports). */
  capacity?: RunCapacity[];
  /** Rows per scenario, `name` tag and group (absent in inputs written before they existed). */
  breakdown?: Array<{ kind: BreakdownKind; scenario: string; label: string; row: RequestStatsRow }>;
  /** GPU figures per level, stage, scenario and the whole run ('all'); absent without GPU telemetry. */
  gpu?: Array<{ kind: string; scenario: string | null; label: string; stats: GpuWindowStats }>;
  /** Open-loop rows: offered, achieved, dropped (absent in inputs written before they existed). */
  load?: OpenLoadRow[];
  /** The built-in simulator's time scale (1 at real time); null against a real server or when unknown. */
  timeScale?: number | null;
  /** Declared facts (options.environment, --meta) and the server's published settings, in report order. */
  setup?: Array<{ item: string; value: string }>;
  /**
   * The scale the figures were converted by into the simulated server's time (core/metrics/modelled-time.ts);
   * 1 or absent when they are as measured (real time, or reports made before llmload converted them).
   */
  convertedBy?: number;
}

/** 'none': a figure that is neither better nor worse when it changes (the offered rate is the plan's). */
export type Direction = 'higher' | 'lower' | 'none';
export type Unit = 'req/s' | 'tok/s' | 'ms' | '%' | 'req/h' | 'count' | 'users' | 'J/tok' | 'W';

export interface MetricDef {
  name: string;
  unit: Unit;
  direction: Direction;
  get(row: RequestStatsRow): number | null;
  /** The figure's standard error from the row's own requests (compare-noise.ts); absent or null: the relative floor alone. */
  noise?(row: RequestStatsRow): number | null;
}

/** The metrics compared per matched row. */
export const COMPARE_METRICS: readonly MetricDef[] = [
  // Seed 003's "total time": the row's wall time, first request start → last request end; a fixed-size level's is set by its slowest request.
  { name: 'Total time', unit: 'ms', direction: 'lower', get: (r) => r.window?.durationMs ?? null, noise: (r) => extremeSe(r.e2e) },
  { name: 'Request throughput', unit: 'req/s', direction: 'higher', get: (r) => r.requestsPerSec, noise: (r) => throughputSe(r.requestsPerSec, r.e2e) },
  { name: 'Output throughput', unit: 'tok/s', direction: 'higher', get: (r) => r.outputTokensPerSec, noise: (r) => throughputSe(r.outputTokensPerSec, r.e2e) },
  { name: 'Total throughput', unit: 'tok/s', direction: 'higher', get: (r) => r.totalTokensPerSec, noise: (r) => throughputSe(r.totalTokensPerSec, r.e2e) },
  { name: 'Goodput', unit: 'req/s', direction: 'higher', get: (r) => r.goodputPerSec, noise: (r) => throughputSe(r.goodputPerSec, r.e2e) },
  { name: 'Success', unit: '%', direction: 'higher', get: (r) => (r.successRate === null ? null : r.successRate * 100), noise: sharePercentSe },
  { name: 'E2E mean', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.avg ?? null, noise: (r) => meanSe(r.e2e) },
  { name: 'E2E p50', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.p50 ?? null, noise: (r) => quantileSe(r.e2e, 0.5) },
  { name: 'E2E p95', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.p95 ?? null, noise: (r) => quantileSe(r.e2e, 0.95) },
  { name: 'E2E p99', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.p99 ?? null, noise: (r) => quantileSe(r.e2e, 0.99) },
  { name: 'E2E min', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.min ?? null, noise: (r) => extremeSe(r.e2e) },
  { name: 'E2E max', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.max ?? null, noise: (r) => extremeSe(r.e2e) },
  { name: 'TTFT p50', unit: 'ms', direction: 'lower', get: (r) => r.ttft?.p50 ?? null, noise: (r) => quantileSe(r.ttft, 0.5) },
  { name: 'TTFT p95', unit: 'ms', direction: 'lower', get: (r) => r.ttft?.p95 ?? null, noise: (r) => quantileSe(r.ttft, 0.95) },
  { name: 'TTFT p99', unit: 'ms', direction: 'lower', get: (r) => r.ttft?.p99 ?? null, noise: (r) => quantileSe(r.ttft, 0.99) },
  { name: 'ITL p50', unit: 'ms', direction: 'lower', get: (r) => r.itl?.p50 ?? null, noise: (r) => itlQuantileSe(r, 0.5) },
  { name: 'ITL p99', unit: 'ms', direction: 'lower', get: (r) => r.itl?.p99 ?? null, noise: (r) => itlQuantileSe(r, 0.99) },
  { name: 'TPOT p50', unit: 'ms', direction: 'lower', get: (r) => r.tpot?.p50 ?? null, noise: (r) => quantileSe(r.tpot, 0.5) },
];

export type Verdict = 'better' | 'worse' | 'same' | 'changed';

export interface Change {
  /** (candidate − baseline) / baseline × 100. */
  percent: number;
  verdict: Verdict;
  /** The larger of the two figures ÷ the smaller (seed 003's "34.91× faster"); null when either is 0 or they differ in sign. */
  factor: number | null;
  /** The noise band's half-width as a % of the baseline: a change within ± this is "same". */
  bandPercent: number;
}

export interface CompareRow {
  /** The matched row: 'level 40', 'stage 2', 'whole run', or a headline such as 'best level'. */
  group: string;
  metric: string;
  unit: Unit;
  direction: Direction;
  /** One value per run, null where the run has no such row or figure. */
  values: Array<number | null>;
  /** Per run against the first; null for the baseline itself and where a value is missing. */
  changes: Array<Change | null>;
  /** Extra per-run text, e.g. the level a peak was reached at. */
  notes?: Array<string | null>;
  /** Per run, why its change is not comparable (e.g. '0 ms: coalesced reads', 'no data'); null where it is. */
  notComparable?: Array<string | null>;
}

export interface Comparison {
  format: 'llmload-compare';
  version: 1;
  runs: Array<{ label: string; source: string; script: string | null; model: string | null }>;
  warnings: string[];
  /** Groups in order, and which runs have each. */
  groups: Array<{ group: string; kind: GroupKind; level: number | null; presentIn: boolean[] }>;
  /** Peak throughput and lowest-level latency across each run (seed 004's max-throughput and min-latency rows). */
  headline: CompareRow[];
  rows: CompareRow[];
  /** The runs' setups side by side (seed 004's configuration tables); [] when no run has one. */
  setup: SetupRow[];
}

/** One item of the runs' setups: each run's value (null where it has none), and whether they differ. */
export interface SetupRow {
  item: string;
  values: Array<string | null>;
  differs: boolean;
}

export type GroupKind = 'level' | 'stage' | 'scenario' | 'name' | 'group' | 'load' | 'total';

/**
 * % change of a candidate against a baseline and whether that is better; null when either is
 * missing or the baseline is 0. `band`: the noise band's half-width in the figure's unit
 * (compare-noise.ts); a change within it is 'same'. Default: the relative floor alone.
 */
export function percentChange(baseline: number | null, candidate: number | null, direction: Direction, band?: number): Change | null {
  if (baseline === null || candidate === null || !Number.isFinite(baseline) || !Number.isFinite(candidate) || baseline === 0) return null;
  const percent = ((candidate - baseline) / baseline) * 100;
  const half = band ?? RELATIVE_FLOOR * Math.abs(baseline);
  const bandPercent = (half / Math.abs(baseline)) * 100;
  const factor =
    candidate !== 0 && Math.sign(candidate) === Math.sign(baseline) ? Math.max(Math.abs(candidate), Math.abs(baseline)) / Math.min(Math.abs(candidate), Math.abs(baseline)) : null;
  if (Math.abs(candidate - baseline) <= half) return { percent, verdict: 'same', factor, bandPercent };
  if (direction === 'none') return { percent, verdict: 'changed', factor, bandPercent };
  const up = percent > 0;
  return { percent, verdict: up === (direction === 'higher') ? 'better' : 'worse', factor, bandPercent };
}

/** Load each input as a run. */
export async function loadRuns(inputs: readonly string[], labels: readonly string[] = []): Promise<CompareRun[]> {
  const runs: CompareRun[] = [];
  for (let i = 0; i < inputs.length; i++) runs.push(await loadRun(inputs[i]!, labels[i]));
  // Distinct labels: the same folder name twice gets #2, #3.
  const seen = new Map<string, number>();
  for (const run of runs) {
    const n = (seen.get(run.label) ?? 0) + 1;
    seen.set(run.label, n);
    if (n > 1) run.label = `${run.label} #${n}`;
  }
  return runs;
}

async function loadRun(input: string, label: string | undefined): Promise<CompareRun> {
  if (!existsSync(input))
    throw new LlmloadError(ErrorCode.INPUT_FILE, `${input}: no such file or folder`, {
      hint: 'Pass report folders (llmload-results/…), report.json, results.ndjson or --summary-export files.',
    });
  const name = label ?? defaultLabel(input);
  if (statSync(input).isDirectory()) {
    const json = join(input, 'report.json');
    if (existsSync(json)) return loadJson(json, name, input);
    const ndjson = join(input, 'results.ndjson');
    if (existsSync(ndjson)) return fromReport(buildReportData(await readResultsFile(ndjson)), name, input);
    throw new LlmloadError(ErrorCode.INPUT_FILE, `${input}: not a report folder (no report.json or results.ndjson in it)`);
  }
  if (extname(input) === '.ndjson') return fromReport(buildReportData(await readResultsFile(input)), name, input);
  return loadJson(input, name, input);
}

function defaultLabel(input: string): string {
  const base = basename(input.replace(/[\\/]+$/, ''));
  if (base === 'report.json' || base === 'results.ndjson') return basename(join(input, '..'));
  return base.replace(/\.(json|ndjson)$/, '');
}

async function loadJson(path: string, label: string, source: string): Promise<CompareRun> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new LlmloadError(ErrorCode.INPUT_FILE, `${path}: not readable JSON: ${(error as Error).message}`, { cause: error });
  }
  const object = (value ?? {}) as Record<string, unknown>;
  if (object['format'] === 'llmload-report') return fromReport(object as unknown as ReportData, label, source);
  const extras = object['llmload'] as Record<string, unknown> | undefined;
  if (extras !== undefined && typeof extras === 'object' && Array.isArray(extras['levels']) && object['metrics'] !== undefined) {
    return fromSummaryExport(extras, label, source);
  }
  throw new LlmloadError(ErrorCode.INPUT_FILE, `${path}: neither an llmload report.json nor a --summary-export file`);
}

function fromReport(data: ReportData, label: string, source: string): CompareRun {
  const first = data.sweeps.find((s) => s.findings !== null)?.findings ?? null;
  return {
    label,
    source,
    script: data.run.script === null ? null : basename(data.run.script),
    model: data.target.model,
    levels: data.sweeps.flatMap((s) => (s.axis === 'rate' ? rateLevels(s) : s.rows.map((row) => ({ scenario: s.scenario, label: row.label, users: row.users, row })))),
    stages: data.stages.map((row) => ({ scenario: row.tags['scenario'] ?? '', label: row.label, row, open: row.open ?? null })),
    total: data.total,
    saturation: first === null ? null : first.saturation.reached ? first.saturation.label : null,
    // One wave of one request per user has no sustained rate, so no per-hour figure to compare.
    capacityPerHour: first === null || first.singleWave ? null : (first.capacity?.requestsPerHour ?? null),
    capacity: data.sweeps.flatMap((s) =>
      s.capacity === null || s.capacity === undefined ? [] : [{ scenario: s.scenario, mode: s.axis === 'rate' ? ('rate' as const) : ('concurrency' as const), result: s.capacity }],
    ),
    load: data.load ?? [],
    timeScale: data.target.simulator === null ? null : (data.target.simulator.timeScale ?? 1),
    setup: setupOf(data),
    gpu: data.gpu?.collected === true ? data.gpu.rows.map((r) => ({ kind: r.kind, scenario: r.scenario, label: r.label, stats: r.stats })) : [],
    breakdown: (data.breakdown?.rows ?? []).map((r) => ({ kind: r.kind, scenario: r.scenario, label: r.label, row: r.row })),
    convertedBy: data.run.timeScale ?? 1,
  };
}

/** What a run declares and what its server published, as compare lines them up. */
function setupOf(data: ReportData): Array<{ item: string; value: string }> {
  const out: Array<{ item: string; value: string }> = [];
  for (const [item, value] of Object.entries(data.options?.environment ?? {})) out.push({ item, value });
  if (data.target.simulator !== null) out.push({ item: 'Simulator preset', value: data.target.simulator.preset });
  const config = data.server?.config ?? null;
  if (config !== null && config.engine !== null && data.target.simulator === null)
    out.push({ item: 'Server', value: `${config.engine}${config.version !== null ? ` ${config.version}` : ''}` });
  else if (data.server?.version !== null && data.server?.version !== undefined) out.push({ item: 'Server version', value: data.server.version });
  for (const setting of config?.settings ?? []) out.push({ item: setting.name, value: setting.value });
  return out;
}

/** Every setup item any run has, in first-seen order, with each run's value. */
export function compareSetups(runs: readonly CompareRun[]): SetupRow[] {
  const items: string[] = [];
  for (const run of runs) for (const { item } of run.setup ?? []) if (!items.includes(item)) items.push(item);
  return items.map((item) => {
    const values = runs.map((run) => run.setup?.find((s) => s.item === item)?.value ?? null);
    return { item, values, differs: new Set(values).size > 1 };
  });
}

/** A rate sweep's rows keyed by their place: the measurement phases by name, the offered rates by rank. */
function rateLevels(sweep: ReportSweep): CompareRun['levels'] {
  const offered = sweep.rows.filter((r) => offeredRateOf(r.label) !== null);
  return sweep.rows.map((row) => {
    const rank = offered.indexOf(row);
    const key = rank < 0 ? `rate ${row.label}` : `rate ${rank + 1} of ${offered.length}`;
    return { scenario: sweep.scenario, label: row.label, users: null, row, key, order: rank < 0 ? rateOrder(row.label) : rank + 1, open: row.open ?? null };
  });
}

function fromSummaryExport(extras: Record<string, unknown>, label: string, source: string): CompareRun {
  const levels = extras['levels'] as RequestStatsRow[];
  const stages = (extras['stages'] as RequestStatsRow[] | undefined) ?? [];
  const target = (extras['target'] ?? {}) as { model?: string | null; simulator?: { timeScale?: number } | null };
  return {
    label,
    source,
    script: null,
    model: target.model ?? null,
    timeScale: target.simulator === undefined || target.simulator === null ? null : (target.simulator.timeScale ?? 1),
    convertedBy: typeof extras['timeScale'] === 'number' ? extras['timeScale'] : 1,
    levels: levels.map((row) => ({ scenario: row.tags['scenario'] ?? '', label: row.tags['level'] ?? '', users: row.users, row })),
    stages: stages.map((row) => ({ scenario: row.tags['scenario'] ?? '', label: row.tags['stage'] ?? '', row })),
    total: extras['requests'] as RequestStatsRow,
    saturation: null,
    capacityPerHour: null,
    load: Array.isArray(extras['load']) ? (extras['load'] as OpenLoadRow[]) : [],
    breakdown: [
      ...((extras['scenarioRows'] as RequestStatsRow[] | undefined) ?? []).map((row) => ({
        kind: 'scenario' as const,
        scenario: row.tags['scenario'] ?? '',
        label: row.tags['scenario'] ?? '',
        row,
      })),
      ...((extras['names'] as RequestStatsRow[] | undefined) ?? []).map((row) => ({
        kind: 'name' as const,
        scenario: row.tags['scenario'] ?? '',
        label: row.tags['name'] ?? '',
        row,
      })),
    ],
  };
}

/** Match rows across runs and compute every change against the first run. */
export function compareRuns(runs: readonly CompareRun[]): Comparison {
  if (runs.length < 2) throw new LlmloadError(ErrorCode.USAGE, `compare needs at least two runs (got ${runs.length})`);
  const warnings: string[] = [];
  const scripts = new Set(runs.map((r) => r.script).filter((s): s is string => s !== null));
  if (scripts.size > 1) warnings.push(`The runs come from different scripts (${[...scripts].join(', ')}): the workloads may differ, so differences are not only the server's.`);
  const models = new Set(runs.map((r) => r.model).filter((m): m is string => m !== null));
  if (models.size > 1) warnings.push(`The runs target different models (${[...models].join(', ')}).`);
  const scales = runs.map((r) => r.timeScale ?? null);
  if (scales.some((s) => s !== null && s !== 1) && new Set(scales).size > 1) {
    const listed = runs.map((r, i) => `${r.label}: ${scales[i] === null ? 'real server' : `${scales[i]}× simulator`}`).join(', ');
    const measured = runs.filter((r) => r.timeScale !== null && r.timeScale !== undefined && r.timeScale !== 1 && (r.convertedBy ?? 1) !== r.timeScale);
    if (measured.length > 0) {
      // Figures as measured at 20× are 20 times faster by construction: they compare with nothing at another scale.
      warnings.push(
        `The runs are at different time scales (${listed}) and ${measured.map((r) => r.label).join(', ')} ${measured.length === 1 ? 'is' : 'are'} reported as measured, not in the simulated server's time: times and rates are not comparable, and the changes below are mostly the scale. Re-make ${measured.length === 1 ? 'its' : 'their'} report with this llmload version.`,
      );
    } else {
      // Every figure is in the simulated server's time: a change is the server's, not the scale's.
      warnings.push(
        `The runs were at different time scales (${listed}); every figure is in the simulated server's time, so they compare. A scaled run paces the simulator more coarsely: see its ITL note, if any.`,
      );
    }
  }
  for (const run of runs) {
    const shortfall = loadShortfall(run.load ?? []);
    if (shortfall !== null) warnings.push(`${run.label}: LOAD NOT DELIVERED — ${shortfall}.`);
  }

  // Levels match on their value; the scenario joins the key only when a run sweeps in several scenarios.
  const multiScenario = runs.some((r) => new Set(r.levels.map((l) => l.scenario)).size > 1);
  const levelKey = (l: { scenario: string; label: string; key?: string }): string => {
    const own = l.key ?? `level ${l.label}`;
    return multiScenario ? `${l.scenario} ${own}` : own;
  };
  const stageKey = (s: { scenario: string; label: string }): string => `${s.scenario} stage ${s.label}`;
  const loadKey = (l: OpenLoadRow): string => (l.label === l.scenario ? `${l.scenario} load` : `${l.scenario} ${l.label} load`);
  type Group = Comparison['groups'][number] & {
    rows: Array<RequestStatsRow | null>;
    load: Array<OpenLoadRow | null>;
    open: Array<OpenRowFigures | null>;
    /** A rate-sweep row: the rate each run offered there. */
    at: Array<string | null>;
    /** Each run's GPU figures over the row, where it read any. */
    gpu: Array<GpuWindowStats | null>;
  };
  const groups = new Map<string, Group>();
  // Scenario rows only where a run has several (one scenario is the whole run); name and group rows within their scenario when scenarios differ.
  const scenarioRows = runs.some((r) => (r.breakdown ?? []).filter((b) => b.kind === 'scenario').length > 1);
  const breakdownScenarios = new Set(runs.flatMap((r) => (r.breakdown ?? []).map((b) => b.scenario)));
  const breakdownKey = (b: { kind: BreakdownKind; scenario: string; label: string }): string =>
    b.kind === 'scenario' ? `scenario ${b.label}` : `${breakdownScenarios.size > 1 ? `${b.scenario} ` : ''}${b.kind} ${b.label}`;
  const add = (key: string, kind: Group['kind'], level: number | null, runIndex: number, row: RequestStatsRow | null): void => {
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        group: key,
        kind,
        level,
        presentIn: runs.map(() => false),
        rows: runs.map(() => null),
        load: runs.map(() => null),
        open: runs.map(() => null),
        at: runs.map(() => null),
        gpu: runs.map(() => null),
      };
      groups.set(key, group);
    }
    group.presentIn[runIndex] = true;
    if (row !== null) group.rows[runIndex] = row;
  };
  runs.forEach((run, i) => {
    // A row's GPU figures, matched on the kind and label the GPU section gave it.
    const gpuOf = (kind: string, label: string, scenario: string | null): GpuWindowStats | null =>
      run.gpu?.find((g) => g.kind === kind && g.label === label && (scenario === null || g.scenario === null || g.scenario === scenario))?.stats ?? null;
    const attachGpu = (key: string, stats: GpuWindowStats | null): void => {
      if (stats !== null) groups.get(key)!.gpu[i] = stats;
    };
    const attached = new Set<string>();
    const attach = (key: string, scenario: string, tags: Record<string, string>, open: OpenRowFigures | null | undefined): void => {
      if (open === null || open === undefined) return;
      groups.get(key)!.open[i] = open;
      if (open.phase === 'open') attached.add(`${scenario}\u0001${JSON.stringify(tags)}`);
    };
    for (const l of run.levels) {
      add(levelKey(l), 'level', l.order ?? l.users ?? (Number.isFinite(Number(l.label)) ? Number(l.label) : null), i, l.row);
      if (l.key !== undefined) groups.get(levelKey(l))!.at[i] = offeredRateOf(l.label) === null ? null : `at ${l.label} req/s`;
      attach(levelKey(l), l.scenario, { rate: l.label }, l.open);
      attachGpu(levelKey(l), gpuOf('level', l.label, l.scenario));
    }
    if (run.levels.length === 0)
      for (const s of run.stages) {
        add(stageKey(s), 'stage', null, i, s.row);
        attach(stageKey(s), s.scenario, { stage: s.label }, s.open);
        attachGpu(stageKey(s), gpuOf('stage', s.label, s.scenario));
      }
    for (const b of run.breakdown ?? []) {
      if (b.kind === 'scenario' && !scenarioRows) continue;
      add(breakdownKey(b), b.kind, null, i, b.row);
      if (b.kind === 'scenario') attachGpu(breakdownKey(b), gpuOf('scenario', b.label, b.label));
    }
    for (const l of run.load ?? []) {
      // Open-loop rows already compared within their rate or stage row.
      if (attached.has(`${l.scenario}\u0001${JSON.stringify(l.tags)}`)) continue;
      add(loadKey(l), 'load', null, i, null);
      groups.get(loadKey(l))!.load[i] = l;
    }
    add('whole run', 'total', null, i, run.total);
    attachGpu('whole run', gpuOf('all', 'all', null));
  });
  const ordered = [...groups.values()].sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || (a.level ?? Infinity) - (b.level ?? Infinity) || a.group.localeCompare(b.group));
  const unmatched = ordered.filter((g) => g.kind !== 'total' && g.presentIn.some((p) => !p));
  if (unmatched.length > 0)
    warnings.push(
      `Not every run has these rows, shown with gaps: ${unmatched
        .map(
          (g) =>
            `${g.group} (only ${runs
              .filter((_, i) => g.presentIn[i])
              .map((r) => r.label)
              .join(', ')})`,
        )
        .join('; ')}.`,
    );

  const rows: CompareRow[] = [];
  for (const group of ordered) {
    if (group.kind === 'load') {
      for (const metric of LOAD_METRICS) {
        const values = group.load.map((l) => (l === null ? null : metric.get(l)));
        if (values.every((v) => v === null)) continue;
        rows.push(row(group.group, metric.name, metric.unit, metric.direction, values, group.presentIn));
      }
      continue;
    }
    const atNotes = group.at.some((a) => a !== null) ? group.at : undefined;
    for (const metric of COMPARE_METRICS) {
      const values = group.rows.map((row) => (row === null ? null : metric.get(row)));
      if (values.every((v) => v === null)) continue;
      const noise = group.rows.map((row) => (row === null || metric.noise === undefined ? null : metric.noise(row)));
      rows.push(withNotes(row(group.group, metric.name, metric.unit, metric.direction, values, group.presentIn, noise), atNotes));
    }
    for (const metric of OPEN_METRICS) {
      const values = group.open.map((o) => (o === null ? null : metric.get(o)));
      if (values.every((v) => v === null)) continue;
      rows.push(withNotes(row(group.group, metric.name, metric.unit, metric.direction, values, group.presentIn), atNotes));
    }
    for (const metric of GPU_METRICS) {
      const values = group.gpu.map((g) => (g === null ? null : metric.get(g)));
      if (values.every((v) => v === null)) continue;
      rows.push(row(group.group, metric.name, metric.unit, metric.direction, values, group.presentIn));
    }
  }

  // The capacity search's answer first: it is the question such a run asks.
  const headline: CompareRow[] = capacityRows(runs);
  const peak = (get: (r: RequestStatsRow) => number | null): Array<{ value: number | null; at: string | null }> =>
    runs.map((run) => {
      const candidates = run.levels.length > 0 ? run.levels.map((l) => ({ value: get(l.row), at: l.label })) : [{ value: get(run.total), at: null }];
      let best: { value: number | null; at: string | null } = { value: null, at: null };
      for (const c of candidates) if (c.value !== null && (best.value === null || c.value > best.value)) best = c;
      return best;
    });
  const atText = (at: string | null): string | null => (at === null ? null : `at ${at}`);
  const maxOut = peak((r) => r.outputTokensPerSec);
  headline.push({
    ...row(
      'best level',
      'Max output throughput',
      'tok/s',
      'higher',
      maxOut.map((m) => m.value),
    ),
    notes: maxOut.map((m) => atText(m.at)),
  });
  const maxReq = peak((r) => r.requestsPerSec);
  headline.push({
    ...row(
      'best level',
      'Max request throughput',
      'req/s',
      'higher',
      maxReq.map((m) => m.value),
    ),
    notes: maxReq.map((m) => atText(m.at)),
  });
  const lowest = runs.map((run) => [...run.levels].sort((a, b) => (a.users ?? Infinity) - (b.users ?? Infinity))[0] ?? null);
  if (lowest.some((l) => l !== null)) {
    headline.push({
      ...row(
        'lowest level',
        'E2E p50',
        'ms',
        'lower',
        lowest.map((l) => l?.row.e2e?.p50 ?? null),
      ),
      notes: lowest.map((l) => (l === null ? null : `at ${l.label}`)),
    });
  }
  if (runs.some((r) => r.capacityPerHour !== null))
    headline.push(
      row(
        'capacity',
        'Requests per hour',
        'req/h',
        'higher',
        runs.map((r) => r.capacityPerHour),
      ),
    );

  return {
    format: 'llmload-compare',
    version: 1,
    runs: runs.map((r) => ({ label: r.label, source: r.source, script: r.script, model: r.model })),
    warnings,
    groups: ordered.map(({ rows: _rows, load: _load, open: _open, at: _at, ...g }) => g),
    headline,
    rows,
    setup: compareSetups(runs),
  };
}

/**
 * `present`: which runs have the matched row at all; a run without it is a gap ('—'), not a figure to judge.
 * `noise`: each run's standard error of the figure, for the noise band (absent: the relative floor alone).
 */
function row(
  group: string,
  metric: string,
  unit: Unit,
  direction: Direction,
  values: Array<number | null>,
  present?: readonly boolean[],
  noise?: ReadonlyArray<number | null>,
): CompareRow {
  const has = (i: number): boolean => present?.[i] ?? true;
  const reasons = values.map((v, i) => (i === 0 || !has(0) || !has(i) ? null : notComparable(metric, unit, values[0] ?? null, v)));
  const out: CompareRow = {
    group,
    metric,
    unit,
    direction,
    values,
    changes: values.map((v, i) =>
      i === 0 || reasons[i] !== null ? null : percentChange(values[0] ?? null, v, direction, noiseBand(values[0] ?? 0, noise?.[0] ?? null, noise?.[i] ?? null)),
    ),
  };
  if (reasons.some((r) => r !== null)) out.notComparable = reasons;
  return out;
}

/**
 * Why a latency change cannot be scored, or null: a 0 or missing figure on either side. A 0 ms
 * ITL means every token of the stream came in the same read (the server or a proxy coalesced
 * them), so there was no gap to measure; a ratio against it is meaningless, not −100 %.
 */
export function notComparable(metric: string, unit: Unit, baseline: number | null, candidate: number | null): string | null {
  if (unit !== 'ms') return null;
  const why = (value: number | null): string | null => {
    if (value === null || !Number.isFinite(value)) return 'no data';
    if (value === 0) return metric.startsWith('ITL') ? '0 ms: coalesced reads' : '0 ms';
    return null;
  };
  const base = why(baseline);
  const cand = why(candidate);
  if (base === null && cand === null) return null;
  // A row one run lacks is already a gap ('—'), not a comparability problem.
  if (baseline === null && candidate === null) return null;
  return base !== null ? (cand !== null && cand !== base ? `baseline ${base}, candidate ${cand}` : `baseline ${base}`) : cand;
}

/** The figures compared per open-loop row. */
const LOAD_METRICS: ReadonlyArray<{ name: string; unit: Unit; direction: Direction; get(row: OpenLoadRow): number | null }> = [
  { name: 'Offered rate', unit: 'req/s', direction: 'none', get: (r) => r.offeredPerSec },
  { name: 'Achieved rate', unit: 'req/s', direction: 'higher', get: (r) => r.achievedPerSec },
  { name: 'Delivered', unit: '%', direction: 'higher', get: (r) => (r.delivered === null ? null : r.delivered * 100) },
  { name: 'Dropped arrivals', unit: 'count', direction: 'lower', get: (r) => r.dropped },
];

/** The figures compared per open-loop rate or stage row, beside the request figures. */
const OPEN_METRICS: ReadonlyArray<{ name: string; unit: Unit; direction: Direction; get(open: OpenRowFigures): number | null }> = [
  { name: 'Offered rate', unit: 'req/s', direction: 'none', get: (o) => o.offeredPerSec },
  { name: 'Achieved rate', unit: 'req/s', direction: 'higher', get: (o) => o.achievedPerSec },
  { name: 'Dropped arrivals', unit: 'count', direction: 'lower', get: (o) => o.dropped },
  { name: 'SLOs met', unit: '%', direction: 'higher', get: (o) => (o.sloShare === null ? null : o.sloShare * 100) },
  { name: 'TTFT p95 from schedule', unit: 'ms', direction: 'lower', get: (o) => o.ttftSched?.p95 ?? null },
  { name: 'E2E p95 from schedule', unit: 'ms', direction: 'lower', get: (o) => o.e2eSched?.p95 ?? null },
];

/**
 * GPU figures compared per row: energy per output token is better lower; utilisation and power
 * are neither better nor worse by themselves (a busier GPU may be a better-fed one), so they read "changed".
 */
const GPU_METRICS: ReadonlyArray<{ name: string; unit: Unit; direction: Direction; get(stats: GpuWindowStats): number | null }> = [
  { name: 'GPU energy per output token', unit: 'J/tok', direction: 'lower', get: (g) => g.energyPerOutputToken },
  { name: 'GPU utilisation (mean)', unit: '%', direction: 'none', get: (g) => g.util?.mean ?? null },
  { name: 'GPU power (mean)', unit: 'W', direction: 'none', get: (g) => g.powerW },
];

function withNotes(out: CompareRow, notes: Array<string | null> | undefined): CompareRow {
  return notes === undefined ? out : { ...out, notes: [...notes] };
}

const KIND_ORDER: readonly GroupKind[] = ['level', 'stage', 'scenario', 'name', 'group', 'load', 'total'];

function kindOrder(kind: GroupKind): number {
  return KIND_ORDER.indexOf(kind);
}
