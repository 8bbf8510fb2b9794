import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, ExitCode, isLlmloadError, type LlmloadError } from '../../core/errors.js';
import { planScenarios } from '../../core/executors/index.js';
import type { MetricType } from '../../core/metrics/types.js';
import { validateOptions } from '../../core/options/index.js';
import { checkThresholdTargets, planTagValues } from '../../core/thresholds/check-targets.js';
import { parseThresholds } from '../../core/thresholds/parse-thresholds.js';

/** Check the thresholds of `raw` options against their own plan; returns the error or null. */
function check(raw: Record<string, unknown>, declared: Record<string, MetricType> = {}): LlmloadError | null {
  const options = validateOptions(raw);
  try {
    checkThresholdTargets(parseThresholds(options.thresholds), {
      declaredMetrics: new Map(Object.entries(declared)),
      planTags: planTagValues(planScenarios(options), options),
    });
    return null;
  } catch (error) {
    if (isLlmloadError(error)) return error;
    throw error;
  }
}

const sweep = { sweep: { executor: 'concurrency-sweep', levels: [2, 4, 8], iterationsPerVu: 1 } };

test('a misspelt built-in metric is LL_ERR_THRESHOLD_UNKNOWN (exit 104) with a suggestion', () => {
  const error = check({ scenarios: sweep, thresholds: { llm_ttf: ['p(95)<500'] } });
  assert.ok(error);
  assert.is(error.code, ErrorCode.THRESHOLD_UNKNOWN);
  assert.is(error.exitCode, ExitCode.INVALID_CONFIG);
  assert.match(error.message, 'thresholds["llm_ttf"]: no metric named "llm_ttf" — did you mean "llm_ttft"?');
  assert.match(error.message, 'declares when it loads');
});

test('custom metrics declared at load time are known; others are refused with the rule', () => {
  assert.is(check({ scenarios: sweep, thresholds: { my_t: ['p(95)<5'] } }, { my_t: 'trend' }), null);
  const error = check({ scenarios: sweep, thresholds: { my_tt: ['p(95)<5'] } }, { my_t: 'trend' });
  assert.ok(error);
  assert.match(error.message, 'did you mean "my_t"?');
  assert.match(error.message, 'new Trend("my_tt")');
  assert.match(error.message, 'inside the default function is not known before the test starts');
});

test('an aggregation a declared custom metric lacks is a syntax error before the start', () => {
  const error = check({ scenarios: sweep, thresholds: { my_c: ['p(95)<5'] } }, { my_c: 'counter' });
  assert.ok(error);
  assert.is(error.code, ErrorCode.THRESHOLD_SYNTAX);
  assert.match(error.message, 'which a counter metric does not have');
});

test('a sweep level the plan never runs is refused, listing the levels', () => {
  assert.is(check({ scenarios: sweep, thresholds: { 'llm_ttft{level:4}': ['p(95)<500'] } }), null);
  const error = check({ scenarios: sweep, thresholds: { 'llm_ttft{level:3}': ['p(95)<500'] } });
  assert.ok(error);
  assert.is(error.message, 'thresholds["llm_ttft{level:3}"]: level "3" never occurs in this run (its levels are 2, 4, 8)');
});

