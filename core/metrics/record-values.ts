/**
 * Per-request figures derived from a RequestRecord, as METRICS.md defines
 * them (`vllm bench serve` formulas). Pure functions of one record.
 */
import type { FailureClass, RequestRecord } from '../client/types.js';

/** How a finished request counts: interrupted ones are in neither the success nor the failure rate. */
export type Outcome = 'success' | 'failure' | 'interrupted';

export function outcomeOf(record: RequestRecord): Outcome {
  if (record.failure === 'aborted') return 'interrupted';
  return record.ok ? 'success' : 'failure';
}

/** The failure class of a failed request; 'protocol' when the client gave none. */
export function failureClassOf(record: RequestRecord): Exclude<FailureClass, 'aborted'> {
  const failure = record.failure;
  return failure === null || failure === 'aborted' ? 'protocol' : failure;
}

/**
 * Whether the answer came as a stream. One that came in one body has no TTFT, ITL or TPOT:
 * its "first token" is the whole answer (TTFT = E2E, TPOT = 0 would only flatter the server).
 * Records written before the field was kept truthfully count as streamed when they say so.
 */
export function isStreamed(record: RequestRecord): boolean {
  return record.stream !== false;
}

/** TTFT of a streamed request; null for one answered in one body. */
export function streamedTtftMs(record: RequestRecord): number | null {
  return record.stream === false ? null : record.ttftMs;
}

/** TTFC of a streamed request; null for one answered in one body. */
export function streamedTtfcMs(record: RequestRecord): number | null {
  return record.stream === false ? null : record.ttfcMs;
}

const NO_ITL: readonly number[] = [];

/** ITL samples of a streamed request; none for one answered in one body. */
export function streamedItlMs(record: RequestRecord): readonly number[] {
  return record.stream === false ? NO_ITL : record.itlMs;
}

/**
 * TPOT = (E2EL − TTFT) / (N − 1) for N > 1 output tokens; null when N ≤ 1, a
 * time is missing or the answer was not streamed (such requests are left out
 * of the TPOT distribution).
 */
export function tpotMs(record: RequestRecord): number | null {
  const n = record.outputTokens;
  const ttft = streamedTtftMs(record);
  if (n <= 1 || record.e2eMs === null || ttft === null) return null;
  return (record.e2eMs - ttft) / (n - 1);
}

/** Output tokens / E2EL seconds; null without an E2EL > 0. */
export function outputTokensPerSecond(record: RequestRecord): number | null {
  if (record.e2eMs === null || record.e2eMs <= 0) return null;
  return record.outputTokens / (record.e2eMs / 1000);
}

/** Epoch ms at which the request ended: t_start + E2EL (t_start when no E2EL was measured). */
export function endedAtMs(record: RequestRecord): number {
  return record.startedAt + (record.e2eMs ?? 0);
}

/**
 * Connection set-up ms when the client reported it (0 on a reused connection,
 * as k6's http_req_connecting), else null.
 */
export function connectingMs(record: RequestRecord): number | null {
  const value = record.connectMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}
