/**
 * The simulator's public options, checked once here (every problem reported
 * in one SIM_CONFIG error); everything behind this trusts the result.
 */
import { ErrorCode, LlmloadError, isLlmloadError } from '../errors.js';
import { resolveEngineConfig, type EngineConfig } from './engine-config.js';
import { validateFaultConfig, type FaultConfig } from './faults.js';
import { PRESET_NAMES, isPresetName, presets, type PresetName } from './presets.js';

export interface SimulatorOptions {
  /** Preset name (default 'fast'): see presets.ts and PRESETS.md. */
  preset?: string;
  /** Run this many times faster than real time: every duration is divided by it (default 1). */
  timeScale?: number;
  /** Seed of output lengths, output text and rate-drawn faults (default 1). */
  seed?: number;
  /** TCP port (default 0: any free port). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Served model name (default: the preset's model id). */
  model?: string;
  /** Engine settings overriding the preset's. */
  config?: Partial<EngineConfig>;
  faults?: FaultConfig;
}

export interface ResolvedSimulatorOptions {
  preset: PresetName;
  timeScale: number;
  seed: number;
  port: number;
  host: string;
  /** The preset with config and model applied. */
  engine: EngineConfig;
  faults: FaultConfig;
}

export const DEFAULT_PRESET: PresetName = 'fast';
export const DEFAULT_HOST = '127.0.0.1';

const KEYS = new Set(['preset', 'timeScale', 'seed', 'port', 'host', 'model', 'config', 'faults']);

/** Validate options and apply defaults. Throws LlmloadError(SIM_CONFIG) listing every problem. */
export function resolveSimulatorOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) problems.push(`${key} is not a simulator option (valid: ${[...KEYS].join(', ')})`);
  }
  const presetName = options.preset ?? DEFAULT_PRESET;
  if (!isPresetName(presetName)) problems.push(`unknown preset '${presetName}' (valid: ${PRESET_NAMES.join(', ')})`);
  const timeScale = options.timeScale ?? 1;
  if (typeof timeScale !== 'number' || !Number.isFinite(timeScale) || timeScale <= 0) {
    problems.push(`timeScale must be a number > 0, got ${String(timeScale)}`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) problems.push(`seed must be an integer, got ${String(seed)}`);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`port must be an integer in 0..65535, got ${String(port)}`);
  const host = options.host ?? DEFAULT_HOST;
  if (typeof host !== 'string' || host === '') problems.push(`host must be a non-empty string, got ${String(host)}`);
  if (options.model !== undefined && (typeof options.model !== 'string' || options.model === '')) {
    problems.push(`model must be a non-empty string, got ${String(options.model)}`);
  }
  let engine: EngineConfig | undefined;
  if (isPresetName(presetName)) {
    const overrides: Record<string, unknown> = { ...(options.config ?? {}) };
    if (options.model !== undefined) overrides['model'] = options.model;
    engine = collect(problems, () => resolveEngineConfig(presets[presetName], overrides));
  }
  const faults = collect(problems, () => validateFaultConfig(options.faults ?? {}));
  if (problems.length > 0 || engine === undefined || faults === undefined) {
    throw new LlmloadError(ErrorCode.SIM_CONFIG, problems.length === 1 ? `invalid simulator options: ${problems[0]}` : `invalid simulator options (${problems.length} problems)`, {
      details: problems,
      hint: `presets: ${PRESET_NAMES.join(', ')}; see core/sim/PRESETS.md`,
    });
  }
  return { preset: presetName as PresetName, timeScale, seed, port, host, engine, faults: { ...faults } };
}

/** Run a validator, moving its SIM_CONFIG details into `problems`. */
function collect<T>(problems: string[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (isLlmloadError(error) && error.code === ErrorCode.SIM_CONFIG) {
      problems.push(...(error.details.length > 0 ? error.details : [error.message]));
      return undefined;
    }
    throw error;
  }
}
