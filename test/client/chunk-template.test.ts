/**
 * The stream template (core/client/chunk-template.ts): whatever it reads must be what JSON.parse and
 * readStreamChunk read, on the shapes servers send (vLLM, SGLang, llama.cpp, TGI and Ollama's
 * OpenAI-compatible routes) and on events that only look like them; and a whole stream read through a
 * loopback server gives the same result with and without it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contentByTemplate, learnChunkTemplate, type ChunkTemplate } from '../../core/client/chunk-template.js';
import { LlmClient } from '../../core/client/index.js';
import { CONTENT_TOKEN, errorMessageOf, newAccumulator, readStreamChunk } from '../../core/client/openai-events.js';
import { DONE_EVENT, startSseServer } from '../helpers/servers.js';

/** A token event of each server, with `TEXT` where its text goes (JSON-escaped by the caller). */
const SHAPES: Record<string, string> = {
  vllm: '{"id":"chatcmpl-7f3a","object":"chat.completion.chunk","created":1733500000,"model":"Qwen/Qwen2.5-14B-Instruct-AWQ","choices":[{"index":0,"delta":{"content":"TEXT"},"logprobs":null,"finish_reason":null}]}',
  'vllm completions':
    '{"id":"cmpl-7f3a","object":"text_completion","created":1733500000,"model":"m","choices":[{"index":0,"text":"TEXT","logprobs":null,"finish_reason":null,"stop_reason":null}]}',
  sglang:
    '{"id":"8c2e","object":"chat.completion.chunk","created":1733500000,"model":"default","choices":[{"index":0,"delta":{"role":null,"content":"TEXT","reasoning_content":null,"tool_calls":null},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}',
  'llama.cpp':
    '{"choices":[{"finish_reason":null,"index":0,"delta":{"content":"TEXT"}}],"created":1733500000,"id":"chatcmpl-Xb2","model":"gpt-3.5-turbo","system_fingerprint":"b4400-0e70ba6","object":"chat.completion.chunk"}',
  tgi: '{"object":"chat.completion.chunk","id":"","created":1733500000,"model":"meta-llama/Llama-3.1-8B-Instruct","system_fingerprint":"3.0.1-native","choices":[{"index":0,"delta":{"role":"assistant","content":"TEXT"},"logprobs":null,"finish_reason":null}],"usage":null}',
  ollama:
    '{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1733500000,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"TEXT"},"finish_reason":null}]}',
};

/** The event of `shape` carrying `text`, escaped as JSON.stringify escapes it. */
const eventOf = (shape: string, text: string): string => shape.replace('TEXT', JSON.stringify(text).slice(1, -1));

/** JSON.parse's reading: the text an event adds when it adds only text (and is no error), else null. */
function parsedText(data: string): string | null {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    return null;
  }
  const acc = newAccumulator();
  if (errorMessageOf(event) !== null || readStreamChunk(event, acc) !== CONTENT_TOKEN) return null;
  return acc.reasoning === '' && acc.toolArgs === '' && acc.finishReason === null && acc.usage === null ? acc.text : null;
}

/** Every event the template reads must read the same by JSON.parse; returns how many it read. */
function agrees(template: ChunkTemplate, events: readonly string[]): number {
  let read = 0;
  for (const data of events) {
    const fast = contentByTemplate(data, template);
    if (fast === null) continue;
    read++;
    assert.is(parsedText(data), fast, `template read ${JSON.stringify(fast)} from ${data}`);
  }
  return read;
}

/** Events that look like `shape`'s but are not its plain token event with another text. */
function lookalikes(shape: string): string[] {
  const odd = ['a"b', 'back\\slash', 'line\nbreak', 'tab\there', '\u0000', '\u001f', '"', '\\'].map((text) => eventOf(shape, text));
  return [
    ...odd,
    // The same text written with escapes that JSON.parse undoes.
    shape.replace('TEXT', '\\u0041'),
    shape.replace('TEXT', '\\/'),
    // Empty text: no token.
    eventOf(shape, ''),
    // A finish, usage and error on the same prefix; extra and missing fields; other spacing.
    eventOf(shape, 'x').replace(/"finish_reason":null/, '"finish_reason":"stop"'),
    eventOf(shape, 'x').replace(/}$/, ',"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}'),
    eventOf(shape, 'x').replace(/}$/, ',"error":{"message":"boom"}}'),
    eventOf(shape, 'x').replace(/}$/, ',"extra":1}'),
    eventOf(shape, 'x').replace(/^\{/, '{"extra":1,'),
    eventOf(shape, 'x').replace(/"index":0,?/, ''),
    eventOf(shape, 'x').replace(/"content":/, '"content" :'),
    eventOf(shape, 'x') + ' ',
    eventOf(shape, 'x').slice(0, -1),
    // A reasoning delta in the place of the content.
    eventOf(shape, 'x').replace('"content":', '"reasoning_content":'),
    'not json at all',
    '',
  ].filter((data) => data !== eventOf(shape, 'x')); // a change the shape has no field for
}

