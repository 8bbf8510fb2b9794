/**
 * The KV-cache block pool, with prefix caching, as vLLM's V1 block pool keeps
 * it: a fixed number of blocks; a block holding a full block of prompt tokens
 * carries the hash of that prefix; when its last user lets go it stays
 * cached (evictable) until the space is needed, least recently freed first.
 *
 * Contract: `free` counts blank blocks plus evictable cached ones, so a
 * request that needs k new blocks fits when `free >= k`; allocating may
 * evict cached prefixes, oldest first.
 */

/** One block of KV-cache. `hash` is set while it holds a reusable prompt prefix. */
export interface KvBlock {
  hash: string | null;
  refCount: number;
}

export class KvCache {
  /** Total blocks. */
  readonly capacity: number;
  readonly #prefixCaching: boolean;
  /** Free blocks that hold nothing reusable. */
  #blank: number;
  /** Free blocks that still hold a cached prefix; Map order is eviction order (oldest first). */
  readonly #evictable = new Map<string, KvBlock>();
  /** Every block that carries a hash, in use or evictable. */
  readonly #byHash = new Map<string, KvBlock>();

  constructor(capacity: number, prefixCaching: boolean) {
    this.capacity = capacity;
    this.#blank = capacity;
    this.#prefixCaching = prefixCaching;
  }

  /** Blocks available to new allocations (blank + evictable). */
  get free(): number {
    return this.#blank + this.#evictable.size;
  }

  /** Blocks referenced by at least one sequence. */
  get used(): number {
    return this.capacity - this.free;
  }

  /** Fraction of blocks in use, 0..1 (vllm:kv_cache_usage_perc). */
  get usage(): number {
    return this.used / this.capacity;
  }

  /** Blocks that currently carry a cached prefix hash (in use or evictable). */
  get cachedBlocks(): number {
    return this.#byHash.size;
  }

  /** How many leading hashes are cached, at most `maxBlocks`. No side effects. */
  lookup(hashes: readonly string[], maxBlocks: number): number {
    if (!this.#prefixCaching) return 0;
    const limit = Math.min(hashes.length, maxBlocks);
    let n = 0;
    while (n < limit && this.#byHash.has(hashes[n] as string)) n++;
    return n;
  }

  /** Cached blocks among the first `n` hashes that are evictable now (taking them reduces `free`). */
  evictableAmong(hashes: readonly string[], n: number): number {
    let count = 0;
    for (let i = 0; i < n; i++) if (this.#evictable.has(hashes[i] as string)) count++;
    return count;
  }

  /** Take a reference on each of the first `n` cached blocks (after `lookup` returned >= n). */
  acquireCached(hashes: readonly string[], n: number, into: KvBlock[]): void {
    for (let i = 0; i < n; i++) {
      const hash = hashes[i] as string;
      const block = this.#byHash.get(hash);
      if (block === undefined) throw new Error(`KvCache.acquireCached: block ${i} (${hash}) is not cached`);
      if (block.refCount === 0) this.#evictable.delete(hash);
      block.refCount++;
      into.push(block);
    }
  }

  /** Take one free block, evicting the oldest cached prefix when no blank block is left; null when none is free. */
  allocate(): KvBlock | null {
    if (this.#blank > 0) {
      this.#blank--;
      return { hash: null, refCount: 1 };
    }
    const oldest = this.#evictable.entries().next();
    if (oldest.done === true) return null;
    const [hash, block] = oldest.value;
    this.#evictable.delete(hash);
    this.#byHash.delete(hash);
    block.hash = null;
    block.refCount = 1;
    return block;
  }

  /** Mark a full prompt block as holding the prefix `hash`, so later prompts can hit it. */
  register(block: KvBlock, hash: string): void {
    if (!this.#prefixCaching || block.hash !== null || this.#byHash.has(hash)) return;
    block.hash = hash;
    this.#byHash.set(hash, block);
  }

  /** Drop one reference; a block nobody uses becomes free (still cached if it has a hash). */
  release(block: KvBlock): void {
    block.refCount--;
    if (block.refCount > 0) return;
    if (block.hash !== null) this.#evictable.set(block.hash, block);
    else this.#blank++;
  }
}
