import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLlmloadError, type LlmloadError } from '../../core/errors.js';
import { compare, parseThresholdExpression } from '../../core/thresholds/parse-expression.js';
import { parseThresholds, validateThresholdTypes } from '../../core/thresholds/parse-thresholds.js';

function parseError(input: unknown): LlmloadError {
  try {
    parseThresholds(input);
  } catch (error) {
    if (isLlmloadError(error)) return error;
    throw error;
  }
  throw new Error('expected a THRESHOLD_SYNTAX error');
}

test('every aggregation and operator parses, whitespace-tolerant', () => {
  const cases: Array<[string, string, number, string, number]> = [
    ['p(95)<500', 'p', 95, '<', 500],
    ['p(99.9)<=1000', 'p', 99.9, '<=', 1000],
    ['  p( 90 ) >   2e3 ', 'p', 90, '>', 2000],
    ['avg<200', 'avg', 0, '<', 200],
    ['min>=0', 'min', 0, '>=', 0],
    ['max < 30000', 'max', 0, '<', 30000],
    ['med<=.5', 'med', 0, '<=', 0.5],
    ['rate<0.01', 'rate', 0, '<', 0.01],
    ['count>10', 'count', 0, '>', 10],
    ['value<-1', 'value', 0, '<', -1],
    ['count==3', 'count', 0, '==', 3],
    ['count===3', 'count', 0, '===', 3],
    ['rate!=0', 'rate', 0, '!=', 0],
  ];
  for (const [text, method, percentile, operator, value] of cases) {
    const parsed = parseThresholdExpression(text);
    assert.ok(parsed.ok, text);
    if (!parsed.ok) continue;
    assert.equal([parsed.value.method, parsed.value.percentile, parsed.value.operator, parsed.value.value], [method, percentile, operator, value], text);
  }
  const p = parseThresholdExpression('p(99.9)<1');
  assert.is(p.ok && p.value.label, 'p(99.9)');
});

test('operators compare as k6 does', () => {
  assert.ok(compare(1, '<', 2));
  assert.not.ok(compare(2, '<', 2));
  assert.ok(compare(2, '<=', 2));
  assert.ok(compare(3, '>', 2));
  assert.ok(compare(2, '>=', 2));
  assert.ok(compare(2, '==', 2));
  assert.ok(compare(2, '===', 2));
  assert.ok(compare(2, '!=', 3));
  assert.not.ok(compare(2, '!=', 2));
});

test('string, object and resolved forms, with a lone threshold taken as a list', () => {
  const parsed = parseThresholds({
    llm_ttft: ['p(95)<500', { threshold: 'p(99)<1000', abortOnFail: true, delayAbortEval: '10s' }],
    'llm_ttft{level:10}': { threshold: 'avg<300', abortOnFail: false, delayAbortEvalMs: 0 },
    'checks{check:has xml}': 'rate>0.9',
    my_counter: ['p(95)<1'],
  });
  assert.equal(
    parsed.map((t) => [t.key, t.metric.key, t.index, t.source, t.expression.label, t.abortOnFail, t.delayAbortEvalMs]),
    [
      ['llm_ttft', 'llm_ttft', 0, 'p(95)<500', 'p(95)', false, null],
      ['llm_ttft', 'llm_ttft', 1, 'p(99)<1000', 'p(99)', true, 10_000],
      ['llm_ttft{level:10}', 'llm_ttft{level:10}', 0, 'avg<300', 'avg', false, 0],
      ['checks{check:has xml}', 'checks{check:has xml}', 0, 'rate>0.9', 'rate', false, null],
      ['my_counter', 'my_counter', 0, 'p(95)<1', 'p(95)', false, null],
    ],
  );
  assert.equal(parsed[3]?.metric.filter, [['check', 'has xml']]);
  assert.equal(parseThresholds(undefined), []);
});

test('an unparsable expression: exact message, code and exit code', () => {
  const error = parseError({ llm_ttft: ['p95<500'] });
  assert.is(error.code, 'LL_ERR_THRESHOLD_SYNTAX');
  assert.is(error.exitCode, 104);
  assert.is(error.message, 'thresholds["llm_ttft"][0]: "p95<500" is not a threshold expression (expected e.g. "p(95)<500")');
  assert.equal(error.details, [error.message]);
  assert.ok(error.hint?.includes('"p(95)<500"'));
});

