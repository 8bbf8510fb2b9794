/**
 * Loads a bundled script in the controller: runs its init code once and reads
 * its exports (options, setup, teardown, handleSummary, the VU functions).
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import type { BundledScript } from '../bundle/bundle-script.js';

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
}

export async function loadScript(bundle: BundledScript): Promise<LoadedScript> {
  let module: Record<string, unknown>;
  try {
    module = (await import(bundle.bundleUrl)) as Record<string, unknown>;
  } catch (error) {
    throw new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, `${bundle.scriptPath}: the script threw while loading: ${describe(error)}`, {
      cause: error,
      hint: 'code at the top level of a script runs when it loads; move request code into the default function or setup()',
    });
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
  };
}

/** An error's message and, when it points into the script, its location line. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const at = error.stack?.split('\n').find((line) => line.includes('script.mjs'))?.trim();
  return at ? `${error.message} (${at})` : error.message;
}
