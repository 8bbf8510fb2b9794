/** Token counts without server usage: a Hugging Face tokenizer.json from disk when one is given, else the estimate, and results say which. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LlmClient } from '../../core/client/index.js';
import { countSource, countTextTokens, loadTokenizer, setTokenCounter } from '../../core/tokens/counter.js';
import { estimateTextTokens } from '../../core/tokens/estimate.js';
import { fixture } from '../helpers/cli.js';
import { DONE_EVENT, sseChunk, startSseServer } from '../helpers/servers.js';
import { runFixture } from './helpers.js';

const TOKENIZER = fixture('tokenizer/tokenizer.json');
// An answer and no usage chunk: the client has to count.
const ANSWER = ['internationalization', ' is', ' the', ' answer'];
const steps = [...ANSWER.map((content) => sseChunk({ content })), sseChunk({}, 'stop'), DONE_EVENT];

test('a tokenizer.json counts differently from the estimate, offline', () => {
  const count = loadTokenizer(TOKENIZER);
  // Word-level: one token per word; the estimate counts a 20-letter word as 2.
  assert.is(count('internationalization is the answer'), 4);
  assert.is(estimateTextTokens('internationalization is the answer'), 5);
});

test('no usage from the server: the loaded tokenizer counts output and prompt, marked "tokenizer"; without it, "estimate"', async () => {
  const server = await startSseServer(steps);
  const client = new LlmClient({ baseUrl: server.url, timeoutMs: 5_000, stallTimeoutMs: 5_000, connections: 1 });
  try {
    const body = { messages: [{ role: 'user', content: 'internationalization, hello world' }], max_tokens: 4 };
    const estimated = await client.chat(body, undefined);
    assert.is(estimated.tokensSource, 'estimate');
    assert.is(estimated.outputTokens, 5);
    setTokenCounter(loadTokenizer(TOKENIZER));
    assert.is(countSource(), 'tokenizer');
    const counted = await client.chat(body, undefined);
    assert.is(counted.tokensSource, 'tokenizer');
    assert.is(counted.outputTokens, 4);
    // Prompt: 3 + (4 + 4 tokens: "internationalization" "," "hello" "world"); the estimate says 3 + 4 + 5.
    assert.is(counted.inputTokensClient, 11);
    assert.is(estimated.inputTokensClient, 12);
  } finally {
    setTokenCounter(null);
    await client.close();
    await server.close();
  }
  assert.is(countTextTokens('internationalization'), 2);
});

test('options.tokenizer: the workers load it and every record says "tokenizer"', async () => {
  const server = await startSseServer(steps);
  try {
    const run = await runFixture('open-tokenizer.ts', ['--url', server.url]);
    assert.is(run.code, 0, run.stderr + run.stdout);
    assert.is(run.records.length, 2);
    for (const record of run.records) {
      assert.is(record.tokensSource, 'tokenizer');
      assert.is(record.outputTokens, 4);
      assert.is(record.inputTokensClient, 11);
    }
  } finally {
    await server.close();
  }
});

test('a tokenizer file that is missing fails the run before it starts (LL_ERR_INPUT_FILE, exit 104)', () => {
  assert.throws(
    () => loadTokenizer('test/fixtures/tokenizer/missing.json'),
    (e: Error & { code?: string }) => e.code === 'LL_ERR_INPUT_FILE' && e.message.startsWith('test/fixtures/tokenizer/missing.json: cannot load the tokenizer'),
  );
});

test.run();
