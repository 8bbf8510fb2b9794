/**
 * The bundled command and worker entry load from V8 code caches in the user's
 * cache folder: the first run writes them once its work is done, the next
 * starts from them (and its script, an ES module the cached bundle imports,
 * still loads). A corrupt cache is passed over and rewritten, a folder that
 * cannot be written stops nothing, and rebuilding does not pile caches up.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codeCacheDir, readCodeCache, STALE_BUILD_MS, writeCodeCacheSync } from '../../core/loading/code-cache.js';
import { startSimulatorThread, type SimulatorHandle } from '../../core/sim/index.js';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';

let sim: SimulatorHandle | null = null;

test.before(async () => {
  sim = await startSimulatorThread({ preset: 'fast', port: 0, timeScale: 10 });
});

test.after(async () => {
  await sim?.close();
});

const run = (cacheHome: string): ReturnType<typeof runCli> =>
  runCli(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--quiet', '--no-report'], { env: { XDG_CACHE_HOME: cacheHome } });

/** The cache files in `cacheHome`'s llmload folder, by bundle name. */
function cachesIn(cacheHome: string): Record<string, string[]> {
  const dir = codeCacheDir({ XDG_CACHE_HOME: cacheHome });
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.v8cache')) : [];
  return { cli: files.filter((f) => f.startsWith('cli-')), worker: files.filter((f) => f.startsWith('worker-entry-')) };
}

/** In a fresh process set up as bin/llmload.js sets itself up: what became of the bundle's cache. */
function cacheUseInChild(cacheHome: string, bundle: string): string {
  const script = `
    import { setFlagsFromString } from 'node:v8';
    setFlagsFromString('--no-memory-reducer');
    const { loadBundle } = await import(${JSON.stringify(new URL('../../core/loading/load-bundle.js', import.meta.url).href)});
    process.stdout.write(loadBundle(${JSON.stringify(join(repoRoot, 'dist', 'bundled', bundle))}).cache);
  `;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, XDG_CACHE_HOME: cacheHome }, encoding: 'utf8' });
}

test('the first run writes both caches; the next loads from them and its script still imports', async () => {
  const home = mkdtempSync(join(tmpdir(), 'llmload-bundle-cache-'));
  assert.is(cacheUseInChild(home, 'cli.cjs'), 'none');
  const first = await run(home);
  assert.is(first.code, 0, first.stderr);
  const written = cachesIn(home);
  assert.is(written['cli']!.length, 1, JSON.stringify(written));
  assert.is(written['worker']!.length, 1, JSON.stringify(written));
  assert.is(cacheUseInChild(home, 'cli.cjs'), 'used');
  assert.is(cacheUseInChild(home, 'worker-entry.cjs'), 'used');
  const second = await run(home);
  assert.is(second.code, 0, second.stderr);
  assert.is(second.stderr.trim(), '', 'nothing said about the cache');
  assert.equal(cachesIn(home), written, 'a used cache is not written again');
});

test('a corrupt cache is passed over and written anew; an unwritable folder stops nothing', async () => {
  const home = mkdtempSync(join(tmpdir(), 'llmload-bundle-cache-'));
  assert.is((await run(home)).code, 0);
  const dir = codeCacheDir({ XDG_CACHE_HOME: home });
  const cli = join(dir, cachesIn(home)['cli']![0]!);
  const bytes = readFileSync(cli);
  bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
  writeFileSync(cli, bytes);
  assert.is(readCodeCache(cli), undefined, 'the checksum catches it');
  const again = await run(home);
  assert.is(again.code, 0, again.stderr);
  assert.ok(readCodeCache(cli) !== undefined, 'rewritten whole');

  const blocker = join(home, 'a-file');
  writeFileSync(blocker, 'in the way');
  const blocked = await run(blocker);
  assert.is(blocked.code, 0, blocked.stderr);
  assert.is(blocked.stderr.trim(), '');
});

