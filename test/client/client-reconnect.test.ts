/**
 * Servers that close kept-alive connections without saying so (llama.cpp's closes after every
 * streamed answer) and servers killed mid-answer: no false failures, the right failure class.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LlmClient } from '../../core/client/index.js';
import type { RequestResult } from '../../core/client/types.js';
import { startClosesAfterStreamServer, startKilledMidChunkServer, startSseServer, type TestServer } from '../helpers/servers.js';

function client(url: string, connections = 0): LlmClient {
  return new LlmClient({ baseUrl: url, model: 'm', timeoutMs: 10_000, stallTimeoutMs: 5000, connections });
}

const promptOf = (body: string): string => (JSON.parse(body) as { messages: Array<{ content: string }> }).messages[0]!.content;

/** `streams` loops of `each` sequential requests; every prompt is different. */
async function runLoops(c: LlmClient, streams: number, each: number): Promise<RequestResult[]> {
  const results: RequestResult[] = [];
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      for (let i = 0; i < each; i++) results.push(await c.chat({ messages: [{ role: 'user', content: `p${s}-${i}` }] }, undefined));
    }),
  );
  return results;
}

function assertEachSeenOnce(server: TestServer, n: number): void {
  const posts = server.requests.filter((r) => r.method === 'POST').map((r) => promptOf(r.body));
  assert.is(posts.length, n, 'the server got every request exactly once');
  assert.is(new Set(posts).size, n);
}

for (const streams of [1, 4]) {
  test(`a server that closes after every streamed answer: no failure at ${streams} stream(s), each request seen once, later ones on Connection: close`, async () => {
    const server = await startClosesAfterStreamServer();
    try {
      const c = client(server.url);
      await c.warmUp(streams);
      const each = 8;
      const results = await runLoops(c, streams, each);
      await c.close();
      for (const r of results) assert.ok(r.ok, `${r.failure}: ${r.error}`);
      const reconnects = results.reduce((n, r) => n + (r.reconnects ?? 0), 0);
      assert.ok(reconnects >= 1, 'some request met a closed connection and was sent again');
      // Without the switch to Connection: close every request after the first per stream would need one.
      assert.ok(reconnects < streams * (each - 1), `reconnects ${reconnects}`);
      for (const r of results) if (r.reconnects !== undefined) assert.ok(r.connectMs! > 0, 'the resend opened a connection, timed apart');
      assertEachSeenOnce(server, streams * each);
      const last = server.requests.at(-1)!;
      assert.is(last.headers['connection'], 'close', 'the rest of the run says Connection: close');
    } finally {
      await server.close();
    }
  });
}

test('a request on a fresh connection that the server drops is a failure, not resent', async () => {
  const server = await startSseServer(['destroy']);
  try {
    const c = client(server.url);
    const r = await c.chat({ messages: [{ role: 'user', content: 'x' }] }, undefined);
    await c.close();
    assert.is(r.failure, 'disconnect');
    assert.is(r.reconnects, undefined);
    assert.is(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

for (const connection of ['close', 'keep-alive'] as const) {
  test(`a server killed inside a chunk after HTTP 200 (Connection: ${connection}): disconnect with the tokens received so far`, async () => {
    const server = await startKilledMidChunkServer(connection, 3);
    try {
      const c = client(server.url);
      const r = await c.chat({ messages: [{ role: 'user', content: 'x' }] }, undefined);
      await c.close();
      assert.is(r.ok, false);
      assert.is(r.failure, 'disconnect', r.error ?? '');
      assert.is(r.status, 200);
      assert.is(r.chunks, 3);
      assert.is(r.text, ' word0 word1 word2');
      assert.ok(r.outputTokens >= 3);
      assert.is(r.reconnects, undefined, 'a response had started: never resent');
      assert.is(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });
}

test.run();
