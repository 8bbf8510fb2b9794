import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLlmloadError } from '../../core/errors.js';
import { DEFAULTS } from '../../core/options/defaults.js';
import { validateOptions } from '../../core/options/validate.js';

const VALID_EXECUTORS =
  'shared-iterations, per-vu-iterations, constant-vus, ramping-vus, concurrency-sweep, constant-arrival-rate, ramping-arrival-rate, rate-sweep, capacity-search';

/** The error validateOptions throws for `raw`: its code, message and one line per problem. */
function rejection(raw: unknown, source?: string): { code: string; exitCode: number; message: string; details: readonly string[] } {
  try {
    validateOptions(raw, source);
  } catch (error) {
    if (!isLlmloadError(error)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message, details: error.details };
  }
  assert.unreachable('expected validateOptions to throw');
  throw new Error('unreachable');
}

/** Only the problem lines. */
function problems(raw: unknown, source?: string): readonly string[] {
  return rejection(raw, source).details;
}

test('unknown key, with did-you-mean', () => {
  const error = rejection({ scenarios: { sweep: { executor: 'concurrency-sweep', levles: [1, 2], duration: '1m' } } });
  assert.is(error.code, 'LL_ERR_INVALID_OPTIONS');
  assert.is(error.exitCode, 104);
  assert.is(error.message, 'invalid options (2 problems)');
  assert.equal(error.details, ['options.scenarios.sweep.levels: is required', 'options.scenarios.sweep.levles: unknown option (did you mean "levels"?)']);
});

test('unknown keys at the top level and in nested objects', () => {
  assert.equal(problems({ scenario: {}, threshold: {}, target: { modle: 'm' }, request: { timout: '1s' }, colour: 'red' }), [
    'options.scenario: unknown option (did you mean "scenarios"?)',
    'options.threshold: unknown option (did you mean "thresholds"?)',
    'options.colour: unknown option',
    'options.target.modle: unknown option (did you mean "model"?)',
    'options.request.timout: unknown option (did you mean "timeout"?)',
  ]);
});

test('a key of another executor says which executors it belongs to', () => {
  assert.equal(problems({ scenarios: { steady: { executor: 'constant-vus', duration: '1m', iterations: 10 } } }), [
    'options.scenarios.steady.iterations: unknown option for executor "constant-vus" (iterations belongs to shared-iterations, per-vu-iterations, concurrency-sweep)',
  ]);
});

test('bad duration deep in stages', () => {
  const error = rejection({
    scenarios: {
      ramp: {
        executor: 'ramping-vus',
        stages: [
          { duration: '30s', target: 10 },
          { duration: '10x', target: 5 },
        ],
      },
    },
  });
  assert.is(error.message, 'invalid options (1 problem)');
  assert.equal(error.details, ['options.scenarios.ramp.stages[1].duration: "10x" is not a duration (expected e.g. "30s", "1m30s", "500ms")']);
});

test('negative and mistyped durations', () => {
  assert.equal(problems({ duration: -5 }), ["options.duration: -5 is not a duration (durations can't be negative)"]);
  assert.equal(problems({ duration: true }), ['options.duration: expected a duration like "30s" or a number of milliseconds, got true (boolean)']);
  assert.equal(problems({ request: { timeout: '' } }), ['options.request.timeout: "" is not a duration (expected e.g. "30s", "1m30s", "500ms")']);
});

test('unknown executor lists the valid ones and suggests the closest', () => {
  assert.equal(problems({ scenarios: { a: { executor: 'ramping-vu' }, b: { executor: 'soak' } } }), [
    `options.scenarios.a.executor: unknown executor "ramping-vu" (did you mean "ramping-vus"?); valid: ${VALID_EXECUTORS}`,
    `options.scenarios.b.executor: unknown executor "soak"; valid: ${VALID_EXECUTORS}`,
  ]);
});

test('an executor k6 has and llmload does not yet is "not supported yet"', () => {
  assert.equal(problems({ scenarios: { ext: { executor: 'externally-controlled' } } }), [
    `options.scenarios.ext.executor: executor "externally-controlled" is not supported yet (valid: ${VALID_EXECUTORS})`,
  ]);
});

