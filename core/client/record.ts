/**
 * The results.ndjson line of a finished request: its RequestResult minus the
 * texts and per-token data, plus who sent it.
 */
import type { Api, RequestRecord, RequestResult } from './types.js';

/** Who sent a request, and how. */
export interface RecordMeta {
  scenario: string;
  tags: Record<string, string>;
  vu: number;
  iteration: number;
  api: Api;
}

/**
 * Build the record of a finished request. An answer that came in one body has no first
 * token apart from its end and no gaps between tokens: its record keeps E2E and the token
 * counts, and says `stream: false` with TTFT, TTFC and ITL empty, so that no streaming
 * figure is made up from it.
 */
export function toRecord(result: RequestResult, meta: RecordMeta): RequestRecord {
  const streamed = result.streamed;
  const record: RequestRecord = {
    type: 'request',
    scenario: meta.scenario,
    tags: meta.tags,
    vu: meta.vu,
    iteration: meta.iteration,
    api: meta.api,
    stream: streamed,
    scheduledAt: result.scheduledAt,
    startedAt: result.startedAt,
    ttfbMs: result.ttfbMs,
    ttftMs: streamed ? result.ttftMs : null,
    ttfcMs: streamed ? result.ttfcMs : null,
    e2eMs: result.e2eMs,
    itlMs: streamed ? result.itlMs : [],
    ok: result.ok,
    failure: result.failure,
    error: result.error,
    status: result.status,
    finishReason: result.finishReason,
    outputTokens: result.outputTokens,
    inputTokens: result.inputTokens,
    inputTokensClient: result.inputTokensClient,
    cachedTokens: result.cachedTokens,
    tokensSource: result.tokensSource,
    chunks: result.chunks,
    outputChars: result.text.length,
  };
  if (result.connectMs !== undefined) record.connectMs = result.connectMs;
  if (result.blockedMs !== undefined) record.blockedMs = result.blockedMs;
  if (result.reconnects !== undefined) record.reconnects = result.reconnects;
  return record;
}
