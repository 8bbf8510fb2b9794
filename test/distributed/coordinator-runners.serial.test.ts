/**
 * The coordinator and runner roles as on Kubernetes (`--coordinator` and
 * `--coordinator-url … --instance i/N`), each a process of its own on
 * loopback: a runner that never comes, a runner whose clock is off, and a
 * coordinator that dies under its runner.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../helpers/cli.js';
import { startCli } from '../helpers/processes.js';
import { INSTANCE_OFFSET_ENV, RUNNER_INDEX_OFFSET } from '../../core/k8s/pod-command.js';

const coordinatorArgs = (script: string, runners: number): string[] => ['run', fixture(script), '--coordinator', '--instances', String(runners), '--listen', '127.0.0.1:0'];

test('a runner missing at registration: the timeout names it and nothing is sent', async () => {
  const coordinator = startCli([...coordinatorArgs('sweep-verdict.ts', 2), '--register-timeout', '10s', '--no-report']);
  const [, url] = await coordinator.waitFor(/coordinator listening on (http:\/\/\S+)/);
  // The timeout leaves a busy machine time to build and prepare the runner that does come, so it hears the refusal rather than finding the coordinator gone.
  const runner = startCli(['run', fixture('sweep-verdict.ts'), '--coordinator-url', url!, '--instance', '0/2']);
  const end = await coordinator.done;
  assert.is(end.code, 111, end.stderr);
  assert.match(end.stderr, /LL_ERR_REGISTRATION_TIMEOUT/);
  assert.match(end.stderr, /instance 1\/2: never registered/);
  assert.not.match(end.stderr, /instance 0\/2: never/);
  assert.not.match(end.stdout, /TOTAL RESULTS/);
  const runnerEnd = await runner.done;
  assert.is(runnerEnd.code, 111, runnerEnd.stderr);
});

test("a runner's clock offset is measured to within half its round trip, and its start and its records are on the coordinator's clock", async () => {
  const before = Date.now();
  const coordinator = startCli([...coordinatorArgs('sweep-verdict.ts', 1), '--no-report', '--summary-export', 'summary.json', '--out', 'json=results.ndjson']);
  const [, url] = await coordinator.waitFor(/coordinator listening on (http:\/\/\S+)/);
  // The runner's clock is a minute ahead of the coordinator's.
  const runner = startCli(['run', fixture('sweep-verdict.ts'), '--coordinator-url', url!, '--instance', '0/1'], { env: { LLMLOAD_TEST_CLOCK_OFFSET_MS: '60000' } });
  const [, sign, offset, rtt] = await coordinator.waitFor(/instance 0\/1 ready: clock offset ([+−])([\d.]+) ms \(round trip ([\d.]+) ms\)/);
  const measured = (sign === '−' ? -1 : 1) * Number(offset);
  // Printed to 0.01 ms.
  assert.ok(Math.abs(measured - -60000) <= Number(rtt) / 2 + 0.01, `offset ${measured} ms, round trip ${rtt} ms`);
  const end = await coordinator.done;
  assert.is(end.code, 0, end.stderr);
  assert.is((await runner.done).code, 0);
  const skew = (JSON.parse(readFileSync(join(coordinator.cwd, 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> }).metrics[
    'llmload_start_skew'
  ]!;
  // Uncorrected, the runner would have started a minute early.
  assert.ok(skew.values['max']! < 50, `start skew ${skew.values['max']} ms`);
  // The runner stamps its records a minute ahead; the coordinator moves them back onto its own clock,
  // so they fall within the test's time on this machine (the run takes seconds).
  const after = Date.now();
  const records = readFileSync(join(coordinator.cwd, 'results.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string; startedAt: number; scheduledAt: number })
    .filter((line) => line.type === 'request');
  assert.is(records.length, 14);
  for (const record of records) {
    assert.ok(record.startedAt >= before && record.startedAt <= after, `request sent at ${record.startedAt - before} ms into a ${after - before} ms test`);
    assert.ok(record.scheduledAt >= before && record.scheduledAt <= after, `request scheduled at ${record.scheduledAt - before} ms into a ${after - before} ms test`);
  }
});

test('a runner whose coordinator dies stops its load', async () => {
  const env = { SWEEP_DURATION: '20s', LLMLOAD_HEARTBEAT_TIMEOUT_MS: '1500' };
  const coordinator = startCli([...coordinatorArgs('sweep-verdict.ts', 1), '--no-report'], { env });
  const [, url] = await coordinator.waitFor(/coordinator listening on (http:\/\/\S+)/);
  const runner = startCli(['run', fixture('sweep-verdict.ts'), '--coordinator-url', url!, '--instance', '0/1'], { env });
  await coordinator.waitFor(/start skew|level 4 started|instance 0\/1 ready/);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  coordinator.child.kill('SIGKILL');
  const killedAt = performance.now();
  const end = await runner.done;
  assert.is(end.code, 113, end.stderr);
  assert.match(end.stderr, /LL_ERR_COORDINATOR_LOST/);
  // The sweep had a minute left; the runner stopped within the heartbeat timeout and a drain.
  assert.ok(performance.now() - killedAt < 15_000, `stopped ${Math.round(performance.now() - killedAt)} ms after the coordinator died`);
});

test('the roles as the Kubernetes manifest starts them: the count and indexes from the environment, runner k at JOB_COMPLETION_INDEX k + 1', async () => {
  // Pod 0: --coordinator with LLMLOAD_INSTANCES runners; pods 1 and 2: --instance auto (core/k8s/pod-command.ts).
  const podEnv = (index: number): Record<string, string> => ({ JOB_COMPLETION_INDEX: String(index), LLMLOAD_INSTANCES: '2', [INSTANCE_OFFSET_ENV]: String(RUNNER_INDEX_OFFSET) });
  const coordinator = startCli(['run', fixture('sweep-verdict.ts'), '--coordinator', '--listen', '127.0.0.1:0', '--no-report', '--summary-export', 'summary.json'], {
    env: podEnv(0),
  });
  const [, url] = await coordinator.waitFor(/coordinator listening on (http:\/\/\S+)/);
  const runners = [1, 2].map((index) => startCli(['run', fixture('sweep-verdict.ts'), '--coordinator-url', url!, '--instance', 'auto', '--no-report'], { env: podEnv(index) }));
  const end = await coordinator.done;
  assert.is(end.code, 0, end.stderr);
  for (const runner of runners) assert.is((await runner.done).code, 0);
  assert.match(end.stderr, /instance 0\/2 ready/);
  assert.match(end.stderr, /instance 1\/2 ready/);
  const summary = JSON.parse(readFileSync(join(coordinator.cwd, 'summary.json'), 'utf8')) as { llmload: { requests: { requests: number } } };
  // What one process sends (test/distributed/local-instances.serial.test.ts).
  assert.is(summary.llmload.requests.requests, 14);
});

test.run();
