import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LatencySummary } from '../../core/metrics/request-stats.js';
import { capacityBasis, roundUpTwoDigits, serverQueueAdvice, singleWaveCapacity, timeoutAdvice } from '../../core/report/finding-text.js';
import { computeFindings } from '../../core/report/findings.js';
import type { ReportRow } from '../../core/report/report-data.js';
import type { ServerSeriesPoint, ServerWindowStats } from '../../core/telemetry/server-metrics.js';

function e2e(p99: number): LatencySummary {
  return { count: 10, avg: p99 / 2, min: 1, max: p99, std: 0, p50: p99 / 2, p90: p99, p95: p99, p99, approximate: false };
}

const row = (label: string, p99: number | null): ReportRow => ({ label, e2e: p99 === null ? null : e2e(p99) }) as unknown as ReportRow;

test('timeout advice: the figure follows from the p99 it cites (410 ms → 820 ms, not 1.00 s)', () => {
  const text = timeoutAdvice({ axis: 'users', rows: [row('1', 200), row('10', 410)] });
  assert.is(text, ', and set client timeouts to at least 820ms (2 × 410ms, the highest E2E p99 measured (at 10 users))');
  assert.not.match(text, '1.00s');
});

test('timeout advice: rounding up is said, with the arithmetic', () => {
  assert.is(roundUpTwoDigits(125_800), 130_000);
  assert.is(roundUpTwoDigits(820), 820);
  assert.is(roundUpTwoDigits(821.6), 830);
  assert.is(
    timeoutAdvice({ axis: 'users', rows: [row('10', 62_900)] }),
    ', and set client timeouts to at least 130s (2 × 62.9s, the highest E2E p99 measured (at 10 users) = 126s, rounded up)',
  );
  assert.is(timeoutAdvice({ axis: 'users', rows: [row('10', null)] }), '');
});

const overall = (waitingMax: number): ServerWindowStats => ({
  prefixCacheHitRate: null,
  kvUsageMax: null,
  kvUsageMean: null,
  runningMax: null,
  runningMean: null,
  waitingMax,
  waitingMean: null,
  preemptions: null,
  promptTokens: null,
  generationTokens: null,
  generationThroughputMean: null,
  counterResets: 0,
  samples: 3,
  shortWindow: false,
});
const point = (running: number, waiting: number): ServerSeriesPoint => ({ t: 0, running, waiting, kvUsagePct: null, prefixHitRatePct: null }) as ServerSeriesPoint;

test('server queue: the batch limit is reached only when requests waited while the server ran its most sequences', () => {
  const full = serverQueueAdvice([point(4, 0), point(8, 3), point(8, 5)], overall(5))!;
  assert.match(full, 'at 2 of 3 scrapes up to 5 requests waited while the server ran 8 sequences');
  assert.match(full, 'running batch was full');
  // Seed 000 at 1×: one request waited for a step while 9 of 10 ran; running never reached its cap.
  const transient = serverQueueAdvice([point(10, 0), point(9, 1), point(10, 0)], overall(1))!;
  assert.match(transient, 'the batch limit was not reached');
  assert.not.match(transient, 'was full');
  assert.is(serverQueueAdvice([point(4, 0)], overall(0)), null, 'nothing waited: nothing to say');
});

const lvl = (users: number, rps: number, ok: boolean) => ({
  label: String(users),
  users,
  row: {
    tags: {},
    users,
    requests: users,
    successful: users,
    failed: 0,
    interrupted: 0,
    successRate: 1,
    failures: {},
    window: { startMs: 0, endMs: (users / rps) * 1000, durationMs: (users / rps) * 1000 },
    requestsPerSec: rps,
    outputTokensPerSec: rps * 10,
    totalTokensPerSec: rps * 12,
    goodputPerSec: null,
    averageConcurrency: null,
    outputTokens: 0,
    inputTokens: 0,
    cachedTokens: 0,
    avgOutputTokens: null,
    avgOutputChars: null,
    tokensEstimated: false,
    e2e: null,
    ttft: null,
    itl: null,
    tpot: null,
  },
  checks: [{ key: 'llm_ttft', source: 'p(95)<2000', observed: ok ? 900 : 2500, ok, noData: false, basis: 'level' as const }],
});

test('capacity wording names the breaking point it sits below', () => {
  const f = computeFindings([lvl(1, 1, true), lvl(2, 2, true), lvl(5, 3, false), lvl(10, 4, true)])!;
  const text = capacityBasis({ axis: 'users' }, f);
  assert.is(text, 'the highest level below the breaking point (5 users); every level up to it met every threshold that applies to it.');
  assert.not.match(text, '10 users');
});

test('a single wave says N requests in T and claims no sustained rate', () => {
  const f = computeFindings([lvl(1, 1, true), lvl(10, 5, true)], { singleWave: true })!;
  const spans = singleWaveCapacity({ axis: 'users' }, f, f.capacity!);
  const text = spans.map((s) => (typeof s === 'string' ? s : 'strong' in s ? s.strong : s.code)).join('');
  assert.match(text, '10 requests in 2.00s at 10 users');
  assert.match(text, 'completion time');
  assert.not.match(text, 'requests/hour at');
  assert.not.match(text, 'sustained at');
});

test.run();
