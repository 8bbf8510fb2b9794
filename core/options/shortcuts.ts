/**
 * k6's shortcut options (vus, duration, iterations, stages) and where every
 * scenario to check comes from. Rules as k6 lib/executor/execution_config_shortcuts.go
 * (DeriveScenariosFromShortcuts), first match wins:
 *
 *   iterations (+vus, +duration as maxDuration) → shared-iterations
 *   duration (+vus)                             → constant-vus
 *   stages (non-empty)                          → ramping-vus, startVUs = vus ?? 1
 *   vus alone                                   → shared-iterations, iterations = vus
 *   nothing                                     → per-vu-iterations, 1 VU, 1 iteration
 *
 * and the result is one scenario named 'default'. k6 refuses iterations or
 * duration together with stages, and any of them together with scenarios; so
 * does llmload, and it also refuses `vus` with scenarios, which k6 silently
 * ignores (grafana/k6#3741). An empty `stages: []` counts as not set, as in k6.
 */
import type { FieldPath } from '../executors/executor.js';
import { isExecutorName } from '../executors/registry.js';
import { childPointer, propertyPath } from './option-path.js';
import { isPlainObject } from './plain-object.js';
import type { Options, ScenarioOptions } from './types.js';

/** Name of the scenario the shortcuts make. */
export const DEFAULT_SCENARIO_NAME = 'default';

/** A scenario to check and resolve, with where its fields are in the user's options. */
export interface ScenarioSource {
  readonly name: string;
  readonly raw: ScenarioOptions;
  readonly at: FieldPath;
  /** JSON pointers of the option values it was made from: a schema error under one means its semantics are skipped. */
  readonly pointers: readonly string[];
}

const SHORTCUT_KEYS = ['vus', 'duration', 'iterations', 'stages'] as const;

/** Shortcut-field → top-level option it came from, for messages about the 'default' scenario. */
const SHORTCUT_FIELD_SOURCE: Readonly<Record<string, string>> = {
  vus: 'vus',
  startVUs: 'vus',
  iterations: 'iterations',
  duration: 'duration',
  maxDuration: 'duration',
  stages: 'stages',
};

/** Whether a top-level shortcut counts as set (k6: stages only when non-empty). */
function isSet(options: Record<string, unknown>, key: (typeof SHORTCUT_KEYS)[number]): boolean {
  const value = options[key];
  if (key === 'stages') return value !== undefined && !(Array.isArray(value) && value.length === 0);
  return value !== undefined;
}

/** Every shortcut conflict, each naming both options. */
export function shortcutConflicts(options: Record<string, unknown>, source: string): string[] {
  const problems: string[] = [];
  if (options['scenarios'] !== undefined) {
    for (const key of SHORTCUT_KEYS) {
      if (isSet(options, key)) {
        problems.push(`${source}.${key}: cannot be used together with ${source}.scenarios (move it into a scenario)`);
      }
    }
    return problems;
  }
  if (isSet(options, 'stages')) {
    for (const key of ['iterations', 'duration'] as const) {
      if (isSet(options, key)) problems.push(`${source}.${key}: cannot be used together with ${source}.stages`);
    }
  }
  return problems;
}

/**
 * The scenarios to check: the named ones (those whose executor runs; the
 * schema reports the others), or the one the shortcuts make, unless
 * `withShortcut` is false (when shortcutConflicts() found some).
 */
export function scenarioSources(options: Record<string, unknown>, source: string, withShortcut: boolean): ScenarioSource[] {
  const scenarios = options['scenarios'];
  if (isPlainObject(scenarios) && Object.keys(scenarios).length > 0) {
    const base = `${source}.scenarios`;
    return Object.entries(scenarios).flatMap(([name, raw]): ScenarioSource[] => {
      if (!isPlainObject(raw) || !isExecutorName(raw['executor'])) return [];
      const scenarioPath = propertyPath(base, name);
      return [
        {
          name,
          raw: raw as unknown as ScenarioOptions,
          at: (field) => (field === '' ? scenarioPath : propertyPath(scenarioPath, field)),
          pointers: [childPointer('/scenarios', name)],
        },
      ];
    });
  }
  if (!withShortcut || (scenarios !== undefined && !isPlainObject(scenarios))) return [];
  return [
    {
      name: DEFAULT_SCENARIO_NAME,
      raw: shortcutScenario(options),
      at: (field) => (field === '' ? source : `${source}.${SHORTCUT_FIELD_SOURCE[field] ?? field}`),
      pointers: SHORTCUT_KEYS.map((key) => `/${key}`),
    },
  ];
}

/** The 'default' scenario the shortcuts describe (k6 rules above). */
export function shortcutScenario(options: Options): ScenarioOptions {
  const { vus, duration, iterations, stages } = options;
  if (iterations !== undefined) {
    return {
      executor: 'shared-iterations',
      iterations,
      ...(vus === undefined ? {} : { vus }),
      ...(duration === undefined ? {} : { maxDuration: duration }),
    };
  }
  if (duration !== undefined) return { executor: 'constant-vus', duration, ...(vus === undefined ? {} : { vus }) };
  if (stages !== undefined && stages.length > 0) return { executor: 'ramping-vus', startVUs: vus ?? 1, stages };
  if (vus !== undefined) return { executor: 'shared-iterations', vus, iterations: vus };
  return { executor: 'per-vu-iterations', vus: 1, iterations: 1 };
}
