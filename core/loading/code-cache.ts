/**
 * V8 code caches, kept where the user's machine keeps caches: for llmload's
 * own bundled command and worker entry (load-bundle.ts), compiled at every
 * start, and for the vega and vega-lite bundles a report draws its charts
 * with (report/vega-bundles.ts). Compiling the same source is the same work
 * every time on one Node; a cache made after the code ran holds the functions
 * it compiled lazily too.
 *
 * Folder: $XDG_CACHE_HOME/llmload (or ~/.cache/llmload, %LOCALAPPDATA% on
 * Windows, the temporary folder when there is no home), then one folder per
 * llmload version, Node, V8 and CPU architecture, since V8 accepts a cache
 * only from the same build. A file is named after a hash of the source it
 * was compiled from: V8 itself checks only the source's length.
 *
 * A cache is an optimisation, never a condition: a file that cannot be read,
 * fails its checksum or that V8 rejects is ignored (the source compiles from
 * scratch), and one that cannot be written is left unwritten, silently.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { llmloadVersion } from './version.js';

/** Ahead of the payload: identifies the format, then the payload's SHA-256 (V8 does not checksum a cache in release builds). */
const MAGIC = Buffer.from('llmload-v8-code-cache-1\n', 'latin1');
const DIGEST_BYTES = 32;

/** What became of a script's code cache when it was compiled. */
export type CodeCacheUse = 'used' | 'rejected' | 'none';

/** What V8 did with `cachedData` given to a Script: none given, accepted or rejected. */
export function codeCacheUse(cachedData: Buffer | undefined, script: { cachedDataRejected?: boolean | undefined }): CodeCacheUse {
  return cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used';
}

/** The folder for this llmload, Node, V8 and architecture's code caches. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const build = `${llmloadVersion()}-node${process.versions.node}-v8${process.versions.v8}-${process.arch}`;
  return join(cacheRoot(env), 'llmload', build);
}

/** A build's folder name, as codeCacheDir() makes it. */
const BUILD_FOLDER = /^[^/\\]+-node\d+\.\d+\.\d+[^/\\]*-v8[^/\\]+-[a-z0-9]+$/;
/** Another build's folder written to for none of this long is removed when a new build's folder is made. */
export const STALE_BUILD_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * After `mkdir -p` made `created` (the first folder it made): when that is a build's folder (a new llmload,
 * Node or V8 on this machine), remove the other builds' folders beside it that nothing was written to for
 * STALE_BUILD_MS (the folder's and its subfolders' modification times): an upgrade leaves a few MB each,
 * which nothing else removes. A build still in use writes again after it (its cache is rebuilt once).
 */
export function pruneStaleBuilds(created: string | undefined, nowMs = Date.now()): void {
  if (created === undefined || !BUILD_FOLDER.test(basename(created))) return;
  const root = dirname(created);
  try {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !BUILD_FOLDER.test(entry.name) || entry.name === basename(created)) continue;
      const folder = join(root, entry.name);
      let lastWrite = statSync(folder).mtimeMs;
      for (const inner of readdirSync(folder, { withFileTypes: true })) {
        if (inner.isDirectory()) lastWrite = Math.max(lastWrite, statSync(join(folder, inner.name)).mtimeMs);
      }
      if (nowMs - lastWrite > STALE_BUILD_MS) rmSync(folder, { recursive: true, force: true });
    }
  } catch {
    // Another process pruning at the same time, or a folder that cannot be read: only disk space.
  }
}

function cacheRoot(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return xdg;
  const local = env['LOCALAPPDATA'];
  if (process.platform === 'win32' && local !== undefined && isAbsolute(local)) return local;
  let home = '';
  try {
    home = homedir();
  } catch {
    // No home folder (a user without one in the password database): fall through.
  }
  return home !== '' && isAbsolute(home) ? join(home, '.cache') : tmpdir();
}

/**
 * The cache file for `name` compiled from `source` (its parts, in order: a Buffer is hashed as it is,
 * without decoding) at `filename`. The path is part of the key because V8 keeps the name a script was
 * cached under: code loaded from another install's cache would show that install's paths in its stack
 * traces and source-map lookups.
 */
export function codeCachePath(dir: string, name: string, filename: string, ...source: ReadonlyArray<string | Buffer>): string {
  const hasher = createHash('sha256').update(filename).update('\0');
  for (const part of source) hasher.update(part);
  const hash = hasher.digest('hex').slice(0, 24);
  return join(dir, `${name}-${hash}.v8cache`);
}

/** The cached data in `path`, or undefined when there is none, it cannot be read or it is not intact. */
export function readCodeCache(path: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  const start = MAGIC.length + DIGEST_BYTES;
  if (file.length <= start || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const payload = file.subarray(start);
  const digest = createHash('sha256').update(payload).digest();
  return digest.equals(file.subarray(MAGIC.length, start)) ? payload : undefined;
}

/** The file's contents: format, the payload's SHA-256, the payload. */
function framed(data: Buffer): Buffer {
  return Buffer.concat([MAGIC, createHash('sha256').update(data).digest(), data]);
}

/** Caches of one name kept in a folder: a build's own and a few before it (two checkouts run in turn keep theirs). */
const KEPT_PER_NAME = 4;

/**
 * writeCodeCache(), synchronously: for a process that is exiting. Of the caches of `name` in the
 * folder (one per build of the source), the newest KEPT_PER_NAME stay, so that rebuilding does not
 * pile them up.
 */
export function writeCodeCacheSync(path: string, data: Buffer, dir: string, name: string): boolean {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    pruneStaleBuilds(mkdirSync(dir, { recursive: true }));
    writeFileSync(tmp, framed(data));
    renameSync(tmp, path);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was written, or it cannot be removed either: left as it is.
    }
    return false;
  }
  pruneOlder(dir, name);
  return true;
}

/** Of the caches of `name` in `dir` (`NAME-<24 hex>.v8cache`), remove all but the newest KEPT_PER_NAME. */
function pruneOlder(dir: string, name: string): void {
  try {
    const older = readdirSync(dir)
      .filter((file) => file.startsWith(`${name}-`) && file.endsWith('.v8cache') && /^[0-9a-f]{24}$/.test(file.slice(name.length + 1, -'.v8cache'.length)))
      .map((file) => ({ file, mtimeMs: statSync(join(dir, file)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs)
      .slice(KEPT_PER_NAME);
    for (const { file } of older) rmSync(join(dir, file), { force: true });
  } catch {
    // Another process removed them first, or the folder cannot be listed: they are only disk space.
  }
}

/**
 * Write cached data to `path`, whole or not at all (writeCacheFile); then, as writeCodeCacheSync, keep the
 * newest KEPT_PER_NAME caches of `name` (one per install path and source: each checkout or npx install of
 * llmload has its own). True when written.
 */
export async function writeCodeCache(path: string, data: Buffer, dir: string, name: string): Promise<boolean> {
  const written = await writeCacheFile(path, framed(data), dir);
  if (written) pruneOlder(dir, name);
  return written;
}

/**
 * Write a cache file whole or not at all: a temporary file renamed over it, so a reader never sees
 * half a file, and two processes writing at once leave one whole file. True when written; false
 * (and nothing left behind) when the folder cannot be made or written.
 */
export async function writeCacheFile(path: string, contents: Buffer | string, dir: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    pruneStaleBuilds(await mkdir(dir, { recursive: true }));
    await writeFile(tmp, contents);
    await rename(tmp, path);
    return true;
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
    return false;
  }
}
