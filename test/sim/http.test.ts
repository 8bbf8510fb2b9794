// The simulator over HTTP, against the `fast` preset: wire shapes, usage, limits, errors, /metrics.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { presets, simulateArrivals, startSimulator, type SimulatorHandle } from '../../core/sim/index.js';
import { estimateChatPromptTokens, estimateTextTokens } from '../../core/tokens/estimate.js';
import { dataEvents, jsonEvents, send } from '../helpers/sim-http-client.js';

const http = suite<{ sim: SimulatorHandle }>('http', {} as { sim: SimulatorHandle });

http.before(async (ctx) => {
  ctx.sim = await startSimulator({ preset: 'fast', seed: 42 });
});
http.after(async (ctx) => {
  await ctx.sim.close();
});

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'llmload/sim-fast',
  messages: [{ role: 'user', content }],
  ...extra,
});

http('GET /health and /v1/models', async ({ sim }) => {
  const health = await send(`${sim.url}/health`);
  assert.is(health.status, 200);
  const models = await send(`${sim.url}/v1/models`);
  assert.is(models.status, 200);
  const list = JSON.parse(models.body);
  assert.is(list.object, 'list');
  assert.is(list.data[0].id, 'llmload/sim-fast');
  assert.is(list.data[0].object, 'model');
  assert.is(list.data[0].max_model_len, 32768);
  assert.is(sim.model, 'llmload/sim-fast');
  assert.is(sim.preset, 'fast');
  assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
});

http('streamed chat: role chunk, one chunk per token, finish_reason on the last, usage, [DONE]', async ({ sim }) => {
  const content = 'Build a task list screen';
  const res = await send(`${sim.url}/v1/chat/completions`, {
    body: chat(content, { max_tokens: 7, ignore_eos: true, stream: true, stream_options: { include_usage: true } }),
  });
  assert.is(res.status, 200);
  assert.is(res.headers['content-type'], 'text/event-stream; charset=utf-8');
  const raw = dataEvents(res.body);
  assert.match(
    raw[0]!,
    /^\{"id":"chatcmpl-[0-9a-f]{32}","object":"chat\.completion\.chunk","created":\d+,"model":"llmload\/sim-fast","choices":\[\{"index":0,"delta":\{"role":"assistant","content":""\},"logprobs":null,"finish_reason":null\}\]\}$/,
  );
  assert.match(
    raw[1]!,
    /^\{"id":"chatcmpl-[0-9a-f]{32}","object":"chat\.completion\.chunk","created":\d+,"model":"llmload\/sim-fast","choices":\[\{"index":0,"delta":\{"content":"[^"]+"\},"logprobs":null,"finish_reason":null\}\]\}$/,
  );
  assert.is(raw.at(-1), '[DONE]');
  assert.ok(res.body.endsWith('data: [DONE]\n\n'));
  const events = jsonEvents(res.body);
  const ids = new Set(events.map((e) => e.id));
  assert.is(ids.size, 1, 'one id for the whole stream');
  const content_ = events.slice(1, -1);
  assert.is(content_.length, 7, 'one chunk per token');
  for (const e of content_.slice(0, -1)) assert.is(e.choices[0].finish_reason, null);
  const last = content_.at(-1)!;
  assert.is(last.choices[0].finish_reason, 'length');
  assert.is(last.choices[0].stop_reason, null);
  const text = content_.map((e) => e.choices[0].delta.content as string).join('');
  const usageChunk = events.at(-1)!;
  assert.equal(usageChunk.choices, []);
  assert.is(usageChunk.object, 'chat.completion.chunk');
  const prompt = estimateChatPromptTokens([{ content }]);
  assert.equal(usageChunk.usage, { prompt_tokens: prompt, total_tokens: prompt + 7, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 0 } });
  // The client's estimate of the text equals the server's count.
  assert.is(estimateTextTokens(text), 7);
});

http('streamed completion: text_completion chunks, no role chunk, no usage unless asked', async ({ sim }) => {
  const res = await send(`${sim.url}/v1/completions`, { body: { prompt: 'Once upon a time', max_tokens: 5, ignore_eos: true, stream: true } });
  const events = jsonEvents(res.body);
  assert.is(events.length, 5);
  for (const e of events) {
    assert.is(e.object, 'text_completion');
    assert.match(e.id, /^cmpl-/);
    assert.is(typeof e.choices[0].text, 'string');
    assert.ok(e.choices[0].text.length > 0);
    assert.is(e.usage, undefined);
  }
  assert.is(events.at(-1)!.choices[0].finish_reason, 'length');
  assert.is(dataEvents(res.body).at(-1), '[DONE]');
});

http('streams reuse a keep-alive connection (chunk framing stays valid across answers)', async ({ sim }) => {
  const { Agent, request } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  try {
    for (let i = 0; i < 3; i++) {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(`${sim.url}/v1/completions`, { method: 'POST', agent }, (res) => {
          sockets.add(res.socket);
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ prompt: 'again', max_tokens: 4, ignore_eos: true, stream: true, stream_options: { include_usage: true } }));
      });
      assert.is(jsonEvents(body).length, 5);
      assert.ok(body.endsWith('data: [DONE]\n\n'));
    }
    assert.is(sockets.size, 1, 'one connection for all three answers');
  } finally {
    agent.destroy();
  }
});

