import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quantileInterval, quantileKnownTo, quantileRanks } from '../../core/metrics/quantile-interval.js';

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

/** The ranks as the textbook computes them: the whole binomial CDF from k = 0, summed in log space (O(n)). */
function referenceRanks(n: number, q: number, confidence: number): { lowRank: number; highRank: number; coverage: number } | null {
  const cdf = new Float64Array(n + 1);
  let logChoose = 0;
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    sum += Math.exp(logChoose + k * Math.log(q) + (n - k) * Math.log1p(-q));
    cdf[k] = Math.min(1, sum);
  }
  const tail = (1 - confidence) / 2;
  let lowRank = 0;
  for (let l = 1; l <= n; l++) if (cdf[l - 1]! <= tail) lowRank = l;
  let highRank = 0;
  for (let u = n; u >= 1; u--) if (1 - cdf[u - 1]! <= tail) highRank = u;
  if (lowRank === 0 || highRank === 0 || lowRank > highRank) return null;
  return { lowRank, highRank, coverage: cdf[highRank - 1]! - cdf[lowRank - 1]! };
}

test('the ranks from the window around the mode are the whole CDF’s, small n to a few hundred thousand', () => {
  const sizes = [1, 2, 3, 5, 10, 20, 50, 71, 72, 99, 100, 101, 250, 999, 1000, 4321, 10_000, 65_537, 300_000];
  let compared = 0;
  for (const n of sizes) {
    for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999]) {
      for (const confidence of [0.8, 0.9, 0.95, 0.99, 0.999]) {
        const want = referenceRanks(n, q, confidence);
        const got = quantileRanks(n, q, confidence);
        const where = `n ${n}, q ${q}, confidence ${confidence}`;
        if (want === null) assert.is(got, null, where);
        else {
          assert.ok(got !== null, `${where}: no ranks, the reference has ${JSON.stringify(want)}`);
          assert.is(got.lowRank, want.lowRank, `${where}: low rank`);
          assert.is(got.highRank, want.highRank, `${where}: high rank`);
          // The reference sums log C(n, k) over k = 1 … n, its rounding growing with n; the window's over ~√n terms.
          assert.ok(Math.abs(got.coverage - want.coverage) < 1e-12 * Math.max(1000, n), `${where}: coverage ${got.coverage} against ${want.coverage}`);
        }
        compared++;
      }
    }
  }
  assert.is(compared, sizes.length * 9 * 5);
});

test('ten million samples: the ranks sit about ±1.96 standard deviations from n·q, and the CDF is not an array of n', () => {
  const n = 10_000_000;
  const q = 0.99;
  const ranks = quantileRanks(n, q, 0.95)!;
  const sd = Math.sqrt(n * q * (1 - q));
  // Normal approximation, good to a rank or two at this n.
  assert.ok(Math.abs(ranks.lowRank - (n * q - 1.96 * sd)) < 3, `low rank ${ranks.lowRank}`);
  assert.ok(Math.abs(ranks.highRank - (n * q + 1.96 * sd + 1)) < 3, `high rank ${ranks.highRank}`);
  assert.ok(ranks.coverage >= 0.95 && ranks.coverage < 0.951, `coverage ${ranks.coverage}`);
  // The window is a few thousand terms: a heap that grew by n doubles (80 MB) would show here.
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 20; i++) quantileRanks(n + i, q, 0.95);
  const grew = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - before;
  assert.ok(grew < 40 * 1024 * 1024, `grew ${(grew / 1024 / 1024).toFixed(1)} MB over 20 intervals of 10M samples`);
});

test.run();
