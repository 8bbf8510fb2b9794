import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { capacityResult, type CapacitySearchRule, type ProbeCounts } from '../../core/executors/capacity-bisect.js';
import type { RequestStatsRow } from '../../core/metrics/request-stats.js';
import { capacityNote, capacityRow } from '../../core/report/compare-capacity.js';
import { compareRuns, type CompareRun } from '../../core/report/compare.js';
import { buildCompareDocument } from '../../core/report/compare-report.js';
import { renderMarkdown } from '../../core/report/markdown.js';

const rule: CapacitySearchRule = { mode: 'concurrency', start: 4, max: 64, tolerance: 8, target: 0.9, confidence: 0.95 };
const pass = (load: number): ProbeCounts => ({ load, good: 200, requests: 200 });
const fail = (load: number): ProbeCounts => ({ load, good: 100, requests: 200 });
const unsure = (load: number): ProbeCounts => ({ load, good: 181, requests: 200 });
/** A search that passed up to `capacity` and failed at `failedAt`. */
const found = (capacity: number, failedAt: number) => capacityResult(rule, [pass(4), pass(capacity), fail(failedAt)]);

test('two found capacities: better once one reaches the load the other failed at, "same" while the brackets overlap', () => {
  const better = capacityRow('capacity search', 'concurrency', [found(16, 17), found(24, 25)]);
  assert.equal(better.values, [16, 24]);
  assert.is(better.unit, 'users');
  assert.is(better.direction, 'higher');
  assert.is(better.changes[1]!.verdict, 'better');
  assert.is(better.changes[1]!.percent, 50);
  assert.is(better.notComparable, undefined);
  const worse = capacityRow('capacity search', 'concurrency', [found(24, 25), found(16, 17)]);
  assert.is(worse.changes[1]!.verdict, 'worse');
  // 16 passed, 24 failed; 20 passed, 22 failed: both true capacities may lie in [20, 22).
  const overlap = capacityRow('capacity search', 'concurrency', [found(16, 24), found(20, 22)]);
  assert.is(overlap.changes[1]!.verdict, 'same');
  assert.is(overlap.changes[1]!.bandPercent, 50, 'the coarser bracket (16 → 24) as the band');
});

test('a lower bound decides only when it reaches the failing load of the other search; otherwise not comparable', () => {
  const atMax = capacityResult({ ...rule, max: 32 }, [pass(4), pass(8), pass(16), pass(32)]);
  assert.is(atMax.status, 'at-max');
  const decided = capacityRow('capacity search', 'concurrency', [found(16, 17), atMax]);
  assert.is(decided.changes[1]!.verdict, 'better');
  const undecided = capacityRow('capacity search', 'concurrency', [found(40, 48), atMax]);
  assert.is(undecided.changes[1], null);
  assert.is(undecided.notComparable![1], 'candidate is a lower bound (at-max)');
  const indeterminate = capacityResult(rule, [pass(4), pass(8), unsure(16)]);
  assert.is(indeterminate.status, 'indeterminate');
  const lowerBase = capacityRow('capacity search', 'concurrency', [indeterminate, found(16, 24)]);
  assert.is(lowerBase.notComparable![1], 'baseline is a lower bound (indeterminate)');
  // At least 8 against a search that failed at 8: the bound is better.
  assert.is(capacityRow('capacity search', 'concurrency', [found(4, 8), indeterminate]).changes[1]!.verdict, 'better');
  const belowStart = capacityResult(rule, [fail(4)]);
  const none = capacityRow('capacity search', 'concurrency', [found(16, 17), belowStart]);
  assert.is(none.values[1], null);
  assert.is(none.notComparable![1], 'candidate: no load met the SLOs (below-start)');
});

test('the note carries the status, the attainment with its interval, and the load above that did not pass', () => {
  const note = capacityNote(found(16, 17));
  assert.match(note, /^found, 100\.0% met the SLOs \[9\d\.\d%, 100\.0%\], 17 failed$/);
  const rate = capacityRow('capacity search', 'rate', [found(16, 17), null]);
  assert.is(rate.unit, 'req/s');
  assert.equal(rate.notes, [note, null]);
});

function total(): RequestStatsRow {
  return {
    tags: {},
    users: null,
    requests: 10,
    successful: 10,
    failed: 0,
    interrupted: 0,
    successRate: 1,
    failures: {},
    window: { startMs: 0, endMs: 1000, durationMs: 1000 },
    requestsPerSec: 10,
    outputTokensPerSec: 1000,
    totalTokensPerSec: 1100,
    goodputPerSec: null,
    averageConcurrency: null,
    outputTokens: 1000,
    inputTokens: 100,
    cachedTokens: 0,
    avgOutputTokens: 100,
    avgOutputChars: 400,
    tokensEstimated: false,
    e2e: null,
    ttft: null,
    itl: null,
    tpot: null,
  };
}

const run = (label: string, capacity: CompareRun['capacity']): CompareRun => ({
  label,
  source: label,
  script: 'capacity.ts',
  model: null,
  levels: [],
  stages: [],
  total: total(),
  saturation: null,
  capacityPerHour: null,
  ...(capacity === undefined ? {} : { capacity }),
});

test('compare heads its improvement summary with the capacity row, per scenario when a run has several', () => {
  const one = compareRuns([
    run('a', [{ scenario: 'search', mode: 'concurrency', result: found(16, 17) }]),
    run('b', [{ scenario: 'search', mode: 'concurrency', result: found(24, 25) }]),
  ]);
  assert.is(one.headline[0]!.group, 'capacity search');
  const md = renderMarkdown(buildCompareDocument(one, []));
  assert.match(
    md,
    /\| capacity search \| Capacity \(users meeting the SLOs\) \| 16 users \(found, 100\.0% met the SLOs \[[^\]]+\], 17 failed\) \| 24 users \(found, [^)]+\) \| \+50\.0% \(1\.50× higher, better\) \|/,
  );
  const two = compareRuns([
    run('a', [
      { scenario: 'chat', mode: 'concurrency', result: found(16, 17) },
      { scenario: 'batch', mode: 'rate', result: found(4, 5) },
    ]),
    run('b', [{ scenario: 'chat', mode: 'concurrency', result: found(16, 17) }]),
  ]);
  assert.equal(
    two.headline.slice(0, 2).map((r) => [r.group, r.values]),
    [
      ['capacity search (chat)', [16, 16]],
      ['capacity search (batch)', [4, null]],
    ],
  );
  assert.is(two.headline[0]!.changes[1]!.verdict, 'same');
  const without = compareRuns([run('a', undefined), run('b', undefined)]);
  assert.not.ok(
    without.headline.some((r) => r.group.startsWith('capacity search')),
    'no capacity row without a capacity search',
  );
});

test.run();