test('the same bundle at another path has its own cache: its stack traces name where it is', () => {
  const home = mkdtempSync(join(tmpdir(), 'llmload-bundle-cache-'));
  // One bundle's bytes in two installs (the cache folder is the user's, shared by both).
  const source = 'exports.where = function where() { return new Error("here").stack.split("\\n")[1]; };\n';
  const paths = ['one', 'two'].map((install) => {
    mkdirSync(join(home, install));
    const path = join(home, install, 'bundle.cjs');
    writeFileSync(path, source);
    return path;
  });
  const loadIn = (path: string): { cache: string; where: string } => {
    const script = `
      const { loadBundle } = await import(${JSON.stringify(new URL('../../core/loading/load-bundle.js', import.meta.url).href)});
      const bundle = loadBundle(${JSON.stringify(path)});
      const where = bundle.exports.where();
      bundle.saveCodeCache();
      process.stdout.write(JSON.stringify({ cache: bundle.cache, where }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, XDG_CACHE_HOME: home }, encoding: 'utf8' });
    return JSON.parse(out) as { cache: string; where: string };
  };
  const first = loadIn(paths[0]!);
  assert.match(first.where, paths[0]!);
  assert.is(loadIn(paths[0]!).cache, 'used', 'its own cache is used');
  const other = loadIn(paths[1]!);
  assert.match(other.where, paths[1]!, `the second install's frames: ${other.where}`);
  assert.is.not(other.cache, 'used', "the first install's cache is not");
});

test("a cache written keeps the newest four of its bundle's builds and no other bundle's", () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'llmload-bundle-cache-')), 'caches');
  const name = (i: number, bundle = 'cli'): string => `${bundle}-${i.toString(16).padStart(24, '0')}.v8cache`;
  for (let i = 1; i <= 6; i++) {
    assert.ok(writeCodeCacheSync(join(dir, name(i)), Buffer.from(`build ${i}`), dir, 'cli'));
    utimesSync(join(dir, name(i)), i * 1000, i * 1000);
  }
  writeFileSync(join(dir, name(1, 'worker-entry')), 'another bundle');
  assert.ok(writeCodeCacheSync(join(dir, name(7)), Buffer.from('build 7'), dir, 'cli'));
  assert.equal(readdirSync(dir).sort(), [name(1, 'worker-entry'), name(4), name(5), name(6), name(7)].sort());
  assert.equal(readCodeCache(join(dir, name(7))), Buffer.from('build 7'));
});

test("a new build's cache folder removes the other builds' folders nothing was written to for 90 days, and nothing else", () => {
  const root = join(mkdtempSync(join(tmpdir(), 'llmload-builds-')), 'llmload');
  const build = (version: string): string => join(root, `${version}-node20.20.2-v811.3.244.8-node.38-x64`);
  const stale = (Date.now() - STALE_BUILD_MS - 86_400_000) / 1000;
  const cache = (dir: string): string => join(dir, `cli-${'0'.repeat(24)}.v8cache`);
  // Unused for 91 days: goes.
  mkdirSync(build('0.0.1'), { recursive: true });
  writeFileSync(cache(build('0.0.1')), 'old');
  utimesSync(build('0.0.1'), stale, stale);
  // Its own folder dated 91 days back, but a script bundle written in its scripts/ folder since: stays.
  mkdirSync(join(build('0.0.2'), 'scripts'), { recursive: true });
  utimesSync(build('0.0.2'), stale, stale);
  // Written to yesterday: stays. Not a build's folder, however old: stays.
  mkdirSync(build('0.0.3'), { recursive: true });
  mkdirSync(join(root, 'notes'));
  utimesSync(join(root, 'notes'), stale, stale);
  assert.ok(writeCodeCacheSync(cache(build('0.1.0')), Buffer.from('new'), build('0.1.0'), 'cli'));
  const names = (): string[] => readdirSync(root).sort();
  assert.equal(names(), [build('0.0.2'), build('0.0.3'), build('0.1.0'), join(root, 'notes')].map((p) => p.slice(root.length + 1)).sort());
  // Only a folder made anew prunes: a write into an existing build's folder leaves a stale one be.
  mkdirSync(build('0.0.4'));
  utimesSync(build('0.0.4'), stale, stale);
  assert.ok(writeCodeCacheSync(cache(build('0.1.0')), Buffer.from('again'), build('0.1.0'), 'cli'));
  assert.ok(names().includes(build('0.0.4').slice(root.length + 1)), names().join(', '));
});

test.run();
