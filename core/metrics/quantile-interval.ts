/**
 * A distribution-free confidence interval of a percentile from its samples:
 * the order-statistic interval. The number of samples below the true q-th
 * quantile is Binomial(n, q) whatever the distribution, so the sorted samples
 * x₍l₎ ≤ ξ_q ≤ x₍u₎ with probability F(u − 1) − F(l − 1), F the binomial CDF.
 * l and u are the ranks that leave at most (1 − confidence) / 2 of that
 * probability on each side. No bootstrap, no normality: latencies are skewed,
 * and a p95 of a few dozen samples is far less certain than its value looks.
 *
 * It decides when a figure is known well enough: its margin of error (the
 * interval's larger distance from the estimate, relative to it) is within a
 * target such as ±5 % at 95 % confidence.
 */

export interface QuantileInterval {
  /** The nearest-rank sample quantile: x₍⌈nq⌉₎. */
  estimate: number;
  low: number;
  high: number;
  /** 1-based ranks of the bounds in the sorted samples. */
  lowRank: number;
  highRank: number;
  /** The interval's exact coverage, at least the confidence asked for. */
  coverage: number;
  /** max(estimate − low, high − estimate) ÷ estimate; Infinity at an estimate of 0. */
  relativeMargin: number;
}

/**
 * The interval of the q-th quantile (0 < q < 1) from samples sorted ascending; null when there
 * are too few for any pair of ranks to reach the confidence (e.g. a two-sided p95 at 95 % needs 72 samples).
 */
export function quantileInterval(sorted: ArrayLike<number>, q: number, confidence: number): QuantileInterval | null {
  const n = sorted.length;
  const ranks = quantileRanks(n, q, confidence);
  if (ranks === null) return null;
  return intervalAtRanks(ranks, (rank) => sorted[rank - 1]!, sorted[Math.min(n, Math.max(1, Math.ceil(n * q))) - 1]!);
}

/** The ranks (1-based) of the interval's bounds among n sorted samples and their coverage; null when n is too small. */
export function quantileRanks(n: number, q: number, confidence: number): { lowRank: number; highRank: number; coverage: number } | null {
  if (n === 0 || !(q > 0 && q < 1) || !(confidence > 0 && confidence < 1)) return null;
  const { from, cdf } = binomialCdf(n, q);
  const to = from + cdf.length - 1;
  // P(K ≤ k): the window's sums inside it, 0 below it and 1 above it (what lies outside is < 1e-40 of the mass).
  const atMost = (k: number): number => (k < from ? 0 : k > to ? 1 : cdf[k - from]!);
  const tail = (1 - confidence) / 2;
  // Samples below the quantile: P(K ≤ k). Bound x₍l₎ is below ξ_q unless K < l, probability P(K ≤ l − 1):
  // the largest such l. P(K ≤ l − 1) grows with l, so it is the last l of the window that qualifies, or n past it.
  let lowRank = 0;
  if (atMost(n - 1) <= tail) lowRank = n;
  else for (let l = Math.max(1, from + 1); l <= Math.min(n, to + 1); l++) if (atMost(l - 1) <= tail) lowRank = l;
  if (lowRank === 0 && from >= 1) lowRank = from; // every l ≤ from has P(K ≤ l − 1) = 0
  // x₍u₎ is above ξ_q unless K ≥ u, probability 1 − P(K ≤ u − 1): the smallest such u.
  let highRank = 0;
  for (let u = Math.max(1, from + 1); u <= n; u++) {
    if (1 - atMost(u - 1) <= tail) {
      highRank = u;
      break;
    }
    if (u - 1 > to) break;
  }
  if (lowRank === 0 || highRank === 0 || lowRank > highRank) return null;
  return { lowRank, highRank, coverage: atMost(highRank - 1) - atMost(lowRank - 1) };
}

/** The interval from its ranks, `valueAt` giving the sample at a 1-based rank (exact, or a histogram's estimate of it). */
export function intervalAtRanks(ranks: { lowRank: number; highRank: number; coverage: number }, valueAt: (rank: number) => number, estimate: number): QuantileInterval {
  const low = valueAt(ranks.lowRank);
  const high = valueAt(ranks.highRank);
  const margin = Math.max(estimate - low, high - estimate);
  const { lowRank, highRank, coverage } = ranks;
  return { estimate, low, high, lowRank, highRank, coverage, relativeMargin: estimate > 0 ? margin / estimate : margin === 0 ? 0 : Infinity };
}

/** Whether the q-th quantile of the sorted samples is known to ± `margin` (a fraction, 0.05) at `confidence`. */
export function quantileKnownTo(sorted: ArrayLike<number>, q: number, margin: number, confidence: number): boolean {
  const interval = quantileInterval(sorted, q, confidence);
  return interval !== null && interval.relativeMargin <= margin;
}

/** Terms below this share of the largest are left out of the window: their sum is far below any tail asked for. */
const NEGLIGIBLE = 1e-40;

/**
 * P(K ≤ k), K ~ Binomial(n, p), for k over the window around the mode outside which the terms are
 * negligible: about ±14 standard deviations, so its cost grows with √n, not n (a percentile of
 * millions of ITL gaps is judged on a few thousand terms, not on an array of millions). The terms
 * come from the mode outward by the ratio of neighbours, P(k + 1) / P(k) = (n − k) / (k + 1) · p / (1 − p),
 * so nothing underflows and no factorial is needed; the window's sum normalises them.
 */
function binomialCdf(n: number, p: number): { from: number; cdf: Float64Array } {
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const odds = p / (1 - p);
  const right: number[] = [];
  for (let k = mode, t = 1; k < n; k++) {
    t *= ((n - k) / (k + 1)) * odds;
    if (t < NEGLIGIBLE) break;
    right.push(t);
  }
  const left: number[] = [];
  for (let k = mode, t = 1; k > 0; k--) {
    t *= k / (n - k + 1) / odds;
    if (t < NEGLIGIBLE) break;
    left.push(t);
  }
  const from = mode - left.length;
  const cdf = new Float64Array(left.length + 1 + right.length);
  let total = 0;
  for (let i = left.length - 1; i >= 0; i--) total += left[i]!;
  total += 1;
  for (const t of right) total += t;
  let sum = 0;
  let i = 0;
  for (let j = left.length - 1; j >= 0; j--) cdf[i++] = (sum += left[j]!) / total;
  cdf[i++] = (sum += 1) / total;
  for (const t of right) cdf[i++] = Math.min(1, (sum += t) / total);
  return { from, cdf };
}
