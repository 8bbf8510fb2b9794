/**
 * The simulator's HTTP server: vLLM's OpenAI-compatible routes on top of the
 * engine driven in real time.
 *
 *   GET  /health, /version, /v1/models, /metrics (Prometheus text)
 *   POST /v1/chat/completions, /v1/completions  (SSE when "stream": true)
 *   GET  /stats, POST /stats/reset              (llmload's own: step lag and counters)
 *   GET  /dcgm/metrics                          (the simulated GPUs, DCGM exporter-shaped: gpu-model.ts)
 *
 * Sockets get TCP_NODELAY so that each SSE event leaves as soon as it is
 * written (Nagle would batch tokens and distort inter-token latency).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine, type EngineCounters, type StepOutcome } from './engine.js';
import { FAULT_HEADER, FaultHeaderError, FaultPlan, type Fault } from './faults.js';
import { SimMetrics } from './metrics-exposition.js';
import { GpuMeter } from './gpu-model.js';
import { parseRequest, type Api } from './openai-request.js';
import type { ResolvedSimulatorOptions } from './options.js';
import { planOutput } from './output-plan.js';
import { mixSeed } from './random.js';
import { RealtimeDriver, type LagStats } from './realtime-driver.js';
import { SimStream } from './response-stream.js';
import { ChunkTemplates } from './sse-writer.js';
import { RequestError, errorBody } from './vllm-errors.js';

/** Largest request body accepted, bytes. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Pending connections the kernel may queue (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;

/** What GET /stats and close() report. */
export interface SimStats {
  preset: string;
  model: string;
  timeScale: number;
  /** Seconds since the server started (wall clock). */
  uptimeS: number;
  running: number;
  waiting: number;
  /** KV-cache blocks in use, 0..1. */
  kvUsage: number;
  requests: {
    /** Completion requests received (valid or not). */
    received: number;
    /** Answered with a 4xx before reaching the engine (invalid, unknown model, queue full). */
    rejected: number;
    /** Requests that got at least one injected fault. */
    faulted: number;
    /** Answers fully sent. */
    completed: number;
    /** Answers ended early: client gone, injected error or reset. */
    abandoned: number;
  };
  engine: EngineCounters;
  /** Lateness of step deliveries against their absolute deadlines (wall-clock ms). */
  stepLag: LagStats;
}

export class SimServer {
  readonly options: ResolvedSimulatorOptions;
  readonly engine: Engine<SimStream>;
  readonly driver: RealtimeDriver<SimStream>;
  readonly metrics: SimMetrics;
  /** The simulated GPUs (GET /dcgm/metrics). */
  readonly gpu = new GpuMeter();
  readonly #faults: FaultPlan;
  readonly #server: Server;
  readonly #live = new Set<SimStream>();
  readonly #startedAt = performance.now();
  readonly #created = Math.floor(Date.now() / 1000);
  /** Numbers requests for their output seeds, in arrival order. */
  #counter = 0;
  readonly #requests = { received: 0, rejected: 0, faulted: 0, completed: 0, abandoned: 0 };
  #closing: Promise<SimStats> | null = null;

