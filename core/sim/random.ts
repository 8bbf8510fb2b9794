/**
 * Seeded randomness and string hashing for the simulator.
 *
 * Everything the simulator draws (output lengths, output words, fault picks)
 * comes from these generators so that one seed reproduces a run exactly on
 * any machine. Math.random is never used.
 */

/** A uniform draw in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a 32-bit generator, fast and good enough for workload shapes
 * (not for cryptography). Same seed, same sequence, on every platform.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mix two integers into one 32-bit seed (so per-request seeds differ even for neighbouring inputs). */
export function mixSeed(a: number, b: number): number {
  let h = Math.imul((a >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ (b >>> 0), 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * cyrb53: a 53-bit string hash, returned as a base-36 string. Used for KV
 * block hashes, where a collision would only make two different prompts
 * share a cached block in the model (harmless, and at 2^-53 never seen).
 */
export function hashString(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** A standard normal draw (Box-Muller), for log-normal output lengths. */
export function normal(rng: Rng): number {
  // 1 - u keeps the log argument in (0, 1].
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
