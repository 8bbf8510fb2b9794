/**
 * numpy's summation of float64 arrays (`np.sum`, and so `np.mean`/`np.std`):
 * pairwise, with an 8-way unrolled base case of up to 128 elements
 * (numpy/_core/src/umath/loops_utils.h.src `pairwise_sum`). Reproducing its
 * order makes our mean and std of raw samples equal numpy's bit for bit.
 */

const BLOCK = 128;

/** Σ values[start … start+n) in numpy's order. */
export function pairwiseSum(values: ArrayLike<number>, start = 0, n = values.length - start): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i]!;
    return sum;
  }
  if (n <= BLOCK) {
    let r0 = values[start]!;
    let r1 = values[start + 1]!;
    let r2 = values[start + 2]!;
    let r3 = values[start + 3]!;
    let r4 = values[start + 4]!;
    let r5 = values[start + 5]!;
    let r6 = values[start + 6]!;
    let r7 = values[start + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const at = start + i;
      r0 += values[at]!;
      r1 += values[at + 1]!;
      r2 += values[at + 2]!;
      r3 += values[at + 3]!;
      r4 += values[at + 4]!;
      r5 += values[at + 5]!;
      r6 += values[at + 6]!;
      r7 += values[at + 7]!;
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) sum += values[start + i]!;
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/** Population standard deviation as numpy computes it: sqrt(Σ (x − mean)² / n), both sums pairwise. */
export function numpyStd(values: Float64Array, n: number): number {
  const mean = pairwiseSum(values, 0, n) / n;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares[i] = d * d;
  }
  return Math.sqrt(pairwiseSum(squares, 0, n) / n);
}
