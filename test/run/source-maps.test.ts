/**
 * `llmload run` maps stack traces through source maps, but turns mapping on
 * only once its engine has loaded: Node reads and parses the map of every
 * module loaded while it is on (~50 ms of CPU before the first request). The
 * script, loaded after that, keeps its inline map.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, runCli } from '../helpers/cli.js';
import { startSimulatorThread, type SimulatorHandle } from '../../core/sim/index.js';

const moduleLog = fileURLToPath(new URL('../helpers/module-log.js', import.meta.url));
const sourceMapLog = fileURLToPath(new URL('../helpers/source-map-log.js', import.meta.url));

let sim: SimulatorHandle | null = null;

test.before(async () => {
  sim = await startSimulatorThread({ preset: 'fast', port: 0, timeScale: 10 });
});

test.after(async () => {
  await sim?.close();
});

test("a run's engine modules load without their source maps, its script with its own", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmload-maps-'));
  const env = {
    NODE_OPTIONS: `--import=${moduleLog} --import=${sourceMapLog}`,
    LLMLOAD_TEST_MODULE_LOG: join(dir, 'modules.txt'),
    LLMLOAD_TEST_SOURCE_MAP_LOG: join(dir, 'mapped.txt'),
  };
  const run = await runCli(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--no-report', '--quiet'], { env, modules: true });
  assert.is(run.code, 0, run.stderr);
  const mapped = readFileSync(env.LLMLOAD_TEST_SOURCE_MAP_LOG, 'utf8').trim().split('\n');
  assert.ok(
    mapped.some((url) => url.endsWith('/script.mjs')),
    `the bundled script has its map: ${mapped.join(', ')}`,
  );
  for (const engine of ['/core/run/run-test.js', '/core/options/validate.js', '/core/run/worker-pool.js']) {
    assert.not.ok(
      mapped.some((url) => url.endsWith(engine)),
      `${engine} was loaded with its source map`,
    );
  }
});

test.run();
