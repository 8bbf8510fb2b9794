/**
 * Load one of llmload's CommonJS bundles (dist/bundled/*.cjs, built by
 * scripts/bundle-cli.js) from a V8 code cache. The command and every worker
 * thread compile ~1 MB of bundled code at start; Node 20 gives an ES module no
 * code cache, so the bundles are CommonJS, compiled here with one (vm.Script)
 * and run as Node runs a CommonJS module. With an accepted cache a process
 * skips parsing and compiling what it ran last time (BENCHMARKS.md, start-up).
 *
 * The cache is written by the process that compiled without a usable one,
 * once its work is done (saveCodeCache), so that the functions V8 compiled
 * lazily while it ran are in it too.
 */
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { readFileSync } from 'node:fs';
import { codeCacheDir, codeCachePath, codeCacheUse, readCodeCache, writeCodeCacheSync, type CodeCacheUse } from './code-cache.js';

export interface LoadedBundle {
  /** The bundle's module.exports. */
  exports: Record<string, unknown>;
  cache: CodeCacheUse;
  /** Write the bundle's code cache if it was compiled without a usable one; once, synchronously, never throws. */
  saveCodeCache(): void;
}

/** The parameters Node gives a CommonJS module's code, and the import() bundled code uses (import-module.ts). */
type ModuleFunction = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
  importModule: (url: string) => Promise<Record<string, unknown>>,
) => void;

/** Node's own CommonJS wrapper (on one line with the source's first: lines stay the bundle's), and the bundle's import(). */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname, __llmloadImport) { ';
const WRAPPER_END = '\n})';

const importHere = (url: string): Promise<Record<string, unknown>> => import(url) as Promise<Record<string, unknown>>;

/** Compile and run the CommonJS bundle at `url` (a file URL or path), from its code cache where V8 accepts it. */
export function loadBundle(url: string | URL): LoadedBundle {
  const filename = typeof url === 'string' && !url.startsWith('file:') ? url : fileURLToPath(url);
  const name = basename(filename).replace(/\.c?js$/, '');
  const bytes = readFileSync(filename);
  // The bundles are ASCII (test/run/bundled-command.test.ts): read as Latin-1, the text is made from the
  // bytes as they are, without UTF-8 decoding (~10 ms for the command's), and hashed as bytes.
  const code = `${WRAPPER_START}${bytes.toString('latin1')}${WRAPPER_END}`;
  const dir = codeCacheDir();
  const cachePath = codeCachePath(dir, name, filename, WRAPPER_START, bytes, WRAPPER_END);
  const cachedData = readCodeCache(cachePath);
  const script = new Script(code, { filename, cachedData });
  const cache = codeCacheUse(cachedData, script);
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as ModuleFunction)(module.exports, createRequire(filename), module, filename, dirname(filename), importHere);
  let saved = cache === 'used';
  return {
    exports: module.exports,
    cache,
    saveCodeCache(): void {
      if (saved) return;
      saved = true;
      try {
        writeCodeCacheSync(cachePath, script.createCachedData(), dir, name);
      } catch {
        // A cache is an optimisation: none is written.
      }
    },
  };
}
