/**
 * One order of items across every VU and worker thread for sequential
 * sampling: a table in shared memory holds, per dataset, the next item
 * number, taken with Atomics.add (as shared iterations take their count).
 *
 * Every thread opens its own copy of a dataset, so a dataset finds its slot
 * by a hash of its spec (the same in every thread): open addressing,
 * claimed with compareExchange, so the order in which threads open datasets
 * does not matter.
 */

/** Datasets one run can give a shared order; past that, a dataset falls back to splitting by worker. */
const SLOTS = 256;

/** The table for one run: [key hash, next item] per slot, all zero. */
export function createSequenceTable(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOTS * 2 * Int32Array.BYTES_PER_ELEMENT);
}

/** FNV-1a, never 0 (0 marks a free slot). */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h === 0 ? 1 : h | 0;
}

/**
 * The shared counter of the dataset `key`: a function returning the next item number (0, 1, 2…
 * across all threads), or null when the table is full.
 */
export function sharedSequence(table: SharedArrayBuffer, key: string): (() => number) | null {
  const cells = new Int32Array(table);
  const hash = hashKey(key);
  const start = (hash >>> 0) % SLOTS;
  for (let probe = 0; probe < SLOTS; probe++) {
    const slot = (start + probe) % SLOTS;
    const seen = Atomics.compareExchange(cells, slot * 2, 0, hash);
    if (seen === 0 || seen === hash) {
      const at = slot * 2 + 1;
      return () => Atomics.add(cells, at, 1);
    }
  }
  return null;
}
