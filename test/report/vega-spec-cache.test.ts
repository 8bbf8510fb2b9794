/**
 * Charts drawn from cached Vega compiles of their shape: a run writes the
 * shapes into the cache folder; a later process draws the same charts
 * without loading vega-lite, and every chart's Vega spec and SVG are the
 * ones vega-lite's own compile of the chart as it is gives.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = mkdtempSync(join(tmpdir(), 'llmload-vega-specs-'));
// Before anything reads it: this process's cache folder is the run's.
process.env['XDG_CACHE_HOME'] = join(root, 'cache');

const { runCli, fixture } = await import('../helpers/cli.js');
const { compileVegaLite, renderSvg, renderVegaSvg } = await import('../../core/report/render-svg.js');
const { bundleCodeCacheUse, loadVega } = await import('../../core/report/vega-bundles.js');
const { builtVegaSpec, fillDatasets, specShape, vegaSpecCacheUse } = await import('../../core/report/vega-spec-cache.js');
const { codeCacheDir } = await import('../../core/loading/code-cache.js');

const folder = join(root, 'report');
/** What renderSvg draws from, built from the chart as it is: vega's parse of vega-lite's compile, as JSON. */
const dataflowOf = async (name: string, spec: Record<string, unknown>): Promise<unknown> =>
  JSON.parse(JSON.stringify((await loadVega()).parse(await compileVegaLite(name, spec)))) as unknown;
const charts: Array<{ name: string; spec: Record<string, unknown>; svg: string }> = [];

test.before(async () => {
  const run = await runCli(['run', fixture('report-sweep.ts'), '--quiet', '--report', folder]);
  assert.is(run.code, 0, run.stderr);
  for (const file of readdirSync(join(folder, 'charts'))
    .filter((name) => name.endsWith('.vl.json'))
    .sort()) {
    const name = file.slice(0, -'.vl.json'.length);
    const spec = JSON.parse(readFileSync(join(folder, 'charts', file), 'utf8')) as Record<string, unknown>;
    charts.push({ name, spec, svg: readFileSync(join(folder, 'charts', `${name}.svg`), 'utf8') });
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test('a later process draws the run’s charts from their cached shapes, without loading vega-lite, and gets the run’s SVGs', async () => {
  assert.ok(charts.length >= 6, charts.map((c) => c.name).join(', '));
  assert.ok(readdirSync(join(codeCacheDir(), 'vega-specs')).length > 0, 'the run cached no shape');
  for (const chart of charts) assert.is(await renderSvg(chart.name, chart.spec), chart.svg, chart.name);
  assert.equal(vegaSpecCacheUse(), { hits: charts.length, misses: 0 });
  assert.equal(
    bundleCodeCacheUse().map((b) => b.module),
    ['vega'],
  );
});

test('each chart’s dataflow from its shape is the one its own spec builds to, and the Vega spec vega-lite compiles it to draws the same SVG', async () => {
  for (const chart of charts) {
    const viaShape = await builtVegaSpec(chart.spec, () => Promise.reject(new Error('the shape is cached: nothing to build')));
    // As JSON, which is what is cached (the same SVG from the direct build shows nothing else matters).
    assert.equal(viaShape, await dataflowOf(chart.name, chart.spec), chart.name);
    assert.is(await renderVegaSvg(chart.name, await compileVegaLite(chart.name, chart.spec)), chart.svg, chart.name);
  }
});

test('deep-equal datasets share a stand-in, as vega-lite merges them; the built shape takes each dataset back, and nothing else', async () => {
  const rule = { mark: 'rule', encoding: { x: { field: 'load', type: 'quantitative' } } };
  const spec = {
    vconcat: [
      {
        layer: [
          { data: { values: [{ load: 1, v: 2 }] }, mark: 'point', encoding: { x: { field: 'load', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } } },
          { data: { values: [{ load: 4 }] }, ...rule },
        ],
      },
      {
        layer: [
          { data: { values: [] }, mark: 'line', encoding: { x: { field: 'load', type: 'quantitative' } } },
          { data: { values: [{ load: 4 }] }, ...rule },
        ],
      },
    ],
  };
  const shape = specShape(spec);
  assert.is(shape.datasets.length, 3);
  assert.equal(shape.datasets, [[{ load: 1, v: 2 }], [{ load: 4 }], []]);
  const before = vegaSpecCacheUse();
  const vega = await loadVega();
  const built = await builtVegaSpec(spec, async (s) => vega.parse(await compileVegaLite('layers', s)));
  assert.equal(built, await dataflowOf('layers', spec));
  assert.equal(vegaSpecCacheUse(), { hits: before.hits, misses: before.misses + 1 });
  await builtVegaSpec(spec, () => Promise.reject(new Error('built twice')));
  assert.equal(vegaSpecCacheUse(), { hits: before.hits + 1, misses: before.misses + 1 });
  // A built shape whose stand-ins are not each in a data entry's values does not stand for the chart.
  assert.is(fillDatasets(JSON.stringify({ data: [{ name: 'a', values: [{ __llmloadDataset: 0 }] }] }), [[1], [2]]), null);
  assert.is(fillDatasets(JSON.stringify({ data: [{ name: 'a', values: [{ __llmloadDataset: 0 }] }], signals: [{ value: { __llmloadDataset: 0 } }] }), [[1]]), null);
  assert.equal(fillDatasets(JSON.stringify({ data: [{ name: 'a', values: [{ __llmloadDataset: 0 }] }] }), [[{ x: 1 }]]), { data: [{ name: 'a', values: [{ x: 1 }] }] });
});

test('a cache file that is not intact is passed over: the chart is built again and drawn the same', async () => {
  const dir = join(codeCacheDir(), 'vega-specs');
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { vega: string };
    // Still JSON, still a dataflow, but not what was written: drawn from, it would change the chart.
    const altered = file.vega.replaceAll('"width"', '"height"');
    assert.is.not(altered, file.vega, name);
    file.vega = altered;
    writeFileSync(path, JSON.stringify(file));
  }
  const child = await runCli(['report', join(folder, 'results.ndjson'), '--out', join(root, 'again')], { env: { XDG_CACHE_HOME: join(root, 'cache') } });
  assert.is(child.code, 0, child.stderr);
  for (const c of charts) assert.is(readFileSync(join(root, 'again', 'charts', `${c.name}.svg`), 'utf8'), c.svg, c.name);
});

test.run();
