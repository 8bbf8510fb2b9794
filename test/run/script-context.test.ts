/**
 * The script's context across awaits (group, check, sleep and custom metrics
 * find their VU and group after any await, in concurrent promises, with VUs
 * interleaving in one worker), and calls the script did not await (warned
 * about once, waited for before the VU's next iteration, recorded).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'llmload-context-'));

type Tags = Record<string, string>;
interface Line {
  type: string;
  tags: Tags;
  metric?: string;
  value?: number;
  vu?: number;
  failure?: string | null;
  startedAt?: number;
  e2eMs?: number | null;
}
const readNdjson = (path: string): Line[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
const countBy = (lines: Line[], key: (line: Line) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const line of lines) counts[key(line)] = (counts[key(line)] ?? 0) + 1;
  return counts;
};
/** The 1-based line of `fixtureName` that holds `marker`. */
const lineOf = (fixtureName: string, marker: string): number =>
  readFileSync(fixture(fixtureName), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(marker)) + 1;

test('group, check, sleep and custom metrics keep their VU and group across awaits, in concurrent groups, with VUs interleaving', async () => {
  const out = join(tmp, 'context.ndjson');
  // One worker: both VUs share its event loop, so their awaits interleave.
  const run = await runCli(['run', fixture('script-context.ts'), '--quiet', '--no-report', '--workers', '1', '--out', `json=${out}`]);
  assert.is(run.code, 0, run.stderr + run.stdout);
  const lines = readNdjson(out);
  const requests = lines.filter((l) => l.type === 'request');
  // 2 VUs × 4 iterations, each request in the group it was sent from, with its own VU's tags.
  assert.equal(
    countBy(requests, (r) => `${r.tags['label']} ${r.tags['group']} ${r.tags['scenario']}`),
    { 'a1 ::a ctx': 8, 'a2 ::a ctx': 8, 'b ::b ctx': 8, 'b-inner ::b::inner ctx': 8, 'p ::p ctx': 8, 'q ::q ctx': 8 },
  );
  for (const r of requests) assert.is(r.tags['who'], String(r.vu), `request of VU ${r.vu} tagged as VU ${r.tags['who']}`);

  const samples = lines.filter((l) => l.type === 'sample');
  // Every sample names the VU that made it (`from`) and must carry that VU's tags (`who`).
  for (const s of samples) assert.is(s.tags['who'], s.tags['from'], `${s.metric} of VU ${s.tags['from']} tagged as VU ${s.tags['who']}`);
  assert.equal(
    countBy(samples, (s) => `${s.metric} ${s.tags['check'] ?? s.value} ${s.tags['group'] ?? '-'} ${s.tags['scenario']} ${s.value}`),
    {
      'checks plain value in a ::a ctx 1': 8,
      'checks plain value in b ::b ctx 1': 8,
      'checks plain value at the top - ctx 1': 8,
      'ctx_after_awaits 1 - ctx 1': 8,
      'ctx_in_group 1 ::a ctx 1': 8,
      'ctx_in_group 4 ::b::inner ctx 4': 8,
      'ctx_in_group 2 ::p ctx 2': 8,
      'ctx_in_group 3 ::q ctx 3': 8,
    },
  );
});

