/**
 * Scripts' bundles kept between runs, in the user's cache folder
 * (loading/code-cache.ts): running an unchanged script again loads its
 * bundle from there instead of starting esbuild (its service process, ~0.1
 * CPU-s and ~60 ms of every start; BENCHMARKS.md, start-up).
 *
 * A kept bundle is used only when nothing that built it can have changed:
 * every file esbuild read (its metafile's inputs) has the size and
 * modification time it had, each folder those files are in has the same
 * modification time (a file added beside an import can change what the
 * import resolves to), and in each of those folders and above them,
 * tsconfig.json, jsconfig.json, package.json and node_modules are as they
 * were (present or absent, same size and time). The key holds the script's
 * path, where this llmload's dsl lives (the bundle imports it by URL),
 * esbuild's version and this format's. Anything unreadable is a miss: the
 * script is bundled as before.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { codeCacheDir, writeCacheFile } from '../loading/code-cache.js';

/** Bumped when the bundle options in bundle-script.ts change what a build writes. */
const FORMAT = 'script-bundle-1';

/** Files beside (and above) a script's sources that change how esbuild resolves and compiles them. */
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json', 'package.json', 'node_modules'];

/** A path and what it was: size and modification time, or absent (-1). */
type Stamp = [path: string, size: number, mtimeMs: number];

interface Entry {
  format: string;
  stamps: Stamp[];
  text: string;
}

function stampOf(path: string): Stamp {
  try {
    const stat = statSync(path);
    return [path, stat.isDirectory() ? 0 : stat.size, stat.mtimeMs];
  } catch {
    return [path, -1, -1];
  }
}

let esbuildVersion: string | undefined;

function versionOfEsbuild(): string {
  if (esbuildVersion === undefined) {
    try {
      const path = createRequire(import.meta.url).resolve('esbuild/package.json');
      esbuildVersion = String((JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version);
    } catch {
      esbuildVersion = 'unknown';
    }
  }
  return esbuildVersion;
}

function entryPath(scriptPath: string, dslEntryUrl: string): string {
  const key = createHash('sha256').update([FORMAT, versionOfEsbuild(), dslEntryUrl, scriptPath].join('\0')).digest('hex').slice(0, 32);
  return join(codeCacheDir(), 'scripts', `${key}.json`);
}

/** The kept bundle of `scriptPath` (absolute) when nothing that built it changed; else undefined. */
export function readKeptBundle(scriptPath: string, dslEntryUrl: string): string | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(entryPath(scriptPath, dslEntryUrl), 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  if (entry.format !== FORMAT || !Array.isArray(entry.stamps) || entry.stamps.length === 0 || typeof entry.text !== 'string') return undefined;
  for (const [path, size, mtimeMs] of entry.stamps) {
    const [, nowSize, nowMtimeMs] = stampOf(path);
    if (nowSize !== size || nowMtimeMs !== mtimeMs) return undefined;
  }
  return entry.text;
}

/**
 * A source changed this close before a build started (or after) may have been read in another
 * state than its stamp says, on file systems whose times are coarse: such a build is not kept.
 */
const SETTLED_MS = 2000;

/**
 * Keep the bundle `text` that a build started at `startedAtMs` (Date.now()) made from `inputs`
 * (esbuild's metafile inputs, relative to `workingDir`). Never fails.
 */
export async function keepBundle(scriptPath: string, dslEntryUrl: string, text: string, inputs: readonly string[], workingDir: string, startedAtMs: number): Promise<void> {
  const files = new Set<string>();
  for (const input of inputs) {
    // Inputs of other namespaces than files ("ns:path") cannot be stamped: such a build is not kept.
    if (/^[a-z-]+:/i.test(input) && !isAbsolute(input)) return;
    files.add(resolve(workingDir, input));
  }
  if (files.size === 0) return;
  const watched = new Set<string>();
  for (const file of files) {
    watched.add(file);
    let dir = dirname(file);
    watched.add(dir);
    for (;;) {
      for (const name of CONFIG_NAMES) watched.add(join(dir, name));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const stamps = [...watched].map(stampOf);
  if (stamps.some(([path, size, mtimeMs]) => files.has(path) && (size < 0 || mtimeMs > startedAtMs - SETTLED_MS))) return;
  const entry: Entry = { format: FORMAT, stamps, text };
  const path = entryPath(scriptPath, dslEntryUrl);
  if (await writeCacheFile(path, JSON.stringify(entry), dirname(path))) await keepNewest(dirname(path), KEPT_SCRIPTS);
}

/** Scripts whose bundles are kept: the most recently built; older ones are removed when a build is kept. */
const KEPT_SCRIPTS = 200;

async function keepNewest(dir: string, count: number): Promise<void> {
  try {
    const files = (await readdir(dir)).filter((file) => file.endsWith('.json'));
    if (files.length <= count) return;
    const dated = await Promise.all(files.map(async (file) => ({ file, mtimeMs: (await stat(join(dir, file)).catch(() => null))?.mtimeMs ?? 0 })));
    dated.sort((a, b) => b.mtimeMs - a.mtimeMs);
    await Promise.all(dated.slice(count).map(({ file }) => rm(join(dir, file), { force: true })));
  } catch {
    // Another process is trimming too, or the folder cannot be listed: they are only disk space.
  }
}
