/**
 * Command-line flags over the script's options. Precedence, lowest first:
 * defaults < `export const options` < flags. Flags are merged into the raw
 * options before validateOptions(), so every later message still names an
 * option path; a malformed flag value is reported here, naming the flag
 * (LL_ERR_USAGE, exit 2), with every bad flag listed at once.
 *
 * Execution flags follow k6 (lib/options.go Apply): --duration, --iterations
 * and --stage replace the script's whole execution setup (its duration,
 * iterations, stages and scenarios) with the shortcut scenario they describe;
 * --vus only sets `vus`, which the script's duration/iterations/stages then
 * use. With script scenarios and no other execution flag, --vus would be
 * ignored by k6 (grafana/k6#3741); llmload refuses it instead.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { DURATION_EXAMPLES, tryParseDuration } from './duration.js';
import { isPlainObject } from './plain-object.js';
import { isHttpUrl } from './url.js';
import { parseEngineConfigFlags } from '../sim/config-flags.js';
import type { Stage } from './types.js';

/** The flags that change options, as the CLI parser hands them over (strings or numbers). */
export interface CliFlags {
  vus?: number | string | undefined;
  duration?: number | string | undefined;
  iterations?: number | string | undefined;
  /** `--stage 10s:5,30s:20`, repeatable; each item DURATION:TARGET. An empty list counts as not given. */
  stages?: string | readonly string[] | undefined;
  url?: string | undefined;
  model?: string | undefined;
  apiKeyEnv?: string | undefined;
  workers?: number | string | undefined;
  /** `--sim-preset`: preset of the built-in simulator. */
  simPreset?: string | undefined;
  /** `--time-scale`: run the built-in simulator this many times faster than real time. */
  timeScale?: number | string | undefined;
  /** `--sim-config KEY=VALUE`, repeatable: engine settings of the built-in simulator over the preset's (and the script's `simulator.config`). */
  simConfig?: string | readonly string[] | undefined;
  /** `-e KEY=VALUE`, repeatable. Not an option: read it with parseEnvFlags(). */
  env?: string | readonly string[] | undefined;
  /** `--dcgm URL`, repeatable: DCGM exporters added to options.telemetry.dcgm. */
  dcgm?: string | readonly string[] | undefined;
  /** `--nvidia-smi`: options.telemetry.nvidiaSmi. */
  nvidiaSmi?: boolean | undefined;
  /** `--no-thresholds`. */
  noThresholds?: boolean | undefined;
  /** `--inconclusive pass|fail`: options.inconclusive, for every threshold that does not set its own. */
  inconclusive?: string | undefined;
  /** `--meta KEY=VALUE`, repeatable: facts added to options.environment. */
  meta?: string | readonly string[] | undefined;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Script options with the flags applied (a new object; the input is not
 * changed). Throws LL_ERR_USAGE listing every malformed flag.
 */
export function applyCliOverrides(scriptOptions: unknown, flags: CliFlags): unknown {
  const problems: string[] = [];
  const vus = wholeNumberFlag('--vus', flags.vus, 0, problems);
  const iterations = wholeNumberFlag('--iterations', flags.iterations, 1, problems);
  const workers = wholeNumberFlag('--workers', flags.workers, 1, problems);
  const duration = durationFlag('--duration', flags.duration, problems);
  const stageList = typeof flags.stages === 'string' ? [flags.stages] : (flags.stages ?? []);
  const stages = stageList.length === 0 ? undefined : parseStageFlags(stageList, problems);
  const timeScale = positiveNumberFlag('--time-scale', flags.timeScale, problems);
  if (flags.simPreset === '') problems.push('--sim-preset: must not be empty');
  const simConfigItems = typeof flags.simConfig === 'string' ? [flags.simConfig] : (flags.simConfig ?? []);
  const simConfig = parseEngineConfigFlags('--sim-config', simConfigItems, problems);
  if (flags.url !== undefined && !isHttpUrl(flags.url)) {
    problems.push(`--url: expected an http:// or https:// URL, got ${JSON.stringify(flags.url)}`);
  }
  if (flags.model === '') problems.push('--model: must not be empty');
  if (flags.inconclusive !== undefined && flags.inconclusive !== 'pass' && flags.inconclusive !== 'fail') {
    problems.push(`--inconclusive: expected pass or fail, got ${JSON.stringify(flags.inconclusive)}`);
  }
  if (flags.apiKeyEnv !== undefined && !ENV_NAME.test(flags.apiKeyEnv)) {
    problems.push(`--api-key-env: ${JSON.stringify(flags.apiKeyEnv)} is not an environment variable name`);
  }
  if (flags.env !== undefined) parseEnvList(flags.env, problems);
  const meta = flags.meta === undefined ? {} : parseKeyValues('--meta', flags.meta, problems);
  const dcgm = typeof flags.dcgm === 'string' ? [flags.dcgm] : [...(flags.dcgm ?? [])];
  for (const url of dcgm) if (!isHttpUrl(url)) problems.push(`--dcgm: expected an http:// or https:// URL, got ${JSON.stringify(url)}`);

  const replacesExecution = duration !== undefined || iterations !== undefined || stages !== undefined;
  const script = isPlainObject(scriptOptions) ? scriptOptions : undefined;
  if (vus !== undefined && !replacesExecution && script?.['scenarios'] !== undefined) {
    problems.push(
      '--vus: the script defines scenarios, which --vus alone cannot change; ' +
        'add --duration, --iterations or --stage to run one scenario instead, or set vus inside a scenario',
    );
  }
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new LlmloadError(ErrorCode.USAGE, `invalid command-line flags (${count})`, { details: problems });
  }
  // Not an object: nothing to merge into; validateOptions() reports it.
  if (scriptOptions !== undefined && script === undefined) return scriptOptions;

