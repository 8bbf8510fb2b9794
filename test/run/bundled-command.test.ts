/**
 * `llmload` runs from a bundle (scripts/bundle-cli.js: dist/bundled/cli.cjs and
 * its worker entry, loaded by core/loading/), not from the ~300 compiled
 * modules a run would otherwise load one file at a time. Each bundled module keeps its own import.meta.url,
 * so what it finds beside itself (package.json, the dsl entry a script
 * imports, the simulator's worker) is where it was.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';
import { startSimulatorThread, type SimulatorHandle } from '../../core/sim/index.js';

const preload = fileURLToPath(new URL('../helpers/module-log.js', import.meta.url));
const bundled = join(repoRoot, 'dist', 'bundled');

/** What bin/llmload.js loads before the bundle: its loader, and what starts the first worker thread. */
const BIN_LOADS = /\/dist\/core\/(loading\/(load-bundle|code-cache|version)|run\/worker-thread)\.js$/;

let sim: SimulatorHandle | null = null;

test.before(async () => {
  sim = await startSimulatorThread({ preset: 'fast', port: 0, timeScale: 10 });
});

test.after(async () => {
  await sim?.close();
});

test('a run loads the bundled command and none of the compiled modules of the engine', async () => {
  const log = join(mkdtempSync(join(tmpdir(), 'llmload-modules-')), 'modules.txt');
  const run = await runCli(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--quiet'], { env: { NODE_OPTIONS: `--import=${preload}`, LLMLOAD_TEST_MODULE_LOG: log } });
  assert.is(run.code, 0, run.stderr);
  const modules = [...new Set(readFileSync(log, 'utf8').trim().split('\n'))];
  // The bundle itself is compiled by its loader (a vm.Script), which module hooks do not see.
  assert.ok(
    modules.some((url) => url.endsWith('/dist/core/loading/load-bundle.js')),
    `the bundle's loader loaded: ${modules.join(', ')}`,
  );
  assert.equal(
    modules.filter((url) => /\/dist\/(bin|core)\//.test(url) && !BIN_LOADS.test(url)),
    [],
    'compiled modules loaded',
  );
  // hdr-histogram-js's histograms are in the bundle: none of its files is required (its index only encodes, past the raw samples).
  assert.equal(
    modules.filter((line) => line.startsWith('require ') && line.includes('/node_modules/hdr-histogram-js/')),
    [],
    'hdr-histogram-js required from node_modules',
  );
  // Against an http:// server, node:https and node:tls stay unloaded (core/loading/lazy-https.ts).
  assert.equal(
    modules.filter((line) => line === 'builtin https' || line === 'builtin tls'),
    [],
    'TLS modules loaded for an http:// target',
  );
  assert.ok(modules.includes('builtin http'), 'the builtins are listed');
  // The report was written: the report's modules, vega's bundles and package.json were found from the bundle.
  assert.match(run.stdout + run.stderr, /report: /);
});

test("the bundled command's worker threads start the bundled worker entry, through its loader", () => {
  // core/run/worker-threads.js resolves the entry against its own compiled file's URL, which the bundle keeps.
  const loader = join(repoRoot, 'dist', 'core', 'loading', 'worker-bundle.js');
  const entry = relative(join(repoRoot, 'dist', 'core', 'run'), loader);
  assert.ok(readFileSync(join(bundled, 'cli.cjs'), 'utf8').includes(`new URL(${JSON.stringify(entry)}`), `the bundle starts ${entry}`);
  assert.ok(readFileSync(loader, 'utf8').includes('../../bundled/worker-entry.cjs'));
  assert.ok(existsSync(join(bundled, 'worker-entry.cjs')));
});

test('the bundles are ASCII: one other character makes V8 hold all of their text at two bytes a character', () => {
  for (const file of ['cli.cjs', 'worker-entry.cjs']) {
    const text = readFileSync(join(bundled, file), 'latin1');
    const at = text.search(/[\u0080-\u00ff]/);
    assert.is(at, -1, `${file}: ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 20))}`);
  }
});

test('bundled modules keep their own import.meta.url: the version is read from package.json', async () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const run = await runCli(['--version']);
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stdout.trim(), pkg.version);
});

test('loading the command makes no Intl.Segmenter (~15 ms): string-width loads when help is laid out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmload-segmenter-'));
  const preload = join(dir, 'count-segmenters.mjs');
  writeFileSync(
    preload,
    `import { appendFileSync } from 'node:fs';
const Original = Intl.Segmenter;
Intl.Segmenter = class extends Original { constructor(...args) { appendFileSync(${JSON.stringify(join(dir, 'made'))}, 'x'); super(...args); } };`,
  );
  const made = (): number => (existsSync(join(dir, 'made')) ? readFileSync(join(dir, 'made'), 'utf8').length : 0);
  const version = await runCli(['--version'], { env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` } });
  assert.is(version.code, 0, version.stderr);
  assert.is(made(), 0, 'a Segmenter made while loading');
  const help = await runCli(['run', '--help'], { env: { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` } });
  assert.is(help.code, 0, help.stderr);
  assert.ok(made() > 0, 'help is laid out with string-width');
  assert.match(help.stdout, /--vus/);
});

test.run();
