/**
 * End to end: a rate-sweep whose client is short of VUs at its last rate, and a
 * ramping-arrival-rate run that drops arrivals, each through `llmload run` into
 * report.md / report.html / report.json and `compare`: one row per rate (or
 * stage) with offered, achieved and dropped arrivals and latencies from the
 * schedule, the verdict on who was short, and the rate finding and chart.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareRuns, loadRuns } from '../../core/report/compare.js';
import type { ReportData } from '../../core/report/report-data.js';
import { fixture, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmload-rates-'));
const sweep = join(dir, 'sweep');
const ramp = join(dir, 'ramp');

test.before(async () => {
  const a = await runCli(['run', fixture('rate-sweep-short.ts'), '--quiet', '--report', sweep]);
  assert.is(a.code, 0, a.stderr);
  const b = await runCli(['run', fixture('open-undelivered.ts'), '--quiet', '--report', ramp]);
  assert.is(b.code, 0, b.stderr);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

const read = (path: string): string => readFileSync(path, 'utf8');

test('report.json: one row per rate, in sweep order, with open-loop figures; the last rate says the client was short', () => {
  const data = JSON.parse(read(join(sweep, 'report.json'))) as ReportData;
  assert.is(data.sweeps.length, 1);
  const s = data.sweeps[0]!;
  assert.is(s.axis, 'rate');
  assert.equal(
    s.rows.slice(0, 2).map((r) => r.label),
    ['synchronous', 'throughput'],
  );
  assert.is(s.rows.length, 4);
  assert.equal(
    s.rows.slice(0, 2).map((r) => r.open?.verdict),
    ['closed loop', 'closed loop'],
  );
  const last = s.rows[3]!;
  assert.ok(Number(last.label) > Number(s.rows[2]!.label), 'offered rates ascending');
  const open = last.open!;
  assert.is(open.phase, 'open');
  assert.ok(open.dropped! > 0 && open.offeredPerSec! > open.achievedPerSec!, 'the max-throughput rate dropped arrivals');
  assert.is(open.verdict, 'client short');
  assert.is(open.serverBehind, null, 'the server kept pace: it runs any number of sequences');
  assert.match(open.clientShort!, 'all 4 VUs (maxVUs) were busy');
  assert.ok(open.ttftSched !== null && open.e2eSched !== null, 'latencies from the schedule');
  assert.ok(open.e2eSched.p50 >= last.e2e!.p50 - 1e-9, 'from the schedule is never shorter than from the send');
  assert.ok(open.sloShare !== null && Math.abs(open.sloShare - 1) < 1e-9, `the goodput SLOs reach the report from the results file (SLOs met: ${String(open.sloShare)})`);
  assert.ok(last.goodputPerSec !== null);
  // The rate the sweep broke at is the client's shortage, not the server's.
  assert.match(s.findings!.breaking!.reasons[0]!, 'the client, not the server, was short');
});

test('report.md and report.html: the rate table, the verdicts, the rate finding and chart; no whole-run capacity or concurrency-sweep advice', () => {
  const md = read(join(sweep, 'report.md'));
  assert.match(md, '| rate | offered/s | achieved/s | dropped | success | req/s | SLOs met | goodput/s |');
  assert.match(md, 'TTFT p95 (sched)');
  assert.match(md, '| CLIENT SHORT OF VUs |');
  assert.match(md, 'the client, not the server, was short');
  assert.match(md, 'Highest rate that met the SLOs and thresholds');
  assert.match(md, '![Throughput and latency vs offered rate](charts/rate-sweep.svg)');
  assert.not.match(md, 'Observed capacity');
  assert.not.match(md, 'Run a concurrency sweep');
  assert.ok(existsSync(join(sweep, 'charts', 'rate-sweep.vl.json')));
  const html = read(join(sweep, 'report.html'));
  assert.match(html, 'CLIENT SHORT OF VUs');
  assert.match(html, 'TTFT p95 (sched)');
});

test('compare: rate rows matched by their place in the sweep, with offered, achieved, dropped and latency from the schedule', async () => {
  const cmp = compareRuns(await loadRuns([sweep, join(sweep, 'results.ndjson')], ['a', 'b']));
  const groups = cmp.groups.map((g) => g.group);
  for (const g of ['rate synchronous', 'rate throughput', 'rate 1 of 2', 'rate 2 of 2']) assert.ok(groups.includes(g), `${g} in ${groups.join(', ')}`);
  const metrics = cmp.rows.filter((r) => r.group === 'rate 2 of 2').map((r) => r.metric);
  for (const m of ['Request throughput', 'Offered rate', 'Achieved rate', 'Dropped arrivals', 'TTFT p95 from schedule', 'E2E p95 from schedule']) assert.ok(metrics.includes(m), m);
  const dropped = cmp.rows.find((r) => r.group === 'rate 2 of 2' && r.metric === 'Dropped arrivals')!;
  assert.ok(dropped.values[0]! > 0);
  assert.match(dropped.notes![0]!, / req\/s$/);
  assert.not.ok(
    cmp.groups.some((g) => g.kind === 'load'),
    'the rates’ load rows are compared within the rate rows, not as separately keyed rows',
  );
});

test('ramping-arrival-rate with drops: stage rows with offered, achieved and dropped in report.md, report.json and compare', async () => {
  const data = JSON.parse(read(join(ramp, 'report.json'))) as ReportData;
  assert.ok(data.stages.length >= 2);
  const open = data.stages.map((r) => r.open!);
  assert.ok(open.every((o) => o.phase === 'open' && o.offeredPerSec !== null && o.achievedPerSec !== null));
  assert.ok(open.some((o) => o.dropped! > 0));
  const md = read(join(ramp, 'report.md'));
  assert.match(md, 'Open-loop load per stage:');
  assert.match(md, '| stage | scenario | offered/s | achieved/s | dropped |');
  const cmp = compareRuns(await loadRuns([ramp, join(ramp, 'results.ndjson')], ['a', 'b']));
  const stage = data.stages[0]!.label;
  const metrics = cmp.rows.filter((r) => r.group === `open stage ${stage}`).map((r) => r.metric);
  for (const m of ['Request throughput', 'Offered rate', 'Achieved rate', 'Dropped arrivals']) assert.ok(metrics.includes(m), `${m} in ${metrics.join(', ')}`);
});

test.run();
