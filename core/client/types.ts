/**
 * What a request returns to the script (`RequestResult`) and what the engine
 * keeps of it (`RequestRecord`, one line of results.ndjson).
 *
 * Times are milliseconds (floating point, sub-millisecond resolution) from the
 * monotonic clock; absolute instants are epoch milliseconds
 * (`performance.timeOrigin + performance.now()`) so that records from different
 * worker threads share one timeline. Definitions follow METRICS.md
 * (`vllm bench serve` semantics).
 */

/** Why a request failed. A failed request is data, never an exception. */
export type FailureClass =
  /** HTTP 4xx status (429 included). */
  | 'http_4xx'
  /** HTTP 5xx status. */
  | 'http_5xx'
  /** The whole request ran past its timeout. */
  | 'timeout'
  /** No byte arrived for longer than the stall timeout, mid-response. */
  | 'stall'
  /** The connection failed or closed before the response ended normally. */
  | 'disconnect'
  /** The response broke the protocol: malformed SSE/JSON, an `error` object mid-stream, or no token at all. */
  | 'protocol'
  /** Cut off by llmload itself (gracefulStop / ramp-down / Ctrl-C); excluded from success and failure rates. */
  | 'aborted';

export type Api = 'chat' | 'completion' | 'stream';

/** Where the output token count came from (METRICS.md `n_source`). */
export type TokenSource = 'usage' | 'tokenizer' | 'estimate';

export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** Per-request timings, all in milliseconds relative to `t_start` unless noted. */
export interface RequestTimings {
  /** Epoch ms of the intended send time (t_sched); equals startedAt for closed-loop VUs. */
  scheduledAt: number;
  /**
   * Epoch ms just before the request was written to its connection (t_start),
   * after any wait for a connection; the call time when it was never written.
   */
  startedAt: number;
  /** Time to response headers (TTFB), or null when none arrived. */
  ttfbMs: number | null;
  /** Time to the first token-bearing event (TTFT), or null. */
  ttftMs: number | null;
  /** Time to the first non-reasoning content or tool call (TTFC), or null. */
  ttfcMs: number | null;
  /** Time to the last SSE data event before [DONE] (usage chunk included), or to stream close (E2EL). */
  e2eMs: number | null;
  /** Gaps between consecutive token-bearing events after the first (ITL samples). */
  itlMs: number[];
  /**
   * Time to open the connection this request went out on, when it was opened
   * for it (TCP connect, DNS and TLS included); 0 on a reused connection
   * (k6 http_req_connecting). Not part of TTFT: t_start is taken after it.
   */
  connectMs?: number;
  /**
   * Time from the client call to t_start: waiting for a free connection,
   * connecting included (k6 http_req_blocked). About 0 on a warm pool.
   */
  blockedMs?: number;
  /**
   * 1 when the request was first written on a reused connection the server
   * had already closed (no byte of it reached the server) and was sent again
   * on a fresh one; absent otherwise. Timings are the second attempt's.
   */
  reconnects?: number;
}

/** What `vu.chat()`, `vu.completion()` and `vu.stream()` resolve to. Never rejects for a failed request. */
export interface RequestResult extends RequestTimings {
  ok: boolean;
  failure: FailureClass | null;
  /** Human-readable reason when `ok` is false (never contains the API key). */
  error: string | null;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** Generated text (content; reasoning is in `reasoning`). */
  text: string;
  reasoning: string;
  finishReason: string | null;
  usage: Usage | null;
  /** Output tokens: usage.completion_tokens, else an estimate (see tokensSource). */
  outputTokens: number;
  /** Input tokens as the server counted them (usage.prompt_tokens), else the client-side estimate. */
  inputTokens: number;
  /** Client-side estimate of the prompt's tokens (what vLLM's bench calls total_input). */
  inputTokensClient: number;
  cachedTokens: number | null;
  tokensSource: TokenSource;
  /** Number of token-bearing events received. */
  chunks: number;
  /**
   * The answer came as a stream. False when it came as one JSON body (`stream: false`, or a
   * server that ignored `stream: true`): its TTFT is then the whole answer's time, and it has no ITL.
   */
  streamed: boolean;
  /** For non-OpenAI `vu.stream()`: every parsed event payload is not kept; this is the raw body for non-stream calls. */
  body?: unknown;
}

/** One line of results.ndjson: a finished request as the engine keeps it. */
export interface RequestRecord extends RequestTimings {
  type: 'request';
  scenario: string;
  /** Tags of the request: scenario, level, name, group and user tags. */
  tags: Record<string, string>;
  vu: number;
  iteration: number;
  api: Api;
  /**
   * The answer came as a stream. A request answered in one body (`stream: false`) has no
   * TTFT, TTFC or ITL in its record (null, []) and gives no TTFT/ITL/TPOT samples.
   */
  stream: boolean;
  ok: boolean;
  failure: FailureClass | null;
  error: string | null;
  status: number;
  finishReason: string | null;
  outputTokens: number;
  inputTokens: number;
  inputTokensClient: number;
  cachedTokens: number | null;
  tokensSource: TokenSource;
  chunks: number;
  /** Length of the generated text in UTF-16 code units. */
  outputChars: number;
  /**
   * The first TEXT_SAMPLE_CHARS characters of the generated text (reasoning when there is no
   * content), kept on the first few requests of each sweep level or scenario only, so reports
   * can show what the model answered. Absent on every other record.
   */
  textSample?: string;
  /**
   * Open loop only: the 0-based number, in its phase's arrival schedule, of the arrival whose
   * iteration sent this request. Its presence marks an open-loop request, whose TTFT and E2E are
   * also reported from the intended send time (llm_ttft_sched, llm_e2e_sched).
   */
  arrival?: number;
  /** Recorded but left out of every figure: started in the phase's warm-up or cool-down. */
  excluded?: 'warmup' | 'cooldown';
}
