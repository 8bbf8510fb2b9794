/**
 * A run loads what it uses: without a report folder or other outputs, the
 * report modules (and vega) never load; against a server, neither does the
 * simulator; outside a coordinated run, neither do the coordinator's modules.
 * With a report, vega and vega-lite come from their bundles. The options
 * validator is built ahead of time: ajv's compiler never loads. The end of a
 * run (summary, exports) loads after the run's first request, and the
 * controller never calls fetch() (Node's own undici would compile for it).
 * These hold for the compiled modules (dist/bin/cli.js), which the bundled
 * command (dist/bundled/cli.cjs) keeps as modules initialised on first import;
 * the last test checks what the bundled command loads.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture, runCli } from '../helpers/cli.js';
import { startSimulatorThread, type SimulatorHandle } from '../../core/sim/index.js';
import { DONE_EVENT, sseChunk, startHttpServer, usageChunk } from '../helpers/servers.js';

const preload = fileURLToPath(new URL('../helpers/module-log.js', import.meta.url));

let sim: SimulatorHandle | null = null;

test.before(async () => {
  sim = await startSimulatorThread({ preset: 'fast', port: 0, timeScale: 10 });
});

test.after(async () => {
  await sim?.close();
});

function moduleLogPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'llmload-modules-')), 'modules.txt');
}

async function loadedBy(args: string[], log = moduleLogPath()): Promise<string[]> {
  const run = await runCli(args, { env: { NODE_OPTIONS: `--import=${preload}`, LLMLOAD_TEST_MODULE_LOG: log }, modules: true });
  assert.is(run.code, 0, run.stderr);
  return [...new Set(readFileSync(log, 'utf8').trim().split('\n'))];
}

test('a run with --no-report against a server loads no report module, no vega, no simulator and no coordinator', async () => {
  const modules = await loadedBy(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--no-report', '--quiet']);
  assert.ok(
    modules.some((url) => url.endsWith('/core/run/run-test.js')),
    'the log has the run engine',
  );
  for (const part of [
    '/core/report/write-report.js',
    '/core/report/report-data.js',
    '/core/report/results-file.js',
    '/core/report/charts.js',
    '/node_modules/vega',
    '/core/sim/http-server.js',
    '/core/sim/engine.js',
    '/core/distributed/fleet.js',
    '/core/distributed/coordinator.js',
    '/core/telemetry/server-probe.js',
    '/core/telemetry/gpu-telemetry.js',
    '/core/bench/bench-spec.js',
    '/core/bench/bench-script.js',
  ]) {
    const loaded = modules.filter((url) => url.includes(part));
    assert.equal(loaded, [], `${part} loaded`);
  }
});

test("a run never loads ajv's compiler: the options validator is built ahead of time, with only ajv's runtime helpers", async () => {
  const modules = await loadedBy(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--no-report', '--quiet']);
  assert.ok(
    modules.some((url) => url.endsWith('/core/options/options-validator.js')),
    'the log has the generated validator',
  );
  // Compiling the options schema cost ~200-250 ms of CPU on every run, and loading ajv ~100 ms more.
  assert.equal(
    modules.filter((url) => url.includes('/node_modules/ajv/') && !url.includes('/node_modules/ajv/dist/runtime/')),
    [],
    "ajv's compiler loaded",
  );
  assert.equal(
    modules.filter((url) => url.endsWith('/core/options/validator-codegen.js')),
    [],
    'the build-time code generator loaded',
  );
});

test('with the report folder, the report modules load, and vega from its single-file bundles, not its ES modules', async () => {
  const modules = await loadedBy(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--quiet']);
  for (const part of ['/core/report/write-report.js', '/core/report/vega-bundles.js']) {
    assert.ok(
      modules.some((url) => url.includes(part)),
      part,
    );
  }
  // ~100 ES modules across ~30 packages cost ~0.35 CPU-s to resolve and compile; the two bundles ~0.1.
  // (The packages' own entries are resolved, to find the bundles beside them; what they import is not.)
  assert.equal(
    modules.filter((url) => /\/node_modules\/(vega-(dataflow|parser|runtime|scenegraph|view)|d3-)/.test(url)),
    [],
    "vega's ES modules loaded",
  );
});

test("the end of a run (summary, exports, outputs) loads after the run's first request, not on its start path", async () => {
  const log = moduleLogPath();
  // The log's one line from this process: where the first request reached the server, among the modules' lines.
  let marked = false;
  const server = await startHttpServer((req, res) => {
    if (!marked) {
      marked = true;
      appendFileSync(log, 'FIRST REQUEST\n');
    }
    if (req.method === 'GET') {
      res.writeHead(req.url.startsWith('/v1/models') ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(sseChunk({ content: 'hi' }) + usageChunk(3, 1) + DONE_EVENT);
  });
  try {
    const lines = await loadedBy(['run', fixture('quick-pass.ts'), '--url', server.url, '--no-report', '--quiet'], log);
    const first = lines.indexOf('FIRST REQUEST');
    assert.ok(first > 0, 'the server got a request');
    const engine = lines.findIndex((url) => url.endsWith('/core/run/run-test.js'));
    assert.ok(engine >= 0 && engine < first, 'the run engine loaded before the first request');
    for (const part of ['/core/run/finish.js', '/core/outputs/summary-text.js', '/core/outputs/summary-export.js', '/core/report/run-end.js']) {
      const at = lines.findIndex((url) => url.endsWith(part));
      assert.ok(at > first, `${part} at line ${at}, the first request at ${first}`);
    }
  } finally {
    await server.close();
  }
});

test('a run with its report folder asks the server about itself without fetch()', async () => {
  const modules = await loadedBy(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--quiet']);
  assert.ok(
    modules.some((url) => url.endsWith('/core/telemetry/server-probe.js')),
    'the server probe ran',
  );
  assert.equal(
    modules.filter((line) => line.startsWith('fetch ')),
    [],
    'fetch() called',
  );
});

test('GPU telemetry from a DCGM exporter is scraped without fetch() too', async () => {
  let scrapes = 0;
  const exporter = createServer((_req, res) => {
    scrapes++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-0",modelName="NVIDIA H100 80GB HBM3"} 42\n');
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(exporter.address() as AddressInfo).port}/metrics`;
    // Raw results kept (GPU readings are read only for a run that keeps them), no report.
    const results = join(mkdtempSync(join(tmpdir(), 'llmload-dcgm-')), 'results.ndjson');
    const modules = await loadedBy(['run', fixture('quick-pass.ts'), '--url', sim!.url, '--no-report', '--quiet', '--out', `json=${results}`, '--dcgm', url]);
    assert.ok(scrapes > 0, 'the exporter was scraped');
    assert.equal(
      modules.filter((line) => line.startsWith('fetch ')),
      [],
      'fetch() called',
    );
  } finally {
    exporter.close();
  }
});

test.run();
