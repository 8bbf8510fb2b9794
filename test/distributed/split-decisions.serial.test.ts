/**
 * Executors that decide from results, split over runners: the coordinator decides each step on
 * every runner's records, so a rate-sweep over two runners sweeps the rates one process sweeps
 * (the max throughput is the sum of the runners', within the run's noise) and gives the same
 * verdict, and a capacity search over two runners finds the capacity one process finds, each
 * probe listed once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';

interface Summary {
  metrics: Record<string, { values?: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
  llmload: {
    rates: Array<{ tags: Record<string, string> }>;
    levels: Array<{ tags: Record<string, string> }>;
    load: Array<{ tags: Record<string, string>; planned: number; started: number; dropped: number }>;
  };
}

const tmp = mkdtempSync(join(tmpdir(), 'llmload-split-decisions-'));

async function sweep(instances: number): Promise<{ code: number | null; output: string; summary: Summary }> {
  const file = join(tmp, `sweep-${instances}.json`);
  const run = await runCli(['run', fixture('split-rate-sweep.ts'), '--instances', String(instances), '--no-report', '--summary-export', file], { timeoutMs: 120_000 });
  return { code: run.code, output: run.stdout + run.stderr, summary: JSON.parse(readFileSync(file, 'utf8')) as Summary };
}

/** The rates a sweep ran, after its two measurement phases. */
const sweptRates = (summary: Summary): number[] =>
  summary.llmload.rates
    .map((row) => row.tags['rate']!)
    .filter((rate) => rate !== 'synchronous' && rate !== 'throughput')
    .map(Number);

/** Every threshold's source and verdict. */
const verdicts = (summary: Summary): string[] =>
  Object.entries(summary.metrics).flatMap(([metric, m]) => Object.entries(m.thresholds ?? {}).map(([source, t]) => `${metric} ${source} ${t.ok ? 'ok' : 'failed'}`));

test('a rate-sweep over two runners sweeps the rates one process sweeps, decided once on both runners’ records, with the same verdict', async () => {
  const one = await sweep(1);
  const two = await sweep(2);
  // One threshold fails by design (E2E p50 < 100 ms against 0.8 s answers): the verdict's exit code.
  assert.is(one.code, 99, one.output);
  assert.is(two.code, 99, two.output);
  const decided = two.output.match(/rate-sweep "sweep": synchronous .* → rates (.*) req\/s/g) ?? [];
  assert.is(decided.length, 1, `the coordinator decides the rates once:\n${two.output}`);
  const ratesOne = sweptRates(one.summary);
  const ratesTwo = sweptRates(two.summary);
  assert.is(ratesOne.length, 2, JSON.stringify(one.summary.llmload.rates));
  assert.is(ratesTwo.length, 2, JSON.stringify(two.summary.llmload.rates));
  // ~5 and ~9 per modelled second: the last rate is the max throughput, the sum of both runners' (each has half the VUs).
  ratesTwo.forEach((rate, k) => {
    const alone = ratesOne[k]!;
    assert.ok(Math.abs(rate - alone) <= 0.15 * alone, `rate ${k + 1}: ${rate} over two runners, ${alone} on one`);
  });
  assert.ok(ratesTwo[1]! > 7, `max throughput ${ratesTwo[1]} req/s is the sum of both runners' (8 VUs at 0.8 s an answer)`);
  assert.equal(verdicts(two.summary), verdicts(one.summary));
  assert.equal(
    two.summary.llmload.rates.map((row) => row.tags['rate']),
    ['synchronous', 'throughput', ...ratesTwo.map(String)],
    'every rate listed once',
  );
  // Each runner sends the arrivals its stripe owns, and counts only those as planned: the rows add up.
  for (const row of two.summary.llmload.load) {
    assert.is(row.planned, row.started + row.dropped, `rate ${row.tags['rate']}: ${JSON.stringify(row)}`);
    const alone = one.summary.llmload.load.find((r) => r.tags['rate'] === row.tags['rate']);
    if (alone !== undefined) assert.is(row.planned, alone.planned, `rate ${row.tags['rate']}: the one-machine schedule`);
  }
});

interface CapacityReport {
  sweeps: Array<{ capacity?: { status: string; capacity: number | null; probes: Array<{ load: number; requests: number }> } }>;
}

test('a capacity search over two runners finds the capacity one process finds (3 users), each probe listed once', async () => {
  const oneFile = join(tmp, 'search-1.json');
  const one = await runCli(['run', fixture('capacity-search.ts'), '--no-report', '--summary-export', oneFile], { env: { CAPACITY_GATE: 'value>=3' }, timeoutMs: 200_000 });
  assert.is(one.code, 0, one.stdout + one.stderr);
  const dir = join(tmp, 'search-2');
  const two = await runCli(['run', fixture('capacity-search.ts'), '--instances', '2', '--report', dir, '--summary-export', join(dir, 'summary.json')], {
    env: { CAPACITY_GATE: 'value>=3' },
    timeoutMs: 200_000,
  });
  const output = two.stdout + two.stderr;
  assert.is(two.code, 0, output);
  const capacity = (file: string): number | undefined => (JSON.parse(readFileSync(file, 'utf8')) as Summary).metrics['llm_capacity']?.values?.['value'];
  const alone = capacity(oneFile);
  const split = capacity(join(dir, 'summary.json'));
  assert.is(alone, 3);
  // Within the search's tolerance (1 user) of the one-process answer.
  assert.ok(split !== undefined && Math.abs(split - (alone ?? NaN)) <= 1, `capacity ${split} over two runners, ${alone} on one`);
  assert.is((output.match(/capacity-search "search": capacity/g) ?? []).length, 1, 'the coordinator answers once');
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  const levels = summary.llmload.levels.map((row) => row.tags['level']);
  assert.is(new Set(levels).size, levels.length, `each probe listed once: ${levels.join(', ')}`);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as CapacityReport;
  const search = report.sweeps[0]?.capacity;
  assert.is(search?.capacity, split);
  assert.equal(
    search?.probes.map((p) => p.load),
    [...new Set(search?.probes.map((p) => p.load))],
  );
  assert.ok(
    search?.probes.every((p) => p.requests > 0),
    JSON.stringify(search?.probes),
  );
});

test.run();
