/**
 * Hand-made RequestRecords for metrics, thresholds and summary tests.
 * The default: a successful streamed request at t_start = 1000 (epoch ms)
 * with TTFT 100 ms, four ITL gaps of 100 ms, E2E 500 ms, 5 output tokens,
 * 10 input tokens (so TPOT = (500 − 100) / (5 − 1) = 100 ms).
 */
import type { RequestRecord } from '../../core/client/types.js';

export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    type: 'request',
    scenario: 'sweep',
    tags: { scenario: 'sweep' },
    vu: 1,
    iteration: 0,
    api: 'chat',
    stream: true,
    ok: true,
    failure: null,
    error: null,
    status: 200,
    finishReason: 'stop',
    outputTokens: 5,
    inputTokens: 10,
    inputTokensClient: 10,
    cachedTokens: null,
    tokensSource: 'usage',
    chunks: 5,
    outputChars: 20,
    scheduledAt: 1000,
    startedAt: 1000,
    ttfbMs: 50,
    ttftMs: 100,
    ttfcMs: 100,
    e2eMs: 500,
    itlMs: [100, 100, 100, 100],
    ...overrides,
  };
}

/** A failed request of the given class (no tokens, no latency). */
export function makeFailure(failure: NonNullable<RequestRecord['failure']>, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return makeRecord({
    ok: false,
    failure,
    error: failure,
    status: failure === 'http_5xx' ? 503 : failure === 'http_4xx' ? 429 : 200,
    outputTokens: 0,
    chunks: 0,
    ttftMs: null,
    ttfcMs: null,
    itlMs: [],
    e2eMs: 200,
    ...overrides,
  });
}
