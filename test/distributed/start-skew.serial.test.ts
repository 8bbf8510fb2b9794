/**
 * The start skew of local runners against the simulator: how late after the
 * one start time each runner's scheduler took its time zero (on the
 * coordinator's clock). On loopback it stays within a few milliseconds when
 * the machine has CPU to spare; on a machine too busy for that to mean
 * anything, the bound is not checked (test/helpers/machine-load.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../helpers/cli.js';
import { checkUnlessBusy, measuringLoad } from '../helpers/machine-load.js';
import { startCli } from '../helpers/processes.js';

/** The target for loopback. */
const SKEW_P99_MS = 5;
const BUSY = { minCpuShare: 0.8, p50Ms: 2, p90Ms: 10 };

test(`4 local runners start within ${SKEW_P99_MS} ms of the common start time (p99 of llmload_start_skew)`, async () => {
  const { result, load } = await measuringLoad(async () => {
    const run = startCli(['run', fixture('sweep-verdict.ts'), '--instances', '4', '--no-report', '--summary-export', 'summary.json']);
    return { end: await run.done, cwd: run.cwd };
  });
  assert.is(result.end.code, 0, result.end.stderr);
  const summary = JSON.parse(readFileSync(join(result.cwd, 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> } | undefined> };
  const skew = summary.metrics['llmload_start_skew']?.values;
  assert.ok(skew !== undefined, 'llmload_start_skew in the summary export');
  assert.ok(Number.isFinite(skew['p(99)']) && skew['min']! >= 0, JSON.stringify(skew));
  checkUnlessBusy(load, BUSY, `start skew p99 < ${SKEW_P99_MS} ms`, () => {
    assert.ok(skew['p(99)']! < SKEW_P99_MS, `start skew p99 ${skew['p(99)']!.toFixed(2)} ms, max ${skew['max']!.toFixed(2)} ms`);
  });
});

test.run();
