/**
 * The controller's event-loop probe wakes it 20 times a second, not 100: its health rows in
 * results.ndjson hold no more delay samples than their interval allows at a 50 ms period.
 * The workers' rows keep the 10 ms probe that token timing needs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';

interface HealthRow {
  type: string;
  source: string;
  intervalMs: number;
  delays: Array<[number, number]>;
}

test("the controller's delay probe samples at most every 50 ms; a worker's every 10 ms", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmload-controller-health-'));
  const run = await runCli(['run', fixture('load-generator-health.ts'), '--quiet', '--report', dir], { env: { VUS: '2', DURATION: '2s' } });
  assert.is(run.code, 0, run.stdout + run.stderr);
  const rows = readFileSync(join(dir, 'results.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"health"'))
    .map((line) => JSON.parse(line) as HealthRow);
  const samples = (row: HealthRow): number => row.delays.reduce((sum, [, n]) => sum + n, 0);
  const controller = rows.filter((row) => row.source === 'controller' && row.intervalMs >= 400);
  assert.ok(controller.length >= 2, `controller rows: ${controller.length}`);
  for (const row of controller) assert.ok(samples(row) <= row.intervalMs / 50 + 1, `${samples(row)} samples in ${row.intervalMs} ms`);
  // A worker's probe is finer: over its full intervals, more samples than a 50 ms period could give.
  const worker = rows.filter((row) => row.source.startsWith('worker') && row.intervalMs >= 400);
  assert.ok(worker.length >= 2, `worker rows: ${worker.length}`);
  assert.ok(
    worker.some((row) => samples(row) > row.intervalMs / 50 + 1),
    JSON.stringify(worker.map(samples)),
  );
});

test.run();
