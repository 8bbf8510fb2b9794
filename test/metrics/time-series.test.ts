import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TimeSeries } from '../../core/metrics/time-series.js';
import { makeFailure, makeRecord } from '../helpers/record-fixture.js';

test('requests land in the bucket where they end; tokens where their events arrive', () => {
  const series = new TimeSeries({ originMs: 0 });
  // First token at 900 ms, then gaps of 100 ms: events at 900, 1000, 1100, 1200 (4 events, 8 tokens → 2 each).
  series.addRecord(makeRecord({ startedAt: 0, ttftMs: 900, itlMs: [100, 100, 100], outputTokens: 8, e2eMs: 1250 }));
  series.addRecord(makeFailure('timeout', { startedAt: 500, e2eMs: 2000 }));
  const buckets = series.buckets();
  assert.equal(
    buckets.map((b) => [b.startMs, b.completed, b.failed, b.outputTokens, b.ttftCount, b.ttftP95Ms]),
    [
      [0, 0, 0, 2, 1, 900],
      [1000, 1, 0, 6, 0, null],
      [2000, 0, 1, 0, 0, null],
    ],
  );
  assert.is(series.peakOutputTokensPerSec(), 6);
  assert.equal(series.recentBuckets(2), buckets.slice(1));
  assert.equal(series.recentBuckets(10), buckets);
  assert.equal(new TimeSeries().recentBuckets(3), []);
});

test('without an origin the first record sets it, floored to the bucket width', () => {
  const series = new TimeSeries();
  series.addRecord(makeRecord({ startedAt: 12_345, ttftMs: 10, itlMs: [], outputTokens: 1, e2eMs: 20 }));
  assert.is(series.originMs, 12_000);
  assert.is(series.buckets()[0]?.completed, 1);
});

test('past maxBuckets, buckets merge pairwise and the width doubles', () => {
  const series = new TimeSeries({ originMs: 0, maxBuckets: 4 });
  for (let t = 0; t < 8; t++) series.addRecord(makeRecord({ startedAt: t * 1000, ttftMs: 10, itlMs: [], outputTokens: 1, e2eMs: 20 }));
  assert.is(series.bucketMs, 2000);
  assert.equal(
    series.buckets().map((b) => b.completed),
    [2, 2, 2, 2],
  );
  assert.equal(
    series.buckets().map((b) => b.ttftCount),
    [2, 2, 2, 2],
  );
});

test('series merge re-buckets and encodes', () => {
  const a = new TimeSeries({ originMs: 0 });
  const b = new TimeSeries({ originMs: 0 });
  a.addRecord(makeRecord({ startedAt: 0, ttftMs: 10, itlMs: [], outputTokens: 1, e2eMs: 20 }));
  b.addRecord(makeRecord({ startedAt: 3000, ttftMs: 10, itlMs: [], outputTokens: 1, e2eMs: 20 }));
  a.merge(b);
  assert.equal(
    a.buckets().map((x) => x.completed),
    [1, 0, 0, 1],
  );
  assert.equal(TimeSeries.decode(JSON.parse(JSON.stringify(a.encode()))).buckets(), a.buckets());
});

test.run();
