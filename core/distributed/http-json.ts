/**
 * JSON over loopback or cluster HTTP with node:http alone: the coordinator's
 * server and the runners' client. One kept-alive connection per runner.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonHandler = (path: string, body: unknown) => Promise<unknown>;

/** Thrown by a handler for an answer other than 200. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startJsonServer(host: string, port: number, handler: JsonHandler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end('{"error":"not JSON"}');
        return;
      }
      handler(req.url ?? '/', body).then(
        (reply) => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply ?? {}));
        },
        (error: unknown) => {
          if (res.destroyed) return;
          const status = error instanceof HttpRefusal ? error.status : 500;
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
        },
      );
    });
  });
  // A runner waits on /ready until every runner is there: no timeout on the request itself.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}` };
}

export class JsonClient {
  readonly #base: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 2 });

  constructor(baseUrl: string) {
    this.#base = new URL(baseUrl);
  }

  /** POST `body` to `path`; rejects on a connection error, a timeout or a status other than 200 (with the server's message). */
  post<T>(path: string, body: unknown, timeoutMs: number): Promise<T> {
    const payload = JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = request(
        new URL(path, this.#base),
        {
          method: 'POST',
          agent: this.#agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let value: unknown;
            try {
              value = text === '' ? {} : JSON.parse(text);
            } catch {
              reject(new Error(`${path}: the coordinator answered ${res.statusCode ?? '?'} with something other than JSON`));
              return;
            }
            if (res.statusCode !== 200) reject(new Error(`${path}: ${(value as { error?: string }).error ?? `status ${res.statusCode ?? '?'}`}`));
            else resolve(value as T);
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
