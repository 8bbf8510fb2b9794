/**
 * vega, vega-lite and vega-embed as their single-file browser bundles (the
 * `*.min.js` files each package ships beside its main entry): report.html
 * inlines their source, and the SVG charts are rendered with the vega and
 * vega-lite they define.
 *
 * Rendering loads the bundles rather than the packages' ES modules: the
 * modules are ~100 files across ~30 packages, whose resolution and
 * compilation cost ~0.35 CPU-s per process against ~0.1 for the two bundles,
 * and the bundles' source is read for report.html anyway. They are the same
 * versions of the same code; without a DOM (Node) vega measures text by its
 * estimate in both, so the SVG is the same.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { ErrorCode, LlmloadError } from '../errors.js';
import { codeCacheDir, codeCachePath, codeCacheUse, readCodeCache, writeCodeCache, type CodeCacheUse } from '../loading/code-cache.js';

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');

/** The browser bundles, in load order (vega-lite needs vega; vega-embed needs both). */
const BUNDLES = [
  { module: 'vega', file: 'vega.min.js' },
  { module: 'vega-lite', file: 'vega-lite.min.js' },
  { module: 'vega-embed', file: 'vega-embed.min.js' },
] as const;

type BundleName = (typeof BUNDLES)[number]['module'];

export interface BundleSource {
  module: BundleName;
  path: string;
  source: string;
  /** The file as read: hashed as it is (hashing the text would encode ~1.3 MB back to UTF-8 first). */
  bytes: Buffer;
}

let sources: Promise<BundleSource[]> | undefined;

/** The three bundles' source, in load order, read once per process. */
export function bundleSources(): Promise<BundleSource[]> {
  sources ??= Promise.all(
    BUNDLES.map(async ({ module, file }) => {
      // Each package's main entry lives in its build/ folder, next to the browser bundle.
      const path = join(dirname(fileURLToPath(import.meta.resolve(module))), file);
      try {
        const bytes = await readFile(path);
        return { module, path, source: bytes.toString('utf8'), bytes };
      } catch (error) {
        throw new LlmloadError(ErrorCode.OUTPUT, `cannot read ${module}'s bundle: ${path}: ${(error as Error).message}`, { cause: error });
      }
    }),
  );
  return sources;
}

let vega: Promise<VegaModule> | undefined;
let vegaLite: Promise<VegaLiteModule> | undefined;
let cacheDir: string | undefined;

/** vega, evaluated from its bundle once per process. */
export function loadVega(): Promise<VegaModule> {
  vega ??= bundleSources().then((list) => evaluateUmd(sourceOf(list, 'vega'), () => undefined) as VegaModule);
  return vega;
}

/** vega-lite (and vega, which it needs), evaluated from their bundles once per process. */
export function loadVegaLite(): Promise<VegaLiteModule> {
  vegaLite ??= Promise.all([bundleSources(), loadVega()]).then(
    ([list, vegaModule]) => evaluateUmd(sourceOf(list, 'vega-lite'), (name) => (name === 'vega' ? vegaModule : undefined)) as VegaLiteModule,
  );
  return vegaLite;
}

const digests = new Map<BundleName, Promise<string>>();

/** A hash of a bundle's source: what a cache of something it computed is valid for. */
export function bundleDigest(name: BundleName): Promise<string> {
  let digest = digests.get(name);
  if (digest === undefined) {
    digest = bundleSources().then((list) => createHash('sha256').update(sourceOf(list, name).bytes).digest('hex'));
    digests.set(name, digest);
  }
  return digest;
}

function sourceOf(list: readonly BundleSource[], name: BundleName): BundleSource {
  return list.find((b) => b.module === name)!;
}

interface CompiledBundle {
  module: BundleName;
  script: Script;
  cachePath: string;
  cache: CodeCacheUse;
  /** This process wrote the bundle's cache. */
  saved: boolean;
}

/** The bundles compiled in this process, for their code caches. */
const compiled: CompiledBundle[] = [];

/** Per bundle compiled so far, whether its code cache was used, rejected or absent. */
export function bundleCodeCacheUse(): Array<{ module: BundleName; cache: CodeCacheUse }> {
  return compiled.map(({ module, cache }) => ({ module, cache }));
}

/**
 * Write the code cache of every bundle compiled without a usable one. Called once the charts are
 * drawn, so the functions they compiled lazily are in it too. Never fails: a folder that cannot be
 * written is left as it is.
 */
export async function saveBundleCodeCaches(): Promise<void> {
  if (cacheDir === undefined) return;
  for (const bundle of compiled) {
    if (bundle.cache === 'used' || bundle.saved) continue;
    let data: Buffer;
    try {
      data = bundle.script.createCachedData();
    } catch {
      continue;
    }
    bundle.saved = await writeCodeCache(bundle.cachePath, data, cacheDir, bundle.module);
  }
}

const UMD_START = '(function (exports, require, module) {';
const UMD_END = '\n})';

/**
 * Run a UMD bundle as CommonJS: it fills `exports` (or sets `module.exports`),
 * taking its dependencies from `require`. Source-map parsing is off while it
 * compiles (the CLI maps stack traces; the bundles' maps are megabytes nobody reads).
 * V8 starts from the bundle's code cache when there is one it accepts.
 */
function evaluateUmd(bundle: BundleSource, require: (name: string) => unknown): unknown {
  cacheDir ??= codeCacheDir();
  const enabled = process.sourceMapsEnabled;
  if (enabled) process.setSourceMapsEnabled(false);
  try {
    const code = `${UMD_START}${bundle.source}${UMD_END}`;
    const cachePath = codeCachePath(cacheDir, bundle.module, bundle.path, UMD_START, bundle.bytes, UMD_END);
    const cachedData = readCodeCache(cachePath);
    const wrapper = new Script(code, { filename: bundle.path, cachedData });
    const cache = codeCacheUse(cachedData, wrapper);
    compiled.push({ module: bundle.module, script: wrapper, cachePath, cache, saved: false });
    const module = { exports: {} as unknown };
    (wrapper.runInThisContext() as (exports: unknown, require: (name: string) => unknown, module: { exports: unknown }) => void)(module.exports, require, module);
    return module.exports;
  } catch (error) {
    throw new LlmloadError(ErrorCode.ENGINE, `cannot load ${bundle.module} from ${bundle.path}: ${(error as Error).message}`, { cause: error });
  } finally {
    if (enabled) process.setSourceMapsEnabled(true);
  }
}