test('a level filter without a concurrency sweep names the executor that tags levels', () => {
  const error = check({ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s' } }, thresholds: { 'llm_ttft{level:1}': ['p(95)<500'] } });
  assert.ok(error);
  assert.match(error.message, 'no scenario of this run tags requests with level (concurrency-sweep and capacity-search scenarios tag requests with their level)');
});

test('stages: ramping-vus and ramping-arrival-rate tag 0-based stage indexes', () => {
  const ramp = {
    r: {
      executor: 'ramping-vus',
      stages: [
        { duration: '1s', target: 2 },
        { duration: '1s', target: 0 },
      ],
    },
  };
  assert.is(check({ scenarios: ramp, thresholds: { 'llm_ttft{stage:1}': ['p(95)<500'] } }), null);
  const error = check({ scenarios: ramp, thresholds: { 'llm_ttft{stage:2}': ['p(95)<500'] } });
  assert.match(error?.message ?? '', 'stage "2" never occurs in this run (its stages are 0, 1)');
  const open = {
    r: {
      executor: 'ramping-arrival-rate',
      preAllocatedVUs: 1,
      stages: [
        { duration: '1s', target: 2 },
        { duration: '1s', target: 1 },
        { duration: '1s', target: 0 },
      ],
    },
  };
  assert.is(check({ scenarios: open, thresholds: { 'llm_ttft{stage:2}': ['p(95)<500'] } }), null);
  assert.ok(check({ scenarios: open, thresholds: { 'llm_ttft{stage:3}': ['p(95)<500'] } }));
});

test('scenario names are checked; rate-sweep accepts its measurement phases and rates as tagged', () => {
  const error = check({ scenarios: sweep, thresholds: { 'llm_ttft{scenario:swep}': ['p(95)<500'] } });
  assert.match(error?.message ?? '', 'scenario "swep" never occurs in this run (its scenarios are sweep)');
  const rates = { rs: { executor: 'rate-sweep', rates: 3, duration: '1s', preAllocatedVUs: 1, maxVUs: 4 } };
  for (const rate of ['synchronous', 'throughput', '12.5', '3']) {
    assert.is(check({ scenarios: rates, thresholds: { [`llm_ttft{rate:${rate}}`]: ['p(95)<500'] } }), null, rate);
  }
  assert.match(check({ scenarios: rates, thresholds: { 'llm_ttft{rate:12.50}': ['p(95)<500'] } })?.message ?? '', '3 significant digits');
  assert.match(check({ scenarios: sweep, thresholds: { 'llm_ttft{rate:5}': ['p(95)<500'] } })?.message ?? '', 'rate-sweep scenarios tag requests');
});

test('a tag key within a typo of a plan tag is refused with a suggestion; other keys are not checked', () => {
  const error = check({ scenarios: sweep, thresholds: { 'llm_ttft{levl:3}': ['p(95)<1'] } });
  assert.match(error?.message ?? '', 'thresholds["llm_ttft{levl:3}"]: unknown tag "levl" — did you mean "level"?');
  for (const key of ['group', 'failure', 'window', 'name', 'model_size']) {
    assert.is(check({ scenarios: sweep, thresholds: { [`llm_ttft{${key}:x}`]: ['p(95)<500'] } }), null, key);
  }
  // A key the options declare as a tag is the user's own, even when it looks like a typo.
  assert.is(check({ scenarios: sweep, tags: { state: 'ok' }, thresholds: { 'llm_ttft{state:ok}': ['p(95)<500'] } }), null);
});

test('every problem is listed in one error', () => {
  const error = check({
    scenarios: sweep,
    thresholds: { llm_ttf: ['p(95)<500'], http_req_duration: ['p(95)<500'], 'llm_ttft{levl:3}': ['p(95)<1'] },
  });
  assert.ok(error);
  assert.is(error.message, '3 thresholds can never be evaluated');
  assert.is(error.details.length, 3);
  assert.match(error.details[1]!, 'no metric named "http_req_duration" — did you mean "llm_e2e"?');
});

test('a capacity search chooses its loads as it runs: a threshold on any positive level is accepted', () => {
  const search = { cap: { executor: 'capacity-search', start: 1, max: 64, probeDuration: '1s' } };
  assert.is(check({ slo: { e2e: 1000 }, scenarios: search, thresholds: { 'llm_e2e{level:40}': ['p(95)<500'], llm_capacity: ['value>=40'] } }), null);
  assert.match(check({ slo: { e2e: 1000 }, scenarios: search, thresholds: { 'llm_e2e{level:none}': ['p(95)<500'] } })?.message ?? '', 'level "none" never occurs');
});

test.run();