  constructor(options: ResolvedSimulatorOptions) {
    this.options = options;
    this.engine = new Engine<SimStream>(options.engine);
    this.metrics = new SimMetrics(options.timeScale);
    this.driver = new RealtimeDriver(this.engine, options.timeScale, this.#observe);
    this.#faults = new FaultPlan(options.faults, options.seed);
    this.#server = createServer({ keepAliveTimeout: 5000 }, (req, res) => this.#guard(res, () => this.#route(req, res)));
    this.#server.on('connection', (socket) => socket.setNoDelay(true));
  }

  /** Listen on the configured host and port; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#server.once('error', onError);
      // A deep accept queue: load tests open thousands of connections at once, and a dropped SYN
      // costs the client a 1 s retransmit that would look like server latency.
      this.#server.listen({ port: this.options.port, host: this.options.host, backlog: LISTEN_BACKLOG }, () => {
        this.#server.off('error', onError);
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  stats(): SimStats {
    return {
      preset: this.options.preset,
      model: this.options.engine.model,
      timeScale: this.options.timeScale,
      uptimeS: (performance.now() - this.#startedAt) / 1000,
      running: this.engine.runningCount,
      waiting: this.engine.waitingCount,
      kvUsage: this.engine.kv.usage,
      requests: { ...this.#requests },
      engine: { ...this.engine.counters },
      stepLag: this.driver.lag.stats(),
    };
  }

  /** Stop: refuse new connections, cut answers in flight, stop the engine. Resolves with the final stats. */
  close(): Promise<SimStats> {
    this.#closing ??= new Promise((resolve) => {
      const stats = this.stats();
      this.driver.close();
      for (const stream of [...this.#live]) stream.destroy();
      this.#server.close(() => resolve(stats));
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  readonly #observe = (outcome: StepOutcome<SimStream>): void => {
    const m = this.metrics;
    this.gpu.step(outcome.step.durationMs);
    for (const seq of outcome.step.admitted) m.admitted(seq);
    const t = outcome.step.endMs;
    for (const seq of outcome.emitted) m.token(seq, t);
    for (const seq of outcome.finished) m.finished(seq, t);
  };

  /** Run a handler; a bug in it answers 500 (or cuts the answer) instead of taking the server down. */
  #guard(res: ServerResponse, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, errorBody(500, `llmload simulator: internal error: ${(error as Error).message}`));
    }
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    const get = method === 'GET' || method === 'HEAD';
    switch (path) {
      case '/health':
        return get ? send(res, 200, '', 'text/plain') : notAllowed(res);
      case '/version':
        return get ? sendJson(res, 200, JSON.stringify({ version: 'llmload-sim' })) : notAllowed(res);
      case '/v1/models':
        return get ? sendJson(res, 200, this.#modelsBody()) : notAllowed(res);
      case '/metrics':
        return get ? send(res, 200, this.metrics.render(this.engine, this.options.engine.model), 'text/plain; version=0.0.4; charset=utf-8') : notAllowed(res);
      case '/dcgm/metrics':
        return get
          ? send(res, 200, this.gpu.render(this.options.engine.gpu, this.driver.nowMs(), this.engine.kv.usage), 'text/plain; version=0.0.4; charset=utf-8')
          : notAllowed(res);
      case '/stats':
        return get ? sendJson(res, 200, JSON.stringify(this.stats())) : notAllowed(res);
      case '/stats/reset':
        if (method !== 'POST') return notAllowed(res);
        this.driver.lag.reset();
        return sendJson(res, 200, JSON.stringify(this.stats()));
      case '/v1/chat/completions':
        return method === 'POST' ? this.#completion('chat', req, res) : notAllowed(res);
      case '/v1/completions':
        return method === 'POST' ? this.#completion('completion', req, res) : notAllowed(res);
      default:
        // FastAPI's body for an unknown route.
        return sendJson(res, 404, '{"detail":"Not Found"}');
    }
  }

  #completion(api: Api, req: IncomingMessage, res: ServerResponse): void {
    this.#requests.received++;
    readBody(req, (error, text) =>
      this.#guard(res, () => {
        if (error !== null) return this.#reject(res, error);
        let faults: Fault[];
        try {
          const header = req.headers[FAULT_HEADER];
          faults = this.#faults.next(Array.isArray(header) ? header.join(',') : header);
        } catch (e) {
          if (e instanceof FaultHeaderError) return this.#reject(res, new RequestError(400, e.message));
          throw e;
        }
        if (faults.length > 0) this.#requests.faulted++;
        const slow = faults.find((f) => f.kind === 'slowHeaders');
        const go = (): void => this.#guard(res, () => this.#answer(api, text, faults, res));
        if (slow === undefined) return go();
        const timer = setTimeout(go, slow.seconds * 1000);
        res.on('close', () => clearTimeout(timer));
      }),
    );
  }

  /** Everything after the body is read (and after a slowHeaders delay). */
  #answer(api: Api, text: string, faults: readonly Fault[], res: ServerResponse): void {
    if (res.destroyed) return;
    for (const f of faults) {
      if (f.kind === 'http500' || f.kind === 'http503' || f.kind === 'http400') {
        const status = Number(f.kind.slice(4));
        return sendJson(res, status, errorBody(status, `llmload simulator: injected HTTP ${status}`));
      }
      if (f.kind === 'http429') {
        return sendJson(res, 429, errorBody(429, 'llmload simulator: injected HTTP 429'), { 'retry-after': String(Math.ceil(f.seconds)) });
      }
    }
    const config = this.options.engine;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return this.#reject(res, new RequestError(400, `Invalid JSON in request body: ${(e as Error).message}`));
    }
    let request;
    try {
      request = parseRequest(api, body, config);
    } catch (e) {
      if (e instanceof RequestError) return this.#reject(res, e);
      throw e;
    }
    if (this.engine.waitingCount >= config.maxWaiting) {
      return this.#reject(res, new RequestError(429, `The server is overloaded: ${this.engine.waitingCount} requests are waiting (maxWaiting ${config.maxWaiting}).`), {
        'retry-after': String(Math.ceil(config.retryAfterSeconds)),
      });
    }
    const n = this.#counter++;
    const seed = request.seed === null ? mixSeed(this.options.seed, n) : mixSeed(request.seed >>> 0, 0x5eed);
    const plan = planOutput(config.outputLength, {
      maxTokens: request.maxTokens,
      minTokens: request.minTokens,
      ignoreEos: request.ignoreEos,
      stop: request.stop,
      seed,
    });
    const id = `${api === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomUUID().replaceAll('-', '')}`;
    const stream = new SimStream({
      res,
      request,
      plan,
      textSeed: seed,
      templates: new ChunkTemplates(api, id, Math.floor(Date.now() / 1000), request.model),
      faults,
      tokensPerChunk: config.tokensPerChunk,
      driver: this.driver,
      metrics: this.metrics,
      onDone: (s) => {
        this.#live.delete(s);
        if (s.finishedNormally) this.#requests.completed++;
        else this.#requests.abandoned++;
      },
    });
    this.#live.add(stream);
    stream.start();
  }

  #reject(res: ServerResponse, error: RequestError, headers: Record<string, string> = {}): void {
    this.#requests.rejected++;
    sendJson(res, error.status, errorBody(error.status, error.message, error.param), headers);
  }

  #modelsBody(): string {
    const id = this.options.engine.model;
    return JSON.stringify({
      object: 'list',
      data: [
        {
          id,
          object: 'model',
          created: this.#created,
          owned_by: 'vllm',
          root: id,
          parent: null,
          max_model_len: this.options.engine.maxModelLen,
          permission: [
            {
              id: `modelperm-${id.length.toString(16)}${this.#created.toString(16)}`,
              object: 'model_permission',
              created: this.#created,
              allow_create_engine: false,
              allow_sampling: true,
              allow_logprobs: true,
              allow_search_indices: false,
              allow_view: true,
              allow_fine_tuning: false,
              organization: '*',
              group: null,
              is_blocking: false,
            },
          ],
        },
      ],
    });
  }
}

/** Read a whole body as UTF-8, refusing more than MAX_BODY_BYTES. */
function readBody(req: IncomingMessage, done: (error: RequestError | null, text: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      failed = true;
      done(new RequestError(413, `Request body larger than ${MAX_BODY_BYTES} bytes.`), '');
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!failed) done(null, Buffer.concat(chunks).toString('utf8'));
  });
}

function send(res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  send(res, status, body, 'application/json', headers);
}

function notAllowed(res: ServerResponse): void {
  sendJson(res, 405, '{"detail":"Method Not Allowed"}');
}
