/**
 * What vega draws a chart from (vega-lite's compile of its spec to Vega,
 * then vega's parse of that into a dataflow description), cached by the
 * chart's shape: a report whose chart shapes have been drawn before (on this
 * machine, with these vega and vega-lite bundles) loads no vega-lite and
 * parses no Vega spec, the two costliest steps before vega's own run.
 *
 * Both steps are deterministic, and an inline dataset only passes through
 * them: vega-lite makes it a Vega data entry's `values` (deep-equal datasets
 * sharing one entry), and vega's parse the value its dataflow ingests. So a
 * chart's spec is built with each dataset replaced by a one-row stand-in
 * (deep-equal datasets by the same one), and the real datasets are put back
 * in place of the stand-ins; the result is what the chart as it is builds
 * to. The built shape is kept in memory and in the user's cache folder
 * (code-cache.ts), keyed by the shape and by the bundles' hashes.
 *
 * Anything unexpected (a stand-in that is not where it should be, a cache
 * file that is unreadable or not intact) falls back to building the chart
 * as it is.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { codeCacheDir, writeCacheFile } from '../loading/code-cache.js';
import { bundleDigest } from './vega-bundles.js';

type Spec = Record<string, unknown>;

/** The stand-in row's one field; no chart has a field of this name. */
const STAND_IN = '__llmloadDataset';
/** Built shapes kept on disk; past this many, the least recently written are removed. */
const MAX_FILES = 256;

export interface SpecShape {
  /** The spec with each inline dataset replaced by a stand-in. */
  spec: Spec;
  /** The datasets, by stand-in number. */
  datasets: unknown[][];
}

/** Replace every inline dataset (`data: { values: [...] }`) by a one-row stand-in; deep-equal datasets get the same one, as vega-lite merges them. */
export function specShape(spec: Spec): SpecShape {
  const datasets: unknown[][] = [];
  const standIn = (values: unknown[]): number => {
    const found = datasets.findIndex((d) => deepEqual(d, values));
    return found >= 0 ? found : datasets.push(values) - 1;
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Spec = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = key === 'data' && isInlineData(value) ? { ...value, values: [{ [STAND_IN]: standIn(value.values) }] } : walk(value);
    }
    return out;
  };
  return { spec: walk(spec) as Spec, datasets };
}

function isInlineData(value: unknown): value is { values: unknown[] } {
  return value !== null && typeof value === 'object' && Array.isArray((value as { values?: unknown }).values);
}

/**
 * The built shape (JSON) with its datasets put back in place of the stand-ins (each an array of one
 * stand-in row, wherever it is), or null when a stand-in is anywhere else or a dataset is missing
 * (then the shape does not stand for the chart).
 */
export function fillDatasets(builtJson: string, datasets: readonly unknown[][]): unknown {
  const built = JSON.parse(builtJson) as unknown;
  const seen = new Set<number>();
  let filled = 0;
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      const index = node.length === 1 ? (node[0] as Record<string, unknown> | null)?.[STAND_IN] : undefined;
      if (typeof index === 'number' && datasets[index] !== undefined) {
        seen.add(index);
        filled++;
        return datasets[index];
      }
      for (let i = 0; i < node.length; i++) node[i] = walk(node[i]);
      return node;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = walk(record[key]);
    return record;
  };
  const result = walk(built);
  const mentions = builtJson.split(`"${STAND_IN}"`).length - 1;
  return seen.size === datasets.length && mentions === filled ? result : null;
}

/** Same meaning as vega-lite's deepEqual for JSON values (key order aside, NaN equal to NaN). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], other[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const key of keys) if (!Object.prototype.hasOwnProperty.call(y, key) || !deepEqual(x[key], y[key])) return false;
  return true;
}

export interface SpecCacheUse {
  /** Charts whose built shape was in memory or in the cache folder. */
  hits: number;
  /** Charts whose shape was built (vega-lite's compile, vega's parse). */
  misses: number;
}

const use: SpecCacheUse = { hits: 0, misses: 0 };
/** Built shapes (JSON) by key, for charts of one shape drawn twice in a process. */
const memory = new Map<string, string>();

/** How many charts this process drew from a cached shape, and how many it built. */
export function vegaSpecCacheUse(): SpecCacheUse {
  return { ...use };
}

/**
 * What `build` makes of a chart's Vega-Lite spec (vega's dataflow description: vega-lite's compile,
 * then vega's parse), from a cached build of the chart's shape with its datasets put back, or built
 * from the shape and cached. `build` must be a pure function of the spec whose result is JSON.
 */
export async function builtVegaSpec(spec: Spec, build: (spec: Spec) => Promise<unknown>): Promise<unknown> {
  const shape = specShape(spec);
  const shapeJson = JSON.stringify(shape.spec);
  const key = createHash('sha256')
    .update(await bundleDigest('vega-lite'))
    .update('\0')
    .update(await bundleDigest('vega'))
    .update('\0')
    .update(shapeJson)
    .digest('hex')
    .slice(0, 32);
  const dir = join(codeCacheDir(), 'vega-specs');
  const path = join(dir, `${key}.json`);
  let builtJson = memory.get(key) ?? readBuilt(path, shapeJson);
  const cached = builtJson !== undefined;
  if (builtJson === undefined) {
    builtJson = JSON.stringify(await build(shape.spec));
    if (await writeCacheFile(path, encode(shapeJson, builtJson), dir)) await prune(dir);
  }
  memory.set(key, builtJson);
  const filled = fillDatasets(builtJson, shape.datasets);
  if (filled === null) {
    use.misses++;
    return build(spec);
  }
  if (cached) use.hits++;
  else use.misses++;
  return filled;
}

/** A cache file: the shape (so a file is only ever used for its own shape), what it built, and a hash of both. */
function encode(shapeJson: string, builtJson: string): string {
  return JSON.stringify({ shape: shapeJson, vega: builtJson, sha256: digest(shapeJson, builtJson) });
}

function digest(shapeJson: string, builtJson: string): string {
  return createHash('sha256').update(shapeJson).update('\0').update(builtJson).digest('hex');
}

/** The build cached for `shapeJson` at `path`; undefined when none, unreadable, not intact or another shape's. */
function readBuilt(path: string, shapeJson: string): string | undefined {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as { shape?: unknown; vega?: unknown; sha256?: unknown };
    if (file.shape !== shapeJson || typeof file.vega !== 'string' || file.sha256 !== digest(shapeJson, file.vega)) return undefined;
    return file.vega;
  } catch {
    return undefined;
  }
}

/** Keep the folder to MAX_FILES shapes (titles and group names vary between runs, so shapes accumulate): the least recently written go. */
async function prune(dir: string): Promise<void> {
  try {
    const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
    if (names.length <= MAX_FILES) return;
    const files = await Promise.all(names.map(async (name) => ({ path: join(dir, name), mtimeMs: (await stat(join(dir, name))).mtimeMs })));
    files.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const file of files.slice(0, files.length - MAX_FILES)) await rm(file.path, { force: true });
  } catch {
    // Another process pruning at the same time, or a folder that went away: the next write prunes again.
  }
}
