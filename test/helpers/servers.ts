/**
 * Real loopback HTTP servers that misbehave in one named way each, for the
 * client tests. Every server listens on 127.0.0.1 port 0, remembers the
 * requests it got, and close() destroys its open sockets so that a test never
 * waits on keep-alive.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  url: string;
  /** Requests received so far, in order. */
  requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections: () => number;
  close(): Promise<void>;
}

type OnRequest = (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/** A server that reads each request body and then calls `onRequest`. */
export function startHttpServer(onRequest: OnRequest): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(parts).toString('utf8'),
      };
      requests.push(received);
      void Promise.resolve(onRequest(received, res)).catch(() => res.destroy());
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        connections: () => accepted,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One step of a scripted streaming response. */
/* eslint-disable @typescript-eslint/no-redundant-type-constituents -- 'destroy' and 'hang' are named (and documented) apart from plain text */
export type Step =
  /** Write these bytes (one write, so usually one TCP segment). */
  | string
  | Buffer
  /** Wait this long before the next step. */
  | { delayMs: number }
  /** Destroy the socket (the client sees a reset / premature close). */
  | 'destroy'
  /** Stop writing and keep the response open forever. */
  | 'hang';
/* eslint-enable @typescript-eslint/no-redundant-type-constituents */

/**
 * Streams `steps` as the body of every response (status 200,
 * text/event-stream unless `contentType` says otherwise), then ends it.
 */
export function startSseServer(steps: Step[], contentType = 'text/event-stream'): Promise<TestServer> {
  return startHttpServer(async (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-cache' });
    res.flushHeaders();
    for (const step of steps) {
      if (step === 'destroy') {
        res.socket?.destroy();
        return;
      }
      if (step === 'hang') return;
      if (typeof step === 'string' || Buffer.isBuffer(step)) res.write(step);
      else await sleep(step.delayMs);
    }
    res.end();
  });
}

/** Sends one token event, then resets the connection mid-stream. */
export function startResetServer(): Promise<TestServer> {
  return startSseServer([sseChunk({ content: 'Hello' }), { delayMs: 20 }, 'destroy']);
}

/** Sends one token event, then goes silent with the response still open. */
export function startStallServer(): Promise<TestServer> {
  return startSseServer([sseChunk({ content: 'Hello' }), 'hang']);
}

/** Answers every request with `status` and `body` (JSON when an object). */
export function startErrorServer(status: number, body: unknown, statusMessage?: string): Promise<TestServer> {
  return startHttpServer((_req, res) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const headers = { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' };
    if (statusMessage === undefined) res.writeHead(status, headers);
    else res.writeHead(status, statusMessage, headers);
    res.end(text);
  });
}

/** A careless server: answers 401 with the request's headers (API key included) echoed in the error message. */
export function startEchoHeadersServer(): Promise<TestServer> {
  return startHttpServer((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `bad credentials: ${JSON.stringify(req.headers)}`, type: 'auth' } }));
  });
}

/** One complete JSON response for every request (non-stream mode). */
export function startJsonServer(body: unknown): Promise<TestServer> {
  return startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
}

/** `data: {chat chunk}\n\n` with the given delta (and optional finish_reason / usage). */
export function sseChunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
}

/** The usage chunk vLLM sends last with include_usage: `choices: []`. */
export function usageChunk(prompt: number, completion: number, cached?: number): string {
  const usage: Record<string, unknown> = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (cached !== undefined) usage['prompt_tokens_details'] = { cached_tokens: cached };
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage })}\n\n`;
}

export const DONE_EVENT = 'data: [DONE]\n\n';

/** What a raw server does with one parsed request: write on the socket, end or destroy it. */
type OnRawRequest = (req: ReceivedRequest, socket: Socket, next: () => void) => void;

/**
 * A server on node:net that parses HTTP/1.1 requests itself (request line,
 * headers, content-length body) and leaves the whole response, framing
 * included, to `onRequest`, which calls `next()` when the socket may carry
 * the next request. Only requests parsed in full are recorded: bytes a
 * server throws away unread were never a request to it.
 */
export function startRawHttpServer(onRequest: OnRawRequest): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createNetServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let busy = false;
    const parse = (): void => {
      if (busy || socket.destroyed) return;
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const [method = '', url = ''] = (lines[0] ?? '').split(' ');
      const headers: IncomingMessage['headers'] = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const received: ReceivedRequest = { method, url, headers, body: buffer.subarray(end + 4, end + 4 + length).toString('utf8') };
      buffer = buffer.subarray(end + 4 + length);
      requests.push(received);
      busy = true;
      onRequest(received, socket, () => {
        busy = false;
        parse();
      });
    };
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      parse();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        connections: () => accepted,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** One HTTP/1.1 chunk of `text`. */
export function httpChunk(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

/** A streamed chat answer of `tokens` content events, a finish_reason, usage and [DONE], as HTTP chunks. */
function streamedAnswerChunks(tokens: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens; i++) out.push(httpChunk(sseChunk({ content: ` t${i}` })));
  out.push(httpChunk(sseChunk({}, 'stop')), httpChunk(usageChunk(5, tokens)), httpChunk(DONE_EVENT));
  return out;
}

/**
 * Closes after every streamed response without saying so, as llama.cpp's
 * server does: a streamed (chunked) answer carries `Keep-Alive: timeout=5`
 * and no `Connection: close`, and the socket is destroyed after its last
 * chunk. It is destroyed at the worst moment for the client: when the next
 * request's first bytes arrive on it (thrown away unread, so that request
 * never reaches the server), or after `idleCloseMs` if none comes. A request
 * that says `Connection: close` gets its answer and a clean close. GET
 * /v1/models is answered with a kept-alive JSON body, like llama.cpp's.
 */
export function startClosesAfterStreamServer(options: { tokens?: number; idleCloseMs?: number } = {}): Promise<TestServer> {
  const tokens = options.tokens ?? 3;
  const idleCloseMs = options.idleCloseMs ?? 2000;
  return startRawHttpServer((req, socket, next) => {
    if (req.method === 'GET') {
      const body = JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model', owned_by: 'llamacpp' }] });
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nKeep-Alive: timeout=5, max=100\r\n\r\n${body}`);
      next();
      return;
    }
    const close = req.headers['connection'] === 'close';
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n${close ? 'Connection: close' : 'Keep-Alive: timeout=5, max=100'}\r\n\r\n`);
    for (const chunk of streamedAnswerChunks(tokens)) socket.write(chunk);
    socket.write('0\r\n\r\n');
    if (close) {
      socket.end();
      return;
    }
    const destroy = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(destroy, idleCloseMs);
    socket.prependOnceListener('data', destroy);
  });
}

/**
 * A server killed mid-stream: status 200 and a chunked SSE body of
 * `events` token events, then half of one more chunk, then the socket is
 * destroyed. `connection` is the header it answers with ('close' or
 * 'keep-alive'): with 'close', undici reports the EOF as a parse error.
 */
export function startKilledMidChunkServer(connection: 'close' | 'keep-alive', events = 3): Promise<TestServer> {
  return startRawHttpServer((_req, socket) => {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nConnection: ${connection}\r\n\r\n`);
    for (let i = 0; i < events; i++) socket.write(httpChunk(sseChunk({ content: ` word${i}` })));
    const last = httpChunk(sseChunk({ content: ' cut' }));
    setTimeout(() => {
      socket.write(last.slice(0, last.length >> 1));
      setTimeout(() => socket.destroy(), 10);
    }, 10);
  });
}