test('a scenario without executor, or not an object', () => {
  assert.equal(problems({ scenarios: { a: { vus: 1 }, b: 'constant-vus', c: { executor: 5 } } }), [
    `options.scenarios.a.executor: is required (one of ${VALID_EXECUTORS})`,
    'options.scenarios.b: expected a scenario like { executor: "constant-vus", vus: 10, duration: "30s" }, got "constant-vus" (string)',
    'options.scenarios.c.executor: expected the name of an executor, got 5 (number)',
  ]);
});

test('every problem is reported at once, schema and semantic together', () => {
  const error = rejection({
    vus: '10',
    thresholds: { llm_ttft: 'p(95)<500', 'llm_ttft{level:10}': ['p(95)<2000', 5, { threshold: 'p(99)<3000', abortOnFial: true }] },
    scenarios: {
      sweep: { executor: 'concurrency-sweep', levels: [1, 2, 2, 0], duration: '1m' },
      smoke: { executor: 'shared-iterations', vus: 5, iterations: 3 },
      steady: { executor: 'constant-vus', vus: 0, duration: '0s' },
      'my scenario': { executor: 'per-vu-iterations' },
    },
    target: { url: 'localhost:8000' },
    summaryTrendStats: ['avg', 'p99', 'p(99.9)', 'p(101)'],
  });
  assert.is(error.message, 'invalid options (14 problems)');
  assert.equal(error.details, [
    'options.vus: expected a whole number ≥ 0, got "10" (string)',
    'options.scenarios.sweep.levels[3]: expected a whole number ≥ 1, got 0 (number)',
    'options.scenarios.sweep.levels: 2 is listed twice (at [1] and [2])',
    'options.thresholds.llm_ttft: expected a list of thresholds like ["p(95)<500"], got "p(95)<500" (string)',
    'options.thresholds["llm_ttft{level:10}"][1]: expected a threshold like "p(95)<500" or { threshold: "p(95)<500", abortOnFail: true }, got 5 (number)',
    'options.thresholds["llm_ttft{level:10}"][2].abortOnFial: unknown option (did you mean "abortOnFail"?)',
    'options.vus: cannot be used together with options.scenarios (move it into a scenario)',
    'options.scenarios.smoke.iterations: 3 is less than the number of VUs (5); each VU needs at least one iteration',
    'options.scenarios.steady.vus: constant-vus needs at least 1 VU, got 0',
    'options.scenarios.steady.duration: must be more than 0',
    'options.scenarios["my scenario"]: a scenario name may contain only letters, digits, "_" and "-"',
    'options.target.url: expected an http:// or https:// URL, got "localhost:8000" (string)',
    'options.summaryTrendStats[1]: "p99" is not a trend statistic (expected avg, min, med, max, count or p(N) with N from 0 to 100)',
    'options.summaryTrendStats[3]: "p(101)" is not a trend statistic (expected avg, min, med, max, count or p(N) with N from 0 to 100)',
  ]);
});

test('shortcut options conflict with scenarios, naming both', () => {
  const scenarios = { steady: { executor: 'constant-vus', duration: '1m' } };
  assert.equal(problems({ duration: '30s', scenarios }), ['options.duration: cannot be used together with options.scenarios (move it into a scenario)']);
  assert.equal(problems({ vus: 5, iterations: 10, stages: [{ duration: '1s', target: 1 }], scenarios }), [
    'options.vus: cannot be used together with options.scenarios (move it into a scenario)',
    'options.iterations: cannot be used together with options.scenarios (move it into a scenario)',
    'options.stages: cannot be used together with options.scenarios (move it into a scenario)',
  ]);
  assert.equal(problems({ duration: '30s', iterations: 5, stages: [{ duration: '10s', target: 5 }] }), [
    'options.iterations: cannot be used together with options.stages',
    'options.duration: cannot be used together with options.stages',
  ]);
});

test('empty stages count as not set, as in k6', () => {
  const resolved = validateOptions({ stages: [], duration: '10s', vus: 2 });
  assert.equal(Object.keys(resolved.scenarios), ['default']);
  assert.is(resolved.scenarios['default']?.executor, 'constant-vus');
});

