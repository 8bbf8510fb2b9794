/** Every way a request can fail comes back as data: a class and a message, never an exception. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LlmClient, type ClientConfig } from '../../core/client/index.js';
import { freePort } from '../helpers/sse-stub.js';
import { DONE_EVENT, sseChunk, startEchoHeadersServer, startErrorServer, startResetServer, startSseServer, startStallServer, type TestServer } from '../helpers/servers.js';

function client(url: string, extra: Partial<ClientConfig> = {}): LlmClient {
  return new LlmClient({ baseUrl: url, model: 'm', timeoutMs: 5000, stallTimeoutMs: 2000, connections: 2, ...extra });
}

async function withServer<T>(server: Promise<TestServer>, fn: (server: TestServer) => Promise<T>): Promise<T> {
  const s = await server;
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const body = { messages: [{ role: 'user', content: 'hi' }] };

test('HTTP 429 with a vLLM error body: http_4xx and the server message', async () => {
  await withServer(startErrorServer(429, { object: 'error', message: 'Too many requests', type: 'TooManyRequests', code: 429 }), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.ok, false);
    assert.is(r.failure, 'http_4xx');
    assert.is(r.status, 429);
    assert.is(r.error, 'HTTP 429: Too many requests');
    assert.is(r.chunks, 0);
    assert.is(r.ttftMs, null);
    assert.ok(r.ttfbMs !== null);
  });
});

test('HTTP 400 with an OpenAI error body', async () => {
  await withServer(startErrorServer(400, { error: { message: "This model's maximum context length is 4096 tokens", type: 'invalid_request_error' } }), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.failure, 'http_4xx');
    assert.is(r.error, "HTTP 400: This model's maximum context length is 4096 tokens");
  });
});

test('HTTP 503 with a text body, and with none: http_5xx', async () => {
  await withServer(startErrorServer(503, 'upstream overloaded'), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.failure, 'http_5xx');
    assert.is(r.error, 'HTTP 503: upstream overloaded');
  });
  await withServer(startErrorServer(500, '', 'Internal Server Error'), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.failure, 'http_5xx');
    assert.is(r.error, 'HTTP 500: Internal Server Error');
  });
});

test('a large error body is read only up to 4 KiB and the connection stays usable', async () => {
  await withServer(startErrorServer(500, `${'x'.repeat(100_000)}`), async (server) => {
    const c = client(server.url, { connections: 1 });
    const a = await c.chat(body, undefined, {});
    const b = await c.chat(body, undefined, {});
    await c.close();
    assert.is(a.failure, 'http_5xx');
    assert.ok(a.error!.startsWith('HTTP 500: xxx') && a.error!.length < 400);
    assert.is(b.failure, 'http_5xx');
    assert.is(server.connections(), 1);
  });
});

test('the API key never appears in a result, even when the server echoes the headers back', async () => {
  const apiKey = 'sk-proj-SECRET0123456789';
  await withServer(startEchoHeadersServer(), async (server) => {
    const c = client(server.url, { apiKey });
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.failure, 'http_4xx');
    assert.ok(r.error!.startsWith('HTTP 401: bad credentials'), r.error!);
    assert.is(JSON.stringify(r).includes('SECRET0123456789'), false, JSON.stringify(r));
    assert.is(r.error!.includes('Bearer sk'), false);
    assert.is(server.requests[0]!.headers['authorization'], `Bearer ${apiKey}`, 'the key was sent');
  });
});

test('the API key is scrubbed from generated text too', async () => {
  await withServer(startSseServer([sseChunk({ content: 'your key is sk-abc-SECRET' }, 'stop'), DONE_EVENT]), async (server) => {
    const c = client(server.url, { apiKey: 'sk-abc-SECRET' });
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.text, 'your key is ***');
  });
});

test('connection reset mid-stream: disconnect, with the tokens received so far', async () => {
  await withServer(startResetServer(), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.ok, false);
    assert.is(r.failure, 'disconnect');
    assert.match(r.error!, /^connection (reset|closed)/);
    assert.is(r.text, 'Hello');
    assert.is(r.chunks, 1);
    assert.ok(r.ttftMs !== null && r.e2eMs! >= r.ttftMs);
  });
});

test('connection refused: disconnect, status 0, no timings', async () => {
  const port = await freePort();
  const c = client(`http://127.0.0.1:${port}`);
  const r = await c.chat(body, undefined, {});
  await c.close();
  assert.is(r.failure, 'disconnect');
  assert.match(r.error!, /^connection refused/);
  assert.is(r.status, 0);
  assert.is(r.ttfbMs, null);
  assert.is(r.e2eMs, null);
});

test('no byte for longer than the stall timeout: stall', async () => {
  await withServer(startStallServer(), async (server) => {
    const c = client(server.url, { stallTimeoutMs: 150 });
    const t0 = performance.now();
    const r = await c.chat(body, undefined, {});
    const took = performance.now() - t0;
    await c.close();
    assert.is(r.failure, 'stall');
    assert.is(r.error, 'no data for 150 ms (stall timeout)');
    assert.is(r.text, 'Hello');
    assert.ok(took >= 150 && took < 1000, `settled after ${took} ms`);
  });
});

test('[DONE] and then a response that never ends: the result stands (success), the connection is dropped', async () => {
  await withServer(startSseServer([sseChunk({ content: 'ok' }, 'stop'), DONE_EVENT, 'hang']), async (server) => {
    const c = client(server.url, { stallTimeoutMs: 100 });
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, 'ok');
    assert.ok(r.e2eMs! < 90, `e2e ${r.e2eMs} is the last event, not the cut-off`);
  });
});

test('a per-request stallTimeout overrides the client default (duration string)', async () => {
  await withServer(startStallServer(), async (server) => {
    const c = client(server.url, { stallTimeoutMs: 60_000 });
    const r = await c.chat(body, { stallTimeout: '100ms' }, {});
    await c.close();
    assert.is(r.failure, 'stall');
    assert.is(r.error, 'no data for 100 ms (stall timeout)');
  });
});

test('a stream that keeps trickling past the whole-request timeout: timeout', async () => {
  const steps = [];
  for (let i = 0; i < 100; i++) steps.push(sseChunk({ content: 't' }), { delayMs: 20 });
  await withServer(startSseServer(steps), async (server) => {
    const c = client(server.url, { stallTimeoutMs: 1000 });
    const t0 = performance.now();
    const r = await c.chat(body, { timeout: 200 }, {});
    const took = performance.now() - t0;
    await c.close();
    assert.is(r.failure, 'timeout');
    assert.is(r.error, 'no complete response within the 200 ms timeout');
    assert.ok(r.chunks > 3, `chunks ${r.chunks}`);
    assert.ok(took >= 200 && took < 1000, `settled after ${took} ms`);
  });
});

test('the abort signal firing mid-stream: aborted, and the request is cut off', async () => {
  await withServer(startStallServer(), async (server) => {
    const c = client(server.url);
    const controller = new AbortController();
    const pending = c.chat(body, undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const r = await pending;
    assert.is(r.failure, 'aborted');
    assert.is(r.error, 'aborted by llmload (iteration interrupted)');
    assert.is(r.ok, false);
    assert.is(c.inFlight, 0);
    await c.close();
  });
});

test('an already aborted signal: aborted without sending anything', async () => {
  await withServer(startStallServer(), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, { signal: AbortSignal.abort() });
    await c.close();
    assert.is(r.failure, 'aborted');
    assert.is(r.status, 0);
    assert.is(server.requests.length, 0);
  });
});

test('an error object mid-stream: protocol, with the server message', async () => {
  await withServer(
    startSseServer([
      sseChunk({ content: 'Hel' }),
      `data: ${JSON.stringify({ error: { message: 'CUDA out of memory', type: 'InternalServerError', code: 500 } })}\n\n`,
      sseChunk({ content: 'ignored' }),
      DONE_EVENT,
    ]),
    async (server) => {
      const c = client(server.url);
      const r = await c.chat(body, undefined, {});
      await c.close();
      assert.is(r.ok, false);
      assert.is(r.failure, 'protocol');
      assert.is(r.error, 'error event in the stream: CUDA out of memory');
      assert.is(r.text, 'Hel');
      assert.is(r.status, 200);
    },
  );
});

test('malformed JSON in an event: protocol', async () => {
  await withServer(startSseServer([sseChunk({ content: 'a' }), 'data: {"choices":[{"delta":\n\n', DONE_EVENT]), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.failure, 'protocol');
    assert.is(r.error, 'malformed JSON in the stream: {"choices":[{"delta":');
  });
});

test('[DONE] without any token: protocol "no token received"', async () => {
  await withServer(startSseServer([sseChunk({ role: 'assistant', content: '' }), sseChunk({}, 'stop'), DONE_EVENT]), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.failure, 'protocol');
    assert.is(r.error, 'no token received');
    assert.is(r.finishReason, 'stop');
  });
});

test('a stream that closes without [DONE] or a finish_reason: protocol', async () => {
  await withServer(startSseServer([sseChunk({ content: 'a' }), sseChunk({ content: 'b' })]), async (server) => {
    const c = client(server.url);
    const r = await c.chat(body, undefined, {});
    await c.close();
    assert.is(r.failure, 'protocol');
    assert.is(r.error, 'stream ended without [DONE] or a finish_reason');
    assert.is(r.text, 'ab');
  });
});

test('close() ends requests in flight as aborted', async () => {
  await withServer(startStallServer(), async (server) => {
    const c = client(server.url);
    const pending = c.chat(body, undefined, {});
    await new Promise((r) => setTimeout(r, 50));
    await c.close();
    const r = await pending;
    assert.is(r.failure, 'aborted');
  });
});

test('an invalid per-request timeout is a script error (LL_ERR_INVALID_OPTIONS) naming the option', async () => {
  const c = client('http://127.0.0.1:9');
  assert.throws(
    () => c.chat(body, { timeout: 'soon' }, {}),
    (e: { code?: string; message?: string }) =>
      e.code === 'LL_ERR_INVALID_OPTIONS' && e.message === 'options.timeout: "soon" is not a duration (expected e.g. "30s", "1m30s", "500ms")',
  );
  await c.close();
});

test.run();
