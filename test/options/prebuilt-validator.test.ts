/**
 * The options validator `npm run build` generates (ajv's standalone code) and
 * one ajv compiles now from the same schema agree: same verdict, same errors
 * (keyword, paths, params, failing data and schema), so the same messages;
 * and the schema as compiled (executor branches referenced) says what the
 * schema as written (branches inline) says. A validator left stale in dist/
 * by a bare `tsc` after a schema change fails here where a fixture meets the change.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate as prebuilt } from '../../core/options/options-validator.js';
import { formatSchemaError } from '../../core/options/schema-errors.js';
import { buildOptionsSchema } from '../../core/options/schema.js';
import { compileOptionsValidator } from '../../core/options/validator-codegen.js';

const compiled = compileOptionsValidator();
/** The schema as written, each executor's branch inline: the same messages as the compiled form's. */
const inline = compileOptionsValidator(buildOptionsSchema());

const VALID: Record<string, unknown> = {
  empty: {},
  shortcuts: { vus: 4, duration: '30s', target: { url: 'http://127.0.0.1:8000', model: 'm', headers: { 'x-a': 'b' } } },
  stages: {
    stages: [
      { duration: '10s', target: 5 },
      { duration: 2000, target: 0 },
    ],
    request: { timeout: '10m', stallTimeout: 60_000, stream: false },
  },
  everyExecutor: {
    scenarios: {
      a: { executor: 'shared-iterations', vus: 2, iterations: 10, maxDuration: '1m' },
      b: { executor: 'per-vu-iterations', vus: 2, iterations: 3 },
      c: { executor: 'constant-vus', vus: 3, duration: '1m30s' },
      d: { executor: 'ramping-vus', stages: [{ duration: '5s', target: 10 }] },
      e: { executor: 'concurrency-sweep', levels: [1, 2, 4], duration: '20s' },
      f: { executor: 'constant-arrival-rate', rate: 5, duration: '10s', preAllocatedVUs: 4 },
      g: { executor: 'ramping-arrival-rate', stages: [{ duration: '5s', target: 3 }], preAllocatedVUs: 2 },
    },
  },
  thresholds: {
    thresholds: { llm_ttft: ['p(95)<500', { threshold: 'p(99)<900', abortOnFail: true, delayAbortEval: '5s', inconclusive: 'pass' }] },
    inconclusive: 'fail',
    noThresholds: false,
  },
  misc: {
    tags: { team: 'x' },
    environment: { gpu: 'A100', tp: 4, spec: true },
    summaryTrendStats: ['avg', 'p(95)'],
    setupTimeout: '1m',
    teardownTimeout: 0,
    workers: 2,
    slo: { ttft: 500, tpot: '50ms', fromSchedule: true },
    tokenizer: 'tok.json',
    datasets: { p: { synthetic: 'N(480,240)/(300,150)', sharedPrefix: { tokens: 100, fraction: 0.5 }, sampling: 'random', seed: 3 }, f: { file: 'p.jsonl', format: 'jsonl' } },
    telemetry: { dcgm: ['http://gpu:9400/metrics'], nvidiaSmi: { command: ['ssh', 'gpu', 'nvidia-smi'] } },
    simulator: { preset: 'fast', timeScale: 10, config: { anything: [1, 2] } },
  },
};

const INVALID: Record<string, unknown> = {
  notAnObject: 'vus: 10',
  array: [1, 2],
  unknownKeys: { vu: 3, target: { urll: 'x' }, request: { timeOut: '1s' } },
  types: { vus: '10', duration: true, iterations: 0, workers: 1.5, noThresholds: 'yes', tags: { a: 1 }, environment: { a: null } },
  durations: { duration: '10 seconds', setupTimeout: -1, request: { timeout: 'soon', stallTimeout: [] }, slo: { ttft: 'fast', e2e: -5 } },
  stages: { stages: [{ duration: '1x', target: -1 }, { target: 2 }, 'stage', { duration: '1s', target: 1, extra: 1 }] },
  scenarios: {
    scenarios: {
      missing: { vus: 1 },
      notObject: 'constant-vus',
      badExecutor: { executor: 5 },
      unknown: { executor: 'constant-vu', vus: 1, duration: '1s' },
      upcoming: { executor: 'externally-controlled' },
      otherKey: { executor: 'constant-vus', duration: '1s', levels: [1] },
      sweep: { executor: 'concurrency-sweep', levels: [1, 2, 2, 0], duration: '1m' },
      arrival: { executor: 'constant-arrival-rate', rate: -1, duration: '1s' },
    },
  },
  thresholds: {
    thresholds: { llm_ttft: 'p(95)<500', e2e: ['p(95)<2000', 5, { threshold: '', abortOnFial: true, inconclusive: 'maybe' }, { abortOnFail: 1 }] },
    inconclusive: 'never',
  },
  datasets: {
    datasets: { a: { file: '', format: 'yaml', sharedPrefix: 1.5 }, b: { synthetic: 5, sharedPrefix: { fraction: 2 } }, c: 'file.jsonl' },
  },
  telemetry: { telemetry: { dcgm: 'http://gpu', nvidiaSmi: { command: [], intervalMs: 'often' }, other: true } },
  telemetryType: { telemetry: 'on' },
  simulator: { simulator: { preset: '', timeScale: 0, config: 3 }, summaryTrendStats: [1, 'avg'], tokenizer: '' },
};

/** What a validator says of `options`: its verdict and errors (null when valid). */
function verdict(validate: typeof compiled, options: unknown): { valid: boolean; errors: unknown } {
  const valid = validate(options);
  return { valid, errors: validate.errors ?? null };
}

for (const [name, options] of Object.entries(VALID)) {
  test(`valid options agree: ${name}`, () => {
    assert.equal(verdict(compiled, options), { valid: true, errors: null });
    assert.equal(verdict(prebuilt, options), { valid: true, errors: null });
    assert.equal(verdict(inline, options), { valid: true, errors: null });
  });
}

for (const [name, options] of Object.entries(INVALID)) {
  test(`invalid options agree, error for error: ${name}`, () => {
    const expected = verdict(compiled, options);
    assert.is(expected.valid, false);
    assert.equal(verdict(prebuilt, options), expected);
    const messages = (validate: typeof compiled): (string | null)[] => (validate(options) ? [] : (validate.errors ?? []).map((e) => formatSchemaError(e, options, 'options')));
    const lines = messages(prebuilt);
    assert.ok(lines.some((line) => line !== null));
    assert.equal(lines, messages(compiled));
    assert.equal(lines, messages(inline));
  });
}

test.run();
