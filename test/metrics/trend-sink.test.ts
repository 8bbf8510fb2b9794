import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { percentileOfSorted } from '../../core/metrics/percentile.js';
import { TrendSink } from '../../core/metrics/trend-sink.js';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal-ish latencies in ms between ~5 ms and ~20 s. */
function latencies(n: number, seed: number): number[] {
  const next = random(seed);
  return Array.from({ length: n }, () => Math.exp(1.6 + next() * 8.3));
}

function feed(trends: TrendSink[], values: readonly number[]): void {
  for (const trend of trends) for (const v of values) trend.add(v);
}

function relativeError(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

test('stats of a small trend are exact (numpy mean, population std, type-7 percentiles)', () => {
  const trend = new TrendSink();
  for (const v of [3.2, 1.5, 9.7, 4.4, 4.4, 0.3, 12.1, 7.8]) trend.add(v);
  assert.is(trend.count, 8);
  assert.is(trend.min, 0.3);
  assert.is(trend.max, 12.1);
  assert.is(trend.avg, 5.425);
  assert.ok(Math.abs(trend.std - 3.8274501956263256) < 1e-12);
  assert.is(trend.med, 4.4);
  assert.is(trend.percentile(95), 11.259999999999998);
  assert.is(trend.approximate, false);
});

test('an empty trend reads NaN', () => {
  const trend = new TrendSink();
  assert.is(trend.count, 0);
  assert.ok(Number.isNaN(trend.avg));
  assert.ok(Number.isNaN(trend.percentile(50)));
  assert.ok(Number.isNaN(trend.min));
  assert.is(trend.approximate, false);
});

test('past the raw cap, percentiles come from the HDR histogram within 0.1 %', () => {
  const values = latencies(20_000, 7);
  const trend = new TrendSink({ rawCap: 1000 });
  for (const v of values) trend.add(v);
  assert.is(trend.approximate, true);
  const sorted = [...values].sort((a, b) => a - b);
  for (const p of [1, 10, 50, 90, 95, 99, 99.9]) {
    const err = relativeError(trend.percentile(p), percentileOfSorted(sorted, p));
    assert.ok(err <= 0.001, `p(${p}) relative error ${err}`);
  }
  assert.is(trend.min, sorted[0]);
  assert.is(trend.max, sorted[sorted.length - 1]);
  assert.is(trend.percentile(0), sorted[0]);
  assert.is(trend.percentile(100), sorted[sorted.length - 1]);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  assert.ok(relativeError(trend.avg, mean) < 1e-12);
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  assert.ok(relativeError(trend.std, std) < 1e-9, 'std stays exact (Welford) past the cap');
});

test('sub-millisecond values keep 0.1 % precision in the histogram', () => {
  const trend = new TrendSink({ rawCap: 0 });
  for (const v of [0.0042, 0.25, 0.731, 3.3]) trend.add(v);
  assert.is(trend.approximate, true);
  assert.ok(relativeError(trend.percentile(50), (0.25 + 0.731) / 2) <= 0.001);
});

test('merging two trends gives the trend of all samples (raw regime)', () => {
  const a = latencies(300, 1);
  const b = latencies(500, 2);
  const left = new TrendSink();
  const right = new TrendSink();
  const all = new TrendSink();
  feed([left, all], a);
  feed([right, all], b);
  left.merge(right);
  assert.is(left.count, all.count);
  assert.is(left.min, all.min);
  assert.is(left.max, all.max);
  for (const p of [50, 90, 95, 99, 99.9]) assert.is(left.percentile(p), all.percentile(p));
  assert.ok(relativeError(left.avg, all.avg) < 1e-12);
  assert.ok(relativeError(left.std, all.std) < 1e-12);
  assert.is(left.approximate, false);
  assert.is(right.count, 500, 'the merged-in trend is unchanged');
});

test('merging two trends gives the trend of all samples (histogram regime, crossing the cap)', () => {
  const a = latencies(700, 3);
  const b = latencies(900, 4);
  const options = { rawCap: 1000 };
  const left = new TrendSink(options);
  const right = new TrendSink(options);
  const all = new TrendSink(options);
  feed([left, all], a);
  feed([right, all], b);
  assert.is(left.approximate, false);
  left.merge(right);
  assert.is(left.approximate, true);
  assert.is(all.approximate, true);
  assert.is(left.count, all.count);
  for (const p of [50, 90, 95, 99, 99.9]) assert.is(left.percentile(p), all.percentile(p));
  assert.ok(relativeError(left.std, all.std) < 1e-9);
});

test('merging histogram trends adds their histograms exactly', () => {
  const options = { rawCap: 10 };
  const left = new TrendSink(options);
  const right = new TrendSink(options);
  const all = new TrendSink(options);
  feed([left, all], latencies(100, 5));
  feed([right, all], latencies(100, 6));
  left.merge(right);
  for (const p of [1, 50, 99]) assert.is(left.percentile(p), all.percentile(p));
});

test('encode → decode keeps every statistic, in both regimes, and survives JSON', () => {
  for (const rawCap of [100_000, 50]) {
    const trend = new TrendSink({ rawCap });
    for (const v of latencies(200, 9)) trend.add(v);
    const copy = TrendSink.decode(JSON.parse(JSON.stringify(trend.encode())));
    assert.is(copy.count, trend.count);
    assert.is(copy.sum, trend.sum);
    assert.is(copy.min, trend.min);
    assert.is(copy.max, trend.max);
    assert.is(copy.std, trend.std);
    assert.is(copy.approximate, trend.approximate);
    for (const p of [50, 95, 99]) assert.is(copy.percentile(p), trend.percentile(p));
  }
  const empty = TrendSink.decode(structuredClone(new TrendSink().encode()));
  assert.is(empty.count, 0);
});

test('values outside the histogram range are clamped and counted, exact stats unaffected', () => {
  const trend = new TrendSink({ rawCap: 0 });
  trend.add(-5);
  trend.add(10);
  assert.is(trend.clamped, 1);
  assert.is(trend.min, -5);
  assert.is(trend.sum, 5);
});

test('addMany gives the same trend as add, across the raw cap and in the histogram regime', () => {
  const values = latencies(5_000, 11);
  for (const rawCap of [0, 1_000, 100_000]) {
    const one = new TrendSink({ rawCap });
    const many = new TrendSink({ rawCap });
    for (const v of values) one.add(v);
    // Uneven slices, one of them crossing the cap, one empty.
    for (const [from, to] of [
      [0, 0],
      [0, 700],
      [700, 1_300],
      [1_300, 1_300],
      [1_300, 5_000],
    ] as const)
      many.addMany(values.slice(from, to));
    assert.is(many.count, one.count);
    assert.is(many.sum, one.sum);
    assert.is(many.min, one.min);
    assert.is(many.max, one.max);
    assert.is(many.approximate, one.approximate);
    assert.is(many.std, one.std);
    for (const p of [0, 50, 90, 99, 100]) assert.is(many.percentile(p), one.percentile(p), `rawCap ${rawCap} p${p}`);
  }
});

test.run();
