/**
 * validateOptions(): the one gate between a script's `export const options`
 * (after CLI overrides) and the engine. It reports every problem at once, each
 * with its option path, in one LlmloadError (LL_ERR_INVALID_OPTIONS, exit 104),
 * or returns the resolved options, deep-frozen.
 *
 * Order: the JSON schema (shape, unknown keys, types, durations' syntax) →
 * shortcut conflicts → each scenario's executor checks (skipped for a scenario
 * the schema already faulted, whose values can't be trusted) → the remaining
 * top-level checks. Problems are listed in that order.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import type { ResolvedScenario } from '../executors/registry.js';
import { executorOf } from '../executors/registry.js';
import { DEFAULTS } from './defaults.js';
import { describeValue } from './describe.js';
import { msOrDefault, tryParseDuration } from './duration.js';
import { tryParseTokenLengths } from '../datasets/token-lengths.js';
import type { GoodputSlo } from '../metrics/request-stats.js';
import { childPointer, propertyPath } from './option-path.js';
import { deepFreeze, isPlainObject } from './plain-object.js';
import { isHttpUrl } from './url.js';
import type { ResolvedOptions, ResolvedThreshold } from './resolved-types.js';
// Generated from ./schema.ts by `npm run build`: compiling the schema at run time costs ~200 ms of CPU.
import { validate } from './options-validator.js';
import { resolveTelemetry, telemetryProblems } from './telemetry-options.js';
import { formatSchemaError } from './schema-errors.js';
import { scenarioSources, shortcutConflicts, type ScenarioSource } from './shortcuts.js';
import type { DatasetOptions, Options, ThresholdSpec } from './types.js';

/** k6's scenario name rule (lib/executor/base_config.go). */
const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;

/** k6's trend statistics: avg, min, med, max, count, p(N) with 0 ≤ N ≤ 100. */
const TREND_STAT = /^(?:avg|min|med|max|count|p\((\d+(?:\.\d+)?)\))$/;

/**
 * Validate raw options and resolve them. `source` names the root in messages
 * ('options' for a script's export). Throws one LlmloadError listing every
 * problem in `details`; its message is `invalid options (N problems)`.
 */
export function validateOptions(raw: unknown, source = 'options'): ResolvedOptions {
  const input = raw === undefined ? {} : raw;
  const schemaErrors = validate(input) ? [] : (validate.errors ?? []);
  const problems: string[] = [];
  const add = (problem: string | null): void => {
    if (problem !== null && !problems.includes(problem)) problems.push(problem);
  };
  for (const error of schemaErrors) add(formatSchemaError(error, input, source));
  if (!isPlainObject(input)) throw invalidOptions(problems);

  const faulted = (pointer: string): boolean => schemaErrors.some((e) => e.instancePath === pointer || e.instancePath.startsWith(`${pointer}/`));

  const conflicts = shortcutConflicts(input, source);
  conflicts.forEach(add);
  const sources = scenarioSources(input, source, conflicts.length === 0);
  const trusted = sources.filter((s) => !s.pointers.some(faulted));
  for (const s of trusted) executorOf(s.raw.executor).validate(s.raw, s.at).forEach(add);
  checkTopLevel(input, source, faulted).forEach(add);

  if (problems.length > 0) throw invalidOptions(problems);
  return deepFreeze(resolveOptions(input as Options, trusted));
}

function invalidOptions(problems: readonly string[]): LlmloadError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new LlmloadError(ErrorCode.INVALID_OPTIONS, `invalid options (${count})`, { details: problems });
}

/** Checks outside scenarios that the schema can't express. Values the schema faulted are skipped. */
function checkTopLevel(options: Options, source: string, faulted: (pointer: string) => boolean): string[] {
  const problems: string[] = [];
  const positive = (value: unknown, pointer: string, path: string): void => {
    if (!faulted(pointer) && tryParseDuration(value) === 0) problems.push(`${path}: must be more than 0`);
  };

  if (isPlainObject(options.scenarios)) {
    for (const name of Object.keys(options.scenarios)) {
      if (!SCENARIO_NAME.test(name)) {
        problems.push(`${propertyPath(`${source}.scenarios`, name)}: a scenario name may contain only letters, digits, "_" and "-"`);
      }
    }
  }

  const url = options.target?.url;
  if (typeof url === 'string' && !isHttpUrl(url)) {
    problems.push(`${source}.target.url: expected an http:// or https:// URL, got ${describeValue(url)}`);
  }

  positive(options.request?.timeout, '/request/timeout', `${source}.request.timeout`);
  positive(options.request?.stallTimeout, '/request/stallTimeout', `${source}.request.stallTimeout`);
  positive(options.setupTimeout, '/setupTimeout', `${source}.setupTimeout`);
  positive(options.teardownTimeout, '/teardownTimeout', `${source}.teardownTimeout`);

  if (Array.isArray(options.summaryTrendStats)) {
    options.summaryTrendStats.forEach((stat, i) => {
      if (typeof stat !== 'string') return;
      const match = TREND_STAT.exec(stat);
      if (match === null || Number(match[1] ?? 0) > 100) {
        problems.push(`${source}.summaryTrendStats[${i}]: ${JSON.stringify(stat)} is not a trend statistic ` + '(expected avg, min, med, max, count or p(N) with N from 0 to 100)');
      }
    });
  }

  if (isPlainObject(options.scenarios) && options.slo === undefined) {
    for (const [name, scenario] of Object.entries(options.scenarios)) {
      if (isPlainObject(scenario) && scenario.executor === 'capacity-search') {
        problems.push(`${propertyPath(`${source}.scenarios`, name)}: capacity-search measures the share of requests meeting options.slo; set options.slo (ttft, tpot or e2e)`);
      }
    }
  }
  if (isPlainObject(options.slo) && !faulted('/slo') && ['ttft', 'tpot', 'e2e'].every((key) => (options.slo as Record<string, unknown>)[key] === undefined)) {
    problems.push(`${source}.slo: set at least one of ttft, tpot, e2e (ms)`);
  }
  if (isPlainObject(options.datasets)) {
    for (const [name, spec] of Object.entries(options.datasets)) {
      if (!isPlainObject(spec) || faulted(childPointer('/datasets', name))) continue;
      const { file, synthetic, sharedPrefix } = spec as DatasetOptions;
      const path = propertyPath(`${source}.datasets`, name);
      const sources = [file, synthetic].filter((v) => v !== undefined).length;
      if (sources !== 1) problems.push(`${path}: needs exactly one of file (a data file) or synthetic (a token-length distribution)`);
      if (typeof synthetic === 'string') {
        const parsed = tryParseTokenLengths(synthetic);
        if (typeof parsed === 'string') problems.push(`${path}.synthetic: ${parsed}`);
      }
      if (sharedPrefix !== undefined && synthetic === undefined) problems.push(`${path}.sharedPrefix: only applies to synthetic datasets`);
    }
  }

  if (!faulted('/telemetry')) problems.push(...telemetryProblems(options.telemetry, source));

  const config = options.simulator?.config;
  if (isPlainObject(config) && !isCloneable(config)) {
    problems.push(`${source}.simulator.config: must hold plain data only (numbers, strings, booleans, lists, objects)`);
  }
  return problems;
}

function isCloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Apply every default; `sources` are the checked scenarios. */
function resolveOptions(options: Options, sources: readonly ScenarioSource[]): ResolvedOptions {
  const scenarios: Record<string, ResolvedScenario> = Object.fromEntries(sources.map((s) => [s.name, executorOf(s.raw.executor).resolve(s.raw)]));
  const thresholds = Object.fromEntries(
    Object.entries(options.thresholds ?? {}).map(([metric, specs]) => [metric, specs.map((spec) => resolveThreshold(spec, options.inconclusive ?? DEFAULTS.inconclusive))]),
  );
  const { target, request, simulator } = options;
  return {
    target: {
      url: target?.url,
      model: target?.model,
      apiKeyEnv: target?.apiKeyEnv ?? DEFAULTS.target.apiKeyEnv,
      headers: { ...target?.headers },
    },
    request: {
      timeoutMs: msOrDefault(request?.timeout, DEFAULTS.request.timeoutMs),
      stallTimeoutMs: msOrDefault(request?.stallTimeout, DEFAULTS.request.stallTimeoutMs),
      stream: request?.stream ?? DEFAULTS.request.stream,
    },
    simulator: {
      preset: simulator?.preset ?? DEFAULTS.simulator.preset,
      timeScale: simulator?.timeScale ?? DEFAULTS.simulator.timeScale,
      config: structuredClone(simulator?.config ?? {}),
    },
    scenarios,
    thresholds,
    noThresholds: options.noThresholds ?? DEFAULTS.noThresholds,
    tags: { ...options.tags },
    environment: Object.fromEntries(Object.entries(options.environment ?? {}).map(([k, v]) => [k, String(v)])),
    summaryTrendStats: [...(options.summaryTrendStats ?? DEFAULTS.summaryTrendStats)],
    setupTimeoutMs: msOrDefault(options.setupTimeout, DEFAULTS.setupTimeoutMs),
    teardownTimeoutMs: msOrDefault(options.teardownTimeout, DEFAULTS.teardownTimeoutMs),
    workers: options.workers ?? null,
    slo: resolveSlo(options.slo),
    tokenizer: options.tokenizer ?? null,
    datasets: structuredClone(options.datasets ?? {}),
    telemetry: resolveTelemetry(options.telemetry),
  };
}

/** options.slo in ms, each key only when set; null without SLOs. */
function resolveSlo(slo: Options['slo']): GoodputSlo | null {
  if (slo === undefined) return null;
  const resolved: GoodputSlo = {};
  if (slo.ttft !== undefined) resolved.ttftMs = msOrDefault(slo.ttft, 0);
  if (slo.tpot !== undefined) resolved.tpotMs = msOrDefault(slo.tpot, 0);
  if (slo.e2e !== undefined) resolved.e2eMs = msOrDefault(slo.e2e, 0);
  if (slo.fromSchedule === true) resolved.fromSchedule = true;
  return resolved;
}

/** `inconclusive`: the run's policy (options.inconclusive or --inconclusive); the threshold's own setting wins. */
function resolveThreshold(spec: ThresholdSpec, inconclusive: 'pass' | 'fail'): ResolvedThreshold {
  if (typeof spec === 'string') return { threshold: spec, abortOnFail: false, delayAbortEvalMs: 0, inconclusive };
  return {
    threshold: spec.threshold,
    abortOnFail: spec.abortOnFail ?? false,
    delayAbortEvalMs: msOrDefault(spec.delayAbortEval, 0),
    inconclusive: spec.inconclusive ?? inconclusive,
  };
}