test('each kind of bad expression has its own message; all are reported at once', () => {
  const error = parseError({
    llm_ttft: ['p(95)<fast', 'p(101)<5', 'p(95)', 'avg=>5', 'average<5'],
    llm_requests: ['p(95)<10', 'count>10'],
    llm_request_failed: ['avg<0.1', 'ratio<1'],
    vus: ['max<10'],
    llm_output_token_throughput: ['rate>5', 'value>5'],
  });
  assert.is(error.message, '10 thresholds are invalid');
  assert.equal(error.details, [
    'thresholds["llm_ttft"][0]: "p(95)<fast" compares with "fast", which is not a number (expected e.g. "p(95)<500")',
    'thresholds["llm_ttft"][1]: "p(101)<5" asks for p(101); percentiles go from 0 to 100',
    'thresholds["llm_ttft"][2]: "p(95)" is not a threshold expression (expected e.g. "p(95)<500")',
    'thresholds["llm_ttft"][3]: "avg=>5" is not a threshold expression (expected e.g. "p(95)<500")',
    'thresholds["llm_ttft"][4]: "average<5" is not a threshold expression (expected e.g. "p(95)<500")',
    'thresholds["llm_requests"][0]: "p(95)<10" uses p(95), which a counter metric does not have (use count or rate)',
    'thresholds["llm_request_failed"][0]: "avg<0.1" uses avg, which a rate metric does not have (use rate)',
    'thresholds["llm_request_failed"][1]: "ratio<1" is not a threshold expression (expected e.g. "rate<0.01")',
    'thresholds["vus"][0]: "max<10" uses max, which a gauge metric does not have (use value)',
    'thresholds["llm_output_token_throughput"][0]: "rate>5" uses rate, which a gauge metric does not have (use value)',
  ]);
});

test('bad metric keys and bad object forms are reported with their path', () => {
  const error = parseError({
    'llm_ttft{level:10': ['p(95)<1'],
    'llm_ttft{level}': ['p(95)<1'],
    llm_e2e: [
      42,
      { threshold: 'p(95)<1', abortOnFail: 'yes' },
      { threshold: 'p(95)<1', delayAbortEval: 'soon' },
      { threshold: 'p(95)<1', abortOnFial: true },
      {},
      { threshold: 'p(95)<1', inconclusive: 'maybe' },
    ],
  });
  assert.equal(error.details, [
    'thresholds["llm_ttft{level:10"]: metric key has no closing "}" (expected e.g. "llm_ttft{level:10}")',
    'thresholds["llm_ttft{level}"]: tag filter "level" is not key:value (expected e.g. "llm_ttft{level:10}")',
    'thresholds["llm_e2e"][0]: expected a threshold like "p(95)<500" or { threshold: "p(95)<500", abortOnFail: true }, got number 42',
    'thresholds["llm_e2e"][1].abortOnFail: expected true or false, got "yes"',
    'thresholds["llm_e2e"][2].delayAbortEval: "soon" is not a duration (expected e.g. "30s", "1m30s", "500ms")',
    'thresholds["llm_e2e"][3]: unknown field "abortOnFial" (expected threshold, abortOnFail, delayAbortEval, inconclusive)',
    'thresholds["llm_e2e"][4].threshold: expected a threshold expression like "p(95)<500", got nothing',
    'thresholds["llm_e2e"][5].inconclusive: expected "pass" or "fail", got "maybe"',
  ]);
});

test('custom metric types are checked once known', () => {
  const parsed = parseThresholds({ my_counter: ['p(95)<1'], my_trend: ['p(95)<1'] });
  validateThresholdTypes(parsed, (name) => (name === 'my_trend' ? 'trend' : undefined));
  try {
    validateThresholdTypes(parsed, (name) => (name === 'my_counter' ? 'counter' : 'trend'));
    assert.unreachable('should throw');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.message, 'thresholds["my_counter"][0]: "p(95)<1" uses p(95), which a counter metric does not have (use count or rate)');
  }
});

test.run();