http('non-streamed chat and completion bodies', async ({ sim }) => {
  const res = await send(`${sim.url}/v1/chat/completions`, { body: chat('Hello', { max_tokens: 12, ignore_eos: true }) });
  assert.is(res.status, 200);
  assert.is(res.headers['content-type'], 'application/json');
  const body = JSON.parse(res.body);
  assert.is(body.object, 'chat.completion');
  assert.is(body.choices[0].message.role, 'assistant');
  assert.is(body.choices[0].finish_reason, 'length');
  assert.is(estimateTextTokens(body.choices[0].message.content), 12);
  assert.is(body.usage.completion_tokens, 12);
  assert.is(body.usage.prompt_tokens, estimateChatPromptTokens([{ content: 'Hello' }]));
  const comp = JSON.parse((await send(`${sim.url}/v1/completions`, { body: { prompt: 'Hi', max_tokens: 3, ignore_eos: true } })).body);
  assert.is(comp.object, 'text_completion');
  assert.is(estimateTextTokens(comp.choices[0].text), 3);
  assert.equal(comp.usage, { prompt_tokens: 1, total_tokens: 4, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 0 } });
});

http('max_tokens caps the natural length; max_completion_tokens wins; min_tokens raises it', async ({ sim }) => {
  const capped = JSON.parse((await send(`${sim.url}/v1/chat/completions`, { body: chat('x', { max_tokens: 3 }) })).body);
  assert.is(capped.usage.completion_tokens, 3);
  assert.is(capped.choices[0].finish_reason, 'length');
  const both = JSON.parse((await send(`${sim.url}/v1/chat/completions`, { body: chat('x', { max_tokens: 50, max_completion_tokens: 4 }) })).body);
  assert.is(both.usage.completion_tokens, 4);
  // The fast preset's natural length is 32-96 tokens: without a cap it ends by itself.
  const natural = JSON.parse((await send(`${sim.url}/v1/chat/completions`, { body: chat('x', { max_tokens: 1000 }) })).body);
  assert.is(natural.choices[0].finish_reason, 'stop');
  assert.ok(natural.usage.completion_tokens >= 32 && natural.usage.completion_tokens <= 96);
  const raised = JSON.parse((await send(`${sim.url}/v1/chat/completions`, { body: chat('x', { max_tokens: 1000, min_tokens: 300 }) })).body);
  assert.is(raised.usage.completion_tokens, 300);
  assert.is(raised.choices[0].finish_reason, 'stop');
});

http('the same seed gives the same answer', async ({ sim }) => {
  const ask = async () => JSON.parse((await send(`${sim.url}/v1/chat/completions`, { body: chat('x', { max_tokens: 200, seed: 5 }) })).body);
  const [a, b] = [await ask(), await ask()];
  assert.is(a.choices[0].message.content, b.choices[0].message.content);
  assert.is(a.usage.completion_tokens, b.usage.completion_tokens);
});

