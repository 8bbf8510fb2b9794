/**
 * Where a relative input file named in a script (a dataset, a tokenizer.json)
 * is read from: next to the script, as k6's open() and the script's own
 * imports resolve, so that a script kept in version control with its data
 * runs from any working directory. A path that exists only relative to the
 * working directory (how earlier versions resolved it) is still found there.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export interface InputPath {
  /** Absolute path to read. */
  path: string;
  /** Where it was looked for, for a "cannot read" message. */
  tried: readonly string[];
}

/** Resolve `given` against `scriptDir` first, then the working directory. */
export function resolveInputPath(given: string, scriptDir: string): InputPath {
  if (isAbsolute(given)) return { path: given, tried: [given] };
  const nextToScript = resolve(scriptDir, given);
  if (existsSync(nextToScript)) return { path: nextToScript, tried: [nextToScript] };
  const fromCwd = resolve(given);
  if (fromCwd !== nextToScript && existsSync(fromCwd)) return { path: fromCwd, tried: [nextToScript, fromCwd] };
  return { path: nextToScript, tried: fromCwd === nextToScript ? [nextToScript] : [nextToScript, fromCwd] };
}

/** " (looked for a, b)" when more than the given path was tried, for error messages. */
export function triedSuffix(input: InputPath): string {
  return ` (looked for ${input.tried.join(' and ')})`;
}
