/**
 * The undici dispatch handler of one request: takes the METRICS.md
 * timestamps, feeds the body to the SSE/NDJSON parser, interprets each event
 * and settles one RequestResult. It never rejects: every way a request can
 * end (normal end, HTTP error, socket error, timeout, stall, abort) settles
 * the same promise with a result.
 *
 * Timestamps (performance.now(), ms): t_start in onRequestStart, which undici
 * calls just before writing the request on a connection, so neither waiting
 * for a connection nor connecting is in TTFT; t_hdr in onResponseStart; one
 * reading per socket read of the body, shared by every event it completes
 * (they arrived together); t_end is the last data event before [DONE], else
 * the end of the response or the moment the request was cut off.
 *
 * Per chunk: onResponseData appends the Buffer to the current batch; the
 * first chunk of a socket read also reads the clock and queues one microtask
 * that parses the whole batch (one decode however many HTTP chunks the read
 * held). A first chunk that ends a line is parsed at once instead (a paced
 * server's read holds one event): later chunks of the same read, told by the
 * socket's bytesRead, share its clock reading and go to the batch. Per event: one JSON.parse and the reads in openai-events.ts,
 * or, for the token events of a stream that repeat one shape, a slice by the stream's template (chunk-template.ts). No
 * timer, closure or promise is created per chunk or per event; deadlines are
 * checked by the client's shared StallWatchdog through `check()`.
 */
