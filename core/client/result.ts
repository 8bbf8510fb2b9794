/**
 * Turns what a request observed into its RequestResult, once, when it ends:
 * timings relative to t_start, token counts from usage or the fallback
 * estimate, and the secret scrub of every string a server could have filled.
 */
import { countSource, countTextTokens } from '../tokens/counter.js';
import { scrubSecrets } from './failure.js';
import type { Accumulator } from './openai-events.js';
import type { FailureClass, RequestResult } from './types.js';

/** Everything a request observed, times from performance.now() (ms). */
export interface Observed {
  /** When dispatch() was called. */
  dispatchedAt: number;
  /** t_start: the request was about to be written to its connection; null if it never was. */
  startedAt: number | null;
  /** Epoch ms of t_sched given by the caller, or undefined for "= t_start". */
  scheduledAt: number | undefined;
  /** Connect time owed to this request (0 on a reused connection). */
  connectMs: number;
  headersAt: number | null;
  firstTokenAt: number | null;
  firstContentAt: number | null;
  endAt: number | null;
  itlMs: number[];
  chunks: number;
  /** The answer was read as a stream (false: one JSON body). */
  streamed: boolean;
  status: number;
  failure: FailureClass | null;
  error: string | null;
  acc: Accumulator;
  inputTokensClient: number;
  body: unknown;
  secrets: readonly string[];
  /** Times the request was sent again on a fresh connection because its reused one was dead. */
  reconnects: number;
}

/** Build the result object of a finished request. */
export function buildResult(o: Observed): RequestResult {
  const t0 = o.startedAt;
  const since = (t: number | null): number | null => (t === null || t0 === null ? null : t - t0);
  const startedAt = performance.timeOrigin + (t0 ?? o.dispatchedAt);
  const usage = o.acc.usage;
  const completion = usage?.completion_tokens;
  const prompt = usage?.prompt_tokens;
  const fromUsage = typeof completion === 'number';
  const outputTokens = fromUsage ? completion : countTextTokens(o.acc.reasoning) + countTextTokens(o.acc.text) + countTextTokens(o.acc.toolArgs);
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  const secrets = o.secrets;
  const result: RequestResult = {
    scheduledAt: o.scheduledAt ?? startedAt,
    startedAt,
    ttfbMs: since(o.headersAt),
    ttftMs: since(o.firstTokenAt),
    ttfcMs: since(o.firstContentAt),
    e2eMs: since(o.endAt),
    itlMs: o.itlMs,
    connectMs: o.connectMs,
    blockedMs: (t0 ?? performance.now()) - o.dispatchedAt,
    ok: o.failure === null,
    failure: o.failure,
    error: o.error === null ? null : scrubSecrets(o.error, secrets),
    status: o.status,
    text: scrubIfPresent(o.acc.text, secrets),
    reasoning: scrubIfPresent(o.acc.reasoning, secrets),
    finishReason: o.acc.finishReason,
    usage,
    outputTokens,
    inputTokens: typeof prompt === 'number' ? prompt : o.inputTokensClient,
    inputTokensClient: o.inputTokensClient,
    cachedTokens: typeof cached === 'number' ? cached : null,
    tokensSource: fromUsage ? 'usage' : countSource(),
    chunks: o.chunks,
    streamed: o.streamed,
  };
  if (o.body !== undefined) result.body = o.body;
  if (o.reconnects > 0) result.reconnects = o.reconnects;
  return result;
}

/** The text with any secret removed (a plain `includes` per secret when there is none, the usual case). */
function scrubIfPresent(text: string, secrets: readonly string[]): string {
  for (const secret of secrets) {
    if (secret.length > 0 && text.includes(secret)) return scrubSecrets(text, secrets);
  }
  return text;
}
