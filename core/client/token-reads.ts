/**
 * Thread-wide count of token gaps and of those that say nothing about the
 * server: two token events taken from the same socket read share one clock
 * reading (response-handler.ts), so their ITL sample is 0 whatever the server
 * did. When the client's event loop falls behind, the kernel buffers several
 * token writes and one read returns them all; the share of such gaps is how
 * much of llm_itl the load generator flattened.
 *
 * Plain counters on one object (no allocation, one comparison per token in
 * the hot path); the worker reads and subtracts them once per flush.
 */
export interface TokenReadCounts {
  /** Gaps between consecutive token events (one ITL sample each). */
  gaps: number;
  /** Gaps whose two events came out of the same socket read. */
  coalesced: number;
}

export const tokenReads: TokenReadCounts = { gaps: 0, coalesced: 0 };
