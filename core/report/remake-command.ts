/**
 * The `llmload report …` command printed at the foot of a report: a path
 * that works from where the user stood when the report was written (relative
 * to that folder, or absolute when the report lies outside it), quoted for a
 * shell when it needs to be.
 */
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * `llmload report DIR` when the raw results are the folder's own results.ndjson,
 * else `llmload report RESULTS --out DIR`. `resultsPath` null: the folder's own.
 */
export function remakeCommand(dir: string, resultsPath: string | null, cwd: string): string {
  const folder = resolve(cwd, dir);
  const results = resultsPath === null ? null : resolve(cwd, resultsPath);
  if (results === null || results === resolve(folder, 'results.ndjson')) {
    return `llmload report ${shownPath(folder, cwd)}`;
  }
  return `llmload report ${shownPath(results, cwd)} --out ${shownPath(folder, cwd)}`;
}

/** A path as the user types it from `cwd`: relative inside it, absolute outside it, '.' for cwd itself; shell-quoted when needed. */
export function shownPath(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  const rel = relative(cwd, absolute);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  return /^[\w./@:+-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}
