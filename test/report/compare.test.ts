import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GpuWindowStats } from '../../core/telemetry/gpu-windows.js';
import type { OpenLoadRow } from '../../core/metrics/load-delivery.js';
import type { RequestStatsRow } from '../../core/metrics/request-stats.js';
import { compareRuns, notComparable, percentChange, type CompareRun } from '../../core/report/compare.js';
import { buildCompareDocument, formatChange, formatValue } from '../../core/report/compare-report.js';
import { renderMarkdown } from '../../core/report/markdown.js';

test("% change and direction: seed 004's table 4.3", () => {
  const throughput = percentChange(1172.5, 2397.85, 'higher')!;
  assert.is(throughput.percent.toFixed(1), '104.5');
  assert.is(throughput.verdict, 'better');
  assert.is(formatChange(throughput), '+104.5% (2.05× higher, better)');
  const latency = percentChange(4853.96, 3380.91, 'lower')!;
  assert.is(formatChange(latency, null, 'ms'), '-30.3% (1.44× faster, better)');
  assert.is(formatChange(percentChange(1580.47, 1854.7, 'higher')), '+17.4% (1.17× higher, better)');
  assert.is(formatChange(percentChange(3744.57, 1933.36, 'lower'), null, 'ms'), '-48.4% (1.94× faster, better)');
  assert.is(formatChange(percentChange(100, 120, 'lower'), null, 'ms'), '+20.0% (1.20× slower, worse)');
  assert.is(formatChange(percentChange(100, 90, 'higher')), '-10.0% (1.11× lower, worse)');
  // Seed 003: 7.57 s → 0.217 s.
  assert.is(formatChange(percentChange(7570, 217, 'lower'), null, 'ms'), '-97.1% (34.88× faster, better)');
  assert.is(formatChange(percentChange(100, 100, 'higher')), '0.0% (same)');
  assert.is(percentChange(0, 5, 'higher'), null, 'no % change from a zero baseline');
  assert.is(percentChange(null, 5, 'higher'), null);
  assert.is(formatValue(2397.85, 'tok/s'), '2397.85 tok/s');
  assert.is(formatValue(3380.91, 'ms'), '3380.91 ms');
});

function row(users: number, rps: number, e2eP50: number): RequestStatsRow {
  const lat = { count: 1, avg: e2eP50, min: e2eP50, max: e2eP50, std: 0, p50: e2eP50, p90: e2eP50, p95: e2eP50, p99: e2eP50, approximate: false };
  return {
    tags: { scenario: 'sweep', level: String(users) },
    users,
    requests: 10,
    successful: 10,
    failed: 0,
    interrupted: 0,
    successRate: 1,
    failures: {},
    window: { startMs: 0, endMs: 1000, durationMs: 1000 },
    requestsPerSec: rps,
    outputTokensPerSec: rps * 100,
    totalTokensPerSec: rps * 110,
    goodputPerSec: null,
    averageConcurrency: null,
    outputTokens: 1000,
    inputTokens: 100,
    cachedTokens: 0,
    avgOutputTokens: 100,
    avgOutputChars: 400,
    tokensEstimated: false,
    e2e: lat,
    ttft: lat,
    itl: null,
    tpot: null,
  };
}

function run(label: string, levels: Array<[number, number, number]>, script = 'sweep.ts', model = 'Qwen/Qwen2.5-14B-Instruct'): CompareRun {
  const rows = levels.map(([u, rps, e2e]) => ({ scenario: 'sweep', label: String(u), users: u, row: row(u, rps, e2e) }));
  return { label, source: label, script, model, levels: rows, stages: [], total: row(0, 10, 100), saturation: null, capacityPerHour: null };
}