  const merged: Record<string, unknown> = { ...script };
  if (replacesExecution) {
    for (const key of ['duration', 'iterations', 'stages', 'scenarios']) delete merged[key];
  }
  if (vus !== undefined) merged['vus'] = vus;
  if (duration !== undefined) merged['duration'] = duration;
  if (iterations !== undefined) merged['iterations'] = iterations;
  if (stages !== undefined) merged['stages'] = stages;
  if (workers !== undefined) merged['workers'] = workers;
  if (flags.noThresholds === true) merged['noThresholds'] = true;
  if (flags.inconclusive !== undefined) merged['inconclusive'] = flags.inconclusive;
  const target: Record<string, unknown> = {};
  if (flags.url !== undefined) target['url'] = flags.url;
  if (flags.model !== undefined) target['model'] = flags.model;
  if (flags.apiKeyEnv !== undefined) target['apiKeyEnv'] = flags.apiKeyEnv;
  mergeInto(merged, 'target', target);
  const simulator: Record<string, unknown> = {};
  if (flags.simPreset !== undefined) simulator['preset'] = flags.simPreset;
  if (timeScale !== undefined) simulator['timeScale'] = timeScale;
  if (Object.keys(simConfig).length > 0) {
    // Setting by setting over the script's simulator.config: a flag changes one setting, not the whole config.
    const current = isPlainObject(merged['simulator']) ? merged['simulator']['config'] : undefined;
    simulator['config'] = isPlainObject(current) ? { ...current, ...simConfig } : simConfig;
  }
  mergeInto(merged, 'simulator', simulator);
  mergeInto(merged, 'environment', meta);
  if (dcgm.length > 0 || flags.nvidiaSmi !== undefined) {
    // A flag asks for telemetry even where the script turned it off (telemetry: false).
    if (merged['telemetry'] === false || merged['telemetry'] === true) merged['telemetry'] = {};
    const current = isPlainObject(merged['telemetry']) ? merged['telemetry'] : {};
    const telemetry: Record<string, unknown> = {};
    if (dcgm.length > 0) {
      const before = current['dcgm'];
      telemetry['dcgm'] = [...(typeof before === 'string' ? [before] : Array.isArray(before) ? (before as unknown[]) : []), ...dcgm];
    }
    // --nvidia-smi keeps the script's own nvidia-smi settings (command, interval) when it has them.
    if (flags.nvidiaSmi !== undefined && !(flags.nvidiaSmi && isPlainObject(current['nvidiaSmi']))) telemetry['nvidiaSmi'] = flags.nvidiaSmi;
    mergeInto(merged, 'telemetry', telemetry);
  }
  return merged;
}

