/** Datasets: the genai-bench notation, synthetic prompts with exact token counts, file formats, sampling. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDataset } from '../../core/datasets/dataset.js';
import { parseCsv } from '../../core/datasets/parse-file.js';
import { SyntheticPrompts } from '../../core/datasets/synthetic.js';
import { tryParseTokenLengths } from '../../core/datasets/token-lengths.js';
import { isLlmloadError } from '../../core/errors.js';
import { estimateChatPromptTokens, estimateTextTokens } from '../../core/tokens/estimate.js';
import { fixture } from '../helpers/cli.js';

const one = { workerIndex: 0, workerCount: 1, scriptDir: process.cwd() };

test('genai-bench notation: D, N and U, input then output', () => {
  assert.equal(tryParseTokenLengths('D(100,100)'), { input: { kind: 'fixed', tokens: 100 }, output: { kind: 'fixed', tokens: 100 } });
  assert.equal(tryParseTokenLengths('N(480,240)/(300,150)'), {
    input: { kind: 'normal', mean: 480, std: 240 },
    output: { kind: 'normal', mean: 300, std: 150 },
  });
  assert.equal(tryParseTokenLengths(' U(50, 100) / (200,300) '), {
    input: { kind: 'uniform', min: 50, max: 100 },
    output: { kind: 'uniform', min: 200, max: 300 },
  });
  assert.is(tryParseTokenLengths('N(480,240)'), '"N(480,240)" is not a token-length distribution (expected "D(100,100)", "N(480,240)/(300,150)" or "U(50,100)/(200,300)")');
  assert.is(tryParseTokenLengths('U(100,50)/(1,2)'), '"U(100,50)/(1,2)": a uniform range must be written (min,max) with min ≤ max');
});

test('synthetic prompts hit the drawn input length exactly under the token rule, distinct by default', () => {
  const prompts = new SyntheticPrompts({ lengths: { input: { kind: 'uniform', min: 1, max: 600 }, output: { kind: 'fixed', tokens: 10 } }, seed: 3, prefix: null });
  const seen = new Set<string>();
  for (let k = 0; k < 300; k++) {
    const item = prompts.item(k);
    assert.is(estimateTextTokens(item.prompt), item.inputTokens, `item ${k}`);
    seen.add(item.prompt.split(' ').slice(0, 16).join(' '));
  }
  // No two prompts share their first KV block (16 tokens): no prefix-cache hits.
  assert.is(seen.size, 300);
  // Same seed, same items.
  assert.is(new SyntheticPrompts(prompts.spec).item(42).prompt, prompts.item(42).prompt);
});

test('a shared prefix: the same first tokens for the share of prompts that get it', () => {
  const prompts = new SyntheticPrompts({
    lengths: { input: { kind: 'fixed', tokens: 100 }, output: { kind: 'fixed', tokens: 5 } },
    seed: 1,
    prefix: { tokens: 64, fraction: 0.5 },
  });
  const items = Array.from({ length: 400 }, (_, k) => prompts.item(k));
  const withPrefix = items.filter((i) => i.prefixTokens === 64);
  assert.ok(Math.abs(withPrefix.length / 400 - 0.5) < 0.08, `share ${withPrefix.length / 400}`);
  const head = (text: string): string => text.split(' ').slice(0, 64).join(' ');
  assert.is(new Set(withPrefix.map((i) => head(i.prompt))).size, 1);
  for (const item of items) assert.is(estimateTextTokens(item.prompt), 100);
});

test('synthetic dataset items: chat and completion bodies ask for exactly the output length', () => {
  const ds = openDataset({ synthetic: 'D(20,7)', seed: 2 }, one);
  const item = ds.next();
  assert.is(ds.size, Number.POSITIVE_INFINITY);
  assert.equal(item.completion(), { max_tokens: 7, ignore_eos: true, prompt: item.prompt });
  assert.equal(item.chat({ temperature: 0 }), { max_tokens: 7, ignore_eos: true, temperature: 0, messages: [{ role: 'user', content: item.prompt }] });
  // A chat server counts the template on top: 3 + 4 for one user message under the same rule.
  assert.is(estimateChatPromptTokens(item.messages), 20 + 7);
});

test('sampling: sequential interleaves workers, per-vu pins one item per VU, random is seeded', () => {
  const spec = { file: fixture('datasets/prompts.jsonl') };
  const w0 = openDataset(spec, { ...one, workerIndex: 0, workerCount: 2 });
  const w1 = openDataset(spec, { ...one, workerIndex: 1, workerCount: 2 });
  assert.equal([w0.next().index, w0.next().index, w0.next().index], [0, 2, 1]);
  assert.equal([w1.next().index, w1.next().index], [1, 0]);
  const perVu = openDataset({ ...spec, sampling: 'per-vu' }, one);
  assert.equal([perVu.next({ id: 2 }).index, perVu.next({ id: 2 }).index, perVu.next({ id: 4 }).index], [1, 1, 0]);
  const draws = (seed: number): number[] => {
    const ds = openDataset({ ...spec, sampling: 'random', seed }, one);
    return Array.from({ length: 12 }, () => ds.next().index);
  };
  assert.equal(draws(9), draws(9));
  assert.equal(new Set(draws(9)).size, 3);
});

test('JSONL: prompt or text fields, output length fields, blank lines skipped', () => {
  const ds = openDataset({ file: fixture('datasets/prompts.jsonl'), outputTokens: 32 }, one);
  assert.is(ds.size, 3);
  assert.equal(
    [0, 1, 2].map((k) => [ds.at(k).prompt, ds.at(k).outputTokens]),
    [
      ['Summarize the plot of Hamlet', 64],
      ['Write a haiku about rain', 32],
      ['List three prime numbers', 16],
    ],
  );
  assert.is(ds.at(0).inputTokens, estimateTextTokens('Summarize the plot of Hamlet'));
});

test('a bad line names the file and the line (LL_ERR_INPUT_FILE)', () => {
  const file = fixture('datasets/bad-line.jsonl');
  try {
    openDataset({ file }, one);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_INPUT_FILE');
    assert.match(error.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: not valid JSON`));
    assert.equal(error.location, { file, line: 2, column: 1 });
  }
  const csv = fixture('datasets/bad-row.csv');
  assert.throws(
    () => openDataset({ file: csv }, one),
    (e: Error) => e.message === `${csv}:3: expected 2 fields like the header, got 3`,
  );
  assert.throws(
    () => openDataset({ file: fixture('datasets/prompts.jsonl'), promptField: 'question' }, one),
    (e: Error) => e.message.endsWith('prompts.jsonl:1: no prompt: expected a string field "question"'),
  );
});

test("a relative file is read from the script's folder; a missing one names every place looked", () => {
  const ds = openDataset({ file: 'datasets/prompts.jsonl' }, { ...one, scriptDir: fixture('.') });
  assert.is(ds.size, 3);
  // Found relative to the working directory when it is not next to the script (earlier versions' rule).
  const fromCwd = openDataset({ file: 'test/fixtures/datasets/prompts.csv' }, { ...one, scriptDir: fixture('datasets') });
  assert.is(fromCwd.size, 3);
  try {
    openDataset({ file: 'no-such-file.jsonl' }, { ...one, scriptDir: fixture('datasets') });
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_INPUT_FILE');
    assert.match(error.message, `no-such-file.jsonl: cannot read the dataset file: no such file (looked for ${fixture('datasets/no-such-file.jsonl')} and `);
  }
});

test('CSV: RFC 4180 quotes, escaped quotes and line breaks inside fields', () => {
  const ds = openDataset({ file: fixture('datasets/prompts.csv') }, one);
  assert.equal(
    [0, 1, 2].map((k) => [ds.at(k).prompt, ds.at(k).outputTokens]),
    [
      ['Say "hi", please', 8],
      ['A prompt\nover two lines', 12],
      ['plain prompt', 4],
    ],
  );
  assert.equal(
    parseCsv('x.csv', 'a,b\r\n1,2\r\n').map((r) => [r.line, r.data]),
    [[2, { a: '1', b: '2' }]],
  );
  assert.throws(
    () => parseCsv('x.csv', 'a\n"open\nnever closed'),
    (e: Error) => e.message === 'x.csv:2: a quoted field is not closed',
  );
});

test('ShareGPT: first human turn as the prompt, every human turn for multi-turn, the answer length as output', () => {
  const ds = openDataset({ file: fixture('datasets/sharegpt.json') }, one);
  // The conversation without a user turn is skipped.
  assert.is(ds.size, 2);
  const first = ds.at(0);
  assert.is(first.prompt, 'What is a KV cache?');
  assert.equal(first.turns, ['What is a KV cache?', 'Why does it fill up?']);
  assert.is(first.outputTokens, estimateTextTokens('It stores the keys and values of past tokens so they are not computed again.'));
  assert.equal(ds.at(1).messages, [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Name a prime.' },
  ]);
});

test.run();