http('a stop string ends the answer with finish_reason stop and is not sent', async ({ sim }) => {
  const full = JSON.parse((await send(`${sim.url}/v1/chat/completions`, { body: chat('x', { max_tokens: 80, ignore_eos: true, seed: 11 }) })).body);
  const text: string = full.choices[0].message.content;
  const words = text.split(' ').filter((w) => /^[a-z]+$/.test(w));
  const stop = ` ${words[3]}`;
  const cut = text.indexOf(stop);
  for (const stream of [false, true]) {
    const res = await send(`${sim.url}/v1/chat/completions`, { body: chat('x', { max_tokens: 80, ignore_eos: true, seed: 11, stop: [stop], stream }) });
    if (!stream) {
      const body = JSON.parse(res.body);
      assert.is(body.choices[0].finish_reason, 'stop');
      assert.is(body.choices[0].stop_reason, stop);
      assert.is(body.choices[0].message.content, text.slice(0, cut));
      assert.ok(body.usage.completion_tokens < 80);
    } else {
      const events = jsonEvents(res.body);
      const streamed = events.map((e) => e.choices[0]?.delta?.content ?? '').join('');
      assert.is(streamed, text.slice(0, cut));
      assert.is(events.at(-1)!.choices[0].finish_reason, 'stop');
    }
  }
});

http('cached_tokens reports prefix-cache hits for a repeated long prompt', async ({ sim }) => {
  const long = 'Summarise the following design document carefully. '.repeat(20);
  const first = JSON.parse((await send(`${sim.url}/v1/chat/completions`, { body: chat(long, { max_tokens: 2 }) })).body);
  const second = JSON.parse((await send(`${sim.url}/v1/chat/completions`, { body: chat(long, { max_tokens: 2 }) })).body);
  assert.is(first.usage.prompt_tokens_details.cached_tokens, 0);
  const cached = second.usage.prompt_tokens_details.cached_tokens;
  assert.ok(cached > 0 && cached % 16 === 0 && cached < second.usage.prompt_tokens, `cached ${cached} of ${second.usage.prompt_tokens}`);
});

http('tokens per chunk and continuous usage stats', async () => {
  const sim = await startSimulator({ preset: 'fast', config: { tokensPerChunk: 4 } });
  try {
    const res = await send(`${sim.url}/v1/chat/completions`, {
      body: chat('x', { max_tokens: 10, ignore_eos: true, stream: true, stream_options: { include_usage: true, continuous_usage_stats: true } }),
    });
    const content = jsonEvents(res.body).filter((e) => e.choices.length > 0 && e.choices[0].delta.content !== '');
    // 10 tokens in chunks of 4: 4 + 4 + 2.
    assert.equal(
      content.map((e) => estimateTextTokens(e.choices[0].delta.content)),
      [4, 4, 2],
    );
    assert.equal(
      content.map((e) => e.usage.completion_tokens),
      [4, 8, 10],
    );
  } finally {
    await sim.close();
  }
});

