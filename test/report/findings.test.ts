import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LatencySummary, RequestStatsRow } from '../../core/metrics/request-stats.js';
import { classifyExperience, computeFindings, type LevelInput } from '../../core/report/findings.js';
import type { LevelThresholdCheck } from '../../core/report/level-thresholds.js';

function latency(p50: number, p95 = p50, avg = p50): LatencySummary {
  return { count: 10, avg, min: p50, max: p95, std: 0, p50, p90: p95, p95, p99: p95, approximate: false };
}

/** A level row with the figures findings read; everything else neutral. */
function level(users: number, rps: number, e2eP50Ms: number, extra: Partial<RequestStatsRow> = {}, checks: LevelThresholdCheck[] = []): LevelInput {
  const row: RequestStatsRow = {
    tags: { scenario: 'sweep', level: String(users) },
    users,
    requests: users,
    successful: users,
    failed: 0,
    interrupted: 0,
    successRate: 1,
    failures: {},
    window: { startMs: 0, endMs: (users / rps) * 1000, durationMs: (users / rps) * 1000 },
    requestsPerSec: rps,
    outputTokensPerSec: rps * 100,
    totalTokensPerSec: rps * 120,
    goodputPerSec: null,
    averageConcurrency: null,
    outputTokens: users * 100,
    inputTokens: users * 20,
    cachedTokens: 0,
    avgOutputTokens: 100,
    avgOutputChars: 500,
    tokensEstimated: false,
    e2e: latency(e2eP50Ms, e2eP50Ms * 1.02),
    ttft: latency(200, 300),
    itl: latency(20),
    tpot: latency(20),
    ...extra,
  };
  return { label: String(users), users, row, checks };
}

// Seed 000's table: 1/2/5/10 users at 0.04/0.07/0.12/0.15 rps, p50 25.1/27.9/43.5/62.9 s.
const seed000 = [level(1, 0.04, 25_100), level(2, 0.07, 27_900), level(5, 0.12, 43_500), level(10, 0.15, 62_900)];

test("speedup over the single-user level and scaling efficiency: seed 000's 1.75x / 3.0x / 3.75x", () => {
  const f = computeFindings(seed000)!;
  assert.equal(f.baseline, { label: '1', users: 1, requestsPerSec: 0.04 });
  assert.equal(
    f.scaling.map((s) => [s.label, round(s.speedup, 4), round(s.efficiency, 4)]),
    [
      ['1', 1, 1],
      ['2', 1.75, 0.875],
      ['5', 3, 0.6],
      ['10', 3.75, 0.375],
    ],
  );
  assert.equal(round(f.scaling[3]!.gainOverPrevious!, 4), 0.25, '0.12 → 0.15 rps is +25 %');
  assert.equal(f.peak.label, '10');
});

test("batching speedup: N requests at the single user's req/s against the top level window, the same figure as the throughput speedup", () => {
  const f = computeFindings(seed000)!;
  // 10 requests ÷ 0.04 req/s = 250 s one at a time; the 10-user level's window is 10 / 0.15 = 66.7 s.
  assert.is(f.batching!.requests, 10);
  assert.is(round(f.batching!.sequentialMs, 3), 250_000);
  assert.is(round(f.batching!.concurrentMs, 1), 66_666.7);
  assert.is(round(f.batching!.speedup, 4), 3.75);
  // One speedup per level, one definition: the batching figure equals the scaling table's at that level.
  assert.is(round(f.batching!.speedup, 9), round(f.scaling[3]!.speedup, 9));
});

test('saturation: not reached while each step still adds at least 10 % throughput', () => {
  const f = computeFindings(seed000)!;
  assert.equal(f.saturation, { reached: false, lastGain: f.scaling[3]!.gainOverPrevious });
});

