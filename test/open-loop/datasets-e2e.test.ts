/** Datasets in real runs: token-length distributions as the server counts them, prefix-cache hits on purpose, bad files. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../core/sim/index.js';
import { estimateTextTokens } from '../../core/tokens/estimate.js';
import { mean, runFixture, std } from './helpers.js';

test('N(480,240)/(300,150): the server-counted input and output tokens have those means and deviations', async () => {
  const run = await runFixture('open-synthetic.ts');
  assert.is(run.code, 0, run.stderr + run.stdout);
  const ok = run.records.filter((r) => r.ok);
  assert.is(ok.length, 400);
  assert.ok(ok.every((r) => r.tokensSource === 'usage'));
  // The simulator counts with the client's rule: usage.prompt_tokens is exactly the drawn length.
  assert.ok(ok.every((r) => r.inputTokens === r.inputTokensClient));
  const input = ok.map((r) => r.inputTokens);
  const output = ok.map((r) => r.outputTokens);
  // 400 draws: the standard error of the mean is σ/20 (12 and 7.5 tokens), of the std ≈ σ/28.
  assert.ok(Math.abs(mean(input) - 480) < 40, `input mean ${mean(input)}`);
  assert.ok(Math.abs(std(input) - 240) < 30, `input std ${std(input)}`);
  assert.ok(Math.abs(mean(output) - 300) < 25, `output mean ${mean(output)}`);
  assert.ok(Math.abs(std(output) - 150) < 20, `output std ${std(output)}`);
  // max_tokens with ignore_eos: every answer ran to its drawn length.
  assert.ok(ok.every((r) => r.finishReason === 'length'));
});

test("a shared prefix shows prefix-cache hits on the simulator's /metrics; distinct prompts (the default) show none", async () => {
  const hits = async (prefix: number): Promise<{ hits: number; queries: number; cached: number }> => {
    const sim = await startSimulator({ preset: 'fast', port: 0 });
    try {
      const run = await runFixture('open-prefix.ts', ['--url', sim.url], { PREFIX: String(prefix) });
      assert.is(run.code, 0, run.stderr + run.stdout);
      assert.is(run.records.length, 40);
      const text = await (await fetch(`${sim.url}/metrics`)).text();
      const counter = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      return {
        hits: counter('vllm:prefix_cache_hits_total'),
        queries: counter('vllm:prefix_cache_queries_total'),
        cached: run.records.reduce((n, r) => n + (r.cachedTokens ?? 0), 0),
      };
    } finally {
      await sim.close();
    }
  };
  const distinct = await hits(0);
  // 40 chat prompts of 256 + 7 template tokens were looked up.
  assert.is(distinct.queries, 40 * 263);
  assert.is(distinct.hits, 0);
  assert.is(distinct.cached, 0);
  const shared = await hits(192);
  assert.is(shared.queries, 40 * 263);
  // The template's 3 leading tokens + 192 shared = 195: 12 full blocks of 16 cached for every prompt after the first few.
  assert.ok(shared.hits >= 30 * 192, `prefix hits ${shared.hits}`);
  assert.ok(shared.cached > 0);
});

test('a dataset file with a bad line stops the run before anything is sent, naming the file and line (exit 104)', async () => {
  const run = await runFixture('open-bad-dataset.ts');
  assert.is(run.code, 104, run.stdout);
  assert.match(run.stderr, 'LL_ERR_INPUT_FILE');
  assert.match(run.stderr, 'test/fixtures/datasets/bad-third-line.jsonl:3: not valid JSON');
  assert.is(run.records.length, 0);
});

test('a relative dataset path is read next to the script, from any working directory', async () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'llmload-cwd-'));
  try {
    const run = await runFixture('open-dataset-beside-script.ts', [], {}, true, elsewhere);
    assert.is(run.code, 0, run.stderr + run.stdout);
    assert.is(run.records.length, 3);
    assert.ok(run.records.every((r) => r.ok));
    const prompts = ['Summarize the plot of Hamlet', 'Write a haiku about rain', 'List three prime numbers'];
    assert.equal(
      run.records.map((r) => r.inputTokensClient).sort((a, b) => a - b),
      prompts.map((p) => estimateTextTokens(p)).sort((a, b) => a - b),
      'the three prompts of test/fixtures/datasets/prompts.jsonl were sent',
    );
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test.run();
