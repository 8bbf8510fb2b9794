import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quantileInterval, quantileKnownTo } from '../../core/metrics/quantile-interval.js';

const ascending = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

test('the median of 100 samples at 95 %: the textbook ranks 40 and 61, with their exact coverage', () => {
  const interval = quantileInterval(ascending(100), 0.5, 0.95)!;
  assert.is(interval.lowRank, 40);
  assert.is(interval.highRank, 61);
  assert.is(interval.estimate, 50);
  assert.ok(interval.coverage >= 0.95 && interval.coverage < 0.97, String(interval.coverage));
  assert.is(interval.relativeMargin, 11 / 50);
});

test('too few samples for a p95 at 95 % two-sided: no interval, so never "known"', () => {
  // The top sample bounds the p95 from above only when 0.95ⁿ ≤ 2.5 %: n ≥ 72.
  assert.is(quantileInterval(ascending(71), 0.95, 0.95), null);
  const at72 = quantileInterval(ascending(72), 0.95, 0.95)!;
  assert.is(at72.highRank, 72);
  assert.ok(at72.coverage >= 0.95);
  assert.is(
    quantileKnownTo(
      ascending(71).map(() => 100),
      0.95,
      0.05,
      0.95,
    ),
    false,
  );
  assert.is(quantileInterval([], 0.95, 0.95), null);
});

/** A seeded exponential sample (mulberry32), sorted. */
function exponential(n: number, seed: number): number[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => -Math.log(1 - next()) * 100).sort((x, y) => x - y);
}

test('on skewed (exponential) samples the interval covers the true p95 at least as often as promised', () => {
  const truth = -Math.log(0.05) * 100;
  let covered = 0;
  const trials = 400;
  for (let s = 1; s <= trials; s++) {
    const interval = quantileInterval(exponential(200, s), 0.95, 0.95)!;
    if (interval.low <= truth && truth <= interval.high) covered++;
  }
  assert.ok(covered / trials >= 0.93, `covered ${covered} of ${trials}`);
});

test('the margin narrows with more samples: p95 known to ±5 % with enough of them, not with few', () => {
  assert.is(quantileKnownTo(exponential(200, 7), 0.95, 0.05, 0.95), false);
  assert.is(quantileKnownTo(exponential(20_000, 7), 0.95, 0.05, 0.95), true);
  const wide = quantileInterval(exponential(200, 7), 0.95, 0.95)!;
  const narrow = quantileInterval(exponential(20_000, 7), 0.95, 0.95)!;
  assert.ok(narrow.relativeMargin < wide.relativeMargin / 3, `${narrow.relativeMargin} vs ${wide.relativeMargin}`);
});

test.run();
