import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { abortMessage, ThresholdRunner } from '../../core/thresholds/evaluate.js';
import { parseThresholds } from '../../core/thresholds/parse-thresholds.js';
import { makeFailure, makeRecord } from '../helpers/record-fixture.js';

function runner(spec: Parameters<typeof parseThresholds>[0], registry = new MetricsRegistry()): { registry: MetricsRegistry; runner: ThresholdRunner } {
  return { registry, runner: new ThresholdRunner(parseThresholds(spec), registry) };
}

test('thresholds compare the aggregated value; results carry what was observed', () => {
  const { registry, runner: r } = runner({
    llm_ttft: ['p(95)<500', 'avg>1000'],
    // 1 failure in 4 cannot show a rate under 50 % at 95 % (inconclusive, tested below); this test is about the value compared.
    llm_request_failed: [{ threshold: 'rate<0.5', inconclusive: 'pass' }],
    llm_requests: ['count>=3', 'rate>10'],
  });
  for (const ttft of [100, 200, 300]) registry.addRecord(makeRecord({ ttftMs: ttft }));
  registry.addRecord(makeFailure('timeout'));
  const evaluation = r.evaluate(1000, { final: true });
  assert.equal(
    evaluation.results.map((x) => [x.metric, x.source, x.observed, x.ok]),
    [
      ['llm_ttft', 'p(95)<500', 290, true],
      ['llm_ttft', 'avg>1000', 200, false],
      ['llm_request_failed', 'rate<0.5', 0.25, true],
      ['llm_requests', 'count>=3', 4, true],
      ['llm_requests', 'rate>10', 4, false],
    ],
  );
  assert.is(evaluation.ok, false);
  assert.is(evaluation.abort, false);
  assert.is(r.last, evaluation);
});

test('tag-filtered thresholds read their submetric', () => {
  const { registry, runner: r } = runner({
    'llm_ttft{level:10}': ['p(95)<2000'],
    'llm_ttft{level:1}': ['max<150'],
    'llm_output_token_throughput{level:10}': ['value>=10'],
  });
  registry.addRecord(makeRecord({ tags: { scenario: 'sweep', level: '1' }, ttftMs: 120 }));
  registry.addRecord(makeRecord({ tags: { scenario: 'sweep', level: '10' }, ttftMs: 2500, startedAt: 0, e2eMs: 1000, outputTokens: 9 }));
  registry.addRecord(makeRecord({ tags: { scenario: 'sweep', level: '10' }, ttftMs: 1500, startedAt: 0, e2eMs: 1000, outputTokens: 9 }));
  const results = r.evaluate(5000, { final: true }).results;
  assert.equal(
    results.map((x) => [x.metric, x.observed, x.ok]),
    [
      ['llm_ttft{level:10}', 2450, false],
      ['llm_ttft{level:1}', 120, true],
      ['llm_output_token_throughput{level:10}', 18, true],
    ],
  );
});

test('checks thresholds by check name', () => {
  // 3 passes in 4 cannot show a pass rate over 50 % at 95 %: let pass, so the value is what is compared (three-state is tested below).
  const { registry, runner: r } = runner({ 'checks{check:has xml}': ['rate>0.9'], checks: [{ threshold: 'rate>0.5', inconclusive: 'pass' }] });
  registry.addCheck('has xml', true);
  registry.addCheck('has xml', false);
  registry.addCheck('status', true);
  registry.addCheck('status', true);
  assert.equal(
    r.evaluate(1, { final: true }).results.map((x) => [x.observed, x.ok]),
    [
      [0.5, false],
      [0.75, true],
    ],
  );
});

test('no samples: skipped live; at the end trends/rates pass as no data, counters compare as 0', () => {
  const { runner: r } = runner({ llm_ttft: ['p(95)<500', 'avg>1'], llm_request_failed: ['rate<0.01'], llm_requests: ['count>0'], unused_custom: ['count>5'] });
  const live = r.evaluate(2000);
  assert.ok(live.results.every((x) => x.ok && x.noData && x.observed === null));
  const final = r.evaluate(2000, { final: true });
  assert.equal(
    final.results.map((x) => [x.source, x.ok, x.noData, x.observed]),
    [
      ['p(95)<500', true, true, null],
      ['avg>1', true, true, null],
      ['rate<0.01', true, true, null],
      ['count>0', false, false, 0],
      ['count>5', true, true, null],
    ],
  );
});