test('levels match by value; a level only one run has is shown with a gap and a warning', () => {
  const comparison = compareRuns([
    run('baseline', [
      [2, 10, 4853.96],
      [192, 11.725, 14950],
    ]),
    run('optimized', [
      [2, 15, 3380.91],
      [512, 23.9785, 14630],
    ]),
  ]);
  assert.equal(
    comparison.groups.map((g) => [g.group, g.presentIn]),
    [
      ['level 2', [true, true]],
      ['level 192', [true, false]],
      ['level 512', [false, true]],
      ['whole run', [true, true]],
    ],
  );
  const e2e = comparison.rows.find((r) => r.group === 'level 2' && r.metric === 'E2E p50')!;
  assert.equal(e2e.values, [4853.96, 3380.91]);
  assert.is(formatChange(e2e.changes[1]!, null, 'ms'), '-30.3% (1.44× faster, better)');
  const gap = comparison.rows.find((r) => r.group === 'level 512' && r.metric === 'Request throughput')!;
  assert.equal(gap.values, [null, 23.9785]);
  assert.is(gap.changes[1], null);
  assert.match(comparison.warnings.join('\n'), 'level 192 (only baseline)');
  assert.match(comparison.warnings.join('\n'), 'level 512 (only optimized)');
  const peak = comparison.headline.find((r) => r.metric === 'Max output throughput')!;
  assert.equal(peak.notes, ['at 192', 'at 512']);
  assert.is(formatChange(peak.changes[1]!), '+104.5% (2.05× higher, better)');
});

test("the Markdown keeps seed 004's layout: | Level | Metric | Baseline | Candidate | Change |", () => {
  const comparison = compareRuns([run('baseline', [[2, 10, 4853.96]]), run('optimized', [[2, 15, 3380.91]])]);
  const md = renderMarkdown(buildCompareDocument(comparison, []));
  assert.match(md, '| Level | Metric | baseline | optimized | Change |');
  assert.match(md, '| level 2 | E2E p50 | 4853.96 ms | 3380.91 ms | -30.3% (1.44× faster, better) |');
  assert.match(md, '| level 2 | Request throughput | 10.00 req/s | 15.00 req/s | +50.0% (1.50× higher, better) |');
  assert.not.match(md, 'Warning');
});

test('different scripts or models are allowed, with a warning; three runs compare against the first', () => {
  const comparison = compareRuns([run('a', [[1, 10, 100]]), run('b', [[1, 12, 90]], 'other.ts'), run('c', [[1, 8, 120]], 'sweep.ts', 'meta-llama/Llama-3.1-8B')]);
  assert.match(comparison.warnings[0]!, 'different scripts (sweep.ts, other.ts)');
  assert.match(comparison.warnings[1]!, 'different models');
  const rps = comparison.rows.find((r) => r.group === 'level 1' && r.metric === 'Request throughput')!;
  assert.equal(
    rps.changes.map((c) => (c === null ? null : formatChange(c))),
    [null, '+20.0% (1.20× higher, better)', '-20.0% (1.25× lower, worse)'],
  );
  const md = renderMarkdown(buildCompareDocument(comparison, []));
  assert.match(md, '| Level | Metric | a | b | Change (b) | c | Change (c) |');
  assert.match(md, '**Warning:** The runs come from different scripts');
  assert.throws(() => compareRuns([run('a', [])]), /at least two runs/);
  const real = { ...run('real', [[1, 10, 100]]), timeScale: 1 };
  const scaled = { ...run('scaled', [[1, 200, 5]]), timeScale: 20 };
  assert.match(
    compareRuns([real, scaled]).warnings.join('\n'),
    "The runs are at different time scales (real: 1× simulator, scaled: 20× simulator) and scaled is reported as measured, not in the simulated server's time: times and rates are not comparable",
  );
  assert.equal(compareRuns([real, { ...real, label: 'again' }]).warnings, [], 'one scale: no warning');
});

test("runs at different time scales, both in the simulated server's time, compare: a note, and changes computed on modelled figures", () => {
  const real = { ...run('real', [[1, 10, 100]]), timeScale: 1 };
  const modelled = { ...run('modelled', [[1, 12, 98]]), timeScale: 20, convertedBy: 20 };
  const comparison = compareRuns([real, modelled]);
  const warnings = comparison.warnings.join('\n');
  assert.match(warnings, "The runs were at different time scales (real: 1× simulator, modelled: 20× simulator); every figure is in the simulated server's time, so they compare.");
  assert.not.match(warnings, 'not comparable');
  const rps = comparison.rows.find((r) => r.group === 'level 1' && r.metric === 'Request throughput')!;
  assert.equal(formatChange(rps.changes[1]!), '+20.0% (1.20× higher, better)');
});

function withItl(r: RequestStatsRow, itlMs: number | null): RequestStatsRow {
  const lat = itlMs === null ? null : { count: 10, avg: itlMs, min: itlMs, max: itlMs, std: 0, p50: itlMs, p90: itlMs, p95: itlMs, p99: itlMs, approximate: false };
  return { ...r, itl: lat };
}

