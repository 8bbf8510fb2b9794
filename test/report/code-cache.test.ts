/**
 * The vega and vega-lite bundles' V8 code caches: the first process to draw
 * charts writes them into the user's cache folder, the next starts from them;
 * a corrupt or foreign cache file is passed over, and a cache folder that
 * cannot be written does not stop a report. The SVG is the same either way.
 * Each case runs in processes of its own: a bundle compiles once per process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Script } from 'node:vm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codeCacheDir, readCodeCache, writeCodeCache } from '../../core/loading/code-cache.js';
import { startSimulatorThread, type SimulatorHandle } from '../../core/sim/index.js';
import { fixture, runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'llmload-code-cache-'));
/** A regular file: a cache folder inside it cannot be made. */
const blocker = join(root, 'a-file');
writeFileSync(blocker, 'in the way');
const moduleUrl = (path: string): string => new URL(`../../core/report/${path}`, import.meta.url).href;

interface ChildRender {
  svg: string;
  use: Array<{ module: string; cache: string }>;
}

/**
 * Draw one chart in a fresh process whose cache folder is under `cacheHome`; its SVG and what became
 * of each bundle's cache. Its compiled shape is dropped first, so that vega-lite loads too.
 */
function renderInChild(cacheHome: string): Promise<ChildRender> {
  const script = `
    import { rmSync } from 'node:fs';
    import { basename, join } from 'node:path';
    import { codeCacheDir } from ${JSON.stringify(new URL('../../core/loading/code-cache.js', import.meta.url).href)};
    try { rmSync(join(codeCacheDir(), 'vega-specs'), { recursive: true, force: true }); } catch {}
    import { distributionChart } from ${JSON.stringify(moduleUrl('charts.js'))};
    import { renderSvg } from ${JSON.stringify(moduleUrl('render-svg.js'))};
    import { bundleCodeCacheUse, saveBundleCodeCaches } from ${JSON.stringify(moduleUrl('vega-bundles.js'))};
    const chart = distributionChart('ttft', 'TTFT', 'TTFT (ms)', [
      { group: '1', values: Array.from({ length: 100 }, (_, i) => 40 + i * 0.5) },
      { group: '8', values: Array.from({ length: 100 }, (_, i) => 90 + (i % 17) * 3) },
    ]);
    const svg = await renderSvg(chart.name, chart.spec);
    const use = bundleCodeCacheUse();
    await saveBundleCodeCaches();
    process.stdout.write(JSON.stringify({ svg, use }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, XDG_CACHE_HOME: cacheHome }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as ChildRender) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

/** The bundle a cache file is of: `vega-lite` for `…/vega-lite-<hash>.v8cache`. */
const bundleOf = (file: string): string => basename(file).replace(/-[0-9a-f]{24}\.v8cache$/, '');
const uses = (render: ChildRender): string[] => render.use.map((u) => `${u.module}:${u.cache}`);
/** The vega bundles' cache files (the command's own, core/loading/, are beside them). */
const cacheFiles = (cacheHome: string): string[] => {
  const dir = codeCacheDir({ XDG_CACHE_HOME: cacheHome });
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isFile() && entry.name.startsWith('vega') ? [join(dir, entry.name)] : [])) : [];
};

let sim: SimulatorHandle | null = null;
let reference: ChildRender;

test.before(async () => {
  sim = await startSimulatorThread({ preset: 'fast', port: 0, timeScale: 10 });
  // No cache anywhere: the SVG every other case must reproduce.
  reference = await renderInChild(join(root, 'reference'));
});

test.after(async () => {
  await sim?.close();
  rmSync(root, { recursive: true, force: true });
});

test('the cache folder is per build, under XDG_CACHE_HOME', () => {
  const dir = codeCacheDir({ XDG_CACHE_HOME: '/somewhere/cache' });
  assert.ok(dir.startsWith('/somewhere/cache/llmload/'), dir);
  assert.match(dir, `node${process.versions.node}-v8${process.versions.v8}-${process.arch}`);
  // A relative XDG_CACHE_HOME is invalid by the spec, and ignored.
  assert.not.ok(codeCacheDir({ XDG_CACHE_HOME: 'relative' }).includes('relative'));
});

test('the first process writes the bundles’ code caches, the next compiles from them, and draws the same SVG', async () => {
  const home = join(root, 'written-then-used');
  const first = await renderInChild(home);
  assert.equal(uses(first), ['vega:none', 'vega-lite:none']);
  const files = cacheFiles(home);
  assert.is(files.length, 2, files.join(', '));
  for (const file of files) assert.match(file, /\/vega(-lite)?-[0-9a-f]{24}\.v8cache$/);
  assert.ok(!readdirSync(codeCacheDir({ XDG_CACHE_HOME: home })).some((name) => name.endsWith('.tmp')), 'a temporary file was left behind');
  const second = await renderInChild(home);
  assert.equal(uses(second), ['vega:used', 'vega-lite:used']);
  assert.is(second.svg, reference.svg);
  assert.is(first.svg, reference.svg);
});

test('a corrupt cache file is passed over and replaced; the SVG is the same', async () => {
  const home = join(root, 'corrupt');
  await renderInChild(home);
  const files = cacheFiles(home);
  for (const file of files) {
    const bytes = readFileSync(file);
    const at = bytes.length - 100;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    writeFileSync(file, bytes);
  }
  const corrupt = await renderInChild(home);
  assert.equal(uses(corrupt), ['vega:none', 'vega-lite:none']);
  assert.is(corrupt.svg, reference.svg);
  for (const file of files) writeFileSync(file, 'not a code cache at all');
  const garbage = await renderInChild(home);
  assert.equal(uses(garbage), ['vega:none', 'vega-lite:none']);
  assert.is(garbage.svg, reference.svg);
  assert.equal(uses(await renderInChild(home)), ['vega:used', 'vega-lite:used'], 'the corrupt files were not replaced');
});

test('a foreign cache (another source’s, intact) is rejected by V8 and replaced; the SVG is the same', async () => {
  const home = join(root, 'foreign');
  await renderInChild(home);
  const foreign = new Script('(function () { return 1 + 1; })()').createCachedData();
  for (const file of cacheFiles(home)) assert.ok(await writeCodeCache(file, foreign, codeCacheDir({ XDG_CACHE_HOME: home }), bundleOf(file)));
  const rejected = await renderInChild(home);
  assert.equal(uses(rejected), ['vega:rejected', 'vega-lite:rejected']);
  assert.is(rejected.svg, reference.svg);
  assert.equal(uses(await renderInChild(home)), ['vega:used', 'vega-lite:used'], 'the rejected files were not replaced');
});

test("a bundle's cache written keeps the newest four of that bundle (other installs' too) and every other bundle's", async () => {
  // One cache per install path and source: each checkout or npx install of llmload writes its own.
  const dir = join(root, 'pruned');
  const name = (bundle: string, i: number): string => `${bundle}-${i.toString(16).padStart(24, '0')}.v8cache`;
  for (let i = 1; i <= 5; i++) {
    assert.ok(await writeCodeCache(join(dir, name('vega', i)), Buffer.from(`install ${i}`), dir, 'vega'));
    utimesSync(join(dir, name('vega', i)), i * 1000, i * 1000);
  }
  writeFileSync(join(dir, name('vega-lite', 1)), 'another bundle');
  utimesSync(join(dir, name('vega-lite', 1)), 1, 1);
  assert.ok(await writeCodeCache(join(dir, name('vega', 6)), Buffer.from('install 6'), dir, 'vega'));
  assert.equal(readdirSync(dir).sort(), [name('vega', 3), name('vega', 4), name('vega', 5), name('vega', 6), name('vega-lite', 1)].sort());
  assert.equal(readCodeCache(join(dir, name('vega', 6))), Buffer.from('install 6'));
});

test('a cache folder that cannot be written leaves no cache and fails nothing', async () => {
  const render = await renderInChild(blocker);
  assert.equal(uses(render), ['vega:none', 'vega-lite:none']);
  assert.is(render.svg, reference.svg);
  assert.not.ok(await writeCodeCache(join(codeCacheDir({ XDG_CACHE_HOME: blocker }), 'x.v8cache'), Buffer.from('data'), codeCacheDir({ XDG_CACHE_HOME: blocker }), 'x'));
  assert.is(readCodeCache(join(blocker, 'missing.v8cache')), undefined);
});

test('a run and `llmload report` write the same report whether or not the cache folder can be written', async () => {
  const folder = join(root, 'run');
  const run = await runCli(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--quiet', '--report', folder], { env: { XDG_CACHE_HOME: join(root, 'run-cache') } });
  assert.is(run.code, 0, run.stderr);
  assert.is(cacheFiles(join(root, 'run-cache')).length, 2, 'the run wrote no code cache');
  const blocked = join(root, 'blocked-report');
  const report = await runCli(['report', join(folder, 'results.ndjson'), '--out', blocked], { env: { XDG_CACHE_HOME: blocker } });
  assert.is(report.code, 0, report.stderr);
  const svgs = readdirSync(join(folder, 'charts')).filter((name) => name.endsWith('.svg'));
  assert.ok(svgs.length > 0);
  for (const name of svgs) assert.is(readFileSync(join(blocked, 'charts', name), 'utf8'), readFileSync(join(folder, 'charts', name), 'utf8'), name);
});

test.run();
