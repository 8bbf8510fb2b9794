/**
 * The report's GPU data (report.json `gpu`), from the end line's GPU
 * telemetry and the report's rows: per row (level, stage, scenario, the whole
 * run) the spread of memory % and utilisation (seed 001's tables), power and
 * energy per output token; the devices; and the series for the chart.
 */
import type { GpuTelemetrySnapshot } from '../telemetry/gpu-types.js';
import { gpuWindowStats, idlePowerOf, type GpuWindowStats } from '../telemetry/gpu-windows.js';
import type { RequestStatsRow } from '../metrics/request-stats.js';

export interface GpuReportRow {
  /** 'level', 'stage', 'scenario' or 'all'. */
  kind: string;
  scenario: string | null;
  label: string;
  stats: GpuWindowStats;
}

export interface GpuSeriesPoint {
  t: number;
  device: string;
  util: number | null;
  memPct: number | null;
  powerW: number | null;
}

export interface GpuReportData {
  /** Readings were taken. */
  collected: boolean;
  /** Why not (or what went wrong), one line each. */
  notes: string[];
  /** e.g. "4 × NVIDIA GeForce RTX 2080 Ti". */
  devices: Array<{ model: string; count: number; driver: string | null; hosts: string[] }>;
  sources: GpuTelemetrySnapshot['sources'];
  /** Idle power of every GPU together, W, when an idle baseline was measured. */
  idlePowerW: number | null;
  rows: GpuReportRow[];
  series: GpuSeriesPoint[];
  /** Energy counter resets over the run. */
  counterResets: number;
}

export interface GpuRowsInput {
  total: RequestStatsRow;
  sweeps: ReadonlyArray<{ scenario: string; rows: ReadonlyArray<RequestStatsRow & { label: string }> }>;
  stages: ReadonlyArray<RequestStatsRow & { label: string }>;
  scenarioRows: ReadonlyArray<RequestStatsRow & { label: string }>;
}

/** null when the results carry no GPU telemetry at all (written before it existed, or not run). */
export function buildGpuReport(snapshot: GpuTelemetrySnapshot | null | undefined, input: GpuRowsInput, originMs: number | null): GpuReportData | null {
  if (snapshot === null || snapshot === undefined) return null;
  const collected = snapshot.samples.length > 0;
  const rows: GpuReportRow[] = [];
  const add = (kind: string, scenario: string | null, row: RequestStatsRow & { label: string }): void => {
    if (row.window === null || !collected) return;
    rows.push({ kind, scenario, label: row.label, stats: gpuWindowStats(snapshot, row.window.startMs, row.window.endMs, row.outputTokens) });
  };
  for (const sweep of input.sweeps) for (const row of sweep.rows) add('level', sweep.scenario, row);
  for (const row of input.stages) add('stage', row.tags['scenario'] ?? null, row);
  if (input.scenarioRows.length > 1) for (const row of input.scenarioRows) add('scenario', row.label, row);
  add('all', null, { ...input.total, label: 'all' });

  const groups = new Map<string, { model: string; count: number; driver: string | null; hosts: Set<string> }>();
  for (const d of snapshot.devices) {
    const model = d.model ?? 'unknown GPU';
    const key = `${model}\u0000${d.driver ?? ''}`;
    const g = groups.get(key) ?? { model, count: 0, driver: d.driver, hosts: new Set<string>() };
    g.count++;
    if (d.host !== null) g.hosts.add(d.host);
    groups.set(key, g);
  }
  const origin = originMs ?? snapshot.samples[0]?.atMs ?? 0;
  const series: GpuSeriesPoint[] = snapshot.samples.map((s) => ({
    t: Math.round(s.atMs - origin) / 1000,
    device: s.device,
    util: s.util,
    memPct: s.memUsedMiB !== null && s.memTotalMiB !== null && s.memTotalMiB > 0 ? Math.round((s.memUsedMiB / s.memTotalMiB) * 10000) / 100 : null,
    powerW: s.powerW,
  }));
  const all = rows.find((r) => r.kind === 'all');
  return {
    collected,
    notes: [...snapshot.notes, ...snapshot.sources.filter((s) => s.note !== null).map((s) => `${s.kind} ${s.where}: ${s.note}`)],
    devices: [...groups.values()].map((g) => ({ model: g.model, count: g.count, driver: g.driver, hosts: [...g.hosts] })),
    sources: snapshot.sources.map((s) => ({ ...s })),
    idlePowerW: idlePowerOf(snapshot),
    rows,
    series,
    counterResets: all?.stats.counterResets ?? 0,
  };
}