test('an ITL of 0 (coalesced reads) or a missing latency is not comparable, never a −100 % improvement', () => {
  const base = run('streamed', [[1, 10, 100]]);
  const coalesced = run('coalesced', [[1, 10, 100]]);
  base.levels[0]!.row = withItl(base.levels[0]!.row, 12);
  coalesced.levels[0]!.row = withItl(coalesced.levels[0]!.row, 0);
  const comparison = compareRuns([base, coalesced]);
  const itl = comparison.rows.find((r) => r.group === 'level 1' && r.metric === 'ITL p50')!;
  assert.equal(itl.values, [12, 0]);
  assert.is(itl.changes[1], null, 'no % change against a 0 ms ITL');
  assert.equal(itl.notComparable, [null, '0 ms: coalesced reads']);
  const md = renderMarkdown(buildCompareDocument(comparison, []));
  assert.match(md, '| level 1 | ITL p50 | 12.00 ms | 0.00 ms | not comparable (0 ms: coalesced reads) |');
  assert.not.match(md, '-100.0%');
  assert.match(md, '2 not comparable (a 0 or missing latency)');
  // The other way round, and a figure one run lacks while it has the row.
  const reverse = compareRuns([coalesced, base]).rows.find((r) => r.group === 'level 1' && r.metric === 'ITL p99')!;
  assert.equal(reverse.notComparable, [null, 'baseline 0 ms: coalesced reads']);
  const none = run('no-itl', [[1, 10, 100]]);
  const missing = compareRuns([base, none]).rows.find((r) => r.group === 'level 1' && r.metric === 'ITL p50')!;
  assert.equal(missing.values, [12, null]);
  assert.equal(missing.notComparable, [null, 'no data']);
  assert.is(notComparable('E2E p50', 'ms', 0, 100), 'baseline 0 ms');
  // Throughput figures are not latencies: a 0 there is a real change.
  assert.is(notComparable('Request throughput', 'req/s', 10, 0), null);
  assert.is(formatChange(percentChange(10, 0, 'higher')), '-100.0% (worse)');
});

function load(label: string, started: number, dropped: number, shortfall: string | null): OpenLoadRow {
  return {
    scenario: 'open',
    tags: { stage: '0' },
    label,
    windowMs: 10_000,
    planned: started + dropped,
    started,
    dropped,
    offeredPerSec: (started + dropped) / 10,
    achievedPerSec: started / 10,
    delivered: started / (started + dropped),
    maxVus: 20,
    dispatchLagP95Ms: 2,
    shortfall,
  };
}

test('open-loop rows compare offered and achieved rates and drops; a run that did not deliver its load is a warning', () => {
  const full = { ...run('full', [[1, 10, 100]]), load: [load('stage 0', 297, 0, null)] };
  const short = { ...run('short', [[1, 10, 100]]), load: [load('stage 0', 209, 88, '88 of 297 arrivals (30 %) were dropped (maxVUs 20 reached)')] };
  const comparison = compareRuns([full, short]);
  assert.ok(comparison.groups.some((g) => g.group === 'open stage 0 load' && g.kind === 'load'));
  const get = (metric: string) => comparison.rows.find((r) => r.group === 'open stage 0 load' && r.metric === metric)!;
  assert.equal(get('Offered rate').values, [29.7, 29.7]);
  assert.is(get('Offered rate').changes[1]!.verdict, 'same');
  assert.equal(get('Achieved rate').values, [29.7, 20.9]);
  assert.is(get('Achieved rate').changes[1]!.verdict, 'worse');
  assert.equal(get('Dropped arrivals').values, [0, 88]);
  assert.match(
    comparison.warnings.join('\n'),
    'short: LOAD NOT DELIVERED — 88 of 297 arrivals (30 %) were dropped (maxVUs 20 reached): the figures describe a lighter load than planned',
  );
  const md = renderMarkdown(buildCompareDocument(comparison, []));
  assert.match(md, '| open stage 0 load | Dropped arrivals | 0 | 88 | — |');
  // A changed plan is neither better nor worse.
  const faster = { ...run('faster', [[1, 10, 100]]), load: [{ ...load('stage 0', 400, 0, null), offeredPerSec: 40 }] };
  assert.is(compareRuns([full, faster]).rows.find((r) => r.metric === 'Offered rate')!.changes[1]!.verdict, 'changed');
});

