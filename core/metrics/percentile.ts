/**
 * Percentiles as numpy computes them by default (`method='linear'`,
 * Hyndman & Fan type 7), so llmload's p(N) equal `numpy.percentile(x, N)` and
 * `vllm bench serve`'s figures bit for bit on the same samples.
 */

/**
 * numpy's `_lerp`: a + (b − a)·t, computed from the nearer end so that t = 1
 * gives exactly b (numpy/lib/_function_base_impl.py).
 */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * The p-th percentile (p in 0..100) of samples sorted ascending; NaN for none.
 * numpy: virtual index = (n − 1)·p/100, interpolate between its floor and the next sample.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const index = (n - 1) * (p / 100);
  const below = Math.min(Math.max(Math.floor(index), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  return lerp(sorted[below]!, sorted[above]!, index - below);
}

/** The number N in a 'p(N)' statistic or aggregation (whitespace allowed inside), or null when `text` is not one. */
export function parsePercentileName(text: string): number | null {
  const match = /^p\(\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*\)$/.exec(text.trim());
  if (match === null) return null;
  return Number(match[1]);
}

/** The canonical name of the p-th percentile, as k6 prints it: p(95), p(99.9). */
export function percentileName(p: number): string {
  return `p(${String(p)})`;
}
