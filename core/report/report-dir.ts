/** Where a run's report goes when --report names no folder. */
import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { makeDir } from '../outputs/make-dir.js';

/** The folder all default report folders go in, under the working directory. */
export const RESULTS_ROOT = 'llmload-results';

/** Errors that mean "this folder is read-only": the run then writes no report rather than failing. */
const READ_ONLY = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Create `cwd`/llmload-results/<YYYYMMDD-HHMMSS>-<script name>/ (local time), with -2, -3…
 * when taken, and return it; null when `cwd` is not writable. The leaf is made with a plain
 * mkdir, which fails when the folder exists, so two runs started in the same second (even
 * from two processes) never share a folder.
 */
export async function createDefaultReportDir(cwd: string, scriptPath: string, now: Date = new Date()): Promise<string | null> {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const name = basename(scriptPath, extname(scriptPath)).replace(/[^A-Za-z0-9._-]+/g, '-') || 'run';
  const root = join(cwd, RESULTS_ROOT);
  try {
    await makeDir(root);
  } catch (error) {
    if (READ_ONLY.has((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
  const base = join(root, `${stamp}-${name}`);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      if (READ_ONLY.has(code)) return null;
      throw error;
    }
  }
}
