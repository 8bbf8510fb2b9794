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
 * is shown with its reason, never as a −100 % improvement. Open-loop rows add
 * offered and achieved arrival rates and dropped arrivals, and a run whose
 * planned load was not delivered gets a warning.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ErrorCode, LlmloadError } from '../errors.js';
import { loadShortfall, type OpenLoadRow } from '../metrics/load-delivery.js';
import type { RequestStatsRow } from '../metrics/request-stats.js';
import { buildReportData, type ReportData } from './report-data.js';
import { readResultsFile } from './results-file.js';

/** One run as compare sees it. */
export interface CompareRun {
  label: string;
  source: string;
  script: string | null;
  model: string | null;
  /** Level rows (scenario, level label, row), stage rows, and the whole run. */
  levels: Array<{ scenario: string; label: string; users: number | null; row: RequestStatsRow }>;
  stages: Array<{ scenario: string; label: string; row: RequestStatsRow }>;
  total: RequestStatsRow;
  saturation: string | null;
  capacityPerHour: number | null;
  /** Open-loop rows: offered, achieved, dropped (absent in inputs written before they existed). */
  load?: OpenLoadRow[];
  /** The built-in simulator's time scale (1 at real time); null against a real server or when unknown. */
  timeScale?: number | null;
  /**
   * The scale the figures were converted by into the simulated server's time (core/metrics/modelled-time.ts);
   * 1 or absent when they are as measured (real time, or reports made before llmload converted them).
   */
  convertedBy?: number;
}

/** 'none': a figure that is neither better nor worse when it changes (the offered rate is the plan's). */
export type Direction = 'higher' | 'lower' | 'none';
export type Unit = 'req/s' | 'tok/s' | 'ms' | '%' | 'req/h' | 'count';

export interface MetricDef {
  name: string;
  unit: Unit;
  direction: Direction;
  get(row: RequestStatsRow): number | null;
}

/** The metrics compared per matched row. */
export const COMPARE_METRICS: readonly MetricDef[] = [
  { name: 'Request throughput', unit: 'req/s', direction: 'higher', get: (r) => r.requestsPerSec },
  { name: 'Output throughput', unit: 'tok/s', direction: 'higher', get: (r) => r.outputTokensPerSec },
  { name: 'Total throughput', unit: 'tok/s', direction: 'higher', get: (r) => r.totalTokensPerSec },
  { name: 'Goodput', unit: 'req/s', direction: 'higher', get: (r) => r.goodputPerSec },
  { name: 'Success', unit: '%', direction: 'higher', get: (r) => (r.successRate === null ? null : r.successRate * 100) },
  { name: 'E2E p50', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.p50 ?? null },
  { name: 'E2E p95', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.p95 ?? null },
  { name: 'E2E p99', unit: 'ms', direction: 'lower', get: (r) => r.e2e?.p99 ?? null },
  { name: 'TTFT p50', unit: 'ms', direction: 'lower', get: (r) => r.ttft?.p50 ?? null },
  { name: 'TTFT p95', unit: 'ms', direction: 'lower', get: (r) => r.ttft?.p95 ?? null },
  { name: 'TTFT p99', unit: 'ms', direction: 'lower', get: (r) => r.ttft?.p99 ?? null },
  { name: 'ITL p50', unit: 'ms', direction: 'lower', get: (r) => r.itl?.p50 ?? null },
  { name: 'ITL p99', unit: 'ms', direction: 'lower', get: (r) => r.itl?.p99 ?? null },
  { name: 'TPOT p50', unit: 'ms', direction: 'lower', get: (r) => r.tpot?.p50 ?? null },
];

export type Verdict = 'better' | 'worse' | 'same' | 'changed';

export interface Change {
  /** (candidate − baseline) / baseline × 100. */
  percent: number;
  verdict: Verdict;
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
  groups: Array<{ group: string; kind: 'level' | 'stage' | 'load' | 'total'; level: number | null; presentIn: boolean[] }>;
  /** Peak throughput and lowest-level latency across each run (seed 004's max-throughput and min-latency rows). */
  headline: CompareRow[];
  rows: CompareRow[];
}

