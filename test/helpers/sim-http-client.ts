/**
 * A small raw HTTP client for the simulator's tests: node:http so that resets,
 * stalls and malformed lines are seen exactly as they arrive (no client-side
 * parsing hides them).
 */
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Body as received (may be partial when the connection failed). */
  body: string;
  /** Body pieces in arrival order, each with its arrival time (ms since the request was sent). */
  pieces: Array<{ atMs: number; text: string }>;
  /** ms from send to response headers. */
  headersAtMs: number;
  /** Set when the connection failed before the response ended normally (e.g. 'ECONNRESET', 'aborted'). */
  error: string | null;
}

/** Send a request and collect the whole response (never rejects for a failed connection). */
export function send(url: string, options: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const out: RawResponse = { status: 0, headers: {}, body: '', pieces: [], headersAtMs: -1, error: null };
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      resolve(out);
    };
    const req = request(url, { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, agent: false }, (res) => {
      out.status = res.statusCode ?? 0;
      out.headers = res.headers;
      out.headersAtMs = performance.now() - t0;
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        out.body += text;
        out.pieces.push({ atMs: performance.now() - t0, text });
      });
      res.on('end', finish);
      res.on('aborted', () => {
        out.error ??= 'aborted';
      });
      res.on('error', (error: NodeJS.ErrnoException) => {
        out.error = error.code ?? error.message;
        finish();
      });
      res.on('close', finish);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      out.error = error.code ?? error.message;
      finish();
    });
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The `data:` payloads of an SSE body, in order (comment lines excluded). */
export function dataEvents(body: string): string[] {
  return body
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
}

/** Parse every data payload except [DONE]. Throws on a malformed one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary wire JSON by path
export function jsonEvents(body: string): any[] {
  return dataEvents(body)
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d) as unknown);
}
