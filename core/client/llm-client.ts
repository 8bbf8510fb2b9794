/**
 * The HTTP client of one worker thread: `chat()`, `completion()` and the raw
 * `stream()`, over one keep-alive undici Pool per origin, with a shared
 * watchdog for timeouts and stalls. Every call resolves with a
 * RequestResult; it never rejects for a failed request. A call that is wrong
 * in itself (an invalid timeout option) throws LL_ERR_INVALID_OPTIONS.
 */
import type { Pool } from 'undici';
import { LlmloadError, ErrorCode } from '../errors.js';
import { parseDuration } from '../options/duration.js';
import { createPool, kConnection, ReusePolicy, type TrackedDispatchOptions } from './connection-pool.js';
import { chatPromptTokens, completionPromptTokens, rawPromptTokens } from './prompt-tokens.js';
import type { ChatBody, CompletionBody, RawStreamOptions, RequestOptions } from './request-types.js';
import { ResponseHandler, type HandlerSetup, type TokenTally } from './response-handler.js';
import { StallWatchdog } from './stall-watchdog.js';
import type { Api, RequestResult } from './types.js';
import { warmUpPool } from './warm-up.js';

export interface ClientConfig {
  /** Target URL, e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted). */
  baseUrl: string;
  /** Model sent when a chat/completion body names none. */
  model?: string;
  /** Sent as `Authorization: Bearer …`; never appears in results or messages. */
  apiKey?: string;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** Whole-request timeout in ms (0: none). */
  timeoutMs: number;
  /** Longest gap between bytes once a request is written, in ms (0: none). */
  stallTimeoutMs: number;
  /** Most connections per origin (0: one per in-flight request, no cap). */
  connections: number;
  /** Stream chat/completion requests whose body does not set `stream` (default true). */
  stream?: boolean;
  /** Path GET by warmUp(), relative to the target (default /v1/models; any status will do). */
  warmUpPath?: string;
  /**
   * Modelled ms per real ms (a simulator run at --time-scale N; default 1). Timeouts, these and a
   * request's own, are in the modelled server's time and cut at timeout ÷ timeScale of real time
   * (core/executors/time-scale.ts).
   */
  timeScale?: number;
}

/** What the engine passes along with each call. */
export interface RequestContext {
  /** Aborting it ends the request as 'aborted' (gracefulStop, ramp-down, Ctrl-C). */
  signal?: AbortSignal;
  /** Epoch ms of the intended send time (t_sched); defaults to t_start. */
  scheduledAt?: number;
}

interface Target {
  origin: string;
  /** Path prefix of the target URL without a trailing slash or /v1 ('' for none). */
  root: string;
}

/** Parse the target URL into origin and root path. */
function parseTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, `target URL must be an absolute http(s) URL, got \`${url}\``);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, `target URL must use http or https, got \`${parsed.protocol}\``);
  }
  const root = parsed.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return { origin: parsed.origin, root };
}

export class LlmClient {
  readonly #target: Target;
  readonly #model: string | undefined;
  readonly #headersWithBody: Record<string, string>;
  readonly #headersWithoutBody: Record<string, string>;
  readonly #secrets: readonly string[];
  readonly #timeoutMs: number;
  readonly #stallTimeoutMs: number;
  readonly #timeScale: number;
  readonly #stream: boolean;
  readonly #warmUpPath: string;
  #connections: number;
  readonly #pools = new Map<string, Pool>();
  readonly #retired: Pool[] = [];
  /** What each origin's server was seen to do with kept-alive connections (outlives pool replacement). */
  readonly #policies = new Map<string, ReusePolicy>();
  /** One-connection pools of requests sent again on a fresh connection, until they end. */
  readonly #fresh = new Set<Pool>();
  readonly #watchdog = new StallWatchdog<ResponseHandler>();
  readonly #tally: TokenTally = { tokens: 0 };
  #closed = false;