/** % change of a candidate against a baseline and whether that is better; null when either is missing or the baseline is 0. */
export function percentChange(baseline: number | null, candidate: number | null, direction: Direction): Change | null {
  if (baseline === null || candidate === null || !Number.isFinite(baseline) || !Number.isFinite(candidate) || baseline === 0) return null;
  const percent = ((candidate - baseline) / baseline) * 100;
  if (Math.abs(percent) < 0.05) return { percent, verdict: 'same' };
  if (direction === 'none') return { percent, verdict: 'changed' };
  const up = percent > 0;
  return { percent, verdict: up === (direction === 'higher') ? 'better' : 'worse' };
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
    levels: data.sweeps.flatMap((s) => s.rows.map((row) => ({ scenario: s.scenario, label: row.label, users: row.users, row }))),
    stages: data.stages.map((row) => ({ scenario: row.tags['scenario'] ?? '', label: row.label, row })),
    total: data.total,
    saturation: first === null ? null : first.saturation.reached ? first.saturation.label : null,
    capacityPerHour: first?.capacity?.requestsPerHour ?? null,
    load: data.load ?? [],
    timeScale: data.target.simulator === null ? null : (data.target.simulator.timeScale ?? 1),
    convertedBy: data.run.timeScale ?? 1,
  };
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
  const levelKey = (l: { scenario: string; label: string }): string => (multiScenario ? `${l.scenario} level ${l.label}` : `level ${l.label}`);
  const stageKey = (s: { scenario: string; label: string }): string => `${s.scenario} stage ${s.label}`;
  const loadKey = (l: OpenLoadRow): string => (l.label === l.scenario ? `${l.scenario} load` : `${l.scenario} ${l.label} load`);
  type Group = Comparison['groups'][number] & { rows: Array<RequestStatsRow | null>; load: Array<OpenLoadRow | null> };
  const groups = new Map<string, Group>();
  const add = (key: string, kind: Group['kind'], level: number | null, runIndex: number, row: RequestStatsRow | null): void => {
    let group = groups.get(key);
    if (group === undefined) {
      group = { group: key, kind, level, presentIn: runs.map(() => false), rows: runs.map(() => null), load: runs.map(() => null) };
      groups.set(key, group);
    }
    group.presentIn[runIndex] = true;
    if (row !== null) group.rows[runIndex] = row;
  };
  runs.forEach((run, i) => {
    for (const l of run.levels) add(levelKey(l), 'level', l.users ?? (Number.isFinite(Number(l.label)) ? Number(l.label) : null), i, l.row);
    if (run.levels.length === 0) for (const s of run.stages) add(stageKey(s), 'stage', null, i, s.row);
    for (const l of run.load ?? []) {
      add(loadKey(l), 'load', null, i, null);
      groups.get(loadKey(l))!.load[i] = l;
    }
    add('whole run', 'total', null, i, run.total);
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
    for (const metric of COMPARE_METRICS) {
      const values = group.rows.map((row) => (row === null ? null : metric.get(row)));
      if (values.every((v) => v === null)) continue;
      rows.push(row(group.group, metric.name, metric.unit, metric.direction, values, group.presentIn));
    }
  }

  const headline: CompareRow[] = [];
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
    groups: ordered.map(({ rows: _rows, load: _load, ...g }) => g),
    headline,
    rows,
  };
}

/** `present`: which runs have the matched row at all; a run without it is a gap ('—'), not a figure to judge. */
function row(group: string, metric: string, unit: Unit, direction: Direction, values: Array<number | null>, present?: readonly boolean[]): CompareRow {
  const has = (i: number): boolean => present?.[i] ?? true;
  const reasons = values.map((v, i) => (i === 0 || !has(0) || !has(i) ? null : notComparable(metric, unit, values[0] ?? null, v)));
  const out: CompareRow = {
    group,
    metric,
    unit,
    direction,
    values,
    changes: values.map((v, i) => (i === 0 || reasons[i] !== null ? null : percentChange(values[0] ?? null, v, direction))),
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

function kindOrder(kind: 'level' | 'stage' | 'load' | 'total'): number {
  return kind === 'level' ? 0 : kind === 'stage' ? 1 : kind === 'load' ? 2 : 3;
}