test('shortcut problems point at the top-level options', () => {
  assert.equal(problems({ vus: 0, duration: '0' }), ['options.vus: constant-vus needs at least 1 VU, got 0', 'options.duration: must be more than 0']);
  assert.equal(problems({ vus: 10, iterations: 4 }), ['options.iterations: 4 is less than the number of VUs (10); each VU needs at least one iteration']);
  assert.equal(problems({ vus: 0, stages: [{ duration: '10s', target: 0 }] }), ['options.stages: every target is 0 and so is options.vus; no VU would ever run']);
});

test('concurrency-sweep needs exactly one of duration and iterations', () => {
  assert.equal(problems({ scenarios: { s: { executor: 'concurrency-sweep', levels: [1, 2] } } }), [
    'options.scenarios.s: needs one of duration (time per level), iterations (requests per level) or iterationsPerVu (requests per VU)',
  ]);
  assert.equal(problems({ scenarios: { s: { executor: 'concurrency-sweep', levels: [1, 2], duration: '1m', iterations: 10 } } }), [
    'options.scenarios.s: takes one of duration (time per level), iterations (requests per level) or iterationsPerVu (requests per VU), not several',
  ]);
  assert.equal(problems({ scenarios: { s: { executor: 'concurrency-sweep', levels: [1, 10], iterations: 5 } } }), [
    'options.scenarios.s.iterations: 5 is less than the highest level (10); every VU of a level needs at least one request',
  ]);
  assert.equal(problems({ scenarios: { s: { executor: 'concurrency-sweep', levels: [], duration: '1m', maxDuration: '5m' } } }), [
    'options.scenarios.s.levels: expected a non-empty list of concurrency levels like [1, 2, 5, 10], got [] (array)',
  ]);
  assert.equal(problems({ scenarios: { s: { executor: 'concurrency-sweep', levels: [1], duration: '1m', maxDuration: '5m' } } }), [
    'options.scenarios.s.maxDuration: only applies with iterations; with duration each level runs exactly that long',
  ]);
  assert.equal(problems({ scenarios: { s: { executor: 'concurrency-sweep', levels: [1.5, '2'], duration: '1m' } } }), [
    'options.scenarios.s.levels[0]: expected a whole number ≥ 1, got 1.5 (number)',
    'options.scenarios.s.levels[1]: expected a whole number ≥ 1, got "2" (string)',
  ]);
});

test('vus must be whole numbers ≥ 0 and iterations ≥ 1', () => {
  assert.equal(problems({ vus: -1, iterations: 0 }), [
    'options.vus: expected a whole number ≥ 0, got -1 (number)',
    'options.iterations: expected a whole number ≥ 1, got 0 (number)',
  ]);
  assert.equal(problems({ vus: Number.NaN }), ['options.vus: expected a whole number ≥ 0, got NaN (number)']);
  assert.equal(problems({ scenarios: { r: { executor: 'ramping-vus', startVUs: 2.5, stages: [{ duration: '1s', target: -1 }] } } }), [
    'options.scenarios.r.startVUs: expected a whole number ≥ 0, got 2.5 (number)',
    'options.scenarios.r.stages[0].target: expected a whole number ≥ 0, got -1 (number)',
  ]);
});

test('iteration executors need VUs and a maxDuration above 0', () => {
  assert.equal(
    problems({
      scenarios: {
        shared: { executor: 'shared-iterations', vus: 0, iterations: 5, maxDuration: '0s' },
        each: { executor: 'per-vu-iterations', vus: 0, maxDuration: 0 },
      },
    }),
    [
      'options.scenarios.shared.vus: shared-iterations needs at least 1 VU, got 0',
      'options.scenarios.shared.maxDuration: must be more than 0',
      'options.scenarios.each.vus: per-vu-iterations needs at least 1 VU, got 0',
      'options.scenarios.each.maxDuration: must be more than 0',
    ],
  );
});

test('a scenario the schema faulted gets no executor checks on top', () => {
  // iterations < vus would be reported too if the scenario's values could be trusted.
  assert.equal(problems({ scenarios: { s: { executor: 'shared-iterations', vus: 5, iterations: 2, maxDuration: '1x' } } }), [
    'options.scenarios.s.maxDuration: "1x" is not a duration (expected e.g. "30s", "1m30s", "500ms")',
  ]);
});