http('400 bodies shaped like vLLM: bad JSON, missing fields, too long, bad values', async ({ sim }) => {
  const expect400 = async (path: string, options: Parameters<typeof send>[1], message: RegExp) => {
    const res = await send(`${sim.url}${path}`, options);
    assert.is(res.status, 400, res.body);
    const body = JSON.parse(res.body);
    assert.equal(Object.keys(body), ['object', 'message', 'type', 'param', 'code']);
    assert.is(body.object, 'error');
    assert.is(body.type, 'BadRequestError');
    assert.is(body.code, 400);
    assert.match(body.message, message);
  };
  await expect400('/v1/chat/completions', { rawBody: '{"messages": [' }, /Invalid JSON/);
  await expect400('/v1/chat/completions', { body: { model: 'llmload/sim-fast' } }, /Field required: messages/);
  await expect400('/v1/completions', { body: {} }, /Field required: prompt/);
  await expect400('/v1/chat/completions', { body: { messages: [{ content: 'no role' }] } }, /role/);
  await expect400(
    '/v1/completions',
    { body: { prompt: Array(40000).fill('x').join(' ') } },
    /maximum context length is 32768 tokens\. However, your request has 40000 input tokens/,
  );
  await expect400('/v1/completions', { body: { prompt: 'hello', max_tokens: 40000 } }, /you requested 40001 tokens \(1 in the messages, 40000 in the completion\)/);
  await expect400('/v1/completions', { body: { prompt: 'hello', max_tokens: 0 } }, /max_tokens must be at least 1/);
  await expect400('/v1/completions', { body: { prompt: 'hello', max_tokens: 5, min_tokens: 6 } }, /min_tokens must be less than or equal to max_tokens=5/);
  await expect400('/v1/completions', { body: { prompt: 'hello', n: 2 } }, /n must be 1/);
  await expect400('/v1/completions', { body: { prompt: 'hello', stream_options: { include_usage: true } } }, /only be defined when `stream=True`/);
  await expect400('/v1/completions', { body: { prompt: 'hello', stop: 5 } }, /stop must be a string or a list of strings/);
});

http('404 for an unknown model (vLLM message) and an unknown route; 405 for a wrong method', async ({ sim }) => {
  const res = await send(`${sim.url}/v1/chat/completions`, { body: chat('x', { model: 'gpt-5' }) });
  assert.is(res.status, 404);
  assert.equal(JSON.parse(res.body), { object: 'error', message: 'The model `gpt-5` does not exist.', type: 'NotFoundError', param: 'model', code: 404 });
  const route = await send(`${sim.url}/v2/nothing`);
  assert.is(route.status, 404);
  assert.equal(JSON.parse(route.body), { detail: 'Not Found' });
  assert.is((await send(`${sim.url}/v1/chat/completions`)).status, 405);
});

http('429 with Retry-After when the waiting queue is full', async () => {
  const sim = await startSimulator({ preset: 'fast', config: { maxNumSeqs: 1, maxWaiting: 1, retryAfterSeconds: 3 } });
  try {
    const long = { prompt: 'x', max_tokens: 5000, ignore_eos: true, stream: true };
    const running = send(`${sim.url}/v1/completions`, { body: long });
    const waiting = send(`${sim.url}/v1/completions`, { body: long });
    // Wait (event-driven, not timed) until one runs and one waits.
    for (let s = await sim.stats(); s.running + s.waiting < 2; s = await sim.stats()) await new Promise((r) => setTimeout(r, 5));
    const stats = await sim.stats();
    assert.is(stats.running, 1);
    assert.is(stats.waiting, 1);
    const res = await send(`${sim.url}/v1/completions`, { body: long });
    assert.is(res.status, 429);
    assert.is(res.headers['retry-after'], '3');
    const body = JSON.parse(res.body);
    assert.is(body.type, 'TooManyRequestsError');
    assert.is(body.code, 429);
    assert.match(body.message, /1 requests are waiting/);
    await sim.close();
    // Closing cuts the answers in flight.
    for (const r of await Promise.all([running, waiting])) assert.ok(r.error !== null || !r.body.includes('[DONE]'));
  } finally {
    await sim.close();
  }
});

