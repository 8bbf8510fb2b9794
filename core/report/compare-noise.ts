/**
 * How large a change between two runs must be before `compare` calls it
 * better or worse: the noise band. A figure measured on n requests has a
 * sampling uncertainty of its own; two runs of the same server differ by
 * about that much, so a change inside the band is "same".
 *
 * Band (half-width, in the figure's unit) = max(RELATIVE_FLOOR × |baseline|,
 * Z95 × √(SE_baseline² + SE_candidate²)), where each SE is the standard error
 * of the figure estimated from that run's own requests:
 *
 * - mean: σ ÷ √n;
 * - quantile q (p50, p95, p99): σ × √(q(1 − q) ÷ n) ÷ φ(z_q), the
 *   large-sample error of a sample quantile with a normal density at it;
 * - min and max (and a fixed-size level's wall time, set by its slowest
 *   request): the spread of an extreme of n draws, σ × π ÷ √6 ÷ √(2 ln n);
 * - throughputs (req/s, tok/s, goodput): in a closed loop a row's throughput
 *   is its concurrency ÷ its mean E2E, so its relative error is the mean
 *   E2E's, CV(E2E) ÷ √n;
 * - success share: the binomial error √(p(1 − p) ÷ n), with p pulled off 0
 *   and 1 by half a request so that 100 % of 10 is not certain.
 *
 * σ is the row's population standard deviation; n the row's sample count
 * (for ITL, whose gaps within one request are not independent, the number of
 * requests). The floor (1 %) covers what sampling error does not: the
 * server's own drift between runs, clock granularity, a figure with no SE.
 */
import type { LatencySummary, RequestStatsRow } from '../metrics/request-stats.js';

/** Changes smaller than this share of the baseline are never called better or worse. */
export const RELATIVE_FLOOR = 0.01;
/** Two-sided 95 % normal quantile. */
export const Z95 = 1.959964;

/** The noise band's half-width around `baseline`, in the figure's unit. SEs that are null count as 0 (the floor then decides). */
export function noiseBand(baseline: number, seBaseline: number | null, seCandidate: number | null): number {
  const a = seBaseline ?? 0;
  const b = seCandidate ?? 0;
  return Math.max(RELATIVE_FLOOR * Math.abs(baseline), Z95 * Math.sqrt(a * a + b * b));
}

/** Standard error of a mean. */
export function meanSe(s: LatencySummary | null): number | null {
  if (s === null || s.count < 2 || !Number.isFinite(s.std)) return null;
  return s.std / Math.sqrt(s.count);
}

/** Standard error of the q-quantile (0 < q < 1) of `n` samples (default: the summary's count). */
export function quantileSe(s: LatencySummary | null, q: number, n = s?.count ?? 0): number | null {
  if (s === null || n < 2 || !Number.isFinite(s.std)) return null;
  const density = normalDensity(normalQuantile(q));
  return (s.std * Math.sqrt((q * (1 - q)) / n)) / density;
}

/** Spread of the smallest or largest of the summary's samples. */
export function extremeSe(s: LatencySummary | null): number | null {
  if (s === null || s.count < 1 || !Number.isFinite(s.std)) return null;
  if (s.count < 3) return s.std;
  return (s.std * Math.PI) / Math.sqrt(6) / Math.sqrt(2 * Math.log(s.count));
}

/** A throughput: the figure × the relative standard error of the row's mean E2E (see above). */
export function throughputSe(value: number | null, e2e: LatencySummary | null): number | null {
  const se = meanSe(e2e);
  if (value === null || se === null || e2e === null || !(e2e.avg > 0)) return null;
  return Math.abs(value) * (se / e2e.avg);
}

/** A success share in percent, binomial. */
export function sharePercentSe(row: RequestStatsRow): number | null {
  const n = row.requests;
  if (n <= 0) return null;
  const p = (row.successful + 0.5) / (n + 1);
  return Math.sqrt((p * (1 - p)) / n) * 100;
}

/** ITL percentiles: gaps within one request move together, so n is the number of requests, not of gaps. */
export function itlQuantileSe(row: RequestStatsRow, q: number): number | null {
  if (row.itl === null) return null;
  return quantileSe(row.itl, q, Math.min(row.itl.count, row.successful));
}

function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p <= low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p >= 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
