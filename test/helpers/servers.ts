/**
 * Real loopback HTTP servers that misbehave in one named way each, for the
 * client tests. Every server listens on 127.0.0.1 port 0, remembers the
 * requests it got, and close() destroys its open sockets so that a test never
 * waits on keep-alive.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

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
