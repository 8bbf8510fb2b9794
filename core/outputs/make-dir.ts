/**
 * Create a folder and its missing parents, one level at a time.
 *
 * Not `mkdir(…, { recursive: true })`: on some file systems (/proc, /sys) Node's
 * recursive mkdir gets ENOENT for a parent that exists and retries forever at
 * 100 % CPU. Here each level is tried at most twice, so a folder that cannot be
 * made fails at once with the OS's reason.
 */
import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Make `dir` (and its parents) unless it exists as a folder; throws the OS error otherwise. */
export async function makeDir(dir: string): Promise<void> {
  const path = resolve(dir);
  try {
    await mkdir(path);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return checkIsDir(path, error, (await stat(path)).isDirectory());
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw error;
  }
  await makeDir(dirname(path));
  try {
    await mkdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    checkIsDir(path, error, (await stat(path)).isDirectory());
  }
}

/** makeDir, synchronously. */
export function makeDirSync(dir: string): void {
  const path = resolve(dir);
  try {
    mkdirSync(path);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return checkIsDir(path, error, statSync(path).isDirectory());
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw error;
  }
  makeDirSync(dirname(path));
  try {
    mkdirSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    checkIsDir(path, error, statSync(path).isDirectory());
  }
}

function checkIsDir(path: string, error: unknown, isDir: boolean): void {
  if (isDir) return;
  const notDir = new Error(`ENOTDIR: not a directory, mkdir '${path}'`) as NodeJS.ErrnoException;
  notDir.code = 'ENOTDIR';
  notDir.cause = error;
  throw notDir;
}
