import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CONTENT_TOKEN,
  defaultTextOf,
  errorMessageOf,
  nativeUsageOf,
  newAccumulator,
  NO_TOKEN,
  readFullResponse,
  readStreamChunk,
  REASONING_TOKEN,
} from '../../core/client/openai-events.js';
import { chatPromptTokens, completionPromptTokens, rawPromptTokens } from '../../core/client/prompt-tokens.js';
import { estimateChatPromptTokens, estimateTextTokens } from '../../core/tokens/estimate.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null): unknown => ({
  choices: [{ index: 0, delta, finish_reason: finish }],
});

test('chat deltas: role-only and empty content bear no token; content does', () => {
  const acc = newAccumulator();
  assert.is(readStreamChunk(chunk({ role: 'assistant', content: '' }), acc), NO_TOKEN);
  assert.is(readStreamChunk(chunk({ content: null }), acc), NO_TOKEN);
  assert.is(readStreamChunk(chunk({ content: 'Hi' }), acc), CONTENT_TOKEN);
  assert.is(readStreamChunk(chunk({ content: '!' }, 'stop'), acc), CONTENT_TOKEN);
  assert.is(acc.text, 'Hi!');
  assert.is(acc.finishReason, 'stop');
});

test('reasoning_content and reasoning are reasoning tokens, kept apart from the text', () => {
  const acc = newAccumulator();
  assert.is(readStreamChunk(chunk({ reasoning_content: 'Let me think' }), acc), REASONING_TOKEN);
  assert.is(readStreamChunk(chunk({ reasoning: '. Done' }), acc), REASONING_TOKEN);
  assert.is(readStreamChunk(chunk({ content: 'Answer' }), acc), CONTENT_TOKEN);
  assert.is(acc.reasoning, 'Let me think. Done');
  assert.is(acc.text, 'Answer');
});

test('tool calls are content tokens and their arguments are kept for the estimate', () => {
  const acc = newAccumulator();
  const call = (args: string): unknown => chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] });
  assert.is(readStreamChunk(chunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '' } }] }), acc), CONTENT_TOKEN);
  assert.is(readStreamChunk(call('{"city":'), acc), CONTENT_TOKEN);
  assert.is(readStreamChunk(call('"Paris"}'), acc), CONTENT_TOKEN);
  assert.is(readStreamChunk(chunk({ tool_calls: [] }), acc), NO_TOKEN);
  assert.is(acc.toolArgs, '{"city":"Paris"}');
});

test('the usage chunk with choices: [] sets usage and bears no token', () => {
  const acc = newAccumulator();
  const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15, prompt_tokens_details: { cached_tokens: 8 } };
  assert.is(readStreamChunk({ choices: [], usage }, acc), NO_TOKEN);
  assert.equal(acc.usage, usage);
});

test('completions chunks: text', () => {
  const acc = newAccumulator();
  assert.is(readStreamChunk({ choices: [{ index: 0, text: '', finish_reason: null }] }, acc), NO_TOKEN);
  assert.is(readStreamChunk({ choices: [{ index: 0, text: 'abc', finish_reason: 'length' }] }, acc), CONTENT_TOKEN);
  assert.is(acc.text, 'abc');
  assert.is(acc.finishReason, 'length');
});

test('non-stream bodies: chat message with reasoning, completions text', () => {
  const acc = newAccumulator();
  const kind = readFullResponse(
    { choices: [{ index: 0, message: { role: 'assistant', content: 'Yes', reasoning_content: 'hmm' }, finish_reason: 'stop' }], usage: { completion_tokens: 4 } },
    acc,
  );
  assert.is(kind, CONTENT_TOKEN);
  assert.is(acc.text, 'Yes');
  assert.is(acc.reasoning, 'hmm');
  assert.equal(acc.usage, { completion_tokens: 4 });
  const acc2 = newAccumulator();
  assert.is(readFullResponse({ choices: [{ text: 'ok', finish_reason: 'stop' }] }, acc2), CONTENT_TOKEN);
  assert.is(acc2.text, 'ok');
});

test('error objects in every shape servers use', () => {
  assert.is(errorMessageOf({ error: { message: 'context too long', type: 'invalid_request_error' } }), 'context too long');
  assert.is(errorMessageOf({ object: 'error', message: 'Too many requests', type: 'RateLimit', code: 429 }), 'Too many requests');
  assert.is(errorMessageOf({ error: 'Input validation error', error_type: 'validation' }), 'Input validation error');
  assert.is(errorMessageOf({ detail: 'Not Found' }), 'Not Found');
  assert.is(errorMessageOf({ choices: [], detail: 'x' }), null);
  assert.is(errorMessageOf({ choices: [] }), null);
  assert.is(errorMessageOf('text'), null);
});

test('default textOf: OpenAI, TGI, Ollama shapes', () => {
  assert.is(defaultTextOf(chunk({ content: 'a' })), 'a');
  assert.is(defaultTextOf(chunk({ role: 'assistant' })), undefined);
  assert.is(defaultTextOf({ choices: [{ text: 'b' }] }), 'b');
  assert.is(defaultTextOf({ token: { id: 1, text: ' c', special: false }, generated_text: null }), ' c');
  assert.is(defaultTextOf({ token: { id: 2, text: '</s>', special: true } }), '');
  assert.is(defaultTextOf({ message: { role: 'assistant', content: 'd' }, done: false }), 'd');
  assert.is(defaultTextOf({ message: { role: 'assistant', content: '' }, done: true }), undefined);
  assert.is(defaultTextOf({ response: 'e', done: false }), 'e');
  assert.is(defaultTextOf({ something: 'else' }), undefined);
});

test('native usage: Ollama eval counts, TGI details', () => {
  assert.equal(nativeUsageOf({ done: true, eval_count: 42, prompt_eval_count: 9 }), { completion_tokens: 42, prompt_tokens: 9 });
  assert.equal(nativeUsageOf({ details: { generated_tokens: 17, finish_reason: 'length' } }), { completion_tokens: 17 });
  assert.is(nativeUsageOf({ token: {} }), null);
});

test('client prompt estimates follow core/tokens/estimate.ts (memoised or not)', () => {
  const long = 'The quick brown fox jumps over the lazy dog. '.repeat(20);
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: long },
    { role: 'user', content: [{ type: 'text', text: 'part' }] },
  ];
  assert.is(chatPromptTokens(messages), estimateChatPromptTokens(messages));
  assert.is(chatPromptTokens(messages), estimateChatPromptTokens(messages), 'second call, from the memo');
  assert.is(completionPromptTokens(long), estimateTextTokens(long));
  assert.is(completionPromptTokens(['a b', 'c']), estimateTextTokens('a b') + estimateTextTokens('c'));
  assert.is(rawPromptTokens({ inputs: 'hello world' }), estimateTextTokens('hello world'));
  assert.is(rawPromptTokens({ messages }), estimateChatPromptTokens(messages));
  assert.is(rawPromptTokens('nope'), 0);
});

test.run();
