/**
 * The undici Pool for one origin, plus exact connect times per request.
 *
 * Shape: keep-alive, pipelining 1 (one stream per connection, as every LLM
 * server expects), no undici headers/body timeouts (the stall watchdog does
 * ours), TCP_NODELAY. `connections` caps the pool; undici opens a connection
 * only when every open one is busy, so the pool grows to the peak in-flight
 * count and no further.
 *
 * Connect time: the pool's factory gives each connection (an undici Client)
 * a connector that times the TCP connect (DNS and TLS included) and a
 * dispatch that tells the request which connection it was given, through a
 * symbol-keyed field of the dispatch options (undici passes that object
 * through unchanged and ignores fields it does not know). The first request
 * written on a freshly opened connection claims its connect time; every later
 * one on it gets 0, like k6's http_req_connecting.
 *
 * Reuse: undici hands a connection back one event-loop turn after its
 * response ended (client-h1.js waits a setImmediate, to catch servers that
 * close despite keep-alive). A request sent in that gap goes to another idle
 * connection, or opens one if the cap allows, or waits for the turn. Warming
 * the pool up to its cap before measuring (warmUp) means nothing is opened
 * mid-test for that reason.
 *
 * Servers that close anyway: some (llama.cpp's) close the connection right
 * after every streamed response while their headers promise keep-alive. The
 * FIN can arrive after that turn, when the next request is already written on
 * the dead socket. Each connection therefore keeps its socket (whose bytesRead
 * shows whether any byte of a response came back) and when its last streamed
 * response ended; a ReusePolicy per origin counts such closes and, once the
 * server has shown the habit, has every request sent with `Connection: close`
 * (a fresh connection each, its connect time reported apart as always).
 */
import type { Socket } from 'node:net';
import type { buildConnector, Client as UndiciClient, Dispatcher, Pool as UndiciPool } from 'undici';
import UndiciClientClass from 'undici/lib/dispatcher/client.js';
import UndiciPoolClass from 'undici/lib/dispatcher/pool.js';

/**
 * undici's Pool and Client, imported from their own modules rather than from
 * the package index: the index also loads fetch, WebSocket, cookies, caching
 * and mocks (and through them Node's bundled copy of undici), ~28 ms of
 * start-up per worker thread against ~14 ms for these two (test/bench,
 * start-up case). The package has no `exports` map, so the paths resolve
 * (their types: undici-dispatchers.d.ts). The bundled command and worker
 * entry carry these modules (scripts/bundle-cli.js), compiled from their code
 * cache like the rest.
 */
const Client = UndiciClientClass;
const Pool = UndiciPoolClass;
type Pool = UndiciPool;

/** Per-connection state shared between its connector and the requests written on it. */
export interface ConnectionInfo {
  /** How long the connection took to open, until a request claims it; null once claimed. */
  unclaimedConnectMs: number | null;
  /** The socket of its latest connect (null before the first). */
  socket: Socket | null;
  /** When its last streamed response ended (performance.now() ms), until a later response starts on it; else null. */
  streamEndedAt: number | null;
  /** The origin's reuse policy. */
  policy: ReusePolicy;
}

/** Error codes of a connection the server closed or reset. */
const PEER_CLOSE_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** The error says the server closed or reset the connection (not llmload, not a parse error). */
export function isPeerClose(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PEER_CLOSE_CODES.has(code);
}

/** A close this soon after a streamed response ended is the server ending the connection with the response. */
const CLOSE_AFTER_STREAM_MS = 1000;
/** Consecutive such closes after which every request gets its own connection. */
const CLOSES_BEFORE_CLOSE_EACH = 2;

/**
 * How connections to one origin are reused, learnt from the server: after
 * CLOSES_BEFORE_CLOSE_EACH consecutive closes right after a streamed response
 * (and no streamed response in between whose connection was kept), requests
 * are sent with `Connection: close` for the rest of the run.
 */
export class ReusePolicy {
  #closesAfterStream = 0;
  /** Send every request with `Connection: close` (undici's `reset`). */
  closeEach = false;

  /** The server closed `info`'s connection (or reset it). */
  peerClosed(info: ConnectionInfo): void {
    const endedAt = info.streamEndedAt;
    info.streamEndedAt = null;
    if (endedAt === null || performance.now() - endedAt > CLOSE_AFTER_STREAM_MS) return;
    if (++this.#closesAfterStream >= CLOSES_BEFORE_CLOSE_EACH) this.closeEach = true;
  }

  /** A response started on a connection that had carried a streamed response: the server kept it. */
  keptAlive(): void {
    this.#closesAfterStream = 0;
  }
}

/** The dispatch-options field through which a request learns its connection. */
export const kConnection = Symbol('llmload.connection');

/** Dispatch options carrying the connection slot. */
export type TrackedDispatchOptions = Dispatcher.DispatchOptions & { [kConnection]: ConnectionInfo | null };

export interface PoolConfig {
  /** Most connections to open; 0 for no cap (one per in-flight request). */
  connections: number;
  /** Longest time to open one connection, in ms. */
  connectTimeoutMs: number;
  /** Called with the connect time (ms) of every connection opened. */
  onConnect?: (connectMs: number) => void;
  /** The origin's reuse policy (shared by the pools of one origin); a new one when absent. */
  policy?: ReusePolicy;
}

/** How long an idle connection is kept (servers may close theirs earlier; undici honours their Keep-Alive hint). */
const KEEP_ALIVE_MS = 10 * 60_000;

/** Build the Pool for `origin`. */
export function createPool(origin: string, config: PoolConfig): Pool {
  const onConnect = config.onConnect;
  const policy = config.policy ?? new ReusePolicy();
  const factory = (url: URL, options: object): Dispatcher => {
    const info: ConnectionInfo = { unclaimedConnectMs: null, socket: null, streamEndedAt: null, policy };
    const base = (options as { connect: buildConnector.connector }).connect;
    const connect: buildConnector.connector = (params, callback) => {
      const t0 = performance.now();
      base(params, (...args) => {
        if (args[0] === null) {
          const ms = performance.now() - t0;
          info.unclaimedConnectMs = ms;
          info.socket = args[1];
          info.streamEndedAt = null;
          onConnect?.(ms);
        }
        callback(...args);
      });
    };
    const client = new Client(url, { ...(options as UndiciClient.Options), connect });
    client.on('disconnect', (_origin, _targets, error) => {
      if (isPeerClose(error)) policy.peerClosed(info);
    });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(this, …), which keeps `this`
    const dispatch = client.dispatch;
    client.dispatch = function trackedDispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      if (kConnection in opts) (opts as TrackedDispatchOptions)[kConnection] = info;
      return dispatch.call(this, opts, handler);
    };
    return client;
  };
  return new Pool(origin, {
    connections: config.connections > 0 ? config.connections : null,
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
    headersTimeout: 0,
    bodyTimeout: 0,
    connectTimeout: config.connectTimeoutMs,
    connect: { noDelay: true },
    factory,
  });
}

/** Take the connect time a request is owed: the connection's if it was opened for this request, else null (reused). */
export function claimConnectMs(opts: TrackedDispatchOptions): number | null {
  const info = opts[kConnection];
  if (info === null || info.unclaimedConnectMs === null) return null;
  const ms = info.unclaimedConnectMs;
  info.unclaimedConnectMs = null;
  return ms;
}