for (const [server, shape] of Object.entries(SHAPES)) {
  test(`${server}: the template reads plain texts as JSON.parse does, and nothing else`, () => {
    const first = eventOf(shape, ' Hello');
    const template = learnChunkTemplate(first, JSON.parse(first));
    assert.ok(template !== null, 'a template is learnt from a plain token event');
    const plain = [' world', 'x', 'y', 'é', 'naïve 漢字', '😀', '\u2028', '\ud800', '{"content":"z"}'.replace(/"/g, "'"), 'null', ' Hello'];
    // Written as is (JSON.stringify would escape the lone surrogate; JSON.parse reads it either way).
    assert.is(
      agrees(
        template,
        plain.map((text) => shape.replace('TEXT', text)),
      ),
      plain.length,
      'every plain text is read by the template',
    );
    assert.is(agrees(template, lookalikes(shape)), 0, 'no lookalike is read by the template');
  });
}

test('random texts, raw and escaped, on every shape: the template never reads what JSON.parse reads otherwise', () => {
  // A fixed linear congruential sequence: the same texts on every run.
  let seed = 12345;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const pool = ['a', 'Z', ' ', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '漢', '\ud83d', '\ude00', '\u2028', '{', '}', ',', ':', '[', ']', '/', 'u'];
  for (const shape of Object.values(SHAPES)) {
    const first = eventOf(shape, 'seed');
    const template = learnChunkTemplate(first, JSON.parse(first))!;
    let read = 0;
    for (let i = 0; i < 500; i++) {
      let text = '';
      for (let n = 1 + next(6); n > 0; n--) text += pool[next(pool.length)];
      // Raw (often not JSON at all) and escaped as a server would write it.
      read += agrees(template, [shape.replace('TEXT', text), eventOf(shape, text)]);
    }
    assert.ok(read > 100, `the template read ${read} of the 1000 events`);
  }
});

test('another stream (another id) or another shape does not fit the template', () => {
  const first = eventOf(SHAPES['vllm']!, 'a');
  const template = learnChunkTemplate(first, JSON.parse(first))!;
  assert.is(agrees(template, [eventOf(SHAPES['vllm']!.replace('chatcmpl-7f3a', 'chatcmpl-7f3b'), 'a'), eventOf(SHAPES['sglang']!, 'a')]), 0);
});

test('no template from an event that adds more than its text, or whose text cannot be placed', () => {
  const learn = (data: string): ChunkTemplate | null => learnChunkTemplate(data, JSON.parse(data));
  const vllm = SHAPES['vllm']!;
  assert.is(learn(eventOf(vllm, 'a').replace('"finish_reason":null', '"finish_reason":"stop"')), null, 'finish reason');
  assert.is(learn(eventOf(vllm, 'a').replace(/}$/, ',"usage":{"completion_tokens":1}}')), null, 'usage');
  assert.is(learn(eventOf(vllm, 'a').replace('"delta":{', '"delta":{"reasoning_content":"r",')), null, 'reasoning');
  assert.is(learn(eventOf(vllm, 'a').replace('"delta":{', '"delta":{"tool_calls":[{"function":{"arguments":"{}"}}],')), null, 'tool calls');
  assert.is(learn(eventOf(vllm, 'a\nb')), null, 'escaped text');
  assert.is(learn(eventOf(vllm, '')), null, 'empty text');
  assert.is(learn('{"error":{"message":"a"}}'), null, 'error');
  // The text's last appearance is a key or another value: not the content, so no template.
  assert.is(learn('{"choices":[{"index":0,"delta":{"content":"zz","zz":1}}]}'), null, 'text also a later key');
  assert.is(learn('{"choices":[{"index":0,"delta":{"content":"m"}}],"model":"m"}'), null, 'text also a later value');
  // Duplicate keys: JSON.parse keeps the last; the template must place the text where that one is.
  const dup = '{"choices":[{"index":0,"delta":{"content":"q","content":"w"}}]}';
  const template = learn(dup);
  assert.ok(template !== null);
  assert.is(agrees(template, [dup.replace('"w"', '"v"'), dup.replace('"q"', '"v"')]), 1);
});

test('a stream read with its template gives the result JSON.parse gives: text, tokens, finish, usage, errors', async () => {
  const shape = SHAPES['vllm']!;
  const texts = [' Hello', ',', ' "quoted"', ' wörld', '\n', ' 😀', 'x', '\\', ' end'];
  const events = [
    `data: ${eventOf(shape, '').replace('"content"', '"role":"assistant","content"')}\n\n`,
    ...texts.map((text) => `data: ${eventOf(shape, text)}\n\n`),
    `data: ${eventOf(shape, '!').replace('"finish_reason":null', '"finish_reason":"length"')}\n\n`,
    `data: ${eventOf(shape, '').replace(/"choices":.*$/, '"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":10,"total_tokens":15}}')}\n\n`,
    DONE_EVENT,
  ];
  const server = await startSseServer(events);
  const failing = await startSseServer([
    `data: ${eventOf(shape, 'a')}\n\n`,
    `data: ${eventOf(shape, 'b')}\n\n`,
    `data: ${eventOf(shape, 'c').replace(/}$/, ',"error":{"message":"overloaded"}}')}\n\n`,
    DONE_EVENT,
  ]);
  const client = new LlmClient({ baseUrl: server.url, model: 'm', timeoutMs: 5000, stallTimeoutMs: 2000, connections: 1 });
  const other = new LlmClient({ baseUrl: failing.url, model: 'm', timeoutMs: 5000, stallTimeoutMs: 2000, connections: 1 });
  try {
    const r = await client.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 }, undefined, {});
    assert.is(r.ok, true, r.error ?? '');
    assert.is(r.text, texts.join('') + '!');
    assert.is(r.chunks, texts.length + 1);
    assert.is(r.itlMs.length, texts.length);
    assert.is(r.finishReason, 'length');
    assert.is(r.outputTokens, 10);
    assert.is(r.inputTokens, 5);
    const failed = await other.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 }, undefined, {});
    assert.is(failed.ok, false);
    assert.is(failed.failure, 'protocol');
    assert.match(failed.error ?? '', 'overloaded');
    assert.is(failed.text, 'ab');
  } finally {
    await client.close();
    await other.close();
    await server.close();
    await failing.close();
  }
});

test.run();