/** A row of `n` requests whose E2E has mean `mean` and standard deviation `std`. */
function noisy(n: number, rps: number, mean: number, std: number): RequestStatsRow {
  const e2e = { count: n, avg: mean, min: mean - 2 * std, max: mean + 2 * std, std, p50: mean, p90: mean + std, p95: mean + 1.6 * std, p99: mean + 2 * std, approximate: false };
  return { ...row(0, rps, mean), requests: n, successful: n, e2e, ttft: null, window: { startMs: 0, endMs: mean * 2, durationMs: mean * 2 } };
}

test('noise band: a change inside the runs’ own sampling error is "same", counted as such; outside it, better or worse', () => {
  const make = (label: string, r: RequestStatsRow): CompareRun => ({ ...run(label, []), total: r });
  // 20 requests, E2E σ = 30 % of the mean: the SE of the mean is ~6.7 %, so a 5 % faster mean is noise.
  const wide = compareRuns([make('a', noisy(20, 10, 1000, 300)), make('b', noisy(20, 10.5, 950, 300))]);
  const mean = wide.rows.find((r) => r.group === 'whole run' && r.metric === 'E2E mean')!;
  assert.is(mean.changes[1]!.verdict, 'same');
  assert.ok(mean.changes[1]!.bandPercent > 5, `band ${mean.changes[1]!.bandPercent}`);
  assert.is(formatChange(mean.changes[1]!, null, 'ms'), `-5.0% (same: within ±${mean.changes[1]!.bandPercent.toFixed(1)}%)`);
  assert.is(wide.rows.find((r) => r.group === 'whole run' && r.metric === 'Request throughput')!.changes[1]!.verdict, 'same');
  // 2,000 requests, σ = 5 %: the same 5 % is far outside the band.
  const tight = compareRuns([make('a', noisy(2000, 10, 1000, 50)), make('b', noisy(2000, 10.5, 950, 50))]);
  assert.is(tight.rows.find((r) => r.group === 'whole run' && r.metric === 'E2E mean')!.changes[1]!.verdict, 'better');
  assert.is(tight.rows.find((r) => r.group === 'whole run' && r.metric === 'Request throughput')!.changes[1]!.verdict, 'better');
  // Below the 1 % floor nothing is better or worse, however many requests.
  const floor = compareRuns([make('a', noisy(100_000, 10, 1000, 1)), make('b', noisy(100_000, 10.05, 995, 1))]);
  assert.is(floor.rows.find((r) => r.group === 'whole run' && r.metric === 'E2E mean')!.changes[1]!.verdict, 'same');
  const md = renderMarkdown(buildCompareDocument(wide, []));
  assert.match(md, 'Noise band: a change is "same" unless it is larger than both 1% of the baseline and 1.96 × √(SE₁² + SE₂²)');
  const same = wide.rows.filter((r) => r.changes[1]?.verdict === 'same').length;
  assert.ok(same > 0);
  assert.match(md, `same (within the noise band) of ${wide.rows.filter((r) => r.changes[1] !== null).length} matched figures`);
  assert.match(md, `, ${same} same (within the noise band)`);
});

test('total time and E2E mean, min and max rows (seeds 003 and 004), with a × factor', () => {
  const comparison = compareRuns([run('before', [[5, 0.66, 7570]]), run('after', [[5, 23.05, 217]])]);
  const metrics = comparison.rows.filter((r) => r.group === 'level 5').map((r) => r.metric);
  for (const m of ['Total time', 'E2E mean', 'E2E min', 'E2E max']) assert.ok(metrics.includes(m), m);
  assert.is(metrics[0], 'Total time');
  const md = renderMarkdown(buildCompareDocument(comparison, []));
  assert.match(md, '| level 5 | E2E mean | 7570.00 ms | 217.00 ms | -97.1% (34.88× faster, better) |');
  assert.match(md, '| level 5 | E2E max | 7570.00 ms | 217.00 ms | -97.1% (34.88× faster, better) |');
  assert.match(md, '| whole run | Total time | 1000.00 ms | 1000.00 ms | 0.0% (same) |');
});

