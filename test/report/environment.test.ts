import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLlmloadError } from '../../core/errors.js';
import { applyCliOverrides } from '../../core/options/cli-overrides.js';
import { validateOptions } from '../../core/options/validate.js';
import { compareSetups, type CompareRun } from '../../core/report/compare.js';
import { repoRoot, runCliInProcess } from '../helpers/cli.js';

test('--meta adds to options.environment, over the script’s values; values are kept as text', () => {
  const script = { environment: { gpu: '4× RTX 2080 Ti', tp: 4, config: 'baseline' } };
  const options = validateOptions(applyCliOverrides(script, { meta: ['config=optimized', 'serve=vllm serve --max-num-seqs 64'] }));
  assert.equal(options.environment, { gpu: '4× RTX 2080 Ti', tp: '4', config: 'optimized', serve: 'vllm serve --max-num-seqs 64' });
});

test('a malformed --meta names the flag and the item; a bad environment value names its option path', () => {
  try {
    applyCliOverrides({}, { meta: ['gpu'] });
    assert.unreachable('expected a usage error');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_USAGE');
    assert.ok(error.details.includes('--meta "gpu": expected KEY=VALUE'), error.details.join('\n'));
  }
  try {
    validateOptions({ environment: { gpu: { model: 'A100' } } });
    assert.unreachable('expected invalid options');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.exitCode, 104);
    assert.ok(
      error.details.some((d) => d.includes('environment.gpu')),
      error.details.join('\n'),
    );
  }
});

const setupRun = (label: string, setup: Array<{ item: string; value: string }>): CompareRun => ({
  label,
  source: label,
  script: null,
  model: null,
  levels: [],
  stages: [],
  total: {} as CompareRun['total'],
  saturation: null,
  capacityPerHour: null,
  setup,
});

test('compare lines the setups up item by item and marks the ones that differ', () => {
  const rows = compareSetups([
    setupRun('baseline', [
      { item: 'config', value: 'baseline' },
      { item: 'gpu', value: 'A100' },
    ]),
    setupRun('optimized', [
      { item: 'config', value: 'optimized' },
      { item: 'gpu', value: 'A100' },
      { item: 'Max running requests', value: '256' },
    ]),
  ]);
  assert.equal(rows, [
    { item: 'config', values: ['baseline', 'optimized'], differs: true },
    { item: 'gpu', values: ['A100', 'A100'], differs: false },
    { item: 'Max running requests', values: [null, '256'], differs: true },
  ]);
});

test('declared facts reach report.md and report.json, and compare shows where two runs differ', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmload-env-'));
  const script = join(dir, 'env.ts');
  writeFileSync(
    script,
    [
      "import type { Options, VU } from 'llmload';",
      "export const options: Options = { environment: { gpu: '4x RTX 2080 Ti', tp: 4 }, scenarios: { few: { executor: 'shared-iterations', vus: 1, iterations: 2 } } };",
      "export default async function (vu: VU) { await vu.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }); }",
    ].join('\n'),
  );
  const a = await runCliInProcess(['run', script, '--quiet', '--time-scale', '50', '--report', join(dir, 'a'), '--meta', 'config=baseline'], { cwd: repoRoot });
  const b = await runCliInProcess(['run', script, '--quiet', '--time-scale', '50', '--report', join(dir, 'b'), '--meta', 'config=optimized'], { cwd: repoRoot });
  assert.is(a.code, 0, a.stderr);
  assert.is(b.code, 0, b.stderr);
  const md = readFileSync(join(dir, 'a', 'report.md'), 'utf8');
  assert.match(md, /\| gpu +\| 4x RTX 2080 Ti +\|/);
  assert.match(md, /\| config +\| baseline +\|/);
  // The simulator publishes its KV-cache configuration as vLLM does, and is not called vLLM.
  assert.match(md, /\| KV block size \(tokens\) +\| 16 \(vllm:cache_config_info\) +\|/);
  assert.not.match(md, /\| Server +\| vLLM/);
  const json = JSON.parse(readFileSync(join(dir, 'a', 'report.json'), 'utf8')) as { options: { environment: Record<string, string> } };
  assert.equal(json.options.environment, { gpu: '4x RTX 2080 Ti', tp: '4', config: 'baseline' });
  const compared = await runCliInProcess(['compare', join(dir, 'a'), join(dir, 'b')], { cwd: repoRoot });
  assert.is(compared.code, 0, compared.stderr);
  assert.match(compared.stdout, /## Setup/);
  assert.match(compared.stdout, /\| config +\| baseline +\| optimized +\| ≠ +\|/);
  assert.match(compared.stdout, /\| gpu +\| 4x RTX 2080 Ti +\| 4x RTX 2080 Ti +\| +\|/);
});

test.run();
