/** options.slo, options.datasets and options.tokenizer: validated with option paths, resolved in ms. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LlmloadError } from '../../core/errors.js';
import { validateOptions } from '../../core/options/validate.js';

function problems(raw: unknown): readonly string[] {
  try {
    validateOptions(raw);
    return [];
  } catch (error) {
    return (error as LlmloadError).details;
  }
}

test('slo: ms or durations, resolved for the goodput computation', () => {
  assert.equal(validateOptions({ slo: { ttft: 500, tpot: '50ms', e2e: '10s' } }).slo, { ttftMs: 500, tpotMs: 50, e2eMs: 10_000 });
  assert.equal(validateOptions({ slo: { e2e: 2000, fromSchedule: true } }).slo, { e2eMs: 2_000, fromSchedule: true });
  assert.is(validateOptions({}).slo, null);
  assert.equal(problems({ slo: {} }), ['options.slo: set at least one of ttft, tpot, e2e (ms)']);
  assert.equal(problems({ slo: { ttft: 'fast', itl: 5 } }), [
    'options.slo.itl: unknown option',
    'options.slo.ttft: "fast" is not a duration (expected e.g. "30s", "1m30s", "500ms")',
  ]);
});

test('datasets: one source each, the notation checked, kept as written for the workers', () => {
  const resolved = validateOptions({ datasets: { a: { synthetic: 'D(10,5)', sharedPrefix: { tokens: 4, fraction: 0.5 } }, b: { file: 'x.jsonl', sampling: 'per-vu' } } });
  assert.equal(resolved.datasets, { a: { synthetic: 'D(10,5)', sharedPrefix: { tokens: 4, fraction: 0.5 } }, b: { file: 'x.jsonl', sampling: 'per-vu' } });
  assert.equal(problems({ datasets: { a: { synthetic: 'N(1,2)' }, b: {}, c: { file: 'x.csv', synthetic: 'D(1,1)' }, d: { file: 'y.csv', sharedPrefix: 8 } } }), [
    'options.datasets.a.synthetic: "N(1,2)" is not a token-length distribution (expected "D(100,100)", "N(480,240)/(300,150)" or "U(50,100)/(200,300)")',
    'options.datasets.b: needs exactly one of file (a data file) or synthetic (a token-length distribution)',
    'options.datasets.c: needs exactly one of file (a data file) or synthetic (a token-length distribution)',
    'options.datasets.d.sharedPrefix: only applies to synthetic datasets',
  ]);
  assert.equal(problems({ datasets: { a: { synthetic: 'D(1,1)', sampling: 'shuffle', sharedPrefix: { tokens: 4, fraction: 2 } } } }), [
    'options.datasets.a.sharedPrefix.fraction: expected a share of prompts from 0 to 1, got 2 (number)',
    'options.datasets.a.sampling: expected one of "sequential", "random", "per-vu", got "shuffle" (string)',
  ]);
});

test('tokenizer: a path, resolved as given', () => {
  assert.is(validateOptions({ tokenizer: 'models/qwen/tokenizer.json' }).tokenizer, 'models/qwen/tokenizer.json');
  assert.equal(problems({ tokenizer: '' }), ['options.tokenizer: expected the path of a tokenizer.json, got "" (string)']);
});

test.run();
