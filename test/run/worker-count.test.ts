/**
 * Without --workers a run starts the worker threads its peak concurrency
 * needs, not one per core: each thread is an isolate of its own (memory,
 * start-up, compiler and GC), and a low-load run needs one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availableParallelism } from 'node:os';
import { fixture, runCli } from '../helpers/cli.js';
import { VUS_PER_WORKER, defaultWorkerCount } from '../../core/run/worker-count.js';

/** The distinct threads the fixture's VUs said they ran on. */
function threadsOf(stderr: string): Set<string> {
  return new Set([...stderr.matchAll(/vu \d+ on thread (\d+)/g)].map((m) => m[1]!));
}

test('one worker up to VUS_PER_WORKER VUs, one more per VUS_PER_WORKER beyond, never more than the cores', () => {
  assert.is(defaultWorkerCount(0, 8), 1);
  assert.is(defaultWorkerCount(1, 8), 1);
  assert.is(defaultWorkerCount(16, 8), 1);
  assert.is(defaultWorkerCount(VUS_PER_WORKER, 8), 1);
  assert.is(defaultWorkerCount(VUS_PER_WORKER + 1, 8), 2);
  assert.is(defaultWorkerCount(10 * VUS_PER_WORKER, 8), 8);
  assert.is(defaultWorkerCount(10 * VUS_PER_WORKER, 2), 2);
  assert.is(defaultWorkerCount(10 * VUS_PER_WORKER, 0), 1);
});

test('a run with 4 VUs starts one worker thread, on a machine with several cores too', async () => {
  const run = await runCli(['run', fixture('worker-threads.ts'), '--no-report'], { env: { VUS: '4' } });
  assert.is(run.code, 0, run.stderr);
  const threads = threadsOf(run.stderr);
  assert.is([...run.stderr.matchAll(/vu \d+ on thread/g)].length, 4, run.stderr);
  assert.is(threads.size, 1, run.stderr);
});

test('a run whose VUs outgrow one worker starts more (up to the cores); --workers still decides when given', async () => {
  const vus = VUS_PER_WORKER + 1;
  const run = await runCli(['run', fixture('worker-threads.ts'), '--no-report', '--quiet'], { env: { VUS: String(vus) } });
  assert.is(run.code, 0, run.stderr);
  assert.is(threadsOf(run.stderr).size, Math.min(2, availableParallelism()), run.stderr);
  const forced = await runCli(['run', fixture('worker-threads.ts'), '--no-report', '--quiet', '--workers', '2'], { env: { VUS: '4' } });
  assert.is(forced.code, 0, forced.stderr);
  assert.is(threadsOf(forced.stderr).size, 2, forced.stderr);
});

test.run();