test('abortOnFail aborts only after delayAbortEval and never at the final evaluation', () => {
  const { registry, runner: r } = runner({
    llm_ttft: [{ threshold: 'p(95)<100', abortOnFail: true, delayAbortEval: '10s' }],
    llm_e2e: [{ threshold: 'p(95)<100', abortOnFail: false }],
  });
  registry.addRecord(makeRecord({ ttftMs: 400 }));
  const early = r.evaluate(9_000);
  assert.is(early.ok, false);
  assert.is(early.abort, false, 'within delayAbortEval');
  assert.is(r.evaluate(10_000).abort, false, 'k6 aborts only once delay < elapsed');
  const late = r.evaluate(10_001);
  assert.is(late.abort, true);
  assert.equal(
    late.abortedBy.map((x) => x.metric),
    ['llm_ttft'],
  );
  assert.is(abortMessage(late), 'stopping the test: threshold `llm_ttft p(95)<100` failed (observed p(95)=400 ms) and has abortOnFail');
  assert.is(r.evaluate(20_000, { final: true }).abort, false);
});

test('abortOnFail without a delay aborts at the first failing evaluation', () => {
  const { registry, runner: r } = runner({ llm_request_failed: [{ threshold: 'rate<0.1', abortOnFail: true }] });
  registry.addRecord(makeRecord());
  assert.is(r.evaluate(2000).abort, false);
  // 4 failures in 5: a failure rate over 10 % even at the low end of its 95 % interval.
  for (let i = 0; i < 4; i++) registry.addRecord(makeFailure('http_5xx'));
  assert.is(r.evaluate(4000).abort, true);
});

test('abortOnFail does not fire on a value past its limit whose interval still holds the limit', () => {
  const { registry, runner: r } = runner({ llm_request_failed: [{ threshold: 'rate<0.1', abortOnFail: true }] });
  registry.addRecord(makeRecord());
  registry.addRecord(makeFailure('http_5xx'));
  const live = r.evaluate(2000);
  assert.is(live.ok, false, 'live evaluation judges the value: 50 % is over 10 %');
  assert.is(live.results[0]!.state, undefined);
  assert.is(live.abort, false, '1 failure in 2 does not show a rate over 10 % at 95 %');
});

test('the final evaluation is three-state: a rate whose interval holds its limit is inconclusive and fails unless let pass', () => {
  const { registry, runner: r } = runner({
    llm_request_failed: ['rate<0.01', { threshold: 'rate<0.02', inconclusive: 'pass' }, 'rate<0.5'],
    llm_ttft: ['p(50)<100000', 'p(50)<1', 'avg<100000'],
  });
  for (let i = 0; i < 50; i++) registry.addRecord(makeRecord({ ttftMs: 100 + i }));
  const live = r.evaluate(2000);
  assert.ok(
    live.results.every((x) => x.state === undefined),
    'live evaluations judge values only',
  );
  assert.is(live.results[0]!.ok, true);
  const final = r.evaluate(2000, { final: true });
  assert.equal(
    final.results.map((x) => [x.source, x.state, x.ok]),
    [
      ['rate<0.01', 'inconclusive', false],
      ['rate<0.02', 'inconclusive', true],
      ['rate<0.5', 'pass', true],
      ['p(50)<100000', 'pass', true],
      ['p(50)<1', 'fail', false],
      ['avg<100000', 'pass', true],
    ],
  );
  const inconclusive = final.results[0]!;
  assert.is(inconclusive.interval!.confidence, 0.95);
  assert.ok(inconclusive.interval!.low === 0 && inconclusive.interval!.high > 0.06, JSON.stringify(inconclusive));
  // Wilson's upper bound for 0 in n is ~z²/(n+z²): under 1 % from n ≈ 380, so about 330 more than the 50.
  assert.ok(inconclusive.moreRequests! > 250 && inconclusive.moreRequests! < 450, JSON.stringify(inconclusive));
  assert.ok(final.results[3]!.interval !== null, 'a median of 50 has an order-statistic interval');
  assert.is(final.results[5]!.interval, null, 'an average is exact over what ran');
  assert.is(final.ok, false);
});

test('an aggregation a custom metric lacks fails with an error, without aborting', () => {
  const { registry, runner: r } = runner({ my_counter: [{ threshold: 'p(95)<1', abortOnFail: true }] });
  registry.addSample('my_counter', 'counter', 1);
  const evaluation = r.evaluate(5000);
  assert.equal(
    evaluation.results.map((x) => [x.ok, x.error]),
    [[false, 'p(95) is not available on the counter metric "my_counter"']],
  );
  assert.is(evaluation.abort, false);
});

test('thresholds make their metrics appear in the summary even without samples', () => {
  const { registry } = runner({ 'llm_ttft{level:10}': ['p(95)<1'], llm_e2e: ['p(95)<1'] });
  assert.is(registry.resolve('llm_ttft{level:10}')?.observed, true);
  assert.is(registry.resolve('llm_e2e')?.observed, true);
});

test.run();