test("saturation: seed 002's sweet spot at 60 (80 adds -4 % throughput while latency grows)", () => {
  const f = computeFindings([level(40, 11.81, 2460), level(60, 20.09, 2050), level(80, 19.34, 2480)])!;
  assert.ok(f.saturation.reached);
  if (!f.saturation.reached) return;
  assert.is(f.saturation.label, '60');
  assert.is(f.saturation.nextLabel, '80');
  assert.is(round(f.saturation.gain, 4), round(19.34 / 20.09 - 1, 4));
  assert.is(round(f.saturation.latencyGrowth, 4), round(2480 / 2050 - 1, 4));
  assert.is(f.peak.label, '60');
  assert.is(f.batching, null, 'no single-user level, so no sequential comparison');
  assert.is(round(f.scaling[1]!.efficiency, 4), round(20.09 / 11.81 / 1.5, 4), 'efficiency is relative to the lowest level: speedup / (60 / 40)');
});

test('a flat step with falling latency is not saturation (latency must keep growing)', () => {
  const f = computeFindings([level(1, 10, 100), level(2, 10.5, 90)])!;
  assert.is(f.saturation.reached, false);
});

test('breaking point: the first level whose failures pass 1 % when no threshold covers failures', () => {
  const f = computeFindings([level(1, 1, 100), level(2, 2, 110, { requests: 100, failed: 1 }), level(4, 3, 130, { requests: 100, failed: 5, failures: { http_5xx: 5 } })])!;
  assert.equal(f.breaking, { label: '4', users: 4, reasons: ['failures 5% > 1%'] });
  assert.is(f.capacity!.label, '2', 'capacity: the highest level within the failure limit');
  assert.is(f.capacity!.basis, 'failures');
  assert.is(f.capacity!.requestsPerHour, 7200);
  assert.is(f.capacity!.outputTokensPerHour, 720_000);
});

test('breaking point and capacity follow the thresholds that apply per level', () => {
  const fail: LevelThresholdCheck = { key: 'llm_ttft', source: 'p(95)<2000', observed: 2345.6, ok: false, noData: false, basis: 'level' };
  const pass: LevelThresholdCheck = { key: 'llm_ttft', source: 'p(95)<2000', observed: 900, ok: true, noData: false, basis: 'level' };
  const rate: LevelThresholdCheck = { key: 'llm_request_failed', source: 'rate<0.10', observed: 0.05, ok: true, noData: false, basis: 'level' };
  const f = computeFindings([level(1, 1, 100, {}, [pass, rate]), level(5, 4, 120, { requests: 100, failed: 5 }, [pass, rate]), level(10, 6, 400, {}, [fail, rate])])!;
  assert.equal(f.breaking, { label: '10', users: 10, reasons: ['llm_ttft p(95)<2000 (observed 2345.6)'] });
  assert.is(f.failureThreshold, true, 'a failure-rate threshold replaces the 1 % default: 5 % failures pass rate<0.10');
  assert.equal([f.capacity!.label, f.capacity!.basis, f.capacity!.requestsPerHour], ['5', 'thresholds', 14_400]);
});

test('an open-loop level that did not hold its offered rate is a breaking point, never the capacity', () => {
  const short = { ...level(20, 15.09, 300), undelivered: '88 of 297 arrivals (30 %) were dropped (maxVUs 20 reached)' };
  const f = computeFindings([level(5, 5, 100), level(10, 10, 150), short])!;
  assert.equal(f.breaking, { label: '20', users: 20, reasons: ['did not hold the offered rate: 88 of 297 arrivals (30 %) were dropped (maxVUs 20 reached)'] });
  assert.is(f.capacity!.label, '10', 'capacity comes from the highest level whose load was delivered');
  assert.is(computeFindings([{ ...level(5, 5, 100), undelivered: null }])!.capacity!.label, '5');
});

test('user experience classes: interactive, batch, background', () => {
  assert.is(classifyExperience(300, 25_000), 'interactive');
  assert.is(classifyExperience(1_500, 25_000), 'batch', 'a slow first token is not interactive');
  assert.is(classifyExperience(300, 45_000), 'batch');
  assert.is(classifyExperience(300, 65_000), 'background');
  assert.is(classifyExperience(null, null), null);
  const f = computeFindings(seed000.map((l) => ({ ...l, row: { ...l.row, e2e: latency(l.row.e2e!.p50, l.row.e2e!.p50 * 1.02) } })))!;
  assert.equal(
    f.experience.map((e) => e.suits),
    ['interactive', 'interactive', 'batch', 'background'],
    "seed 000's table: 25-28 s interactive, 45 s batch, 65 s background",
  );
});

