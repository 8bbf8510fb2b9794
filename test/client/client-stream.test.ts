/** Streaming chat/completion requests against real loopback servers: what a result holds when all goes well. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LlmClient, type ClientConfig } from '../../core/client/index.js';
import { estimateChatPromptTokens, estimateTextTokens } from '../../core/tokens/estimate.js';
import { DONE_EVENT, sseChunk, startSseServer, usageChunk, type TestServer } from '../helpers/servers.js';

function client(server: TestServer, extra: Partial<ClientConfig> = {}): LlmClient {
  return new LlmClient({ baseUrl: server.url, model: 'test-model', timeoutMs: 5000, stallTimeoutMs: 2000, connections: 4, ...extra });
}

async function withServer<T>(server: Promise<TestServer>, fn: (server: TestServer) => Promise<T>): Promise<T> {
  const s = await server;
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const messages = [{ role: 'user', content: 'Say hello to the world' }];

test('chat stream: text, usage, finish reason, timings, request body', async () => {
  await withServer(
    startSseServer([
      ': keep-alive\n\n',
      sseChunk({ role: 'assistant', content: '' }),
      { delayMs: 30 },
      sseChunk({ content: 'Hello' }),
      { delayMs: 120 },
      sseChunk({ content: ', world' }),
      { delayMs: 120 },
      sseChunk({ content: '!' }, 'stop'),
      usageChunk(21, 3, 16),
      DONE_EVENT,
    ]),
    async (server) => {
      const c = client(server, { apiKey: 'sk-test' });
      const before = performance.timeOrigin + performance.now();
      const r = await c.chat({ messages, max_tokens: 8 }, undefined, {});
      await c.close();
      assert.is(r.ok, true, r.error ?? '');
      assert.is(r.failure, null);
      assert.is(r.error, null);
      assert.is(r.status, 200);
      assert.is(r.text, 'Hello, world!');
      assert.is(r.reasoning, '');
      assert.is(r.finishReason, 'stop');
      assert.is(r.chunks, 3);
      assert.is(r.outputTokens, 3);
      assert.is(r.inputTokens, 21);
      assert.is(r.inputTokensClient, estimateChatPromptTokens(messages));
      assert.is(r.cachedTokens, 16);
      assert.is(r.tokensSource, 'usage');
      assert.equal(r.usage, { prompt_tokens: 21, completion_tokens: 3, total_tokens: 24, prompt_tokens_details: { cached_tokens: 16 } });
      // Timings: ordered, and the two 120 ms gaps are the ITL samples. A busy machine can only make a
      // chunk arrive later than it was sent, never earlier: lower bounds on what the server waited are
      // exact, and the slack below a gap is what a late read of the chunk before it may take away.
      assert.ok(r.startedAt >= before - 1 && r.scheduledAt === r.startedAt);
      assert.ok(r.ttfbMs !== null && r.ttftMs !== null && r.e2eMs !== null);
      assert.ok(r.ttfbMs <= r.ttftMs && r.ttftMs <= r.e2eMs);
      assert.ok(r.ttftMs >= 28, `ttft ${r.ttftMs}`);
      assert.is(r.ttfcMs, r.ttftMs);
      assert.is(r.itlMs.length, 2);
      for (const gap of r.itlMs) assert.ok(gap >= 60, `gap ${gap}`);
      // The samples are the gaps between content chunks: together they span first to last content chunk
      // (within the 0.001 ms rounding of the samples).
      assert.ok(r.itlMs[0]! + r.itlMs[1]! <= r.e2eMs - r.ttftMs + 0.01, `gaps ${r.itlMs.join(', ')} within e2e ${r.e2eMs} - ttft ${r.ttftMs}`);
      assert.ok(r.itlMs[0]! + r.itlMs[1]! >= 200, `gaps ${r.itlMs.join(', ')}`);
      assert.is(r.connectMs! > 0, true, 'the first request opened the connection');
      // What the server received.
      const sent = server.requests[0]!;
      assert.is(sent.method, 'POST');
      assert.is(sent.url, '/v1/chat/completions');
      assert.is(sent.headers['authorization'], 'Bearer sk-test');
      assert.is(sent.headers['content-type'], 'application/json');
      assert.equal(JSON.parse(sent.body), { model: 'test-model', messages, max_tokens: 8, stream: true, stream_options: { include_usage: true } });
    },
  );
});

test('reasoning first: TTFT at the first reasoning token, TTFC at the first content token', async () => {
  await withServer(
    startSseServer([
      sseChunk({ role: 'assistant', content: '' }),
      { delayMs: 10 },
      sseChunk({ reasoning_content: 'Thinking' }),
      { delayMs: 150 },
      sseChunk({ reasoning_content: ' hard' }),
      { delayMs: 150 },
      sseChunk({ content: 'Done' }, 'stop'),
      DONE_EVENT,
    ]),
    async (server) => {
      const c = client(server);
      const r = await c.chat({ messages }, undefined, {});
      await c.close();
      assert.is(r.ok, true, r.error ?? '');
      assert.is(r.reasoning, 'Thinking hard');
      assert.is(r.text, 'Done');
      assert.is(r.chunks, 3);
      // The server waits 300 ms between them; a late read of the first chunk may take some of it away.
      assert.ok(r.ttfcMs! - r.ttftMs! >= 200, `ttft ${r.ttftMs} ttfc ${r.ttfcMs}`);
      assert.is(r.itlMs.length, 2);
      // No usage: output tokens are estimated from reasoning + content.
      assert.is(r.tokensSource, 'estimate');
      assert.is(r.outputTokens, estimateTextTokens('Thinking hard') + estimateTextTokens('Done'));
      assert.is(r.usage, null);
      assert.is(r.inputTokens, r.inputTokensClient);
      assert.is(r.cachedTokens, null);
    },
  );
});

test('events split across TCP writes (inside a line and inside a UTF-8 character) are read whole', async () => {
  const event = Buffer.from(sseChunk({ content: 'héllo 😀' }));
  const emoji = event.indexOf(Buffer.from('😀'));
  await withServer(
    startSseServer([event.subarray(0, 9), { delayMs: 5 }, event.subarray(9, emoji + 2), { delayMs: 5 }, event.subarray(emoji + 2), sseChunk({ content: '!' }, 'stop'), DONE_EVENT]),
    async (server) => {
      const c = client(server);
      const r = await c.chat({ messages }, undefined, {});
      await c.close();
      assert.is(r.ok, true, r.error ?? '');
      assert.is(r.text, 'héllo 😀!');
      assert.is(r.chunks, 2);
    },
  );
});

test('completion stream: /v1/completions, text deltas, client prompt estimate', async () => {
  const text = (t: string, finish: string | null = null): string => `data: ${JSON.stringify({ choices: [{ index: 0, text: t, finish_reason: finish }] })}\n\n`;
  await withServer(startSseServer([text('One'), text(' two'), text(' three', 'length'), usageChunk(5, 3), DONE_EVENT]), async (server) => {
    const c = client(server);
    const r = await c.completion({ prompt: 'Count with me', max_tokens: 3 }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, 'One two three');
    assert.is(r.finishReason, 'length');
    assert.is(r.chunks, 3);
    assert.is(r.inputTokensClient, estimateTextTokens('Count with me'));
    assert.is(server.requests[0]!.url, '/v1/completions');
    assert.equal(JSON.parse(server.requests[0]!.body).stream_options, { include_usage: true });
  });
});

test("a script's own stream_options and model are kept; a /v1 base URL is not doubled", async () => {
  await withServer(startSseServer([sseChunk({ content: 'x' }, 'stop'), DONE_EVENT]), async (server) => {
    const c = new LlmClient({ baseUrl: `${server.url}/v1/`, timeoutMs: 5000, stallTimeoutMs: 2000, connections: 1 });
    const r = await c.chat({ messages, model: 'mine', stream_options: { include_usage: false, continuous_usage_stats: true } }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(server.requests[0]!.url, '/v1/chat/completions');
    const body = JSON.parse(server.requests[0]!.body);
    assert.is(body.model, 'mine');
    assert.equal(body.stream_options, { include_usage: false, continuous_usage_stats: true });
    assert.is(server.requests[0]!.headers['authorization'], undefined);
  });
});

test('no [DONE], but a finish_reason and then a clean close: success, e2e at the close', async () => {
  await withServer(startSseServer([sseChunk({ content: 'a' }), sseChunk({ content: 'b' }, 'stop'), { delayMs: 300 }]), async (server) => {
    const c = client(server);
    const r = await c.chat({ messages }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, 'ab');
    // The close comes 300 ms after the chunks; a late read of the chunks may take some of it away.
    assert.ok(r.e2eMs! - r.ttftMs! >= 200, `e2e ${r.e2eMs} ttft ${r.ttftMs}`);
  });
});

test('with [DONE], e2e is the last data event (the usage chunk), not the close', async () => {
  await withServer(startSseServer([sseChunk({ content: 'a' }, 'stop'), usageChunk(1, 1), DONE_EVENT, { delayMs: 400 }]), async (server) => {
    const c = client(server);
    const r = await c.chat({ messages }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    // Sent together, 400 ms before the close: e2e lands with the chunks, far from the close.
    assert.ok(r.e2eMs! - r.ttftMs! < 200, `e2e ${r.e2eMs} ttft ${r.ttftMs}`);
  });
});

test('a server that ignores stream: true and answers JSON is read as a whole body', async () => {
  const body = JSON.stringify({
    choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1 },
  });
  await withServer(startSseServer([body], 'application/json'), async (server) => {
    const c = client(server);
    const r = await c.chat({ messages }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, 'whole');
    assert.is(r.chunks, 1);
  });
});

test('several concurrent streams share the pool, one connection each, reused afterwards', async () => {
  await withServer(startSseServer([{ delayMs: 40 }, sseChunk({ content: 'x' }, 'stop'), DONE_EVENT]), async (server) => {
    const c = client(server, { connections: 3 });
    const first = await Promise.all([1, 2, 3].map(() => c.chat({ messages }, undefined, {})));
    const second = await Promise.all([1, 2, 3].map(() => c.chat({ messages }, undefined, {})));
    await c.close();
    for (const r of [...first, ...second]) assert.is(r.ok, true, r.error ?? '');
    assert.is(server.connections(), 3);
    assert.equal(
      first.map((r) => r.connectMs! > 0),
      [true, true, true],
    );
    assert.equal(
      second.map((r) => r.connectMs),
      [0, 0, 0],
    );
  });
});

test('ctx.scheduledAt is kept as t_sched', async () => {
  await withServer(startSseServer([sseChunk({ content: 'x' }, 'stop'), DONE_EVENT]), async (server) => {
    const c = client(server);
    const scheduledAt = performance.timeOrigin + performance.now() - 250;
    const r = await c.chat({ messages }, undefined, { scheduledAt });
    await c.close();
    assert.is(r.scheduledAt, scheduledAt);
    assert.ok(r.startedAt - r.scheduledAt >= 250);
  });
});

test.run();
