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
  stream: boolean;
}

/** Build the record of a finished request. */
export function toRecord(result: RequestResult, meta: RecordMeta): RequestRecord {
  const record: RequestRecord = {
    type: 'request',
    scenario: meta.scenario,
    tags: meta.tags,
    vu: meta.vu,
    iteration: meta.iteration,
    api: meta.api,
    stream: meta.stream,
    scheduledAt: result.scheduledAt,
    startedAt: result.startedAt,
    ttfbMs: result.ttfbMs,
    ttftMs: result.ttftMs,
    ttfcMs: result.ttfcMs,
    e2eMs: result.e2eMs,
    itlMs: result.itlMs,
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