import type { Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { BodyCollector } from './body-collector.js';
import { contentByTemplate, learnChunkTemplate, type ChunkTemplate } from './chunk-template.js';
import { claimConnectMs, isPeerClose, kConnection, type TrackedDispatchOptions } from './connection-pool.js';
import { classifyError, ERROR_BODY_LIMIT, httpErrorMessage, httpFailureClass, quote } from './failure.js';
import { NdjsonParser } from './ndjson-parser.js';
import { CONTENT_TOKEN, errorMessageOf, NO_TOKEN, newAccumulator, readFullResponse, readStreamChunk, type TokenKind } from './openai-events.js';
import { isDoneMarker, readRawEvent, type TextOf } from './raw-events.js';
import { buildResult } from './result.js';
import { DONE, SseParser, type SseSink } from './sse-parser.js';
import type { Watched } from './stall-watchdog.js';
import { tokenReads } from './token-reads.js';
import type { Api, FailureClass, RequestResult } from './types.js';

/**
 * Output tokens as they arrive, across a client's requests: one per token-bearing event of a
 * stream, and at a request's end what its final count says beyond the events (a whole body's
 * tokens, several tokens per event), so that over time it sums to the results' output tokens.
 * The owner reads and resets it (the live progress line's tokens/s); a plain integer field, so
 * counting costs no allocation on the per-event path.
 */
export interface TokenTally {
  tokens: number;
}

/** How a request is read, fixed before it is sent. */
export interface HandlerSetup {
  api: Api;
  /** Expect a stream (SSE or NDJSON); false: one JSON body. */
  stream: boolean;
  format: 'sse' | 'ndjson';
  /** `vu.stream()`'s text extractor; null for the built-in readers. */
  textOf: TextOf | null;
  /** Whole-request limit from the call, in ms; 0 for none. */
  timeoutMs: number;
  /** Longest gap between bytes once the request is written, in ms; 0 for none. */
  stallTimeoutMs: number;
  scheduledAt: number | undefined;
  inputTokensClient: number;
  secrets: readonly string[];
  /** The caller's interruption signal; the client listens on it with this handler (see handleEvent). */
  signal: AbortSignal | null;
  /** Called once when the request has settled (to stop watching it). */
  onSettled: (handler: ResponseHandler) => void;
  /** The client's running count of output tokens received. */
  tally: TokenTally;
  /** Sends the request again on a fresh connection (see #neverArrived). */
  onRetry: (handler: ResponseHandler) => void;
}

/** What the body is read as: not yet known (before headers), a stream, one JSON body, an HTTP error body. */
const WAITING = 0;
const STREAM = 1;
const JSON_BODY = 2;
const ERROR_BODY = 3;
type Mode = typeof WAITING | typeof STREAM | typeof JSON_BODY | typeof ERROR_BODY;

const LF = 10;

/** Token events of a stream from which a template is tried before giving up: the first, and a few more in case it held an escape. */
const TEMPLATE_TRIES = 3;

/** The abort reason handed to undici when llmload cuts a request off itself. */
const CUT_OFF = new Error('request ended by llmload');

export class ResponseHandler implements Dispatcher.DispatchHandler, SseSink, Watched {
  readonly opts: TrackedDispatchOptions;
  readonly promise: Promise<RequestResult>;
  #resolve!: (result: RequestResult) => void;
  readonly #setup: HandlerSetup;
  #controller: Dispatcher.DispatchController | null = null;
  #mode: Mode = WAITING;
  #parser: SseParser | NdjsonParser | null = null;
  #collector: BodyCollector | null = null;
  /** Chunks of the current socket read, not parsed yet (reused array). */
  readonly #batch: Buffer[] = [];
  #settled = false;
  /** undici is done with the request (its end or error arrived). */
  #complete = false;

  // METRICS.md timestamps, performance.now() ms.
  readonly #dispatchedAt = performance.now();
  #startedAt: number | null = null;
  #headersAt: number | null = null;
  #firstTokenAt: number | null = null;
  #firstContentAt: number | null = null;
  #lastTokenAt = 0;
  #endAt: number | null = null;
  /** Arrival time of the chunk being parsed. */
  #now = 0;
  /** Last byte (or t_start): the stall clock. */
  #lastByteAt = 0;
  #itlMs: number[] = [];
  #chunks = 0;
  #connectMs = 0;
  /** The connection's socket and its bytesRead when this request was written on it (0: a fresh connection). */
  #socket: Socket | null = null;
  #readBefore = 0;
  /** The socket's bytesRead at the clock's last reading: chunks that see the same count came in one read. */
  #readMark = -1;
  /** Times the request was sent again because its connection was dead (0 or 1). */
  #reconnects = 0;

  #status = 0;
  #statusText = '';
  #failure: FailureClass | null = null;
  #error: string | null = null;
  /** `[DONE]` (or NDJSON `done: true`) was seen: later events are ignored. */
  #done = false;
  #acc = newAccumulator();
  #body: unknown = undefined;
  /** The stream's event template (chunk-template.ts): later events that fit it are read without JSON.parse. */
  #template: ChunkTemplate | null = null;
  /** Token events left that may still teach the template (a stream that never fits stops trying). */
  #templateTries = TEMPLATE_TRIES;

  /** The setup this request was sent with. */
  get setup(): Readonly<HandlerSetup> {
    return this.#setup;
  }

  constructor(opts: TrackedDispatchOptions, setup: HandlerSetup) {
    this.opts = opts;
    this.#setup = setup;
    this.promise = new Promise((resolve) => (this.#resolve = resolve));
  }

  // ---------------------------------------------------------------- undici

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled) {
      // Timed out or aborted while waiting for a connection: do not send it at all.
      controller.abort(CUT_OFF);
      return;
    }
    const now = performance.now();
    this.#startedAt = now;
    this.#lastByteAt = now;
    this.#connectMs = claimConnectMs(this.opts) ?? 0;
    const socket = this.opts[kConnection]?.socket ?? null;
    this.#socket = socket;
    this.#readBefore = socket === null ? 0 : socket.bytesRead;
    this.#readMark = -1;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    const now = performance.now();
    this.#lastByteAt = now;
    const info = this.opts[kConnection];
    if (info !== null && info.streamEndedAt !== null) {
      info.streamEndedAt = null;
      info.policy.keptAlive();
    }
    if (this.#settled) return;
    this.#headersAt = now;
    this.#status = statusCode;
    this.#statusText = statusMessage ?? '';
    if (statusCode < 200 || statusCode >= 300) {
      this.#fail(httpFailureClass(statusCode), `HTTP ${statusCode}`);
      this.#mode = ERROR_BODY;
      this.#collector = new BodyCollector(ERROR_BODY_LIMIT);
      return;
    }
    const setup = this.#setup;
    const type = headers['content-type'];
    // A server that ignored `stream: true` answers with one JSON body: read it as such.
    const json = setup.format === 'sse' && typeof type === 'string' && type.includes('json');
    if (setup.stream && !json) {
      this.#mode = STREAM;
      this.#parser = setup.format === 'ndjson' ? new NdjsonParser(this) : new SseParser(this);
    } else {
      this.#mode = JSON_BODY;
      this.#collector = new BodyCollector(Infinity);
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    const parser = this.#parser;
    if (parser === null) {
      this.#lastByteAt = performance.now();
      this.#collector?.add(chunk);
      return;
    }
    // undici calls this once per HTTP chunk, synchronously, for everything one socket read
    // brought. Those bytes arrived together: one clock reading for all of them, and one parse
    // of the whole batch in a microtask, which runs before the next socket read.
    const batch = this.#batch;
    if (batch.length === 0) {
      // A socket read is told by the socket's byte count, which every read moves on.
      const socket = this.#socket;
      const read = socket === null ? -1 : socket.bytesRead;
      if (read === -1 || read !== this.#readMark) {
        const now = performance.now();
        this.#lastByteAt = now;
        this.#now = now;
        this.#readMark = read;
        // One token per read (a paced server): whole lines, parsed now, without the batch's microtask.
        if (read !== -1 && chunk[chunk.length - 1] === LF) {
          parser.feed(chunk);
          return;
        }
      }
      queueMicrotask(this.#flush);
    }
    batch.push(chunk);
  }

  /** Parse the chunks of one socket read (bound once per request: no closure per batch). */
  readonly #flush = (): void => {
    const batch = this.#batch;
    const n = batch.length;
    if (n === 0) return;
    if (!this.#settled) {
      const parser = this.#parser as SseParser | NdjsonParser;
      parser.feed(n === 1 ? (batch[0] as Buffer) : Buffer.concat(batch));
    }
    batch.length = 0;
  };

  onResponseEnd(): void {
    this.#complete = true;
    if (this.#settled) return;
    const now = performance.now();
    if (this.#mode === STREAM) {
      // The last batch arrived with the end: parse it at its own arrival time first.
      this.#flush();
      this.#now = now;
      this.#parser?.end();
      // METRICS.md t_end: the last data event before [DONE], or the stream's close.
      if (!this.#done || this.#endAt === null) this.#endAt = now;
      if (this.#failure === null && !this.#done && !this.#endedNormally()) {
        this.#fail('protocol', 'stream ended without [DONE] or a finish_reason');
      }
      const info = this.opts[kConnection];
      if (info !== null) info.streamEndedAt = now;
    } else if (this.#mode === JSON_BODY) {
      this.#endAt = now;
      this.#readJsonBody((this.#collector as BodyCollector).text(), now);
    } else if (this.#mode === ERROR_BODY) {
      this.#endAt = now;
      this.#error = httpErrorMessage(this.#status, this.#statusText, (this.#collector as BodyCollector).text());
    }
    this.#settle();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#complete = true;
    if (this.#settled) return;
    if (this.#neverArrived(error)) {
      this.#retry();
      return;
    }
    // Tokens that arrived before the error still count.
    this.#flush();
    this.#endAt = performance.now();
    const { failure, message } = classifyError(error);
    this.#fail(failure, message);
    this.#settle();
  }

  /**
   * The request provably never reached the server: it was written (or about to be) on a reused
   * connection that the server had closed, and not one byte of a response came back on it. A
   * request that failed so is sent once more, on a fresh connection, rather than counted as the
   * server's failure (undici does this for idempotent requests only; these are POSTs).
   */
  #neverArrived(error: Error): boolean {
    const socket = this.#socket;
    return (
      this.#reconnects === 0 &&
      this.#startedAt !== null &&
      this.#headersAt === null &&
      this.#readBefore > 0 &&
      socket !== null &&
      socket.bytesRead === this.#readBefore &&
      isPeerClose(error) &&
      this.#setup.signal?.aborted !== true
    );
  }

  /** Back to "not sent yet", and out again on a fresh connection. */
  #retry(): void {
    this.#reconnects++;
    this.#complete = false;
    this.#controller = null;
    this.#startedAt = null;
    this.#connectMs = 0;
    this.#socket = null;
    this.#readBefore = 0;
    this.#setup.onRetry(this);
  }

  // ----------------------------------------------------------------- events

  /** One SSE event or NDJSON line (SseSink). */
  onEvent(data: string, type: string): void {
    if (this.#done || this.#failure !== null) return;
    if (data === DONE) {
      this.#done = true;
      return;
    }
    const template = this.#template;
    if (template !== null && type !== 'error') {
      const content = contentByTemplate(data, template);
      if (content !== null) {
        this.#endAt = this.#now;
        this.#acc.text += content;
        this.#token(CONTENT_TOKEN);
        return;
      }
    }
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      this.#unparsable(data, type);
      return;
    }
    this.#event(event, type, data);
  }

  /** One parsed event; `data` is its text when it was one whole event (a template may be learnt from it), else null. */
  #event(event: unknown, type: string, data: string | null): void {
    const now = this.#now;
    this.#endAt = now;
    const serverError = errorMessageOf(event);
    if (serverError !== null || type === 'error') {
      this.#fail('protocol', `error event in the stream: ${quote(serverError ?? JSON.stringify(event))}`);
      return;
    }
    if (this.#setup.api === 'stream') {
      this.#token(this.#rawEvent(event));
      return;
    }
    const kind = readStreamChunk(event, this.#acc);
    if (kind === CONTENT_TOKEN && data !== null && this.#template === null && this.#templateTries > 0) {
      this.#templateTries--;
      this.#template = learnChunkTemplate(data, event);
    }
    this.#token(kind);
  }

  /** The clock's reading for an event that carried `kind`: TTFT, an ITL gap, the chunk count. */
  #token(kind: TokenKind): void {
    const now = this.#now;
    if (kind !== NO_TOKEN) {
      if (this.#firstTokenAt === null) this.#firstTokenAt = now;
      else {
        // Kept to the microsecond: finer digits are clock noise, and short numbers make the
        // results file 2.7× smaller and its JSON formatting ~40 % cheaper (BENCHMARKS.md).
        this.#itlMs.push(Math.round((now - this.#lastTokenAt) * 1000) / 1000);
        // Same clock reading: both events came out of one socket read (token-reads.ts).
        tokenReads.gaps++;
        if (now === this.#lastTokenAt) tokenReads.coalesced++;
      }
      this.#lastTokenAt = now;
      this.#chunks++;
      this.#setup.tally.tokens++;
      if (kind === CONTENT_TOKEN && this.#firstContentAt === null) this.#firstContentAt = now;
    }
  }

  /** An event of `vu.stream()`; a throwing textOf fails the request. */
  #rawEvent(event: unknown): TokenKind {
    if (isDoneMarker(event)) this.#done = true;
    try {
      return readRawEvent(event, this.#setup.textOf, this.#acc);
    } catch (error) {
      this.#fail('protocol', `textOf threw: ${error instanceof Error ? error.message : String(error)}`);
      return NO_TOKEN;
    }
  }

  /** A data payload that is not JSON. */
  #unparsable(data: string, type: string): void {
    // Some servers put several JSON lines in one event (no blank line between `data:` lines).
    if (data.includes('\n')) {
      const lines = data.split('\n');
      const events: unknown[] = [];
      try {
        for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line));
      } catch {
        events.length = 0;
      }
      if (events.length > 0) {
        for (const event of events) if (!this.#done && this.#failure === null) this.#event(event, type, null);
        return;
      }
    }
    // vu.stream() over SSE accepts plain-text events (the text is the token).
    if (this.#setup.api === 'stream' && this.#setup.format === 'sse') {
      this.#event(data, type, null);
      return;
    }
    this.#endAt = this.#now;
    this.#fail('protocol', `malformed JSON in the stream: ${quote(data.slice(0, 200))}`);
  }

  /** Without [DONE], an OpenAI stream ended normally if a finish_reason or usage came; a raw stream if it closed cleanly. */
  #endedNormally(): boolean {
    return this.#setup.api === 'stream' || this.#acc.finishReason !== null || this.#acc.usage !== null;
  }

  /** Non-stream response: TTFT is the time to the whole body (one chunk). */
  #readJsonBody(text: string, now: number): void {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.#fail('protocol', `malformed JSON body: ${quote(text.slice(0, 200))}`);
      return;
    }
    this.#body = body;
    const serverError = errorMessageOf(body);
    if (serverError !== null) {
      this.#fail('protocol', `error in the response: ${quote(serverError)}`);
      return;
    }
    const kind = readFullResponse(body, this.#acc);
    const usageTokens = this.#acc.usage?.completion_tokens;
    if (kind !== NO_TOKEN || (typeof usageTokens === 'number' && usageTokens > 0)) {
      this.#firstTokenAt = now;
      this.#lastTokenAt = now;
      this.#chunks = 1;
      if (kind === CONTENT_TOKEN || this.#acc.text.length > 0) this.#firstContentAt = now;
    }
  }

  // ------------------------------------------------------------ deadlines

  /** Timeout and stall check, called by the client's watchdog. */
  check(now: number): void {
    if (this.#settled) return;
    const { timeoutMs, stallTimeoutMs } = this.#setup;
    if (timeoutMs > 0 && now - this.#dispatchedAt >= timeoutMs) {
      this.#cutOff('timeout', `no complete response within the ${timeoutMs} ms timeout`, now);
    } else if (stallTimeoutMs > 0 && this.#startedAt !== null && now - this.#lastByteAt >= stallTimeoutMs) {
      // After [DONE] the result is known: a server that then keeps the response open does not fail it.
      if (this.#done && this.#failure === null) this.#cutOff(null, '', now);
      else this.#cutOff('stall', `no data for ${stallTimeoutMs} ms (stall timeout)`, now);
    }
  }

  /**
   * The soonest `check` could cut this request off (Watched): its whole-request deadline, or its
   * stall deadline from the last byte. Before the request is written the stall clock has not
   * started, and when it does it starts after `now`.
   */
  earliestDue(now: number): number {
    if (this.#settled) return Infinity;
    const { timeoutMs, stallTimeoutMs } = this.#setup;
    const timeoutAt = timeoutMs > 0 ? this.#dispatchedAt + timeoutMs : Infinity;
    if (stallTimeoutMs <= 0) return timeoutAt;
    return Math.min(timeoutAt, (this.#startedAt === null ? now : this.#lastByteAt) + stallTimeoutMs);
  }

  /** EventListener interface: the caller's AbortSignal fired. */
  handleEvent(): void {
    this.abort();
  }

  /** The engine interrupted this request (its AbortSignal fired). */
  abort(): void {
    if (this.#settled) return;
    // A response complete up to [DONE] is a result, not an interruption.
    const failure = this.#done && this.#failure === null ? null : 'aborted';
    this.#cutOff(failure, 'aborted by llmload (iteration interrupted)', performance.now());
  }

  /** End the request now, whatever undici is doing, with `failure` (null: as it stands). */
  #cutOff(failure: FailureClass | null, message: string, now: number): void {
    if (failure !== null) this.#fail(failure, message);
    if (!this.#done || this.#endAt === null) this.#endAt = now;
    this.#settle();
  }

  /** Record a failure; the first one wins. */
  #fail(failure: FailureClass, message: string): void {
    if (this.#failure !== null) return;
    this.#failure = failure;
    this.#error = message;
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#failure === null && this.#chunks === 0) this.#fail('protocol', 'no token received');
    if (!this.#complete && this.#controller !== null) {
      this.#complete = true;
      this.#controller.abort(CUT_OFF);
    }
    const setup = this.#setup;
    setup.onSettled(this);
    const result = buildResult({
      dispatchedAt: this.#dispatchedAt,
      startedAt: this.#startedAt,
      scheduledAt: setup.scheduledAt,
      connectMs: this.#connectMs,
      headersAt: this.#headersAt,
      firstTokenAt: this.#firstTokenAt,
      firstContentAt: this.#firstContentAt,
      endAt: this.#endAt,
      itlMs: this.#itlMs,
      chunks: this.#chunks,
      // Before headers nothing says otherwise: the request was sent asking for a stream or not.
      streamed: setup.stream && this.#mode !== JSON_BODY,
      status: this.#status,
      failure: this.#failure,
      error: this.#error,
      acc: this.#acc,
      inputTokensClient: setup.inputTokensClient,
      body: this.#body,
      secrets: setup.secrets,
      reconnects: this.#reconnects,
    });
    // Stream events were tallied as they came; the final count settles the difference.
    if (result.ok) setup.tally.tokens += result.outputTokens - (this.#mode === STREAM ? this.#chunks : 0);
    this.#resolve(result);
  }
}
