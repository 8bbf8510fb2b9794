/**
 * The knee of a sweep: where extra load stops buying throughput, from a
 * two-segment (piecewise linear, continuous) least-squares fit of throughput
 * against load.
 *
 * The fit: throughput ≈ a + b·load + c·max(0, load − k), for each measured
 * level k strictly inside the sweep; the k that leaves the smallest squared
 * error is the candidate knee, with slope b before it and b + c after it.
 * It is claimed only when all of:
 * - at least KNEE_MIN_LEVELS levels ran (with three, two segments pass through
 *   every point and the fit's quality says nothing);
 * - throughput rose before the knee (b > 0);
 * - the slope after it is at most KNEE_SLOPE_RATIO of the slope before;
 * - the two-segment fit explains at least KNEE_MIN_R2 of the variance, and
 *   leaves at most KNEE_MAX_ERROR_SHARE of a single straight line's squared
 *   error (a bend in noise around a line is no knee).
 * Otherwise the result says which condition failed. Pure: no clock, no I/O.
 */

export const KNEE_MIN_LEVELS = 4;
export const KNEE_SLOPE_RATIO = 0.5;
export const KNEE_MIN_R2 = 0.9;
export const KNEE_MAX_ERROR_SHARE = 0.5;

export interface KneePoint {
  label: string;
  /** The level's load: concurrent users or offered req/s. */
  load: number;
  /** Its throughput, req/s. */
  throughput: number;
}

/** The best two-segment fit, claimed as a knee or not. */
export interface KneeFit {
  label: string;
  load: number;
  /** Throughput gained per unit of load below and above the knee (req/s per user, or per req/s offered). */
  slopeBefore: number;
  slopeAfter: number;
  /** R² of the two-segment fit and of one straight line through every level. */
  r2: number;
  lineR2: number;
}

export type Knee =
  | ({ found: true; levels: number } & KneeFit)
  /** `fit`: the best two-segment fit, null with too few levels. `reason`: the rule's condition that failed. */
  | { found: false; levels: number; fit: KneeFit | null; reason: 'too-few-levels' | 'no-growth' | 'still-scaling' | 'poor-fit' };

/** The knee of throughput vs load over the levels (any order). */
export function findKnee(points: readonly KneePoint[]): Knee {
  const sorted = [...points].filter((p) => Number.isFinite(p.load) && Number.isFinite(p.throughput)).sort((a, b) => a.load - b.load);
  const levels = sorted.length;
  if (levels < KNEE_MIN_LEVELS || new Set(sorted.map((p) => p.load)).size < KNEE_MIN_LEVELS) return { found: false, levels, fit: null, reason: 'too-few-levels' };
  const xs = sorted.map((p) => p.load);
  const ys = sorted.map((p) => p.throughput);
  const mean = ys.reduce((s, y) => s + y, 0) / levels;
  const total = ys.reduce((s, y) => s + (y - mean) ** 2, 0);
  const line = leastSquares(xs, ys, null);
  let best: { k: number; sse: number; coef: number[] } | null = null;
  for (let i = 1; i < levels - 1; i++) {
    const k = xs[i]!;
    if (k === xs[0] || k === xs[levels - 1]) continue;
    const fit = leastSquares(xs, ys, k);
    if (fit !== null && (best === null || fit.sse < best.sse)) best = { k, sse: fit.sse, coef: fit.coef };
  }
  if (best === null || line === null) return { found: false, levels, fit: null, reason: 'too-few-levels' };
  const at = sorted.find((p) => p.load === best.k)!;
  const r2 = total > 0 ? 1 - best.sse / total : 1;
  const lineR2 = total > 0 ? 1 - line.sse / total : 1;
  const fit: KneeFit = { label: at.label, load: at.load, slopeBefore: best.coef[1]!, slopeAfter: best.coef[1]! + best.coef[2]!, r2, lineR2 };
  if (!(fit.slopeBefore > 0)) return { found: false, levels, fit, reason: 'no-growth' };
  if (fit.slopeAfter > KNEE_SLOPE_RATIO * fit.slopeBefore) return { found: false, levels, fit, reason: 'still-scaling' };
  if (r2 < KNEE_MIN_R2 || best.sse > KNEE_MAX_ERROR_SHARE * line.sse) return { found: false, levels, fit, reason: 'poor-fit' };
  return { found: true, levels, ...fit };
}

/**
 * Least squares of y on [1, x] (hinge null) or [1, x, max(0, x − hinge)], by the normal equations;
 * null when they are singular (fewer distinct loads than coefficients on a side).
 */
function leastSquares(xs: readonly number[], ys: readonly number[], hinge: number | null): { coef: number[]; sse: number } | null {
  const basis = (x: number): number[] => (hinge === null ? [1, x] : [1, x, Math.max(0, x - hinge)]);
  const m = hinge === null ? 2 : 3;
  const a = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (let i = 0; i < xs.length; i++) {
    const f = basis(xs[i]!);
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) a[r]![c]! += f[r]! * f[c]!;
      a[r]![m]! += f[r]! * ys[i]!;
    }
  }
  const coef = solve(a);
  if (coef === null) return null;
  let sse = 0;
  for (let i = 0; i < xs.length; i++) {
    const f = basis(xs[i]!);
    const predicted = f.reduce((s, v, j) => s + v * coef[j]!, 0);
    sse += (ys[i]! - predicted) ** 2;
  }
  return { coef, sse };
}

/** Gauss-Jordan elimination with partial pivoting on an augmented m × (m + 1) matrix. */
function solve(a: number[][]): number[] | null {
  const m = a.length;
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    const scale = Math.max(...a.map((row) => Math.abs(row[col]!)));
    if (Math.abs(a[pivot]![col]!) <= 1e-12 * Math.max(1, scale)) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= m; c++) a[r]![c]! -= factor * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[m]! / row[i]!);
}
