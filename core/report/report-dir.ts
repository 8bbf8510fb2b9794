/** Where a run's report goes when --report names no folder. */
import { accessSync, constants, existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** The folder all default report folders go in, under the working directory. */
export const RESULTS_ROOT = 'llmload-results';

/**
 * `cwd`/llmload-results/<YYYYMMDD-HHMMSS>-<script name>/ (local time), with -2, -3… when
 * taken; null when `cwd` is not writable (a run in a read-only folder then writes no report
 * rather than failing).
 */
export function defaultReportDir(cwd: string, scriptPath: string, now: Date = new Date()): string | null {
  try {
    accessSync(cwd, constants.W_OK);
  } catch {
    return null;
  }
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const name = basename(scriptPath, extname(scriptPath)).replace(/[^A-Za-z0-9._-]+/g, '-') || 'run';
  const base = join(cwd, RESULTS_ROOT, `${stamp}-${name}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}
