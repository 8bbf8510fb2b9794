/**
 * The last line of results.ndjson (`{"type":"end",…}`): what a report needs
 * beyond the request records — the final threshold results, the options that
 * shaped the run, what the server said about itself, and the machine. With it
 * `llmload report results.ndjson` rebuilds the same report the run wrote.
 *
 * Nothing secret goes in: header values and scenario env values are dropped
 * (their names are kept), URLs lose their credentials, and the caller passes
 * the serialized line through redactSecrets as every other output.
 */
import type { NotRunPhase } from '../executors/not-run.js';
import { cpus, freemem, platform, release, arch, totalmem } from 'node:os';
import type { OpenLoadRow } from '../metrics/load-delivery.js';
import type { PhaseStop } from '../metrics/known-figure.js';
import type { ResolvedOptions } from '../options/index.js';
import { stripCredentials } from '../outputs/redact.js';
import type { ScenarioInfo, TargetInfo } from '../outputs/summary-data.js';
import type { ThresholdResult } from '../thresholds/types.js';
import type { ServerSnapshot } from '../telemetry/server-probe.js';
import type { GpuTelemetrySnapshot } from '../telemetry/gpu-types.js';
import { llmloadVersion } from '../loading/version.js';

/** The machine llmload ran on (the load generator, not the server). */
export interface MachineInfo {
  os: string;
  arch: string;
  cpuModel: string;
  cpus: number;
  /** Total memory, bytes. */
  memoryBytes: number;
  /** Free memory at the end of the run, bytes. */
  freeMemoryBytes: number;
  node: string;
}

/** The options that shaped the run, without secrets. */
export interface OptionsDigest {
  scenarios: Record<string, unknown>;
  /** Metric key → threshold expressions, as written. */
  thresholds: Record<string, string[]>;
  /** Per metric key, each threshold's inconclusive policy, in the order of `thresholds`; only written when one passes inconclusive (absent: all fail). */
  thresholdsInconclusive?: Record<string, Array<'pass' | 'fail'>>;
  target: { url: string | null; model: string | null; headerNames: string[] };
  request: { timeoutMs: number; stallTimeoutMs: number; stream: boolean };
  simulator: { preset: string; timeScale: number } | null;
  tags: Record<string, string>;
  workers: number | null;
  /** options.environment and --meta; absent in files written before it was recorded. */
  environment?: Record<string, string>;
}

/** The `{"type":"end"}` line, minus its type. */
export interface RunEnd {
  format: 'llmload-results-end';
  version: 1;
  llmloadVersion: string;
  /** ISO time the run ended. */
  endedAt: string;
  /** Test run time, ms. */
  durationMs: number;
  /** Why the run stopped early, or null. */
  aborted: string | null;
  /** Planned phases that never started; absent in files written before it was recorded. */
  notRun?: NotRunPhase[];
  target: TargetInfo;
  scenarios: ScenarioInfo[];
  options: OptionsDigest;
  /** Final evaluation, in declaration order; null when the run had no thresholds (or --no-thresholds). */
  thresholds: ThresholdResult[] | null;
  server: ServerSnapshot | null;
  /** GPU telemetry around the load; absent in files written before it existed. */
  gpu?: GpuTelemetrySnapshot | null;
  machine: MachineInfo;
  /** Offered, achieved and dropped arrivals per open-loop row; absent in files written before it existed. */
  load?: OpenLoadRow[];
  /** How each phase with stopWhenKnown ended; absent without the option (and in files written before it existed). */
  phaseStops?: PhaseStop[];
}

export interface RunEndInput {
  durationMs: number;
  aborted: string | null;
  notRun?: readonly NotRunPhase[];
  target: TargetInfo;
  scenarios: readonly ScenarioInfo[];
  options: ResolvedOptions;
  thresholds: readonly ThresholdResult[] | null;
  server: ServerSnapshot | null;
  gpu?: GpuTelemetrySnapshot | null;
  load?: readonly OpenLoadRow[];
  phaseStops?: readonly PhaseStop[];
}

export function buildRunEnd(input: RunEndInput): RunEnd {
  return {
    format: 'llmload-results-end',
    version: 1,
    llmloadVersion: llmloadVersion(),
    endedAt: new Date().toISOString(),
    durationMs: input.durationMs,
    aborted: input.aborted,
    notRun: (input.notRun ?? []).map((p) => ({ scenario: p.scenario, tags: { ...p.tags } })),
    target: { ...input.target },
    scenarios: input.scenarios.map((s) => ({ ...s })),
    options: digestOptions(input.options),
    thresholds: input.thresholds === null ? null : input.thresholds.map((t) => ({ ...t })),
    server: input.server,
    gpu: input.gpu ?? null,
    machine: machineInfo(),
    load: (input.load ?? []).map((row) => ({ ...row, tags: { ...row.tags } })),
    ...(input.phaseStops !== undefined && input.phaseStops.length > 0 ? { phaseStops: input.phaseStops.map((p) => ({ ...p, tags: { ...p.tags } })) } : {}),
  };
}

/** The options as plain data, secrets left out. */
export function digestOptions(options: ResolvedOptions): OptionsDigest {
  const scenarios: Record<string, unknown> = {};
  for (const [name, scenario] of Object.entries(options.scenarios)) {
    const copy: Record<string, unknown> = { ...(scenario as unknown as Record<string, unknown>) };
    const env = copy['env'];
    // Scenario env values may hold secrets; keep only the names.
    if (env !== null && typeof env === 'object') copy['env'] = Object.keys(env);
    scenarios[name] = JSON.parse(JSON.stringify(copy)) as unknown;
  }
  const thresholds: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(options.thresholds)) thresholds[key] = list.map((t) => t.threshold);
  const lenient = Object.values(options.thresholds).some((list) => list.some((t) => t.inconclusive === 'pass'));
  return {
    scenarios,
    thresholds,
    // Only when it changes something, so that end lines of runs without it stay as they were.
    ...(lenient ? { thresholdsInconclusive: Object.fromEntries(Object.entries(options.thresholds).map(([key, list]) => [key, list.map((t) => t.inconclusive)])) } : {}),
    target: {
      url: options.target.url === undefined ? null : stripCredentials(options.target.url),
      model: options.target.model ?? null,
      headerNames: Object.keys(options.target.headers),
    },
    request: { timeoutMs: options.request.timeoutMs, stallTimeoutMs: options.request.stallTimeoutMs, stream: options.request.stream },
    simulator: options.target.url === undefined ? { preset: options.simulator.preset, timeScale: options.simulator.timeScale } : null,
    tags: { ...options.tags },
    workers: options.workers,
    environment: { ...options.environment },
  };
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    node: process.version,
  };
}
