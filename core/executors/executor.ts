/**
 * The contract of an executor module. Each executor is one file exporting one
 * `ExecutorModule`: the JSON schema of its own fields, its semantic checks, how
 * its defaults apply, and a pure `plan()`. The options schema, validation and
 * `planScenarios()` all read ./registry.ts, so a new executor is one new file
 * plus its entries there (and its script-facing type in core/options/types.ts).
 *
 * Order of use: the options schema has checked the raw scenario's shape →
 * `validate(raw)` reports what a schema can't express → `resolve(raw)` applies
 * defaults and turns durations into milliseconds → `plan(resolved)`.
 */
import { DEFAULTS } from '../options/defaults.js';
import { msOrDefault, tryParseDuration } from '../options/duration.js';
import type { JsonSchema } from '../options/schema-parts.js';
import type { Duration, ScenarioOptions } from '../options/types.js';
import type { ClosedScenarioPlan, MeasureWindow, PhasePlan, ScenarioPlan } from './types.js';
import type { KnownFigureRule } from '../metrics/known-figure.js';
import type { StopWhenKnownOptions } from '../options/types.js';
import { resolveStopWhenKnown } from './stop-when-known.js';

/**
 * Closed executors run a number of looping VUs (k6's VU-based executors and
 * concurrency-sweep). Open executors (the arrival-rate ones and rate-sweep)
 * start iterations on a schedule whatever the VUs are doing.
 */
export type ExecutorKind = 'closed' | 'open';

/** A scenario as written in the script, for one executor. */
export type RawScenario<K extends string> = Extract<ScenarioOptions, { executor: K }>;

/**
 * Where a field of the scenario being checked lives in the user's options, in
 * JS notation: `at('stages')` → 'options.scenarios.ramp.stages' (or
 * 'options.stages' for the shortcut scenario); `at('')` → the scenario itself.
 */
export type FieldPath = (field: string) => string;

/** Fields every resolved scenario has. Durations in milliseconds. */
export interface ResolvedScenarioBase {
  /** Offset from the test start. */
  readonly startTimeMs: number;
  readonly gracefulStopMs: number;
  /** Exported function each iteration calls. */
  readonly exec: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** Warm-up and cool-down of each phase; absent when the scenario sets none. */
  readonly measure?: MeasureWindow;
  /** End each phase early once this figure is known (./stop-when-known.ts); absent when the scenario sets none. */
  readonly stopWhenKnown?: KnownFigureRule;
}

export interface ExecutorModule<K extends string, R extends ResolvedScenarioBase & { readonly executor: K }> {
  readonly name: K;
  readonly kind: ExecutorKind;
  /** One line for `llmload --help`-style listings. */
  readonly description: string;
  /** JSON schema of the executor's own fields; the common ones (startTime, gracefulStop, exec, tags, env) are added. */
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required: readonly string[];
  /** Problems a schema can't express, each `path: message`. `raw` has passed the schema. */
  validate(raw: RawScenario<K>, at: FieldPath): string[];
  /** Apply defaults and convert durations. `raw` has passed the schema and `validate`. */
  resolve(raw: RawScenario<K>): R;
  /** The pure execution plan of one resolved scenario. */
  plan(name: string, scenario: R): ScenarioPlan;
}

/** The fields every scenario shares, with their defaults applied. */
export function resolveBase(raw: ScenarioOptions): ResolvedScenarioBase {
  const base = {
    startTimeMs: msOrDefault(raw.startTime, DEFAULTS.scenario.startTimeMs),
    gracefulStopMs: msOrDefault(raw.gracefulStop, DEFAULTS.scenario.gracefulStopMs),
    exec: raw.exec ?? DEFAULTS.scenario.exec,
    tags: { ...raw.tags },
    env: { ...raw.env },
    ...stopRuleOf(raw),
  };
  if (raw.warmup === undefined && raw.warmupIterations === undefined && raw.cooldown === undefined) return base;
  return {
    ...base,
    measure: {
      warmupMs: msOrDefault(raw.warmup, 0),
      warmupIterations: raw.warmupIterations ?? 0,
      cooldownMs: msOrDefault(raw.cooldown, 0),
    },
  };
}

/** The scenario's stopWhenKnown rule as an optional field (only some executors take the option). */
function stopRuleOf(raw: ScenarioOptions): { stopWhenKnown?: KnownFigureRule } {
  const rule = resolveStopWhenKnown((raw as { stopWhenKnown?: StopWhenKnownOptions }).stopWhenKnown);
  return rule === undefined ? {} : { stopWhenKnown: rule };
}

/** `measure` as an optional field to spread into a phase: `{ ...measureOf(s) }`. */
export function measureOf(scenario: ResolvedScenarioBase): { measure?: MeasureWindow } {
  return scenario.measure === undefined ? {} : { measure: { ...scenario.measure } };
}

/** Problem text when warm-up plus cool-down leave nothing of a phase of `phaseMs` to measure. */
export function requireMeasuredTime(raw: ScenarioOptions, phaseMs: number, at: FieldPath, problems: string[]): void {
  const warmup = tryParseDuration(raw.warmup ?? 0) ?? 0;
  const cooldown = tryParseDuration(raw.cooldown ?? 0) ?? 0;
  if (warmup + cooldown > 0 && phaseMs > 0 && warmup + cooldown >= phaseMs) {
    problems.push(`${at(raw.warmup !== undefined ? 'warmup' : 'cooldown')}: warm-up plus cool-down (${warmup + cooldown} ms) leave nothing of each ${phaseMs} ms phase to measure`);
  }
}

/** Problem text when a duration that must be positive is 0 (the schema already refused negatives). */
export function requirePositiveDuration(value: Duration | undefined, path: string, problems: string[]): void {
  if (value !== undefined && tryParseDuration(value) === 0) problems.push(`${path}: must be more than 0`);
}

/** Problem text when a VU count that must be positive is 0. */
export function requireSomeVus(vus: number, executor: string, path: string, problems: string[]): void {
  if (vus < 1) problems.push(`${path}: ${executor} needs at least 1 VU, got ${vus}`);
}

/** Assemble a closed-loop scenario plan; maxTotalMs = startMs + Σ (durationMs + gracefulStopMs). */
export function closedPlan(name: string, executor: string, scenario: ResolvedScenarioBase, phases: PhasePlan[]): ClosedScenarioPlan {
  const phasesMs = phases.reduce((sum, phase) => sum + phase.durationMs + phase.gracefulStopMs, 0);
  if (scenario.measure !== undefined) phases = phases.map((phase) => ({ ...phase, ...measureOf(scenario) }));
  return {
    kind: 'closed',
    name,
    executor,
    startMs: scenario.startTimeMs,
    exec: scenario.exec,
    tags: { ...scenario.tags },
    env: { ...scenario.env },
    phases,
    maxTotalMs: scenario.startTimeMs + phasesMs,
  };
}