test('rows per scenario (when a run has several), per name and per group are compared too', () => {
  const withBreakdown = (label: string, e2e: number): CompareRun => ({
    ...run(label, []),
    breakdown: [
      { kind: 'scenario', scenario: 'initial', label: 'initial', row: row(0, 1, e2e) },
      { kind: 'scenario', scenario: 'continuous', label: 'continuous', row: row(0, 1, e2e * 2) },
      { kind: 'name', scenario: 'continuous', label: 'debugging', row: row(0, 1, e2e * 3) },
      { kind: 'group', scenario: 'continuous', label: 'tasks', row: row(0, 1, e2e * 3) },
    ],
  });
  const comparison = compareRuns([withBreakdown('a', 1000), withBreakdown('b', 500)]);
  assert.equal(
    comparison.groups.map((g) => [g.group, g.kind]),
    [
      ['scenario continuous', 'scenario'],
      ['scenario initial', 'scenario'],
      ['continuous name debugging', 'name'],
      ['continuous group tasks', 'group'],
      ['whole run', 'total'],
    ],
  );
  const debugging = comparison.rows.find((r) => r.group === 'continuous name debugging' && r.metric === 'E2E p50')!;
  assert.equal(debugging.values, [3000, 1500]);
  assert.is(debugging.changes[1]!.verdict, 'better');
  const md = renderMarkdown(buildCompareDocument(comparison, []));
  assert.match(md, '## Per level, scenario, name and group');
  assert.match(md, '| Row | Metric | a | b | Change |');
  // One scenario: its row would repeat the whole run, so only name rows are added.
  const single = (label: string): CompareRun => ({
    ...run(label, []),
    breakdown: [
      { kind: 'scenario', scenario: 's', label: 's', row: row(0, 1, 100) },
      { kind: 'name', scenario: 's', label: 'n', row: row(0, 1, 100) },
    ],
  });
  assert.equal(
    compareRuns([single('a'), single('b')]).groups.map((g) => g.group),
    ['name n', 'whole run'],
  );
});

const gpuStats = (energyPerOutputToken: number, util: number, powerW: number): GpuWindowStats => ({
  samples: 10,
  devices: 2,
  util: { mean: util, median: util, min: util, max: util },
  memPct: null,
  memUsedMiB: null,
  powerW,
  tempMaxC: null,
  smClockMHz: null,
  energyJ: null,
  idlePowerW: null,
  netEnergyJ: null,
  energyPerOutputToken,
  outputTokensPerJoule: 1 / energyPerOutputToken,
  counterResets: 0,
  energySource: 'counter',
});

test('GPU energy per output token compares per level and for the whole run; utilisation and power read "changed"', () => {
  const base = {
    ...run('baseline', [[8, 10, 1000]]),
    gpu: [
      { kind: 'level', scenario: 'sweep', label: '8', stats: gpuStats(0.5, 60, 400) },
      { kind: 'all', scenario: null, label: 'all', stats: gpuStats(0.5, 60, 400) },
    ],
  };
  const opt = {
    ...run('optimized', [[8, 15, 700]]),
    gpu: [
      { kind: 'level', scenario: 'sweep', label: '8', stats: gpuStats(0.3, 85, 450) },
      { kind: 'all', scenario: null, label: 'all', stats: gpuStats(0.3, 85, 450) },
    ],
  };
  const comparison = compareRuns([base, opt]);
  const energy = comparison.rows.find((r) => r.group === 'level 8' && r.metric === 'GPU energy per output token')!;
  assert.equal(energy.values, [0.5, 0.3]);
  assert.is(energy.changes[1]!.verdict, 'better');
  assert.is(comparison.rows.find((r) => r.group === 'whole run' && r.metric === 'GPU energy per output token')!.changes[1]!.verdict, 'better');
  assert.is(comparison.rows.find((r) => r.group === 'level 8' && r.metric === 'GPU utilisation (mean)')!.changes[1]!.verdict, 'changed');
  assert.match(renderMarkdown(buildCompareDocument(comparison, [])), /GPU energy per output token \| 0\.500 J\/tok \| 0\.300 J\/tok/);
  // Without telemetry on either side: no GPU rows at all.
  assert.not.ok(compareRuns([run('a', [[8, 10, 1000]]), run('b', [[8, 12, 900]])]).rows.some((r) => r.metric.startsWith('GPU')));
});

test.run();
