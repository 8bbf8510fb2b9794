/**
 * The derived throughput metrics: read from a RequestStats (the run, or the
 * requests matching a submetric's filter) instead of from samples, because a
 * throughput is a ratio over the request window, not a sum of sample values.
 */
import { LLM_GOODPUT, LLM_OUTPUT_TOKEN_THROUGHPUT, LLM_REQUEST_THROUGHPUT, LLM_TOTAL_TOKEN_THROUGHPUT } from './builtin.js';
import type { RequestStats } from './request-stats.js';

/** Per-second value of a derived metric; null without a window (or, for goodput, without SLOs). Undefined for other names. */
export function derivedValue(name: string, stats: RequestStats): number | null | undefined {
  switch (name) {
    case LLM_REQUEST_THROUGHPUT:
      return stats.requestThroughput();
    case LLM_OUTPUT_TOKEN_THROUGHPUT:
      return stats.outputTokenThroughput();
    case LLM_TOTAL_TOKEN_THROUGHPUT:
      return stats.totalTokenThroughput();
    case LLM_GOODPUT:
      return stats.goodputThroughput();
    default:
      return undefined;
  }
}
