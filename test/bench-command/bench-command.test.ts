/**
 * `llmload bench` and `llmload new` through the real CLI, against the built-in
 * simulator (time-scaled) or a recording loopback server: the workload asked
 * for is the one run, --save-script reproduces it, `new` scripts type-check
 * outside this repository, and --out vllm-json carries llmload's own figures.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { DONE_EVENT, startSseServer, type TestServer } from '../helpers/servers.js';
import type { RequestRecord } from '../../core/client/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'llmload-bench-'));
const SIM = ['--time-scale', '5', '--no-report', '--quiet', '--workers', '1'];

const requests = (path: string): RequestRecord[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"type":"request"'))
    .map((l) => JSON.parse(l) as RequestRecord);
const jsonLines = (path: string): Array<Record<string, unknown>> =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// A completion stream of 3 tokens with usage, for the recording server.
const completionChunk = (text: string): string => `data: ${JSON.stringify({ id: 'c', object: 'text_completion', choices: [{ index: 0, text, finish_reason: null }] })}\n\n`;
const usage = `data: ${JSON.stringify({ id: 'c', object: 'text_completion', choices: [], usage: { prompt_tokens: 8, completion_tokens: 3, total_tokens: 11 } })}\n\n`;
let server: TestServer;
test.before(async () => {
  server = await startSseServer([completionChunk('a'), completionChunk(' b'), completionChunk(' c'), usage, DONE_EVENT]);
});
test.after(() => server.close());

test('bench with a random dataset and --max-concurrency sends the requests and lengths asked, never more at once', async () => {
  const cwd = mkdtempSync(join(tmp, 'random-'));
  const run = await runCli(
    ['bench', '--endpoint', 'completions', '--num-prompts', '12', '--max-concurrency', '3', '--input-len', '40', '--output-len', '6', '--out', 'json=r.ndjson', ...SIM],
    { cwd },
  );
  assert.is(run.code, 0, run.stderr);
  const records = requests(join(cwd, 'r.ndjson'));
  assert.is(records.length, 12);
  assert.ok(records.every((r) => r.ok && r.inputTokens === 40 && r.outputTokens === 6));
  assert.is(new Set(records.map((r) => r.vu)).size, 3);
  assert.ok(
    records.every((r) => r.arrival === undefined),
    'closed loop',
  );
});

test('bench --concurrency 1,2 runs two levels, each with --num-prompts requests, a vllm-json line each', async () => {
  const cwd = mkdtempSync(join(tmp, 'sweep-'));
  const run = await runCli(['bench', '--concurrency', '1,2', '--num-prompts', '4', '--input-len', '16', '--output-len', '4', '--out', 'vllm-json=v.jsonl', ...SIM], { cwd });
  assert.is(run.code, 0, run.stderr);
  const lines = jsonLines(join(cwd, 'v.jsonl'));
  assert.equal(
    lines.map((l) => [l['max_concurrency'], l['completed'], l['request_rate']]),
    [
      [1, 4, 'inf'],
      [2, 4, 'inf'],
    ],
  );
});

test('bench --request-rate with --burstiness is an open-loop run with gamma arrivals', async () => {
  const cwd = mkdtempSync(join(tmp, 'open-'));
  const args = ['bench', '--request-rate', '20', '--burstiness', '0.5', '--num-prompts', '10', '--input-len', '16', '--output-len', '4', '--seed', '7'];
  const saved = await runCli([...args, '--save-script', 'open.ts'], { cwd });
  assert.is(saved.code, 0, saved.stderr);
  const script = readFileSync(join(cwd, 'open.ts'), 'utf8');
  for (const part of ["executor: 'constant-arrival-rate'", 'rate: 20', "duration: '0.5s'", "distribution: 'gamma'", 'burstiness: 0.5', 'seed: 7'])
    assert.ok(script.includes(part), part);
  const run = await runCli([...args, '--out', 'json=r.ndjson', ...SIM], { cwd });
  assert.is(run.code, 0, run.stderr);
  const records = requests(join(cwd, 'r.ndjson'));
  assert.ok(records.length > 0);
  assert.ok(
    records.every((r) => typeof r.arrival === 'number'),
    'every request is an arrival of the schedule',
  );
});

test('--save-script writes a script that llmload run turns into the same requests in the same order', async () => {
  const cwd = mkdtempSync(join(tmp, 'roundtrip-'));
  const args = ['bench', '--url', server.url, '--model', 'm', '--endpoint', 'completions', '--dataset', 'synthetic:U(5,30)/(2,9)', '--prefix-len', '3', '--num-prompts', '6'];
  const more = ['--max-concurrency', '1', '--seed', '3', '--extra-body', '{"temperature":0}', '--header', 'x-run=bench'];
  const before = server.requests.length;
  const bench = await runCli([...args, ...more, '--no-report', '--quiet'], { cwd });
  assert.is(bench.code, 0, bench.stderr);
  const sent = server.requests.slice(before).filter((r) => r.url === '/v1/completions');
  assert.is(sent.length, 6);
  assert.is(sent[0]!.headers['x-run'], 'bench');
  const saved = await runCli([...args, ...more, '--save-script', 'kept/bench.ts'], { cwd });
  assert.is(saved.code, 0, saved.stderr);
  const middle = server.requests.length;
  const run = await runCli(['run', join(cwd, 'kept/bench.ts'), '--no-report', '--quiet'], { cwd });
  assert.is(run.code, 0, run.stderr);
  const again = server.requests.slice(middle).filter((r) => r.url === '/v1/completions');
  assert.equal(
    again.map((r) => r.body),
    sent.map((r) => r.body),
  );
  const body = JSON.parse(sent[0]!.body) as Record<string, unknown>;
  assert.is(body['temperature'], 0);
  assert.is(body['ignore_eos'], true);
});

test('--out vllm-json has vLLM keys with llmload summary figures for a run whose figures are known', async () => {
  const cwd = mkdtempSync(join(tmp, 'vllm-'));
  const run = await runCli(
    [
      'bench',
      '--url',
      server.url,
      '--endpoint',
      'completions',
      '--input-len',
      '8',
      '--output-len',
      '3',
      '--num-prompts',
      '5',
      '--max-concurrency',
      '1',
      '--out',
      'vllm-json=v.json',
      '--summary-export',
      's.json',
      '--no-report',
      '--quiet',
    ],
    { cwd },
  );
  assert.is(run.code, 0, run.stderr);
  const [result, extra] = jsonLines(join(cwd, 'v.json'));
  assert.is(extra, undefined, 'one line for a run without levels');
  const r = result!;
  for (const key of [
    'date',
    'backend',
    'model_id',
    'num_prompts',
    'request_rate',
    'burstiness',
    'max_concurrency',
    'duration',
    'completed',
    'failed',
    'total_input_tokens',
    'total_output_tokens',
    'request_throughput',
    'request_goodput',
    'output_throughput',
    'total_token_throughput',
    'input_lens',
    'output_lens',
    'ttfts',
    'itls',
    'latencies',
    'start_times',
    'generated_texts',
    'errors',
    'max_output_tokens_per_s',
    'max_concurrent_requests',
  ]) {
    assert.ok(key in r, `key ${key}`);
  }
  for (const metric of ['ttft', 'tpot', 'itl', 'e2el']) for (const stat of ['mean', 'median', 'std', 'p99']) assert.ok(`${stat}_${metric}_ms` in r, `${stat}_${metric}_ms`);
  assert.is(r['backend'], 'openai');
  assert.is(r['completed'], 5);
  assert.is(r['failed'], 0);
  assert.is(r['total_input_tokens'], 40);
  assert.is(r['total_output_tokens'], 15);
  assert.equal(r['output_lens'], [3, 3, 3, 3, 3]);
  assert.is(r['max_concurrency'], 1);
  assert.is(r['max_concurrent_requests'], 1);
  assert.is(
    (r['itls'] as number[][]).every((gaps) => gaps.length === 2),
    true,
  );
  const summary = JSON.parse(readFileSync(join(cwd, 's.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
  const close = (a: unknown, b: number | undefined, what: string): void => assert.ok(Math.abs((a as number) - (b ?? NaN)) < 1e-6, `${what}: ${String(a)} vs ${String(b)}`);
  close(r['mean_ttft_ms'], summary.metrics['llm_ttft']!.values['avg'], 'mean ttft');
  close(r['median_ttft_ms'], summary.metrics['llm_ttft']!.values['med'], 'median ttft');
  close(r['p99_e2el_ms'], summary.metrics['llm_e2e']!.values['p(99)'], 'p99 e2el');
  close(r['mean_tpot_ms'], summary.metrics['llm_tpot']!.values['avg'], 'mean tpot');
  const ttfts = r['ttfts'] as number[];
  close(r['mean_ttft_ms'], (ttfts.reduce((a, b) => a + b, 0) / ttfts.length) * 1000, 'mean of the per-request ttfts');
  close(r['request_throughput'], 5 / (r['duration'] as number), 'request throughput');
});

const usageErrors: Array<[string[], RegExp]> = [
  [['--request-rate', '5', '--concurrency', '1,2'], /--request-rate and --concurrency contradict/],
  [['--range-ratio', '1.5'], /--range-ratio must be in \[0, 1\)/],
  [['--dataset', 'nope'], /--dataset "nope"/],
  [['--burstiness', '0.5'], /--burstiness .* needs a finite --request-rate/],
  [['--goodput', 'ttfx:5'], /--goodput "ttfx:5"/],
  [['--num-prompts', '5', '--duration', '10s'], /--num-prompts and --duration/],
  [['--dataset', 'jsonl:x.jsonl', '--input-len', '5'], /--input-len applies to --dataset random/],
  [['--out', 'vllm-json'], /--out "vllm-json": expected vllm-json=FILE/],
  [['--extra-body', '[1]'], /--extra-body must be a JSON object/],
  [['--nope'], /Unknown argument: nope/],
];
for (const [flags, message] of usageErrors) {
  test(`bench ${flags.join(' ')} is a usage error (exit 2) naming the flag`, async () => {
    const run = await runCli(['bench', ...flags, '--no-report']);
    assert.is(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
  });
}

test('llmload new writes scripts that type-check outside this repository with the llmload package installed', async () => {
  const project = mkdtempSync(join(tmp, 'project-'));
  for (const template of ['quickstart', 'sweep', 'open-loop', 'capacity', 'multi-turn']) {
    const made = await runCli(['new', `${template}.ts`, '--template', template], { cwd: project });
    assert.is(made.code, 0, made.stderr);
  }
  const saved = await runCli(['bench', '--request-rate', '4', '--goodput', 'ttft:500', 'tpot:50', '--header', 'a=b', '--save-script', 'bench.ts'], { cwd: project });
  assert.is(saved.code, 0, saved.stderr);
  const again = await runCli(['new', 'quickstart.ts'], { cwd: project });
  assert.is(again.code, 2, 'an existing script is not overwritten without --force');
  const unknown = await runCli(['new', 'x.ts', '--template', 'nope'], { cwd: project });
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /--template "nope"/);
  // What `npm install --save-dev llmload` leaves: the package in node_modules (here the repository, as a file: dependency links it).
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(repoRoot, join(project, 'node_modules', 'llmload'), 'dir');
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const ok = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stdout + ok.stderr);
  // And it checks: a wrong option is an error, so the types did resolve.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(project, 'wrong.ts'), "import type { Options } from 'llmload';\nexport const o: Options = { vus: 'x' };\n");
  const bad = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stdout, /wrong\.ts.*not assignable/);
});

test.run();
