/**
 * Seeded randomness for workload shapes: inter-arrival times and synthetic
 * datasets. Same seed, same sequence, on every thread and platform, so every
 * worker can generate the same arrival schedule on its own. Math.random is
 * never used.
 */

/** A uniform draw in [0, 1). */
export type Rng = () => number;

/**
 * xoshiro128** (Blackman & Vigna), seeded through splitmix32: 32-bit state
 * words, passes BigCrush, fast in JS integer arithmetic.
 */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Mix integers into one 32-bit seed, so neighbouring inputs give unrelated streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

/** A standard normal draw (Box-Muller). */
export function normal(rng: Rng): number {
  const u = 1 - rng(); // (0, 1]: keeps the log finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** An exponential draw with mean 1. */
export function exponential(rng: Rng): number {
  return -Math.log(1 - rng());
}

/**
 * A gamma draw with shape k and mean 1 (scale 1/k): Marsaglia & Tsang (2000)
 * for k ≥ 1, and for k < 1 the boost Gamma(k) = Gamma(k + 1) · U^(1/k).
 */
export function gammaMeanOne(rng: Rng, shape: number): number {
  if (shape === 1) return exponential(rng);
  return gamma(rng, shape) / shape;
}

function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