test('un-awaited group() and sleep(): warned about once per call site, waited for before the next iteration, every request recorded', async () => {
  const out = join(tmp, 'unawaited.ndjson');
  const exported = join(tmp, 'unawaited.json');
  // Two workers: both report the same call sites; the run prints each once.
  const run = await runCli(['run', fixture('unawaited.ts'), '--no-report', '--workers', '2', '--out', `json=${out}`, '--summary-export', exported]);
  assert.is(run.code, 0, run.stderr + run.stdout);
  const output = run.stdout + run.stderr;
  const groupWarning = new RegExp(`group\\(\\) at \\S*test/fixtures/unawaited\\.ts:${lineOf('unawaited.ts', 'not awaited: group')}:3 was not awaited`, 'g');
  const sleepWarning = new RegExp(`sleep\\(\\) at \\S*test/fixtures/unawaited\\.ts:${lineOf('unawaited.ts', 'not awaited: sleep')}:3 was not awaited`, 'g');
  assert.is(output.match(groupWarning)?.length, 1, output);
  assert.is(output.match(sleepWarning)?.length, 1, output);
  assert.is(output.match(/was not awaited/g)?.length, 2, output);

  // 2 VUs × 5 iterations × 3 requests, all recorded, in their group.
  const requests = readNdjson(out).filter((l) => l.type === 'request');
  assert.is(requests.length, 30);
  assert.equal(
    countBy(requests, (r) => `${r.tags['group']} ${r.failure ?? 'ok'}`),
    { '::g ok': 30 },
  );
  // A closed loop of 2 VUs never has more than 2 requests in flight (ends sort before starts at the same instant).
  const events = requests.flatMap((r) => [
    [r.startedAt!, 1],
    [r.startedAt! + r.e2eMs!, -1],
  ]);
  events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let inFlight = 0;
  let most = 0;
  for (const [, step] of events) most = Math.max(most, (inFlight += step!));
  assert.is(most, 2);
  // The un-awaited sleep(0.05) is waited for too: no iteration is shorter than it (timers never fire early by more than a tick).
  const summary = JSON.parse(readFileSync(exported, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
  assert.is(summary.metrics['iterations']?.values['count'], 10);
  assert.ok(summary.metrics['iteration_duration']!.values['min']! >= 49, `min iteration ${summary.metrics['iteration_duration']!.values['min']} ms`);
});

test('an un-awaited group that fails after its iteration returned fails that iteration, located in the script', async () => {
  const exported = join(tmp, 'throw.json');
  const run = await runCli(['run', fixture('unawaited-throw.ts'), '--no-report', '--workers', '2', '--summary-export', exported]);
  assert.is(run.code, 0, run.stderr + run.stdout);
  const output = run.stdout + run.stderr;
  const line = lineOf('unawaited-throw.ts', "throw new Error('failed after the iteration returned')");
  // Printed once for the run, though both workers' VUs fail the same way, at the script's own line.
  const failure = new RegExp(`iteration failed: failed after the iteration returned\\n\\s+at \\S*test/fixtures/unawaited-throw\\.ts:${line}:11`, 'g');
  assert.is(output.match(failure)?.length, 1, output);
  assert.is(output.match(/was not awaited/g)?.length, 1, output);
  const summary = JSON.parse(readFileSync(exported, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
  assert.is(summary.metrics['iteration_errors']?.values['count'], 4);
  assert.is(summary.metrics['llm_requests']?.values['count'], 4);
});

test('an un-awaited request still running at gracefulStop is aborted with its iteration and recorded as interrupted', async () => {
  const out = join(tmp, 'interrupt.ndjson');
  const exported = join(tmp, 'interrupt.json');
  const run = await runCli(['run', fixture('unawaited-interrupt.ts'), '--no-report', '--out', `json=${out}`, '--summary-export', exported]);
  assert.is(run.code, 0, run.stderr + run.stdout);
  // Each VU's first iteration returns at once but holds its 30 s request until the scenario ends at 300 ms.
  const requests = readNdjson(out).filter((l) => l.type === 'request');
  assert.equal(
    countBy(requests, (r) => `${r.vu} ${r.tags['group']} ${r.failure}`),
    { '1 ::slow aborted': 1, '2 ::slow aborted': 1 },
  );
  const summary = JSON.parse(readFileSync(exported, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
  assert.is(summary.metrics['interrupted_iterations']?.values['count'], 2);
  assert.is(summary.metrics['iterations'], undefined);
  assert.is(summary.metrics['llm_requests_interrupted']?.values['count'], 2);
});

test('a script using only vu.* methods runs without the iteration frame, and vu.group still tags what runs in it after awaits', async () => {
  const out = join(tmp, 'vu-methods.ndjson');
  const run = await runCli(['run', fixture('vu-methods-context.ts'), '--quiet', '--no-report', '--workers', '1', '--out', `json=${out}`]);
  assert.is(run.code, 0, run.stderr + run.stdout);
  const lines = readNdjson(out);
  const requests = lines.filter((l) => l.type === 'request');
  // 2 VUs × 3 iterations; the top-level request carries no group.
  assert.equal(
    countBy(requests, (r) => `${r.tags['label']} ${r.tags['group'] ?? '-'} ${r.tags['scenario']}`),
    { 'top - plain': 6, 'a1 ::a plain': 6, 'a2 ::a plain': 6, 'p ::p plain': 6, 'q ::q plain': 6 },
  );
  for (const r of requests) assert.is(r.tags['who'], String(r.vu), `request of VU ${r.vu} tagged as VU ${r.tags['who']}`);
  const checks = lines.filter((l) => l.type === 'sample' && l.metric === 'checks');
  assert.equal(
    countBy(checks, (c) => `${c.tags['check']} ${c.tags['group']}`),
    { 'in a ::a': 6 },
  );
});

test.run();
