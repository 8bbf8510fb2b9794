/**
 * The handler's per-read path (core/client/response-handler.ts), driven as undici drives it, with
 * the connection's socket standing for its byte count only: a read that ends a line is parsed at
 * once (no microtask), and chunks that see the same bytesRead share one clock reading.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { kConnection, ReusePolicy, type TrackedDispatchOptions } from '../../core/client/connection-pool.js';
import { ResponseHandler, type TokenTally } from '../../core/client/response-handler.js';

const controller = { abort(): void {}, pause(): void {}, resume(): void {}, paused: false, aborted: false, reason: null } as unknown as Dispatcher.DispatchController;
const event = (content: string): Buffer => Buffer.from(`data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`);

function started(socket: { bytesRead: number }, tally: TokenTally): ResponseHandler {
  const opts = {
    origin: 'http://127.0.0.1',
    path: '/v1/chat/completions',
    method: 'POST',
    [kConnection]: { unclaimedConnectMs: null, socket: socket as unknown as Socket, streamEndedAt: null, policy: new ReusePolicy() },
  } as TrackedDispatchOptions;
  const handler = new ResponseHandler(opts, {
    api: 'chat',
    stream: true,
    format: 'sse',
    textOf: null,
    timeoutMs: 0,
    stallTimeoutMs: 0,
    scheduledAt: undefined,
    inputTokensClient: 1,
    secrets: [],
    signal: null,
    onSettled: () => {},
    tally,
    onRetry: () => {},
  });
  handler.onRequestStart(controller);
  handler.onResponseStart(controller, 200, { 'content-type': 'text/event-stream' }, 'OK');
  return handler;
}

test('a read holding whole events is parsed in the read itself; chunks of one read share its clock reading', async () => {
  const socket = { bytesRead: 100 };
  const tally: TokenTally = { tokens: 0 };
  const handler = started(socket, tally);
  socket.bytesRead += 90;
  handler.onResponseData(controller, event('a'));
  assert.is(tally.tokens, 1, 'parsed before the read returned');
  // The same read (bytesRead unchanged) brought a second event: same clock reading, an ITL of 0.
  handler.onResponseData(controller, event('b'));
  await Promise.resolve();
  assert.is(tally.tokens, 2);
  await new Promise((resolve) => setTimeout(resolve, 5));
  socket.bytesRead += 90;
  handler.onResponseData(controller, event('c'));
  handler.onResponseData(controller, Buffer.from('data: [DONE]\n\n'));
  handler.onResponseEnd();
  const result = await handler.promise;
  assert.ok(result.ok, result.error ?? '');
  assert.is(result.itlMs.length, 2);
  assert.is(result.itlMs[0], 0, 'two events of one read');
  assert.ok(result.itlMs[1]! >= 4, `a later read has its own reading: ${result.itlMs[1]} ms`);
});

test.run();
