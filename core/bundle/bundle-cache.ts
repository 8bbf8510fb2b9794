/**
 * Scripts' bundles kept between runs, in the user's cache folder
 * (loading/code-cache.ts): running an unchanged script again loads its
 * bundle from there instead of starting esbuild (its service process, ~0.1
 * CPU-s and ~60 ms of every start; BENCHMARKS.md, start-up).
 *
 * A kept bundle is used only when nothing that built it can have changed:
 * every file esbuild read (its metafile's inputs) has the size and
 * modification time it had; in each of their folders and above them,
 * tsconfig.json, jsconfig.json, package.json and node_modules are as they
 * were (present or absent, same size and time); and every name a relative
 * import could resolve to is as it was: for `./value`, the names in its
 * folder that begin with `value` (value.tsx appearing would take the import
 * over value.ts), and in a `value/` folder those that begin with `index`.
 * Other files written beside a script (its results, a summary export) do not
 * touch its bundle. An import resolved some other way (a tsconfig `paths`
 * alias) watches its file's whole folder. The key holds the script's path,
 * where this llmload's dsl lives (the bundle imports it by URL), esbuild's
 * version and this format's. Anything unreadable is a miss: the script is
 * bundled as before.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { codeCacheDir, writeCacheFile } from '../loading/code-cache.js';

/** Bumped when the bundle options in bundle-script.ts change what a build writes, or this file's entries change shape. */
const FORMAT = 'script-bundle-2';

/** Files beside (and above) a script's sources that change how esbuild resolves and compiles them. */
const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json', 'package.json', 'node_modules'];

/** A path and what it was: size (0 for a folder) and modification time, or absent (-1). */
type Stamp = [path: string, size: number, mtimeMs: number];

/** A folder's entries whose names begin with `prefix`, sorted; null when the folder cannot be listed. */
type Listing = [dir: string, prefix: string, names: string[] | null];

interface Entry {
  format: string;
  stamps: Stamp[];
  listings: Listing[];
  text: string;
}

/** An input of esbuild's metafile, as much of it as is read here. */
export interface BuildInput {
  imports?: ReadonlyArray<{ path: string; original?: string; external?: boolean }>;
}

function stampOf(path: string): Stamp {
  try {
    const stat = statSync(path);
    return [path, stat.isDirectory() ? 0 : stat.size, stat.mtimeMs];
  } catch {
    return [path, -1, -1];
  }
}

/** Lists each folder once per check. */
class Folders {
  readonly #names = new Map<string, string[] | null>();

  listing(dir: string, prefix: string): Listing {
    let names = this.#names.get(dir);
    if (names === undefined) {
      try {
        names = readdirSync(dir);
      } catch {
        names = null;
      }
      this.#names.set(dir, names);
    }
    return [dir, prefix, names === null ? null : names.filter((name) => name.startsWith(prefix)).sort()];
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
  if (entry.format !== FORMAT || !Array.isArray(entry.stamps) || entry.stamps.length === 0 || !Array.isArray(entry.listings) || typeof entry.text !== 'string') {
    return undefined;
  }
  for (const [path, size, mtimeMs] of entry.stamps) {
    const [, nowSize, nowMtimeMs] = stampOf(path);
    if (nowSize !== size || nowMtimeMs !== mtimeMs) return undefined;
  }
  const folders = new Folders();
  for (const [dir, prefix, names] of entry.listings) {
    const [, , now] = folders.listing(dir, prefix);
    if (names === null || now === null ? names !== now : names.join('/') !== now.join('/')) return undefined;
  }
  return entry.text;
}

/**
 * A source changed this close before a build started (or after) may have been read in another
 * state than its stamp says, on file systems whose times are coarse: such a build is not kept.
 */
const SETTLED_MS = 2000;

/** Whether an import specifier names a path (relative or absolute) rather than a package or an alias. */
const isPathSpecifier = (specifier: string): boolean =>
  specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || isAbsolute(specifier);

const inNodeModules = (path: string): boolean => path.includes(`${sep}node_modules${sep}`);

/**
 * Keep the bundle `text` that a build started at `startedAtMs` (Date.now()) made from `inputs`
 * (esbuild's metafile inputs, keyed by path relative to `workingDir`). Never fails.
 */
export async function keepBundle(
  scriptPath: string,
  dslEntryUrl: string,
  text: string,
  inputs: Readonly<Record<string, BuildInput>>,
  workingDir: string,
  startedAtMs: number,
): Promise<void> {
  const files = new Set<string>();
  for (const input of Object.keys(inputs)) {
    // Inputs of other namespaces than files ("ns:path") cannot be stamped: such a build is not kept.
    if (/^[a-z-]+:/i.test(input) && !isAbsolute(input)) return;
    files.add(resolve(workingDir, input));
  }
  if (files.size === 0) return;
  const watched = new Set<string>();
  const listed = new Map<string, [dir: string, prefix: string]>();
  const list = (dir: string, prefix: string): void => void listed.set(`${dir}\0${prefix}`, [dir, prefix]);
  for (const [input, { imports = [] }] of Object.entries(inputs)) {
    const file = resolve(workingDir, input);
    watched.add(file);
    for (let dir = dirname(file); ;) {
      for (const name of CONFIG_NAMES) watched.add(join(dir, name));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    for (const { path, original, external } of imports) {
      if (external === true) continue;
      const specifier = original ?? path;
      if (isPathSpecifier(specifier)) {
        // Every name `./value` may resolve to: value, value.ts, value.tsx, …, value/index.*.
        const target = resolve(dirname(file), specifier);
        if (specifier.endsWith('/')) list(target, 'index');
        else {
          list(dirname(target), basename(target));
          list(target, 'index');
        }
      } else {
        // A package's files change with the package (their stamps, its package.json, node_modules); an
        // alias (tsconfig paths) may resolve anywhere in its target's folder.
        const resolved = resolve(workingDir, path);
        if (!inNodeModules(resolved)) watched.add(dirname(resolved));
      }
    }
  }
  const stamps = [...watched].map(stampOf);
  if (stamps.some(([path, size, mtimeMs]) => files.has(path) && (size < 0 || mtimeMs > startedAtMs - SETTLED_MS))) return;
  const folders = new Folders();
  const listings = [...listed.values()].map(([dir, prefix]) => folders.listing(dir, prefix));
  // A name an import could resolve to that appeared while esbuild ran may not have been seen by it.
  for (const [dir, , names] of listings) {
    for (const name of names ?? []) {
      const [, size, mtimeMs] = stampOf(join(dir, name));
      if (size < 0 || mtimeMs > startedAtMs - SETTLED_MS) return;
    }
  }
  const entry: Entry = { format: FORMAT, stamps, listings, text };
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