  constructor(config: ClientConfig) {
    this.#target = parseTarget(config.baseUrl);
    this.#model = config.model;
    this.#timeScale = config.timeScale !== undefined && config.timeScale > 0 ? config.timeScale : 1;
    this.#timeoutMs = config.timeoutMs > 0 ? config.timeoutMs / this.#timeScale : 0;
    this.#stallTimeoutMs = config.stallTimeoutMs > 0 ? config.stallTimeoutMs / this.#timeScale : 0;
    this.#connections = config.connections > 0 ? Math.ceil(config.connections) : 0;
    this.#stream = config.stream ?? true;
    this.#warmUpPath = config.warmUpPath ?? '/v1/models';
    const headers: Record<string, string> = { 'user-agent': 'llmload' };
    for (const [name, value] of Object.entries(config.headers ?? {})) headers[name.toLowerCase()] = value;
    if (config.apiKey !== undefined && config.apiKey !== '') headers['authorization'] = `Bearer ${config.apiKey}`;
    this.#headersWithoutBody = headers;
    this.#headersWithBody = { ...headers, 'content-type': 'application/json' };
    this.#secrets = config.apiKey ? [config.apiKey] : [];
  }

  /** Output tokens received since the last call, as they streamed in (see TokenTally); resets the count. */
  takeTokens(): number {
    const tokens = this.#tally.tokens;
    this.#tally.tokens = 0;
    return tokens;
  }

