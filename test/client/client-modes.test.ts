/** Non-stream mode and the raw `stream()` API (TGI SSE, Ollama NDJSON, custom textOf). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LlmClient, type ClientConfig } from '../../core/client/index.js';
import { estimateTextTokens } from '../../core/tokens/estimate.js';
import { DONE_EVENT, sseChunk, startHttpServer, startJsonServer, startSseServer, usageChunk, type TestServer } from '../helpers/servers.js';

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

test('non-stream chat: JSON body, usage, TTFT = time to the whole body, one chunk', async () => {
  const response = {
    id: 'x',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.', reasoning_content: 'Capital of France' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 14, completion_tokens: 6, total_tokens: 20, prompt_tokens_details: { cached_tokens: 4 } },
  };
  await withServer(startJsonServer(response), async (server) => {
    const c = client(server.url);
    const r = await c.chat({ messages: [{ role: 'user', content: 'Capital of France?' }], stream: false }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, 'Paris.');
    assert.is(r.reasoning, 'Capital of France');
    assert.is(r.finishReason, 'stop');
    assert.is(r.chunks, 1);
    assert.equal(r.itlMs, []);
    assert.is(r.ttftMs, r.e2eMs);
    assert.is(r.ttfcMs, r.e2eMs);
    assert.is(r.outputTokens, 6);
    assert.is(r.inputTokens, 14);
    assert.is(r.cachedTokens, 4);
    assert.equal(r.body, response);
    const sent = JSON.parse(server.requests[0]!.body);
    assert.is(sent.stream, false);
    assert.is(sent.stream_options, undefined);
  });
});

test('takeTokens counts stream events as they arrive, then settles to the final counts; a whole body counts at its end', async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = startHttpServer(async (req, res) => {
    if (JSON.parse(req.body).stream === false) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, message: { content: 'seven' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 7 } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sseChunk({ content: 'a' }) + sseChunk({ content: 'b' }));
    await released;
    // Two events, but the server counts 6 tokens in all (several tokens per event).
    res.end(sseChunk({ content: 'c' }) + sseChunk({ content: 'd' }, 'stop') + usageChunk(3, 6) + DONE_EVENT);
  });
  await withServer(server, async (s) => {
    const c = client(s.url);
    const pending = c.chat({ messages: [{ role: 'user', content: 'hi' }] }, undefined, {});
    let seen = 0;
    for (let i = 0; i < 500 && seen < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      seen += c.takeTokens();
    }
    assert.is(seen, 2, 'the two events before the pause, with the request still in flight');
    release();
    const r = await pending;
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.outputTokens, 6);
    assert.is(c.takeTokens(), 4, 'two more events and the 2 tokens the usage adds');
    assert.is(c.takeTokens(), 0);
    const whole = await c.chat({ messages: [{ role: 'user', content: 'hi' }], stream: false }, undefined, {});
    await c.close();
    assert.is(whole.streamed, false);
    assert.is(c.takeTokens(), 7);
  });
});

test('a server that answers stream: true with one JSON body: the result says it was not streamed', async () => {
  const response = { choices: [{ index: 0, message: { content: 'whole' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 5 } };
  await withServer(startJsonServer(response), async (server) => {
    const c = client(server.url);
    const r = await c.chat({ messages: [{ role: 'user', content: 'hi' }] }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(JSON.parse(server.requests[0]!.body).stream, true);
    assert.is(r.streamed, false);
    assert.is(r.outputTokens, 5);
  });
});

test('non-stream by client default (stream: false in config) for completions', async () => {
  await withServer(startJsonServer({ choices: [{ index: 0, text: 'forty-two', finish_reason: 'length' }] }), async (server) => {
    const c = client(server.url, { stream: false });
    const r = await c.completion({ prompt: 'The answer is' }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, 'forty-two');
    assert.is(r.tokensSource, 'estimate');
    assert.is(r.outputTokens, estimateTextTokens('forty-two'));
    assert.is(JSON.parse(server.requests[0]!.body).stream, false);
  });
});

test('non-stream body that is not JSON: protocol', async () => {
  await withServer(startSseServer(['{"choices": [oops'], 'application/json'), async (server) => {
    const c = client(server.url);
    const r = await c.chat({ messages: [], stream: false }, undefined, {});
    await c.close();
    assert.is(r.failure, 'protocol');
    assert.is(r.error, 'malformed JSON body: {"choices": [oops');
  });
});

test('Ollama NDJSON stream: message.content tokens, done marker, eval counts as usage', async () => {
  const line = (content: string, done = false, extra: Record<string, unknown> = {}): string =>
    `${JSON.stringify({ model: 'llama3', message: { role: 'assistant', content }, done, ...extra })}\n`;
  await withServer(
    startSseServer([line('Hi'), { delayMs: 10 }, line(' there'), line('', true, { eval_count: 2, prompt_eval_count: 11 })], 'application/x-ndjson'),
    async (server) => {
      const c = client(server.url);
      const r = await c.stream('/api/chat', { model: 'llama3', messages: [{ role: 'user', content: 'hello' }] }, { format: 'ndjson' }, {});
      await c.close();
      assert.is(r.ok, true, r.error ?? '');
      assert.is(r.text, 'Hi there');
      assert.is(r.chunks, 2);
      assert.is(r.itlMs.length, 1);
      assert.is(r.outputTokens, 2);
      assert.is(r.inputTokens, 11);
      assert.is(r.tokensSource, 'usage');
      assert.is(server.requests[0]!.url, '/api/chat');
      assert.equal(JSON.parse(server.requests[0]!.body), { model: 'llama3', messages: [{ role: 'user', content: 'hello' }] }, 'raw bodies are sent as given');
    },
  );
});

test('TGI /generate_stream over SSE: token.text, special EOS token, no [DONE]', async () => {
  const ev = (text: string, special = false, extra: Record<string, unknown> = {}): string =>
    `data:${JSON.stringify({ index: 1, token: { id: 1, text, logprob: -0.1, special }, generated_text: null, details: null, ...extra })}\n\n`;
  await withServer(
    startSseServer([ev('Deep'), ev(' learning'), ev('</s>', true, { generated_text: 'Deep learning', details: { finish_reason: 'eos_token', generated_tokens: 3 } })]),
    async (server) => {
      const c = client(`${server.url}/v1`);
      const r = await c.stream('/generate_stream', { inputs: 'What is', parameters: { max_new_tokens: 20 } }, undefined, {});
      await c.close();
      assert.is(r.ok, true, r.error ?? '');
      assert.is(r.text, 'Deep learning');
      assert.is(r.chunks, 3);
      assert.is(r.outputTokens, 3);
      assert.is(r.inputTokensClient, estimateTextTokens('What is'));
      assert.is(server.requests[0]!.url, '/generate_stream', 'raw paths are relative to the root, not /v1');
    },
  );
});

test('raw stream with a custom textOf and GET', async () => {
  await withServer(startSseServer(['event: token\ndata: {"t":"a"}\n\n', 'data: {"t":"b"}\n\n', 'data: {"status":"end"}\n\n']), async (server) => {
    const c = client(server.url);
    const r = await c.stream('events?x=1', undefined, { method: 'GET', textOf: (e) => (e as { t?: string }).t }, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, 'ab');
    assert.is(r.chunks, 2);
    assert.is(server.requests[0]!.method, 'GET');
    assert.is(server.requests[0]!.url, '/events?x=1');
  });
});

test('raw SSE with plain-text events: each event is its text', async () => {
  await withServer(startSseServer(['data: Hello\n\n', 'data: world\n\n']), async (server) => {
    const c = client(server.url);
    const r = await c.stream(`${server.url}/text`, {}, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, 'Helloworld');
    assert.is(r.chunks, 2);
  });
});

test('a textOf that throws fails the request as protocol', async () => {
  await withServer(startSseServer(['data: {"t":"a"}\n\n']), async (server) => {
    const c = client(server.url);
    const r = await c.stream(
      '/x',
      {},
      {
        textOf: () => {
          throw new Error('bad shape');
        },
      },
      {},
    );
    await c.close();
    assert.is(r.failure, 'protocol');
    assert.is(r.error, 'textOf threw: bad shape');
  });
});

test('raw stream of OpenAI chunks (default textOf) keeps reasoning apart', async () => {
  const chunk = (delta: Record<string, unknown>): string => `data: ${JSON.stringify({ choices: [{ index: 0, delta }] })}\n\n`;
  await withServer(startSseServer([chunk({ reasoning: 'hmm' }), chunk({ content: 'ok' }), 'data: [DONE]\n\n']), async (server) => {
    const c = client(server.url);
    const r = await c.stream('/v1/chat/completions', { messages: [] }, undefined, {});
    await c.close();
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.reasoning, 'hmm');
    assert.is(r.text, 'ok');
    assert.ok(r.ttfcMs! >= r.ttftMs!);
  });
});

test.run();