test('stages need a duration and a target', () => {
  assert.equal(problems({ stages: [{ target: 5 }, { duration: '1s', target: 5, vus: 1 }] }), ['options.stages[0].duration: is required', 'options.stages[1].vus: unknown option']);
  assert.equal(problems({ scenarios: { r: { executor: 'ramping-vus', stages: [] } } }), [
    'options.scenarios.r.stages: expected a list of stages like [{ duration: "30s", target: 10 }], got [] (array)',
  ]);
  assert.equal(problems({ scenarios: { r: { executor: 'ramping-vus', stages: [{ duration: 0, target: 5 }] } } }), [
    "options.scenarios.r.stages: the stages' durations add up to 0; nothing would run",
  ]);
});

test("a threshold's own inconclusive policy wins over options.inconclusive, which defaults to fail", () => {
  const thresholds = { llm_request_failed: ['rate<0.01', { threshold: 'rate<0.02', inconclusive: 'fail' as const }, { threshold: 'rate<0.05', inconclusive: 'pass' as const }] };
  assert.equal(
    validateOptions({ thresholds }).thresholds['llm_request_failed']!.map((t) => t.inconclusive),
    ['fail', 'fail', 'pass'],
  );
  assert.equal(
    validateOptions({ thresholds, inconclusive: 'pass' }).thresholds['llm_request_failed']!.map((t) => t.inconclusive),
    ['pass', 'fail', 'pass'],
  );
  assert.equal(problems({ inconclusive: 'maybe', thresholds: { x: [{ threshold: 'rate<0.1', inconclusive: 'sometimes' }] } }).length, 2);
});

test('threshold values are lists of strings or threshold objects', () => {
  const resolved = validateOptions({
    thresholds: {
      llm_ttft: ['p(95)<500', { threshold: 'p(99)<900', abortOnFail: true, delayAbortEval: '10s' }],
      'llm_request_failed{scenario:sweep}': [{ threshold: 'rate<0.01' }],
      checks: [],
    },
  });
  assert.equal(resolved.thresholds, {
    llm_ttft: [
      { threshold: 'p(95)<500', abortOnFail: false, delayAbortEvalMs: 0, inconclusive: 'fail' },
      { threshold: 'p(99)<900', abortOnFail: true, delayAbortEvalMs: 10_000, inconclusive: 'fail' },
    ],
    'llm_request_failed{scenario:sweep}': [{ threshold: 'rate<0.01', abortOnFail: false, delayAbortEvalMs: 0, inconclusive: 'fail' }],
    checks: [],
  });
  assert.equal(problems({ thresholds: { x: [{ abortOnFail: 'yes' }, { threshold: '' }] } }), [
    'options.thresholds.x[0].threshold: is required',
    'options.thresholds.x[0].abortOnFail: expected true or false, got "yes" (string)',
    'options.thresholds.x[1].threshold: expected a threshold expression like "p(95)<500", got "" (string)',
  ]);
});

test('the source name roots every path', () => {
  assert.equal(problems({ vus: -1 }, 'llmload.json'), ['llmload.json.vus: expected a whole number ≥ 0, got -1 (number)']);
});

test('options that are not an object', () => {
  assert.equal(problems(5), ['options: expected an object, got 5 (number)']);
  assert.equal(problems([]), ['options: expected an object, got [] (array)']);
  assert.equal(problems(null), ['options: expected an object, got null']);
});

test("no options: defaults everywhere and k6's 1 VU × 1 iteration", () => {
  const resolved = validateOptions(undefined);
  assert.equal(resolved, {
    target: { url: undefined, model: undefined, apiKeyEnv: 'OPENAI_API_KEY', headers: {} },
    request: { timeoutMs: 600_000, stallTimeoutMs: 60_000, stream: true },
    simulator: { preset: 'fast', timeScale: 1, config: {} },
    scenarios: {
      default: {
        executor: 'per-vu-iterations',
        startTimeMs: 0,
        gracefulStopMs: 30_000,
        exec: 'default',
        tags: {},
        env: {},
        vus: 1,
        iterations: 1,
        maxDurationMs: 600_000,
      },
    },
    thresholds: {},
    noThresholds: false,
    tags: {},
    environment: {},
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    setupTimeoutMs: 60_000,
    teardownTimeoutMs: 60_000,
    workers: null,
    slo: null,
    tokenizer: null,
    datasets: {},
    telemetry: { enabled: true, dcgm: [], prometheus: [], nvidiaSmi: 'auto', intervalMs: 1000, idleBaselineMs: 0, simulator: true },
  });
  assert.equal(validateOptions({}), resolved);
  assert.equal(validateOptions({ scenarios: {} }), resolved);
});

