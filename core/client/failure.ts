/**
 * Failure classification and messages. A failed request is data: these
 * helpers turn what went wrong (an HTTP status and its body, a socket error)
 * into a `FailureClass` and a short message. Messages are built from the
 * status, the server's own error text and the error's message; request
 * headers are never put in one, and `scrubSecrets` removes the API key from
 * every message anyway, in case a server echoes it back.
 */
import { errorMessageOf } from './openai-events.js';
import type { FailureClass } from './types.js';

/** How much of an error response body is read for its message. */
export const ERROR_BODY_LIMIT = 4096;
/** Longest server text quoted in a message. */
const QUOTE_LIMIT = 300;

const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;
const AUTH_HEADER = /\b(authorization|x-api-key|api-key)(["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic)\s+)?[^\s"',;}]+/gi;
const REDACTED = '***';

/** Remove every occurrence of the given secrets, and any bearer token or auth header value, from a message. */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  if (out.includes('earer') || /auth|api-key/i.test(out)) {
    out = out.replace(AUTH_HEADER, `$1$2${REDACTED}`).replace(BEARER, `$1 ${REDACTED}`);
  }
  return out;
}

/** The failure class of an HTTP status that is not 2xx. */
export function httpFailureClass(status: number): FailureClass {
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'protocol';
}

/**
 * "HTTP 429: Too many requests": the status and the server's message, read
 * from a JSON error body (OpenAI, vLLM, TGI, FastAPI shapes) or its first
 * line of text, else the status text.
 */
export function httpErrorMessage(status: number, statusText: string, body: string): string {
  let detail = '';
  const trimmed = body.trim();
  if (trimmed.length > 0) {
    if (trimmed.startsWith('{')) {
      try {
        detail = errorMessageOf(JSON.parse(trimmed)) ?? '';
      } catch {
        // Truncated or not JSON after all: quote the text below.
      }
    }
    if (detail === '') detail = trimmed;
  }
  if (detail === '') detail = statusText;
  detail = quote(detail);
  const unexpected = status < 400 ? ' (unexpected status)' : '';
  return detail === '' ? `HTTP ${status}${unexpected}` : `HTTP ${status}${unexpected}: ${detail}`;
}

/** One line, at most QUOTE_LIMIT characters. */
export function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > QUOTE_LIMIT ? `${line.slice(0, QUOTE_LIMIT)}…` : line;
}

/** Node and undici error codes that mean the connection could not be used or broke. */
const DISCONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed before the response ended',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response shorter than its content-length',
  UND_ERR_DESTROYED: 'client closed',
  UND_ERR_CLOSED: 'client closed',
};

/** Classify an error undici reported for a request (the request was not cut off by llmload itself). */
export function classifyError(error: unknown): { failure: FailureClass; message: string } {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as { code?: unknown }).code;
  const text = err.message;
  // llhttp's "Invalid EOF state" (undici 7 gives it no code): the connection ended inside the body,
  // e.g. a chunked one from a server that said it would close after. The server went away mid-answer;
  // nothing malformed came.
  if (code === 'HPE_INVALID_EOF_STATE' || (err.name === 'HTTPParserError' && text.includes('Invalid EOF state'))) {
    return { failure: 'disconnect', message: 'connection closed in the middle of the response body' };
  }
  if (typeof code === 'string') {
    const what = DISCONNECT_CODES[code];
    if (what !== undefined) {
      return { failure: 'disconnect', message: text && !text.includes(what) ? `${what}: ${text}` : what };
    }
    if (code.startsWith('HPE_') || code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
      return { failure: 'protocol', message: `malformed HTTP response: ${text}` };
    }
  }
  if (err.name === 'HTTPParserError') return { failure: 'protocol', message: `malformed HTTP response: ${text}` };
  return { failure: 'disconnect', message: text === '' ? (typeof code === 'string' ? code : 'request failed') : text };
}
