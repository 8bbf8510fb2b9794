/**
 * GPU telemetry as metrics, so thresholds can judge it
 * (`'gpu_energy_per_output_token{level:32}': ['avg<0.5']`): every reading of
 * every GPU inside the load becomes a sample of gpu_utilization, gpu_power…
 * tagged with its GPU and the row (level, stage, rate or scenario) whose
 * window holds it; each row adds one sample of gpu_energy,
 * gpu_energy_per_output_token and gpu_output_tokens_per_joule. Unfiltered,
 * those per-row metrics read over rows: `max<0.5` holds when every row is
 * under 0.5.
 */
import {
  GPU_ENERGY,
  GPU_ENERGY_PER_OUTPUT_TOKEN,
  GPU_MEMORY_PCT,
  GPU_MEMORY_TOTAL,
  GPU_MEMORY_USED,
  GPU_OUTPUT_TOKENS_PER_JOULE,
  GPU_POWER,
  GPU_SM_CLOCK,
  GPU_TEMPERATURE,
  GPU_UTILIZATION,
  TAG_LEVEL,
  TAG_RATE,
  TAG_SCENARIO,
  TAG_STAGE,
} from '../metrics/builtin.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { GpuTelemetrySnapshot } from './gpu-types.js';
import { gpuWindowStats } from './gpu-windows.js';

export interface GpuRow {
  tags: Record<string, string>;
  window: { startMs: number; endMs: number };
  outputTokens: number;
}

/** Whether any of `metricNames` is a GPU metric (a threshold names one). */
export function namesGpuMetric(metricNames: Iterable<string>): boolean {
  for (const name of metricNames) if (name.startsWith('gpu_')) return true;
  return false;
}

/**
 * The rows energy is told per: sweep levels, else rates, else stages of each scenario, else the
 * scenario itself; the finest each scenario has, so no two rows of a scenario overlap.
 */
export function gpuRows(registry: MetricsRegistry): GpuRow[] {
  const rows: GpuRow[] = [];
  const covered = new Set<string>();
  for (const group of ['level', 'rate', 'stage', 'scenario']) {
    const found = new Set<string>();
    for (const stats of registry.groups(group)) {
      const row = stats.row();
      const scenario = row.tags[TAG_SCENARIO] ?? '';
      if (covered.has(scenario) || row.window === null) continue;
      const key = group === 'level' ? TAG_LEVEL : group === 'rate' ? TAG_RATE : group === 'stage' ? TAG_STAGE : null;
      if (key !== null && row.tags[key] === undefined) continue;
      found.add(scenario);
      rows.push({ tags: { ...row.tags }, window: { startMs: row.window.startMs, endMs: row.window.endMs }, outputTokens: row.outputTokens });
    }
    for (const s of found) covered.add(s);
  }
  return rows;
}

/** Add the GPU samples to `registry`, over the load's window [startMs, endMs]. */
export function addGpuMetrics(registry: MetricsRegistry, snapshot: GpuTelemetrySnapshot, rows: readonly GpuRow[], load: { startMs: number; endMs: number }): void {
  const hosts = new Map(snapshot.devices.map((d) => [d.id, d.host ?? '']));
  for (const s of snapshot.samples) {
    if (s.atMs < load.startMs || s.atMs > load.endMs) continue;
    const row = rows.find((r) => s.atMs >= r.window.startMs && s.atMs <= r.window.endMs);
    const tags: Record<string, string> = { ...row?.tags, gpu: s.device, host: hosts.get(s.device) ?? '' };
    const add = (name: string, value: number | null): void => {
      if (value !== null) registry.addSample(name, 'trend', value, tags);
    };
    add(GPU_UTILIZATION, s.util);
    add(GPU_MEMORY_USED, s.memUsedMiB);
    add(GPU_MEMORY_TOTAL, s.memTotalMiB);
    add(GPU_MEMORY_PCT, s.memUsedMiB !== null && s.memTotalMiB !== null && s.memTotalMiB > 0 ? (s.memUsedMiB / s.memTotalMiB) * 100 : null);
    add(GPU_POWER, s.powerW);
    add(GPU_TEMPERATURE, s.tempC);
    add(GPU_SM_CLOCK, s.smClockMHz);
  }
  for (const row of rows) {
    const stats = gpuWindowStats(snapshot, row.window.startMs, row.window.endMs, row.outputTokens);
    const add = (name: string, value: number | null): void => {
      if (value !== null) registry.addSample(name, 'trend', value, row.tags);
    };
    add(GPU_ENERGY, stats.netEnergyJ ?? stats.energyJ);
    add(GPU_ENERGY_PER_OUTPUT_TOKEN, stats.energyPerOutputToken);
    add(GPU_OUTPUT_TOKENS_PER_JOULE, stats.outputTokensPerJoule);
  }
}
