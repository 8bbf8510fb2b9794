/**
 * setup() and teardown(): run once in the controller, each with its timeout.
 * What setup() returns is structured-cloned to every worker.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { formatDuration } from '../options/duration.js';
import type { ScriptFn } from './load-script.js';
import { describe } from './load-script.js';

export async function runLifecycleHook(name: 'setup' | 'teardown', fn: ScriptFn | undefined, args: unknown[], timeoutMs: number): Promise<unknown> {
  if (fn === undefined) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const code = name === 'setup' ? ErrorCode.SETUP_TIMEOUT : ErrorCode.TEARDOWN_TIMEOUT;
      reject(new LlmloadError(code, `${name}() did not finish within ${formatDuration(timeoutMs)}`, { hint: `raise options.${name}Timeout` }));
    }, timeoutMs);
  });
  try {
    const data = await Promise.race([Promise.resolve().then(() => fn(...args)), timeout]);
    if (name === 'setup') checkCloneable(data);
    return data;
  } catch (error) {
    if (error instanceof LlmloadError) throw error;
    throw new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, `${name}() threw: ${describe(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** setup() data must survive structured clone to reach the workers. */
function checkCloneable(data: unknown): void {
  try {
    structuredClone(data);
  } catch (error) {
    throw new LlmloadError(ErrorCode.SCRIPT_EXCEPTION, `setup() returned data that cannot be sent to the VUs: ${(error as Error).message}`, {
      hint: 'return plain data (objects, arrays, strings, numbers), not functions or class instances with methods',
    });
  }
}