test('defaults apply per scenario and durations become milliseconds', () => {
  const resolved = validateOptions({
    target: { url: 'http://127.0.0.1:8000', model: 'qwen', headers: { 'x-team': 'perf' } },
    request: { timeout: '2m', stream: false },
    setupTimeout: '5s',
    scenarios: {
      sweep: { executor: 'concurrency-sweep', levels: [1, 2, 5, 10], duration: '60s', gracefulStop: '10s', tags: { kind: 'sweep' } },
      ramp: {
        executor: 'ramping-vus',
        startTime: '5m',
        stages: [
          { duration: '1m30s', target: 10 },
          { duration: 500, target: 0 },
        ],
        exec: 'ramp',
        env: { MODE: 'ramp' },
      },
      batch: { executor: 'concurrency-sweep', levels: [4], iterations: 40 },
    },
  });
  assert.equal(resolved.target, { url: 'http://127.0.0.1:8000', model: 'qwen', apiKeyEnv: 'OPENAI_API_KEY', headers: { 'x-team': 'perf' } });
  assert.equal(resolved.request, { timeoutMs: 120_000, stallTimeoutMs: 60_000, stream: false });
  assert.is(resolved.setupTimeoutMs, 5_000);
  assert.equal(resolved.scenarios, {
    sweep: {
      executor: 'concurrency-sweep',
      startTimeMs: 0,
      gracefulStopMs: 10_000,
      exec: 'default',
      tags: { kind: 'sweep' },
      env: {},
      levels: [1, 2, 5, 10],
      perLevel: { mode: 'duration', durationMs: 60_000 },
    },
    ramp: {
      executor: 'ramping-vus',
      startTimeMs: 300_000,
      gracefulStopMs: 30_000,
      exec: 'ramp',
      tags: {},
      env: { MODE: 'ramp' },
      startVUs: 1,
      stages: [
        { durationMs: 90_000, target: 10 },
        { durationMs: 500, target: 0 },
      ],
      gracefulRampDownMs: 30_000,
    },
    batch: {
      executor: 'concurrency-sweep',
      startTimeMs: 0,
      gracefulStopMs: 30_000,
      exec: 'default',
      tags: {},
      env: {},
      levels: [4],
      perLevel: { mode: 'iterations', iterations: 40, maxDurationMs: 600_000 },
    },
  });
  assert.equal(Object.keys(resolved.scenarios), ['sweep', 'ramp', 'batch']);
});

test('undefined values count as not set (url: process.env.LLM_URL)', () => {
  const resolved = validateOptions({ target: { url: undefined, model: undefined }, vus: undefined, duration: '10s' });
  assert.is(resolved.target.url, undefined);
  assert.is(resolved.scenarios['default']?.executor, 'constant-vus');
});

test('shortcuts become one scenario named "default", by k6\'s rules', () => {
  const only = (raw: object): unknown => {
    const { scenarios } = validateOptions(raw);
    assert.equal(Object.keys(scenarios), ['default']);
    const { startTimeMs, gracefulStopMs, exec, tags, env, ...own } = scenarios['default']!;
    assert.equal({ startTimeMs, gracefulStopMs, exec, tags, env }, { startTimeMs: 0, gracefulStopMs: 30_000, exec: 'default', tags: {}, env: {} });
    return own;
  };
  assert.equal(only({ vus: 10, duration: '30s' }), { executor: 'constant-vus', vus: 10, durationMs: 30_000 });
  assert.equal(only({ duration: '30s' }), { executor: 'constant-vus', vus: 1, durationMs: 30_000 });
  assert.equal(only({ vus: 5, iterations: 20 }), { executor: 'shared-iterations', vus: 5, iterations: 20, maxDurationMs: 600_000 });
  assert.equal(only({ vus: 5, iterations: 20, duration: '1m' }), { executor: 'shared-iterations', vus: 5, iterations: 20, maxDurationMs: 60_000 });
  assert.equal(only({ iterations: 3 }), { executor: 'shared-iterations', vus: 1, iterations: 3, maxDurationMs: 600_000 });
  assert.equal(only({ vus: 4 }), { executor: 'shared-iterations', vus: 4, iterations: 4, maxDurationMs: 600_000 });
  assert.equal(only({ stages: [{ duration: '10s', target: 5 }] }), {
    executor: 'ramping-vus',
    startVUs: 1,
    stages: [{ durationMs: 10_000, target: 5 }],
    gracefulRampDownMs: 30_000,
  });
  assert.equal(only({ vus: 3, stages: [{ duration: '10s', target: 5 }] }), {
    executor: 'ramping-vus',
    startVUs: 3,
    stages: [{ durationMs: 10_000, target: 5 }],
    gracefulRampDownMs: 30_000,
  });
  assert.equal(only({}), { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 });
});