test('capacity sits below the breaking point: a higher level that passed again is not capacity', () => {
  // Level 5 breaks; level 10 passes its thresholds again (a lucky run): capacity stays at 2, below the breaking point.
  const fail: LevelThresholdCheck = { key: 'llm_ttft', source: 'p(95)<2000', observed: 2500, ok: false, noData: false, basis: 'level' };
  const pass: LevelThresholdCheck = { ...fail, observed: 900, ok: true };
  const f = computeFindings([level(1, 1, 100, {}, [pass]), level(2, 2, 110, {}, [pass]), level(5, 4, 300, {}, [fail]), level(10, 6, 400, {}, [pass])])!;
  assert.is(f.breaking!.label, '5');
  assert.is(f.capacity!.label, '2');
  assert.ok(f.capacity!.users < f.breaking!.users);
});

test('a single wave keeps what it measured (requests and window) and says it is one', () => {
  const f = computeFindings(seed000, { singleWave: true })!;
  assert.is(f.singleWave, true);
  assert.is(f.capacity!.requests, 10);
  assert.is(round(f.capacity!.windowMs!, 1), 66_666.7);
  assert.is(computeFindings(seed000)!.singleWave, false);
});

test('rate axis: no batching comparison (a 1 req/s rate is not a single user), over-saturation and a short client break a rate', () => {
  const rate = (r: number, extra: Partial<LevelInput> = {}): LevelInput => ({ ...level(r, r * 0.98, 100), ...extra });
  const f = computeFindings(
    [
      rate(1),
      rate(2),
      rate(4, { serverBehind: 'TTFT from the schedule grew from 40 ms to 400 ms (+90 ms per second)' }),
      rate(8, { clientShort: '12 of 155 arrivals were dropped because all 4 VUs (maxVUs) were busy', undelivered: '12 of 155 arrivals (7.7 %) were dropped' }),
    ],
    { axis: 'rate' },
  )!;
  assert.is(f.batching, null);
  assert.is(f.axis, 'rate');
  assert.equal(f.breaking!.reasons, ['the server fell behind (over-saturated): TTFT from the schedule grew from 40 ms to 400 ms (+90 ms per second)']);
  assert.is(f.capacity!.label, '2');
  const client = computeFindings([rate(1), rate(8, { clientShort: 'all 4 VUs (maxVUs) were busy', undelivered: 'dropped' })], { axis: 'rate' })!;
  assert.equal(client.breaking!.reasons, ['the client, not the server, was short: all 4 VUs (maxVUs) were busy']);
});

test('rate axis: a rate where fewer requests met the SLOs than the failure limit allows is broken, unless a goodput threshold decides', () => {
  // goodput 0.9 req/s of 1 req/s over a 1 s window: 90 % met the SLOs.
  const lvl = (r: number, goodput: number): LevelInput =>
    level(r, r, 100, { goodputPerSec: goodput, window: { startMs: 0, endMs: 1000, durationMs: 1000 }, requests: r, successful: r });
  const f = computeFindings([lvl(10, 10), lvl(20, 18)], { axis: 'rate' })!;
  assert.equal(f.breaking!.reasons, ['SLOs met by 90% of requests < 99%']);
  assert.is(f.capacity!.label, '10');
  const goodput: LevelThresholdCheck = { key: 'llm_goodput_ratio', source: 'rate>0.5', observed: 0.9, ok: true, noData: false, basis: 'level' };
  const decided = computeFindings(
    [
      { ...lvl(10, 10), checks: [goodput] },
      { ...lvl(20, 18), checks: [goodput] },
    ],
    { axis: 'rate' },
  )!;
  assert.is(decided.breaking, null);
  assert.is(computeFindings([lvl(10, 10), lvl(20, 18)])!.breaking, null, 'on a users axis the SLO share is not a breaking rule');
});

test('no level with requests gives no findings', () => {
  assert.is(computeFindings([level(1, 0, 0, { requests: 0, successful: 0, requestsPerSec: null })]), null);
});

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

test.run();
