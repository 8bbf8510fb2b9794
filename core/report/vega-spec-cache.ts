/**
 * Vega specs compiled from the charts' Vega-Lite specs, cached by shape, so a
 * report whose charts have been drawn before (on this machine, with this
 * vega-lite) does not load vega-lite at all.
 *
 * vega-lite's compile is deterministic, and an inline dataset only passes
 * through it: it becomes a Vega data entry's `values`, and datasets that are
 * deep-equal share one entry. So a chart's spec is compiled with each
 * dataset replaced by a one-row stand-in (deep-equal datasets by the same
 * one), and the real datasets are put back in place of the stand-ins; the
 * result is the spec vega-lite would have made from the chart as it is. The
 * compiled shape is kept in memory and in the user's cache folder
 * (code-cache.ts), keyed by the shape and by the vega-lite bundle's hash.
 *
 * Anything unexpected (a stand-in that is not where it should be, a cache
 * file that is unreadable or not intact) falls back to compiling the chart
 * as it is.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { codeCacheDir, writeCacheFile } from './code-cache.js';
import { bundleDigest } from './vega-bundles.js';

type Spec = Record<string, unknown>;

/** The stand-in row's one field; no chart has a field of this name. */
const STAND_IN = '__llmloadDataset';
/** Compiled shapes kept on disk; past this many, the least recently written are removed. */
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
 * The compiled shape with its datasets put back, or null when the stand-ins are not each once in a
 * data entry's `values` and nowhere else (then the shape does not stand for the chart).
 */
export function fillDatasets(compiledJson: string, datasets: readonly unknown[][]): Spec | null {
  const compiled = JSON.parse(compiledJson) as Spec;
  const data = compiled['data'];
  const seen = new Set<number>();
  let entries = 0;
  if (Array.isArray(data)) {
    for (const entry of data as Array<Record<string, unknown>>) {
      const values = entry['values'];
      if (!Array.isArray(values) || values.length !== 1) continue;
      const index = (values[0] as Record<string, unknown> | null)?.[STAND_IN];
      if (typeof index !== 'number' || datasets[index] === undefined) continue;
      entry['values'] = datasets[index];
      seen.add(index);
      entries++;
    }
  }
  const mentions = compiledJson.split(`"${STAND_IN}"`).length - 1;
  return seen.size === datasets.length && mentions === entries ? compiled : null;
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
  /** Charts whose compiled shape was in memory or in the cache folder. */
  hits: number;
  /** Charts whose shape vega-lite compiled. */
  misses: number;
}

const use: SpecCacheUse = { hits: 0, misses: 0 };
/** Compiled shapes (JSON) by key, for charts of one shape drawn twice in a process. */
const memory = new Map<string, string>();

/** How many charts this process drew from a cached shape, and how many it compiled. */
export function vegaSpecCacheUse(): SpecCacheUse {
  return { ...use };
}

/** The Vega spec of a chart's Vega-Lite spec: from a cached compile of its shape, or compiled (by `compile`) and cached. */
export async function compiledVegaSpec(spec: Spec, compile: (spec: Spec) => Promise<Spec>): Promise<Spec> {
  const shape = specShape(spec);
  const shapeJson = JSON.stringify(shape.spec);
  const key = createHash('sha256')
    .update(await bundleDigest('vega-lite'))
    .update('\0')
    .update(shapeJson)
    .digest('hex')
    .slice(0, 32);
  const dir = join(codeCacheDir(), 'vega-specs');
  const path = join(dir, `${key}.json`);
  let compiledJson = memory.get(key) ?? readCompiled(path, shapeJson);
  const cached = compiledJson !== undefined;
  if (compiledJson === undefined) {
    compiledJson = JSON.stringify(await compile(shape.spec));
    if (await writeCacheFile(path, encode(shapeJson, compiledJson), dir)) await prune(dir);
  }
  memory.set(key, compiledJson);
  const filled = fillDatasets(compiledJson, shape.datasets);
  if (filled === null) {
    use.misses++;
    return compile(spec);
  }
  if (cached) use.hits++;
  else use.misses++;
  return filled;
}

/** A cache file: the shape (so a file is only ever used for its own shape), the compiled spec, and a hash of both. */
function encode(shapeJson: string, compiledJson: string): string {
  return JSON.stringify({ shape: shapeJson, vega: compiledJson, sha256: digest(shapeJson, compiledJson) });
}

function digest(shapeJson: string, compiledJson: string): string {
  return createHash('sha256').update(shapeJson).update('\0').update(compiledJson).digest('hex');
}

/** The compiled spec cached for `shapeJson` at `path`; undefined when none, unreadable, not intact or another shape's. */
function readCompiled(path: string, shapeJson: string): string | undefined {
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