test("the result is deep-frozen and does not share the input's objects", () => {
  const input = {
    tags: { team: 'perf' },
    simulator: { config: { maxNumSeqs: 8, nested: { a: 1 } } },
    scenarios: { ramp: { executor: 'ramping-vus', stages: [{ duration: '1s', target: 2 }] } },
  };
  const resolved = validateOptions(input);
  assert.ok(Object.isFrozen(resolved));
  assert.ok(Object.isFrozen(resolved.tags));
  assert.ok(Object.isFrozen(resolved.scenarios));
  assert.ok(Object.isFrozen(resolved.scenarios['ramp']));
  const ramp = resolved.scenarios['ramp'];
  assert.ok(ramp?.executor === 'ramping-vus' && Object.isFrozen(ramp.stages) && Object.isFrozen(ramp.stages[0]));
  assert.ok(Object.isFrozen(resolved.simulator.config['nested']));
  assert.ok(Object.isFrozen(resolved.summaryTrendStats));
  assert.throws(() => {
    (resolved.tags as Record<string, string>)['team'] = 'other';
  }, TypeError);
  // The script's own objects stay writable.
  assert.not.ok(Object.isFrozen(input.tags));
  assert.not.ok(Object.isFrozen(input.simulator.config.nested));
  input.tags.team = 'changed';
  assert.is(resolved.tags['team'], 'perf');
});

test('the defaults object is frozen and holds the documented values', () => {
  assert.ok(Object.isFrozen(DEFAULTS) && Object.isFrozen(DEFAULTS.scenario) && Object.isFrozen(DEFAULTS.summaryTrendStats));
  assert.equal(
    {
      gracefulStopMs: DEFAULTS.scenario.gracefulStopMs,
      gracefulRampDownMs: DEFAULTS.scenario.gracefulRampDownMs,
      maxDurationMs: DEFAULTS.scenario.maxDurationMs,
      startTimeMs: DEFAULTS.scenario.startTimeMs,
      timeoutMs: DEFAULTS.request.timeoutMs,
      stallTimeoutMs: DEFAULTS.request.stallTimeoutMs,
      setupTimeoutMs: DEFAULTS.setupTimeoutMs,
      teardownTimeoutMs: DEFAULTS.teardownTimeoutMs,
    },
    {
      gracefulStopMs: 30_000,
      gracefulRampDownMs: 30_000,
      maxDurationMs: 600_000,
      startTimeMs: 0,
      timeoutMs: 600_000,
      stallTimeoutMs: 60_000,
      setupTimeoutMs: 60_000,
      teardownTimeoutMs: 60_000,
    },
  );
});

test('timeouts must be more than 0', () => {
  assert.equal(problems({ request: { timeout: 0, stallTimeout: '0s' }, setupTimeout: '0', teardownTimeout: 0 }), [
    'options.request.timeout: must be more than 0',
    'options.request.stallTimeout: must be more than 0',
    'options.setupTimeout: must be more than 0',
    'options.teardownTimeout: must be more than 0',
  ]);
});

test('simulator options', () => {
  assert.equal(problems({ simulator: { preset: '', timeScale: 0, config: [] } }), [
    'options.simulator.preset: expected a non-empty string, got "" (string)',
    'options.simulator.timeScale: expected a number > 0, got 0 (number)',
    'options.simulator.config: expected an object of simulator settings, got [] (array)',
  ]);
  assert.equal(problems({ simulator: { config: { f: () => 1 } } }), ['options.simulator.config: must hold plain data only (numbers, strings, booleans, lists, objects)']);
});

test.run();
