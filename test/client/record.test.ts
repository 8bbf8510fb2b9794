import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toRecord } from '../../core/client/record.js';
import type { RequestResult } from '../../core/client/types.js';

test('toRecord keeps the timings, counts and failure, drops the texts, adds who sent it', () => {
  const result: RequestResult = {
    scheduledAt: 1000,
    startedAt: 1002,
    ttfbMs: 1,
    ttftMs: 50,
    ttfcMs: 60,
    e2eMs: 100,
    itlMs: [10, 20],
    connectMs: 0,
    blockedMs: 0.2,
    ok: true,
    failure: null,
    error: null,
    status: 200,
    text: 'héllo',
    reasoning: 'secret thoughts',
    finishReason: 'stop',
    usage: { prompt_tokens: 5, completion_tokens: 3 },
    outputTokens: 3,
    inputTokens: 5,
    inputTokensClient: 4,
    cachedTokens: null,
    tokensSource: 'usage',
    chunks: 3,
    streamed: true,
  };
  const record = toRecord(result, { scenario: 's', tags: { scenario: 's', level: '2' }, vu: 7, iteration: 3, api: 'chat' });
  assert.equal(record, {
    type: 'request',
    scenario: 's',
    tags: { scenario: 's', level: '2' },
    vu: 7,
    iteration: 3,
    api: 'chat',
    stream: true,
    scheduledAt: 1000,
    startedAt: 1002,
    ttfbMs: 1,
    ttftMs: 50,
    ttfcMs: 60,
    e2eMs: 100,
    itlMs: [10, 20],
    ok: true,
    failure: null,
    error: null,
    status: 200,
    finishReason: 'stop',
    outputTokens: 3,
    inputTokens: 5,
    inputTokensClient: 4,
    cachedTokens: null,
    tokensSource: 'usage',
    chunks: 3,
    outputChars: 5,
    connectMs: 0,
    blockedMs: 0.2,
  });
});

test('a record of an answer that came in one body says stream: false and has no TTFT, TTFC or ITL', () => {
  const result = {
    scheduledAt: 1000,
    startedAt: 1000,
    ttfbMs: 90,
    ttftMs: 100,
    ttfcMs: 100,
    e2eMs: 100,
    itlMs: [],
    ok: true,
    failure: null,
    error: null,
    status: 200,
    text: 'hello',
    reasoning: '',
    finishReason: 'stop',
    usage: { prompt_tokens: 5, completion_tokens: 12 },
    outputTokens: 12,
    inputTokens: 5,
    inputTokensClient: 4,
    cachedTokens: null,
    tokensSource: 'usage',
    chunks: 1,
    streamed: false,
  } satisfies RequestResult;
  const record = toRecord(result, { scenario: 's', tags: {}, vu: 1, iteration: 0, api: 'chat' });
  assert.is(record.stream, false);
  assert.is(record.ttftMs, null);
  assert.is(record.ttfcMs, null);
  assert.equal(record.itlMs, []);
  assert.is(record.e2eMs, 100);
  assert.is(record.ttfbMs, 90);
  assert.is(record.outputTokens, 12);
});

test.run();
