/**
 * node:https's request(), loaded on first use. Loading node:https loads node:tls and the TLS parts
 * of node:crypto (~8 ms of the controller's start-up), which a run against an http:// server (a
 * local vLLM, the built-in simulator) never uses.
 */
import { createRequire } from 'node:module';

type HttpsRequest = (typeof import('node:https'))['request'];

let request: HttpsRequest | undefined;

export function httpsRequest(): HttpsRequest {
  return (request ??= (createRequire(import.meta.url)('node:https') as typeof import('node:https')).request);
}