/**
 * Parse `--stage` values: each a DURATION:TARGET item or a comma list of them.
 * Throws LL_ERR_USAGE naming every bad item.
 */
export function parseStageFlag(values: string | readonly string[]): Stage[] {
  const problems: string[] = [];
  const stages = parseStageFlags(values, problems);
  if (problems.length > 0) throw new LlmloadError(ErrorCode.USAGE, problems.join('; '), { details: problems });
  return stages;
}

/** Parse `-e KEY=VALUE` values into an environment record (later values win). Throws LL_ERR_USAGE. */
export function parseEnvFlags(values: string | readonly string[] | undefined): Record<string, string> {
  if (values === undefined) return {};
  const problems: string[] = [];
  const env = parseEnvList(values, problems);
  if (problems.length > 0) throw new LlmloadError(ErrorCode.USAGE, problems.join('; '), { details: problems });
  return env;
}

/** Set `values` over the object at `merged[key]`; a malformed script value stays, for validateOptions() to report. */
function mergeInto(merged: Record<string, unknown>, key: string, values: Record<string, unknown>): void {
  if (Object.keys(values).length === 0) return;
  const current = merged[key];
  if (current === undefined || isPlainObject(current)) merged[key] = { ...current, ...values };
}

function parseStageFlags(values: string | readonly string[], problems: string[]): Stage[] {
  const stages: Stage[] = [];
  for (const item of (typeof values === 'string' ? [values] : values).flatMap((v) => v.split(','))) {
    const text = item.trim();
    const match = /^([^:]+):([^:]+)$/.exec(text);
    if (match === null) {
      problems.push(`--stage ${JSON.stringify(text)}: expected DURATION:TARGET`);
      continue;
    }
    const [, duration = '', target = ''] = match;
    if (tryParseDuration(duration) === undefined) {
      problems.push(`--stage ${JSON.stringify(text)}: ${JSON.stringify(duration)} is not a duration ${DURATION_EXAMPLES}`);
    } else if (!/^\d+$/.test(target)) {
      problems.push(`--stage ${JSON.stringify(text)}: ${JSON.stringify(target)} is not a target (expected a whole number of VUs ≥ 0)`);
    } else {
      stages.push({ duration, target: Number(target) });
    }
  }
  return stages;
}

function parseEnvList(values: string | readonly string[], problems: string[]): Record<string, string> {
  return parseKeyValues('-e', values, problems);
}

/** KEY=VALUE items of a repeatable flag (later values win); a malformed item is a problem naming the flag. */
function parseKeyValues(flag: string, values: string | readonly string[], problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of typeof values === 'string' ? [values] : values) {
    const equals = item.indexOf('=');
    if (equals <= 0) {
      problems.push(`${flag} ${JSON.stringify(item)}: expected KEY=VALUE`);
      continue;
    }
    out[item.slice(0, equals)] = item.slice(equals + 1);
  }
  return out;
}

function wholeNumberFlag(flag: string, value: number | string | undefined, min: number, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    problems.push(`${flag}: expected a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return n;
}

function positiveNumberFlag(flag: string, value: number | string | undefined, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    problems.push(`${flag}: expected a number > 0, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return n;
}

/** A --duration value: kept as the user wrote it (for messages and summaries) once it parses. */
function durationFlag(flag: string, value: number | string | undefined, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const parsed = tryParseDuration(text);
  if (parsed === undefined) {
    const unitless = /^\d+(\.\d+)?$/.test(text) ? ' (give a unit, e.g. "30s")' : ` ${DURATION_EXAMPLES}`;
    problems.push(`${flag}: ${JSON.stringify(text)} is not a duration${unitless}`);
    return undefined;
  }
  if (parsed === 0) {
    problems.push(`${flag}: must be more than 0`);
    return undefined;
  }
  return text;
}
