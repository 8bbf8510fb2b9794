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
  const cdf = binomialCdf(n, q);
  const tail = (1 - confidence) / 2;
  // Samples below the quantile: P(K ≤ k) = cdf[k]. Bound x₍l₎ is below ξ_q unless K < l, probability cdf[l − 1].
  let lowRank = 0;
  for (let l = 1; l <= n; l++) if (cdf[l - 1]! <= tail) lowRank = l;
  // x₍u₎ is above ξ_q unless K ≥ u, probability 1 − cdf[u − 1].
  let highRank = 0;
  for (let u = n; u >= 1; u--) if (1 - cdf[u - 1]! <= tail) highRank = u;
  if (lowRank === 0 || highRank === 0 || lowRank > highRank) return null;
  return { lowRank, highRank, coverage: cdf[highRank - 1]! - cdf[lowRank - 1]! };
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

/** P(K ≤ k) for k = 0 … n, K ~ Binomial(n, p), summed in log space so that large n does not underflow. */
function binomialCdf(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1);
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, k) by recurrence: log C(n, k) = log C(n, k − 1) + log((n − k + 1) / k).
  let logChoose = 0;
  let sum = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    sum += Math.exp(logChoose + k * logP + (n - k) * logQ);
    out[k] = Math.min(1, sum);
  }
  return out;
}
