/**
 * The start skew of local runners against the simulator: how late after the
 * one start time each runner's scheduler took its time zero (on the
 * coordinator's clock). The figure (p99 < 5 ms on loopback) is a
 * benchmark (`npm run bench -- coordinator`, BENCHMARKS.md): on a shared
 * 2-core machine, 4 runners, the coordinator and the simulator wait for a
 * core now and then, and a quiet-looking moment still gave 10 ms. The test
 * holds the bound that tells the prepared start from the old one (16-35 ms,
 * runners still starting their workers at the start time), and is not
 * checked at all on a machine too busy for that to mean anything
 * (test/helpers/machine-load.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../helpers/cli.js';
import { checkUnlessBusy, measuringLoad, type MachineLoad } from '../helpers/machine-load.js';
import { startCli } from '../helpers/processes.js';

/**
 * Well under the 16-35 ms of runners that were still preparing at the start time, all of them. The
 * median of the four, not the worst: on a quiet machine the worst is 4-7 ms, but one runner kept
 * off a core for a moment (the machine shared with other work) made it 13-17 ms in 3 of 6 runs.
 */
const SKEW_P50_MS = 12;
const BUSY = { minCpuShare: 0.8, p50Ms: 2, p90Ms: 10 };

async function measureSkew(): Promise<{ skew: Record<string, number>; load: MachineLoad }> {
  const { result, load } = await measuringLoad(async () => {
    const run = startCli(['run', fixture('sweep-verdict.ts'), '--instances', '4', '--no-report', '--summary-export', 'summary.json']);
    return { end: await run.done, cwd: run.cwd };
  });
  assert.is(result.end.code, 0, result.end.stderr);
  const summary = JSON.parse(readFileSync(join(result.cwd, 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> } | undefined> };
  const skew = summary.metrics['llmload_start_skew']?.values;
  assert.ok(skew !== undefined, 'llmload_start_skew in the summary export');
  assert.ok(Number.isFinite(skew['p(99)']) && Number.isFinite(skew['med']) && skew['min']! >= 0, JSON.stringify(skew));
  return { skew, load };
}

test(`4 local runners start within ${SKEW_P50_MS} ms of the common start time (median of llmload_start_skew)`, async () => {
  // Runners still preparing at the start time are late every time (16-35 ms); a busy moment can
  // still make a run late. A second run tells them apart: the bound fails only when both miss it.
  let { skew, load } = await measureSkew();
  if (skew['med']! >= SKEW_P50_MS) {
    console.log(`start skew median ${skew['med']!.toFixed(2)} ms on the first run: measured again`);
    ({ skew, load } = await measureSkew());
  }
  checkUnlessBusy(load, BUSY, `start skew median < ${SKEW_P50_MS} ms`, () => {
    assert.ok(skew['med']! < SKEW_P50_MS, `start skew median ${skew['med']!.toFixed(2)} ms, p99 ${skew['p(99)']!.toFixed(2)} ms, max ${skew['max']!.toFixed(2)} ms`);
  });
});

test.run();
