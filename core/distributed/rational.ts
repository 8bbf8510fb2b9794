/**
 * Exact fractions for execution segments. Segment boundaries are written as
 * fractions ("1/3"), percentages ("25%") or decimals ("0.25"), and their sums
 * must stay exact (1/3 + 1/3 + 1/3 is 1, not 0.9999…), so they are kept as
 * bigint numerator / denominator pairs in lowest terms.
 */

export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Least common multiple of two positive integers. */
export function lcm(a: bigint, b: bigint): bigint {
  return (a / gcd(a, b)) * b;
}

/** num/den in lowest terms with a positive denominator. */
export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('zero denominator');
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den);
  return g <= 1n ? { num, den } : { num: num / g, den: den / g };
}

export const ZERO = rational(0n);
export const ONE = rational(1n);

export function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** Negative, zero or positive as a < b, a = b, a > b. */
export function compare(a: Rational, b: Rational): number {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * "1/3", "25%", "0.25", "1": the notations k6 accepts for a segment boundary.
 * Null when the text is none of them.
 */
export function parseRational(text: string): Rational | null {
  const t = text.trim();
  let m = /^(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (m !== null) return BigInt(m[2]!) === 0n ? null : rational(BigInt(m[1]!), BigInt(m[2]!));
  m = /^(\d+)(?:\.(\d+))?(%?)$/.exec(t);
  if (m === null) return null;
  const decimals = m[2] ?? '';
  const whole = BigInt(m[1]! + decimals);
  const den = 10n ** BigInt(decimals.length) * (m[3] === '%' ? 100n : 1n);
  return rational(whole, den);
}

/** "1/3", "0", "1". */
export function formatRational(r: Rational): string {
  return r.den === 1n ? String(r.num) : `${r.num}/${r.den}`;
}
