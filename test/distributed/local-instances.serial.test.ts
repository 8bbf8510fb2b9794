/**
 * `llmload run --instances N`: a coordinator and N runner processes against
 * the built-in simulator (time-scaled), compared with one process, and what
 * happens when a runner dies or a threshold aborts the run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';
import { alive, startCli } from '../helpers/processes.js';

interface Export {
  metrics: Record<string, { values: Record<string, number> }>;
  llmload: { requests: { requests: number; failed: number }; levels: Array<{ tags: Record<string, string>; users: number; requests: number; successful: number }> };
}

const readExport = (cwd: string): Export => JSON.parse(readFileSync(join(cwd, 'summary.json'), 'utf8')) as Export;

test('4 local instances send what one process sends: the same requests, verdict and rows per level', async () => {
  const one = await runCli(['run', fixture('sweep-verdict.ts'), '--no-report', '--summary-export', 'summary.json', '--workers', '1'], { cwd: tmp() });
  const four = await runCli(['run', fixture('sweep-verdict.ts'), '--instances', '4', '--no-report', '--summary-export', 'summary.json'], { cwd: tmp() });
  assert.is(one.code, 0, one.stderr);
  assert.is(four.code, 0, four.stderr);
  const a = readExport(lastCwd[0]!);
  const b = readExport(lastCwd[1]!);
  assert.is(b.llmload.requests.requests, a.llmload.requests.requests);
  assert.is(b.llmload.requests.requests, 14);
  // Sorted: the rows' order is not what this compares (test/distributed/phase-barrier.serial.test.ts checks the levels stay apart).
  const rows = (e: Export): string[] => e.llmload.levels.map((l) => `${l.tags['level']}:${l.users}:${l.requests}:${l.successful}`).sort();
  assert.equal(rows(b), rows(a));
  // setup() ran once, on the coordinator; every runner reported its start.
  assert.match(four.stderr, /runners started: 0\/4 pid \d+, 1\/4 pid \d+, 2\/4 pid \d+, 3\/4 pid \d+/);
  assert.match(four.stderr, /start skew over 4 runners: max [\d.]+ ms/);
  assert.ok(b.metrics['llmload_start_skew'] !== undefined, 'llmload_start_skew in the summary export');
  assert.match(four.stdout, /PASS/);
});

test('a runner killed mid-run: "instance lost" exit, the others finish, every finished request is kept', async () => {
  const run = startCli(['run', fixture('sweep-verdict.ts'), '--instances', '2', '--no-report', '--out', 'json=results.ndjson'], {
    // A second per level at 20×: the killed runner has reported its level-2 requests (heartbeats every 500 ms) by the time level 4 is seen.
    env: { SWEEP_DURATION: '20s' },
  });
  const [, pid] = await run.waitFor(/1\/2 pid (\d+)/);
  await run.waitFor(/level 4 started/);
  process.kill(Number(pid), 'SIGKILL');
  const end = await run.done;
  assert.is(end.code, 112, end.stderr);
  assert.ok(/instance 1\/2 lost: was killed by SIGKILL/.test(end.stderr), end.stderr);
  assert.match(end.stderr, /LL_ERR_INSTANCE_LOST|instances lost/);
  assert.match(end.stdout, /TOTAL RESULTS/);
  // Level 2 ran one VU on each instance: both VUs' requests are in the results, the killed one's too.
  const lines = readFileSync(join(run.cwd, 'results.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; vu?: number; tags?: Record<string, string> });
  const level2Vus = new Set(lines.filter((l) => l.type === 'request' && l.tags?.['level'] === '2').map((l) => l.vu));
  assert.is(level2Vus.size, 2, `VUs at level 2: ${[...level2Vus].join(', ')}`);
});

test('abortOnFail judged on all runners stops every runner', async () => {
  const started = performance.now();
  const run = startCli(['run', fixture('threshold-abort.ts'), '--instances', '2', '--no-report']);
  const [, pid0, pid1] = await run.waitFor(/0\/2 pid (\d+), 1\/2 pid (\d+)/);
  const end = await run.done;
  assert.is(end.code, 99, end.stderr);
  // The scenario lasts 60 s; the first live evaluation (every 2 s) stops both runners.
  assert.ok(performance.now() - started < 40_000, `took ${Math.round(performance.now() - started)} ms`);
  assert.match(end.stderr, /\[0\/2\] .*done/);
  assert.match(end.stderr, /\[1\/2\] .*done/);
  assert.not.ok(alive(Number(pid0)) || alive(Number(pid1)), 'no runner left running');
});

const lastCwd: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmload-inst-'));
  lastCwd.push(dir);
  return dir;
}

test.run();
