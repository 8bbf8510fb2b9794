/**
 * A script's bundle is kept between runs (core/bundle/bundle-cache.ts): an
 * unchanged script runs without esbuild, and anything that could change its
 * bundle (an imported file edited, a file added beside an import that it
 * could resolve to, a tsconfig.json appearing) makes the next run build it
 * again, and files it could not resolve to (results written beside it) do not. Runs that must
 * not build are given an esbuild binary that cannot work (/bin/false): they
 * pass only by using the kept bundle.
 */
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keepBundle, readKeptBundle } from '../../core/bundle/bundle-cache.js';
import { codeCacheDir } from '../../core/loading/code-cache.js';
import { startSimulatorThread, type SimulatorHandle } from '../../core/sim/index.js';
import { runCli } from '../helpers/cli.js';

let sim: SimulatorHandle | null = null;

test.before(async () => {
  sim = await startSimulatorThread({ preset: 'fast', port: 0, timeScale: 10 });
});

test.after(async () => {
  await sim?.close();
});

const SCRIPT = `import type { Options, VU } from 'llmload';
import { VUS } from './value';
export const options: Options = { scenarios: { s: { executor: 'shared-iterations', vus: VUS, iterations: 2 } } };
export default async function (vu: VU) {
  await vu.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
}
`;

/** Write `text` to `path` with a modification time a minute ago: settled, as a file not edited just now is. */
function writeSettled(path: string, text: string): void {
  writeFileSync(path, text);
  const past = new Date(Date.now() - 60_000);
  utimesSync(path, past, past);
}

/** A script folder (script.ts importing ./value.ts) and its own cache folder. */
function project(): { dir: string; script: string; cacheHome: string } {
  const root = mkdtempSync(join(tmpdir(), 'llmload-kept-bundle-'));
  const dir = join(root, 'scripts');
  mkdirSync(dir);
  writeSettled(join(dir, 'script.ts'), SCRIPT);
  writeSettled(join(dir, 'value.ts'), 'export const VUS = 1;\n');
  const past = new Date(Date.now() - 60_000);
  utimesSync(dir, past, past);
  return { dir, script: join(dir, 'script.ts'), cacheHome: join(root, 'cache') };
}

/** Run the script; `withoutEsbuild` gives esbuild a binary that cannot work. Exit code and stderr. */
async function run(p: { script: string; cacheHome: string }, withoutEsbuild: boolean): Promise<{ code: number | null; stderr: string }> {
  const env: Record<string, string> = { XDG_CACHE_HOME: p.cacheHome };
  if (withoutEsbuild) env['ESBUILD_BINARY_PATH'] = '/bin/false';
  const result = await runCli(['run', p.script, '--url', sim!.url, '--quiet', '--no-report'], { env });
  return { code: result.code, stderr: result.stderr };
}

test('an unchanged script runs from its kept bundle, without esbuild', async () => {
  const p = project();
  const unbuilt = await run(p, true);
  assert.is(unbuilt.code, 107, 'the first run has nothing kept: it needs esbuild');
  assert.match(unbuilt.stderr, /LL_ERR_SCRIPT_BUILD/);
  const built = await run(p, false);
  assert.is(built.code, 0, built.stderr);
  const kept = await run(p, true);
  assert.is(kept.code, 0, kept.stderr);
});

test('an edited import, a file added beside it or a tsconfig.json appearing builds the script again', async () => {
  const p = project();
  assert.is((await run(p, false)).code, 0);
  assert.is((await run(p, true)).code, 0, 'kept');

  writeSettled(join(p.dir, 'value.ts'), 'export const VUS = 2;\n');
  assert.is((await run(p, true)).code, 107, 'edited import: built again');
  assert.is((await run(p, false)).code, 0);
  assert.is((await run(p, true)).code, 0, 'kept again');

  // ./value now resolves to value.tsx (esbuild tries .tsx before .ts): the folder changed.
  writeSettled(join(p.dir, 'value.tsx'), 'export const VUS = 1;\n');
  assert.is((await run(p, true)).code, 107, 'file added beside: built again');
  assert.is((await run(p, false)).code, 0);

  // In the folder above: its own time is not watched, the config files in it are.
  assert.is((await run(p, true)).code, 0, 'kept again');
  writeSettled(join(dirname(p.dir), 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n');
  assert.is((await run(p, true)).code, 107, 'tsconfig.json appeared above: built again');
});

test('files written beside a script that no import can resolve to (its results, a summary) keep its bundle', async () => {
  const p = project();
  assert.is((await run(p, false)).code, 0);
  writeFileSync(join(p.dir, 'summary.json'), '{}\n');
  writeFileSync(join(p.dir, 'results.ndjson'), '');
  mkdirSync(join(p.dir, 'llmload-results'));
  assert.is((await run(p, true)).code, 0, 'kept: the folder changed, nothing ./value could be did');
  // A folder named like the import: ./value could now be value/index.ts.
  mkdirSync(join(p.dir, 'value'));
  assert.is((await run(p, true)).code, 107, 'value/ appeared: built again');
});

test('a build whose sources, or names its imports could resolve to, are dated within 2 s of it or after it is not kept', async () => {
  const p = project();
  // Dated ahead rather than written just before the run: on a busy machine the build may start over 2 s later.
  const ahead = new Date(Date.now() + 30_000);
  utimesSync(join(p.dir, 'value.ts'), ahead, ahead);
  assert.is((await run(p, false)).code, 0);
  assert.is((await run(p, true)).code, 107, 'not kept: the file may have changed while esbuild read it');

  // A name ./value could resolve to, appeared as the build ran: esbuild may not have seen it.
  const q = project();
  writeFileSync(join(q.dir, 'value.js'), 'export const VUS = 1;\n');
  utimesSync(join(q.dir, 'value.js'), ahead, ahead);
  assert.is((await run(q, false)).code, 0);
  assert.is((await run(q, true)).code, 107, 'not kept: a candidate of an import appeared around the build');
});

test('the bundles of the 200 scripts built last are kept, no more', async () => {
  const p = project();
  process.env['XDG_CACHE_HOME'] = p.cacheHome;
  const input = join(p.dir, 'value.ts');
  for (let i = 0; i < 205; i++) await keepBundle(join(p.dir, `script-${i}.ts`), 'file:///dsl/index.js', `// bundle ${i}`, { [input]: {} }, '/', Date.now());
  const kept = readdirSync(join(codeCacheDir(), 'scripts'));
  assert.is(kept.length, 200);
  assert.is(readKeptBundle(join(p.dir, 'script-204.ts'), 'file:///dsl/index.js'), '// bundle 204');
  assert.is(readKeptBundle(join(p.dir, 'script-204.ts'), 'file:///another/dsl/index.js'), undefined, 'another llmload: another key');
});

test.run();