http('a client that goes away mid-stream is dropped from the engine', async () => {
  const sim = await startSimulator({ preset: 'fast' });
  try {
    const controller = new AbortController();
    const res = await fetch(`${sim.url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'x', max_tokens: 20000, ignore_eos: true, stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    let stats = await sim.stats();
    while (stats.requests.abandoned === 0) {
      await new Promise((r) => setTimeout(r, 5));
      stats = await sim.stats();
    }
    assert.is(stats.running, 0);
    assert.is(stats.engine.aborted, 1);
    assert.is(stats.kvUsage, 0);
  } finally {
    await sim.close();
  }
});

http('GET /metrics: vLLM names, model_name label, counts that match the traffic', async () => {
  const sim = await startSimulator({ preset: 'fast', model: 'my/model' });
  try {
    const prompt = 'The same prompt, long enough to fill a few KV blocks of sixteen tokens each. '.repeat(4);
    for (let i = 0; i < 3; i++) {
      await send(`${sim.url}/v1/completions`, { body: { model: 'my/model', prompt, max_tokens: 10, ignore_eos: true, stream: i === 0 } });
    }
    const res = await send(`${sim.url}/metrics`);
    assert.is(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = res.body;
    const value = (line: string): number => {
      const found = text.split('\n').find((l) => l.startsWith(`${line} `));
      assert.ok(found !== undefined, `missing ${line}`);
      return Number(found.slice(line.length + 1));
    };
    const L = '{model_name="my/model"}';
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:kv_cache_usage_perc',
      'vllm:prefix_cache_queries_total',
      'vllm:prefix_cache_hits_total',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:num_preemptions_total',
    ]) {
      assert.match(text, `# TYPE ${name} `);
      value(`${name}${L}`);
    }
    assert.is(value(`vllm:generation_tokens_total${L}`), 30);
    assert.is(value(`vllm:prompt_tokens_total${L}`), 3 * estimateTextTokens(prompt));
    assert.ok(value(`vllm:prefix_cache_hits_total${L}`) > 0);
    assert.is(value(`vllm:num_requests_running${L}`), 0);
    assert.is(value('vllm:request_success_total{finished_reason="length",model_name="my/model"}'), 3);
    for (const h of ['time_to_first_token', 'inter_token_latency', 'e2e_request_latency', 'request_queue_time']) {
      const name = `vllm:${h}_seconds`;
      assert.match(text, `# TYPE ${name} histogram`);
      const count = value(`${name}_count${L}`);
      assert.is(count, h === 'inter_token_latency' ? 27 : 3, name);
      assert.is(value(`${name}_bucket{model_name="my/model",le="+Inf"}`), count);
      assert.ok(value(`${name}_sum${L}`) > 0 || h === 'request_queue_time');
    }
  } finally {
    await sim.close();
  }
});

http('timeScale divides every duration: /metrics reports the scaled times the engine model predicts', async () => {
  const sim = await startSimulator({ preset: 'qwen32b-awq-4x2080ti', timeScale: 1000 });
  try {
    const prompt = 'Generate a page to show a list of tasks with filters and paging. '.repeat(10);
    const res = await send(`${sim.url}/v1/completions`, { body: { prompt, max_tokens: 100, ignore_eos: true } });
    assert.is(JSON.parse(res.body).usage.completion_tokens, 100);
    // Alone on an idle engine the answer's virtual timings are exactly the model's.
    const expected = simulateArrivals(presets['qwen32b-awq-4x2080ti'], [{ arrivalMs: 0, promptTokens: estimateTextTokens(prompt), blockHashes: [], outputTokens: 100 }])
      .requests[0]!;
    const metrics = (await send(`${sim.url}/metrics`)).body;
    const sum = (name: string): number => Number(new RegExp(`^${name}_sum\\{[^}]*\\} (\\S+)$`, 'm').exec(metrics)![1]);
    // ~2.6 s of model time is reported as ~2.6 ms.
    assert.ok(Math.abs(sum('vllm:e2e_request_latency_seconds') - expected.e2eMs / 1000 / 1000) < 1e-9);
    assert.ok(Math.abs(sum('vllm:time_to_first_token_seconds') - expected.ttftMs / 1000 / 1000) < 1e-9);
  } finally {
    await sim.close();
  }
});

http('GET /stats reports step lag and request counts; POST /stats/reset clears the lag', async ({ sim }) => {
  const stats = JSON.parse((await send(`${sim.url}/stats`)).body);
  assert.is(stats.preset, 'fast');
  assert.ok(stats.stepLag.steps > 0);
  for (const k of ['meanMs', 'p50Ms', 'p90Ms', 'p99Ms', 'maxMs']) assert.ok(stats.stepLag[k] >= 0, k);
  assert.ok(stats.requests.completed > 0);
  const reset = JSON.parse((await send(`${sim.url}/stats/reset`, { method: 'POST' })).body);
  assert.is(reset.stepLag.steps, 0);
});

http.run();
