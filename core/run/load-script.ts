/**
 * Loads a bundled script in the controller: runs its init code once and reads
 * its exports (options, setup, teardown, handleSummary, the VU functions).
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import type { BundledScript } from '../bundle/bundle-script.js';
import { importModule } from '../loading/import-module.js';
import type { MetricType } from '../metrics/types.js';

/** dsl/index.ts calls the function found here when a script constructs a Counter, Gauge, Rate or Trend. */
const DECLARED_METRICS_SLOT = Symbol.for('llmload.metrics.declared');

export type ScriptFn = (...args: unknown[]) => unknown;

export interface LoadedScript {
  module: Record<string, unknown>;
  /** The raw `export const options` (validated later), or {} when absent. */
  options: unknown;
  setup: ScriptFn | undefined;
  teardown: ScriptFn | undefined;
  handleSummary: ScriptFn | undefined;
  /** Names of exported functions a scenario may `exec`. */
  functions: Set<string>;
  /**
   * Custom metrics the script's init code declares (`new Trend('x')` at module level), by name.
   * Collected here, in the controller, because this load runs before the target is resolved,
   * setup() runs or any worker connects: thresholds on unknown metrics stop the run before
   * anything is sent. Workers run the same init code, so they declare the same metrics.
   */
  declaredMetrics: Map<string, MetricType>;
}

export async function loadScript(bundle: BundledScript): Promise<LoadedScript> {
  let module: Record<string, unknown>;
  const declaredMetrics = new Map<string, MetricType>();
  const slots = globalThis as Record<symbol, unknown>;
  const previous = slots[DECLARED_METRICS_SLOT];
  slots[DECLARED_METRICS_SLOT] = (name: string, type: MetricType): void => {
    if (!declaredMetrics.has(name)) declaredMetrics.set(name, type);
  };
  try {
    module = await importModule(bundle.bundleUrl);
  } catch (error) {
    throw new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, `${bundle.scriptPath}: the script threw while loading: ${describe(error)}`, {
      cause: error,
      hint: 'code at the top level of a script runs when it loads; move request code into the default function or setup()',
    });
  } finally {
    if (previous === undefined) delete slots[DECLARED_METRICS_SLOT];
    else slots[DECLARED_METRICS_SLOT] = previous;
  }
  const functions = new Set<string>();
  for (const [name, value] of Object.entries(module)) if (typeof value === 'function') functions.add(name);
  const fn = (name: string): ScriptFn | undefined => {
    const value = module[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'function') {
      throw new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, `${bundle.scriptPath}: export "${name}" must be a function, got ${typeof value}`);
    }
    return value as ScriptFn;
  };
  return {
    module,
    options: module['options'] ?? {},
    setup: fn('setup'),
    teardown: fn('teardown'),
    handleSummary: fn('handleSummary'),
    functions,
    declaredMetrics,
  };
}

/** An error's message and, when it points into the script, its location line. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const at = error.stack
    ?.split('\n')
    .find((line) => line.includes('script.mjs'))
    ?.trim();
  return at ? `${error.message} (${at})` : error.message;
}
