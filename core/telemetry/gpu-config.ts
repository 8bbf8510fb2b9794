/**
 * Which GPU sources a run reads, from options.telemetry and the target:
 * the built-in simulator's GPU model when the run started one (unless
 * telemetry.simulator is false), the DCGM and Prometheus URLs given, and
 * nvidia-smi when asked for, or by default when the target is on this
 * machine (its GPU is then local) and nothing else is configured.
 */
import type { ResolvedTelemetry } from '../options/telemetry-options.js';
import type { GpuTelemetryConfig } from './gpu-telemetry.js';

export interface TelemetryTarget {
  baseUrl: string;
  simulator: { timeScale: number } | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function gpuTelemetryConfig(t: ResolvedTelemetry, target: TelemetryTarget): GpuTelemetryConfig {
  const sim = target.simulator;
  const scale = sim === undefined ? 1 : Math.max(1, sim.timeScale);
  const config: GpuTelemetryConfig = {
    http: [],
    nvidiaSmi: null,
    // Every second of the target's time, as the server probe (faster for a sped-up simulator).
    intervalMs: sim !== undefined && t.intervalMs === 1000 ? Math.max(100, Math.round(1000 / scale)) : t.intervalMs,
    idleBaselineMs: t.idleBaselineMs,
    clockScale: sim === undefined ? 1 : sim.timeScale,
    off: t.enabled ? null : 'turned off (telemetry: false)',
  };
  if (!t.enabled) return config;
  if (sim !== undefined && t.simulator) config.http.push({ kind: 'simulator', url: `${target.baseUrl.replace(/\/+$/, '')}/dcgm/metrics` });
  for (const url of t.dcgm) config.http.push({ kind: 'dcgm', url });
  for (const url of t.prometheus) config.http.push({ kind: 'prometheus', url });
  // The simulator's energy runs in its virtual time; real GPUs' on the wall clock.
  if (sim !== undefined && config.http.some((h) => h.kind !== 'simulator')) config.clockScale = 1;
  if (t.nvidiaSmi === 'auto') {
    if (config.http.length === 0 && isLocal(target.baseUrl)) config.nvidiaSmi = { command: ['nvidia-smi'], intervalMs: 500, auto: true };
    else if (config.http.length === 0)
      config.off = 'no GPU source configured for a remote target; set telemetry.dcgm to read a DCGM exporter, or telemetry.nvidiaSmi.command to run nvidia-smi there';
  } else if (t.nvidiaSmi !== false) {
    config.nvidiaSmi = { command: [...t.nvidiaSmi.command], intervalMs: t.nvidiaSmi.intervalMs, auto: false };
  }
  return config;
}

function isLocal(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}
