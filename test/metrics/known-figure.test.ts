import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeKnownFigure, knownFigure, trendQuantileInterval, type KnownFigureRule } from '../../core/metrics/known-figure.js';
import { describeKnownRow, knownRows, knownRuleOf } from '../../core/metrics/known-rows.js';
import { quantileInterval } from '../../core/metrics/quantile-interval.js';
import { RequestStats } from '../../core/metrics/request-stats.js';
import { TrendSink } from '../../core/metrics/trend-sink.js';

const rule: KnownFigureRule = { metric: 'e2e', percentile: 95, margin: 0.05, confidence: 0.95, minRequests: 0 };

/** A row whose successful requests had these E2E latencies. */
function row(tags: Record<string, string>, e2e: readonly number[]): RequestStats {
  const stats = new RequestStats(tags);
  for (const ms of e2e) stats.e2e.add(ms);
  stats.successful = e2e.length;
  return stats;
}

/** 1 … n, shuffled deterministically (the sink sorts). */
function spread(n: number): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 7919) % n) + 1);
}

/** A long-tailed spread: (1 … n)⁴, whose p95 of 200 is uncertain by more than ± 10 %. */
function skewed(n: number): number[] {
  return spread(n).map((x) => x ** 4);
}

test('the trend interval is the order-statistic interval of its raw samples, around the percentile the trend reports', () => {
  const trend = new TrendSink();
  const values = spread(200);
  for (const v of values) trend.add(v);
  const sorted = [...values].sort((a, b) => a - b);
  const exact = quantileInterval(sorted, 0.95, 0.95)!;
  const interval = trendQuantileInterval(trend, 95, 0.95)!;
  assert.is(interval.low, exact.low);
  assert.is(interval.high, exact.high);
  assert.is(interval.estimate, trend.percentile(95));
});

test('past the raw cap the bounds come from the histogram at their ranks, within its error', () => {
  const raw = new TrendSink();
  const hdr = new TrendSink({ rawCap: 0 });
  for (const v of spread(5000)) {
    raw.add(v);
    hdr.add(v);
  }
  const exact = trendQuantileInterval(raw, 95, 0.95)!;
  const approx = trendQuantileInterval(hdr, 95, 0.95)!;
  assert.ok(Math.abs(approx.low - exact.low) / exact.low < 0.002, `${approx.low} vs ${exact.low}`);
  assert.ok(Math.abs(approx.high - exact.high) / exact.high < 0.002, `${approx.high} vs ${exact.high}`);
});

test('a narrow row is known; a wide one, a small one or one short of minRequests is not', () => {
  const narrow = row({}, [...Array.from({ length: 150 }, () => 1000), ...Array.from({ length: 50 }, () => 1010)]);
  assert.is(knownFigure(narrow, rule).known, true);
  assert.is(knownFigure(narrow, { ...rule, minRequests: 201 }).known, false);
  const wide = row({}, skewed(200));
  const figure = knownFigure(wide, rule);
  assert.is(figure.known, false);
  assert.ok(figure.relativeMargin! > 0.05);
  // Too few samples for any 95 % interval of a p95: no margin at all.
  const few = knownFigure(row({}, [5, 6, 7]), rule);
  assert.is(few.relativeMargin, null);
  assert.is(few.known, false);
});

test('the figure reads with its margin and confidence', () => {
  assert.is(
    describeKnownFigure({ metric: 'ttft', percentile: 95, confidence: 0.95, estimateMs: 412.4, relativeMargin: 0.031, requests: 300, known: true }),
    'TTFT p95 412 ms ± 3.1 % (95 %)',
  );
  assert.is(
    describeKnownFigure({ metric: 'e2e', percentile: 99, confidence: 0.9, estimateMs: 2500, relativeMargin: null, requests: 10, known: false }),
    'E2E p99 2.50 s ± n/a (90 %)',
  );
});

test('rows by level carry how their phase ended; a level the run did not report on says neither', () => {
  const levels = [
    row(
      { scenario: 's', level: '1' },
      Array.from({ length: 100 }, () => 500),
    ),
    row({ scenario: 's', level: '2' }, skewed(100)),
    row({ scenario: 's', level: '4' }, skewed(100)),
  ];
  const rows = knownRows({ level: levels, rate: [], scenario: [] }, new Map([['s', rule]]), [
    { scenario: 's', tags: { level: '1' }, reason: 'known' },
    { scenario: 's', tags: { level: '2' }, reason: 'max-duration' },
  ]);
  assert.equal(
    rows.map((r) => [r.tags, r.stopped]),
    [
      [{ level: '1' }, 'known'],
      [{ level: '2' }, 'max-duration'],
      [{ level: '4' }, null],
    ],
  );
  assert.is(describeKnownRow(rows[0]!, false), 'level 1: E2E p95 500 ms ± 0.0 % (95 %), stopped early: known to ± 5 % after 100 requests');
  assert.match(describeKnownRow(rows[1]!, true), /^s level 2: E2E p95 [0-9.]+ s ± [0-9.]+ % \(95 %\), ran to its full duration: not known to ± 5 %$/);
  assert.match(describeKnownRow(rows[2]!, false), /, not known to ± 5 %$/);
});

test('rate-sweep rows leave out its measurement phases; a single-phase scenario is its own row', () => {
  const rates = [row({ scenario: 'r', rate: 'synchronous' }, [1]), row({ scenario: 'r', rate: '2.5' }, [1])];
  const scenarios = [row({ scenario: 'c' }, [1])];
  const rows = knownRows(
    { level: [], rate: rates, scenario: scenarios },
    new Map([
      ['r', rule],
      ['c', rule],
    ]),
    [{ scenario: 'c', tags: {}, reason: 'max-duration' }],
  );
  assert.equal(
    rows.map((r) => [r.scenario, r.tags, r.stopped]),
    [
      ['r', { rate: '2.5' }, null],
      ['c', {}, 'max-duration'],
    ],
  );
});

test('an E2E row with requests in flight longer than its upper bound is not known until they finish', () => {
  const stats = row({}, [...Array.from({ length: 190 }, () => 1000), ...Array.from({ length: 10 }, () => 1005)]);
  assert.is(knownFigure(stats, rule).known, true);
  // Younger requests could land either side: left out.
  assert.is(knownFigure(stats, rule, [400, 900]).known, true);
  // Ten requests already running for 5 s: the p95 of all 210 is among them, unknown.
  const censored = knownFigure(
    stats,
    rule,
    Array.from({ length: 10 }, () => 5000),
  );
  assert.is(censored.known, false);
  assert.is(censored.relativeMargin, Number.POSITIVE_INFINITY);
  // TTFT comes from finished requests only: an in-flight request may already have its first token.
  assert.is(knownFigure(stats, { ...rule, metric: 'ttft' }, [5000]).estimateMs, null);
});

test('the rule is read back from the options digest of the end line', () => {
  assert.equal(knownRuleOf({ executor: 'concurrency-sweep', stopWhenKnown: { ...rule } }), rule);
  assert.is(knownRuleOf({ executor: 'concurrency-sweep' }), null);
  assert.is(knownRuleOf({ stopWhenKnown: { ...rule, metric: 'tokens' } }), null);
});

test.run();
