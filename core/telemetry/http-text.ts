/**
 * One small HTTP exchange for the telemetry probes, through node:http(s).
 * Not fetch(): the controller would compile Node's own copy of undici and
 * its llhttp WebAssembly for a handful of requests per run (~12 MB of peak
 * RSS and ~50 ms of CPU, at the moment the workers compile theirs).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { httpsRequest } from '../loading/lazy-https.js';

export interface TextRequest {
  headers: Record<string, string>;
  /** Sent as a POST when given. */
  body?: string;
  /** The whole exchange, redirects included. */
  timeoutMs: number;
}

/** Redirects followed, as fetch() does (vLLM answers /metrics with a redirect to /metrics/). */
const MAX_REDIRECTS = 5;

/** The body of a 2xx answer, or null on any failure (status, network, timeout). */
export function httpText(url: string, init: TextRequest): Promise<string | null> {
  const deadline = Date.now() + init.timeoutMs;
  return exchange(url, init, deadline, 0);
}

function exchange(url: string, init: TextRequest, deadline: number, redirects: number): Promise<string | null> {
  return new Promise((resolve) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      resolve(null);
      return;
    }
    const send = parsed.protocol === 'https:' ? httpsRequest() : parsed.protocol === 'http:' ? httpRequest : null;
    if (send === null) {
      resolve(null);
      return;
    }
    let settled = false;
    const done = (value: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const headers = init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
    // agent: false: one connection per exchange, closed after it, so nothing keeps the process alive or open on the server.
    const req = send(parsed, { method: init.body === undefined ? 'GET' : 'POST', headers, agent: false }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return done(null);
        // 301-303 turn a POST into a GET, as fetch() does; 307 and 308 keep it.
        const next: TextRequest = status === 307 || status === 308 ? init : { headers: init.headers, timeoutMs: init.timeoutMs };
        clearTimeout(timer);
        settled = true;
        void exchange(new URL(location, parsed).href, next, deadline, redirects + 1).then(resolve);
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        return done(null);
      }
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (part: string) => (text += part));
      res.on('end', () => done(text));
      res.on('error', () => done(null));
      res.on('aborted', () => done(null));
    });
    const timer = setTimeout(
      () => {
        req.destroy();
        done(null);
      },
      Math.max(0, deadline - Date.now()),
    );
    req.on('error', () => done(null));
    req.end(init.body);
  });
}
