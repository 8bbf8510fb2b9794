import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CounterSink, RateSink } from '../../core/metrics/sinks.js';
import { TrendSink } from '../../core/metrics/trend-sink.js';
import { parseThresholdExpression } from '../../core/thresholds/parse-expression.js';
import { describeInconclusive, judgeWithMargin } from '../../core/thresholds/threshold-margin.js';
import type { ThresholdExpression } from '../../core/thresholds/types.js';

function expression(text: string): ThresholdExpression {
  const parsed = parseThresholdExpression(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.value;
}

/** A trend of 1 … n (ms). */
function trend(n: number): TrendSink {
  const sink = new TrendSink();
  for (let i = 1; i <= n; i++) sink.add(i);
  return sink;
}

function rate(passes: number, total: number): RateSink {
  const sink = new RateSink();
  for (let i = 0; i < total; i++) sink.add(i < passes ? 1 : 0);
  return sink;
}

test('a percentile whose interval holds the limit is inconclusive, with about how many more requests would settle it', () => {
  const sink = trend(200);
  const p95 = sink.percentile(95);
  const clear = judgeWithMargin(sink, expression('p(95)<500'), p95, 0.95);
  assert.is(clear.state, 'pass');
  assert.ok(clear.interval !== null && clear.interval.high < 500);
  assert.is(judgeWithMargin(sink, expression('p(95)<100'), p95, 0.95).state, 'fail');
  const close = judgeWithMargin(sink, expression('p(95)<193'), p95, 0.95);
  assert.is(close.state, 'inconclusive');
  assert.ok(close.interval!.low <= 193 && close.interval!.high >= 193, JSON.stringify(close));
  // Half-width ≈ 6 ms on the limit's side, 3 ms away: about (6/3)² − 1 = 3 × 200 more.
  assert.ok(close.moreRequests! > 100 && close.moreRequests! < 2000, JSON.stringify(close));
  assert.match(describeInconclusive(close), /^inconclusive \(about [0-9]+ more requests needed\)$/);
});

test('with too few samples for an interval a percentile keeps its binary verdict (as k6)', () => {
  const sink = trend(20);
  const judged = judgeWithMargin(sink, expression('p(95)<20'), sink.percentile(95), 0.95);
  assert.equal(judged, { state: 'pass', observed: sink.percentile(95), interval: null, moreRequests: null });
});

test('a rate uses the Wilson interval: no failure in 50 does not show a failure rate under 1 %, none in 1000 does', () => {
  assert.is(judgeWithMargin(rate(0, 50), expression('rate<0.01'), 0, 0.95).state, 'inconclusive');
  const many = judgeWithMargin(rate(0, 1000), expression('rate<0.01'), 0, 0.95);
  assert.is(many.state, 'pass');
  assert.is(judgeWithMargin(rate(500, 1000), expression('rate<0.01'), 0.5, 0.95).state, 'fail');
  // 0 of n is under 1 % at 95 % once z²/(n+z²) < 0.01, n ≥ 381: about 331 more than 50 (a 1/√n guess would say ~2,500).
  assert.is(judgeWithMargin(rate(0, 50), expression('rate<0.01'), 0, 0.95).moreRequests, 331);
  // And the estimate is enough: that many more at the same share settles it.
  const settled = judgeWithMargin(rate(0, 381), expression('rate<0.01'), 0, 0.95);
  assert.is(settled.state, 'pass');
});

test('counts, gauges, avg and equality are exact over what ran: pass or fail only', () => {
  const counter = new CounterSink();
  counter.add(3);
  assert.equal(judgeWithMargin(counter, expression('count>2'), 3, 0.95), { state: 'pass', observed: 3, interval: null, moreRequests: null });
  assert.is(judgeWithMargin(trend(200), expression('avg<101'), 100.5, 0.95).state, 'pass');
  assert.is(judgeWithMargin(rate(1, 2), expression('rate==0.5'), 0.5, 0.95).state, 'pass');
});

test('a value sitting on the limit gives no estimate of the requests needed', () => {
  const judged = judgeWithMargin(rate(5, 10), expression('rate<=0.5'), 0.5, 0.95);
  assert.is(judged.state, 'inconclusive');
  assert.is(judged.moreRequests, null);
  assert.is(describeInconclusive(judged), 'inconclusive (the value sits on the limit)');
});

test.run();