  /**
   * Open `connections` connections to the target before measuring (concurrent
   * GETs of the warm-up path); resolves with the connect time (ms) of each
   * connection opened. Waits at most the request timeout (or 30 s).
   */
  warmUp(connections: number): Promise<number[]> {
    const n = this.#connections > 0 ? Math.min(connections, this.#connections) : connections;
    const path = this.#target.root + this.#warmUpPath;
    return warmUpPool(this.#pool(this.#target.origin), path, this.#headersWithoutBody, n, this.#timeoutMs || 30_000);
  }

  /** POST /v1/chat/completions; streamed unless `body.stream === false` (or the config says otherwise). */
  chat(body: ChatBody, options: RequestOptions | undefined, ctx: RequestContext = {}): Promise<RequestResult> {
    const stream = body.stream ?? this.#stream;
    const path = `${this.#target.root}/v1/chat/completions`;
    return this.#send('chat', this.#target.origin, path, 'POST', this.#openAiBody(body, stream), stream, 'sse', null, chatPromptTokens(body.messages), options, ctx);
  }

  /** POST /v1/completions; streamed unless `body.stream === false`. */
  completion(body: CompletionBody, options: RequestOptions | undefined, ctx: RequestContext = {}): Promise<RequestResult> {
    const stream = body.stream ?? this.#stream;
    const path = `${this.#target.root}/v1/completions`;
    return this.#send('completion', this.#target.origin, path, 'POST', this.#openAiBody(body, stream), stream, 'sse', null, completionPromptTokens(body.prompt), options, ctx);
  }

  /**
   * Any SSE or NDJSON endpoint. `path` is relative to the target URL's root
   * (the part before any /v1), or an absolute URL. The body is sent as given
   * (JSON-encoded unless it is a string).
   */
  stream(path: string, body: unknown, options: RawStreamOptions | undefined, ctx: RequestContext = {}): Promise<RequestResult> {
    let origin = this.#target.origin;
    let fullPath: string;
    if (/^https?:\/\//i.test(path)) {
      const url = new URL(path);
      origin = url.origin;
      fullPath = url.pathname + url.search;
    } else {
      fullPath = this.#target.root + (path.startsWith('/') ? path : `/${path}`);
    }
    const method = options?.method ?? 'POST';
    const payload = body === undefined || body === null ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return this.#send('stream', origin, fullPath, method, payload, true, options?.format ?? 'sse', options?.textOf ?? null, rawPromptTokens(body), options, ctx);
  }

  /**
   * Raise the connection cap. undici cannot resize a Pool, so a larger cap
   * replaces the pools: requests in flight finish on the old ones, new ones
   * open connections as needed (call warmUp() again to open them up front).
   * A smaller cap changes nothing: idle connections simply stay unused.
   */
  setConnections(n: number): void {
    if (this.#connections === 0 || n <= this.#connections) return;
    this.#connections = Math.ceil(n);
    for (const pool of this.#pools.values()) this.#retired.push(pool);
    this.#pools.clear();
    for (const pool of this.#retired) void pool.close().catch(() => {});
  }

  /** Number of requests in flight. */
  get inFlight(): number {
    return this.#watchdog.items.size;
  }

  /** End every request in flight (as 'aborted') and close all connections. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const handler of [...this.#watchdog.items]) handler.abort();
    this.#watchdog.close();
    const pools = [...this.#pools.values(), ...this.#retired, ...this.#fresh];
    this.#pools.clear();
    this.#fresh.clear();
    this.#retired.length = 0;
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => {})));
  }

  /** The body as sent: model defaulted, stream set, usage requested when streaming. */
  #openAiBody(body: ChatBody | CompletionBody, stream: boolean): string {
    const out: Record<string, unknown> = {};
    if (body.model === undefined && this.#model !== undefined) out['model'] = this.#model;
    Object.assign(out, body);
    out['stream'] = stream;
    if (stream && body['stream_options'] === undefined) out['stream_options'] = { include_usage: true };
    return JSON.stringify(out);
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      pool = createPool(origin, { connections: this.#connections, connectTimeoutMs: this.#timeoutMs, policy: this.#policy(origin) });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  #policy(origin: string): ReusePolicy {
    let policy = this.#policies.get(origin);
    if (policy === undefined) {
      policy = new ReusePolicy();
      this.#policies.set(origin, policy);
    }
    return policy;
  }

  /**
   * Send a request whose reused connection turned out dead again, on a connection opened for
   * it alone (a pool of its own, closed once the request ends): another pooled connection could
   * be just as dead. It is sent with `Connection: close`, as its pool is not reused.
   */
  #resend = (handler: ResponseHandler): void => {
    const opts = handler.opts;
    if (this.#closed) {
      handler.abort();
      return;
    }
    opts[kConnection] = null;
    opts.reset = true;
    const origin = opts.origin as string;
    const pool = createPool(origin, { connections: 1, connectTimeoutMs: this.#timeoutMs, policy: this.#policy(origin) });
    this.#fresh.add(pool);
    try {
      pool.dispatch(opts, handler);
    } catch (error) {
      handler.onResponseError(undefined, error instanceof Error ? error : new Error(String(error)));
    }
    void pool
      .close()
      .catch(() => {})
      .finally(() => this.#fresh.delete(pool));
  };

  #settled = (handler: ResponseHandler): void => {
    this.#watchdog.delete(handler);
    handler.setup.signal?.removeEventListener('abort', handler);
  };

  #send(
    api: Api,
    origin: string,
    path: string,
    method: 'POST' | 'GET',
    body: string | undefined,
    stream: boolean,
    format: 'sse' | 'ndjson',
    textOf: HandlerSetup['textOf'],
    inputTokensClient: number,
    options: RequestOptions | undefined,
    ctx: RequestContext,
  ): Promise<RequestResult> {
    const timeoutMs = options?.timeout === undefined ? this.#timeoutMs : parseDuration(options.timeout, 'options.timeout') / this.#timeScale;
    const stallTimeoutMs = options?.stallTimeout === undefined ? this.#stallTimeoutMs : parseDuration(options.stallTimeout, 'options.stallTimeout') / this.#timeScale;
    let headers = body === undefined ? this.#headersWithoutBody : this.#headersWithBody;
    if (options?.headers !== undefined) {
      headers = { ...headers };
      for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
    }
    const opts: TrackedDispatchOptions = { origin, path, method, headers, [kConnection]: null };
    if (body !== undefined) opts.body = body;
    // The server closes after every streamed response anyway: say so, and get a fresh connection each time.
    if (this.#policies.get(origin)?.closeEach === true) opts.reset = true;
    const signal = ctx.signal ?? null;
    const handler = new ResponseHandler(opts, {
      api,
      stream,
      format,
      textOf,
      timeoutMs,
      stallTimeoutMs,
      scheduledAt: ctx.scheduledAt,
      inputTokensClient,
      secrets: this.#secrets,
      signal,
      onSettled: this.#settled,
      tally: this.#tally,
      onRetry: this.#resend,
    });
    if (signal?.aborted === true || this.#closed) {
      handler.abort();
      return handler.promise;
    }
    this.#watchdog.add(handler, Math.min(timeoutMs || Infinity, stallTimeoutMs || Infinity));
    signal?.addEventListener('abort', handler);
    try {
      this.#pool(origin).dispatch(opts, handler);
    } catch (error) {
      handler.onResponseError(undefined, error instanceof Error ? error : new Error(String(error)));
    }
    return handler.promise;
  }
}
