import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLlmloadError } from '../../core/errors.js';
import { TrendSink } from '../../core/metrics/trend-sink.js';
import { CounterSink, GaugeSink, RateSink } from '../../core/metrics/sinks.js';
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { makeFailure, makeRecord } from '../helpers/record-fixture.js';

function trend(registry: MetricsRegistry, key: string): TrendSink {
  const target = registry.resolve(key);
  if (target?.kind !== 'sink' || !(target.sink instanceof TrendSink)) throw new Error(`${key} is not a trend`);
  return target.sink;
}

function counter(registry: MetricsRegistry, key: string): CounterSink {
  const target = registry.resolve(key);
  if (target?.kind !== 'sink' || !(target.sink instanceof CounterSink)) throw new Error(`${key} is not a counter`);
  return target.sink;
}

function rate(registry: MetricsRegistry, key: string): RateSink {
  const target = registry.resolve(key);
  if (target?.kind !== 'sink' || !(target.sink instanceof RateSink)) throw new Error(`${key} is not a rate`);
  return target.sink;
}

test('a successful request feeds every LLM metric with METRICS.md definitions', () => {
  const registry = new MetricsRegistry();
  registry.addRecord(makeRecord({ connectMs: 3 }));
  assert.is(trend(registry, 'llm_ttft').avg, 100);
  assert.is(trend(registry, 'llm_ttfb').avg, 50);
  assert.is(trend(registry, 'llm_ttfc').avg, 100);
  assert.is(trend(registry, 'llm_e2e').avg, 500);
  assert.is(trend(registry, 'llm_itl').count, 4, 'one ITL sample per gap');
  assert.is(trend(registry, 'llm_itl').avg, 100);
  assert.is(trend(registry, 'llm_tpot').avg, 100, '(500 − 100) / (5 − 1)');
  assert.is(trend(registry, 'llm_output_tokens').avg, 5);
  assert.is(trend(registry, 'llm_input_tokens').avg, 10);
  assert.is(trend(registry, 'llm_output_tps').avg, 10, '5 tokens / 0.5 s');
  assert.is(trend(registry, 'llm_connecting').avg, 3);
  assert.is(counter(registry, 'llm_requests').count, 1);
  assert.is(rate(registry, 'llm_request_failed').rate, 0);
  assert.is(counter(registry, 'llm_requests_interrupted').count, 0);
});

test('TPOT = (E2E − TTFT) / (N − 1), and is left out when N ≤ 1', () => {
  const registry = new MetricsRegistry();
  registry.addRecord(makeRecord({ outputTokens: 11, ttftMs: 250, e2eMs: 1250 }));
  registry.addRecord(makeRecord({ outputTokens: 1, ttftMs: 80, e2eMs: 90, itlMs: [] }));
  const tpot = trend(registry, 'llm_tpot');
  assert.is(tpot.count, 1);
  assert.is(tpot.avg, 100);
  assert.is(trend(registry, 'llm_output_tps').count, 2, 'output tok/s exists for N = 1');
  assert.is(trend(registry, 'llm_output_tps').max, 1 / 0.09);
});

test('failures count in requests and the failure rate by class, never in latencies', () => {
  const registry = new MetricsRegistry();
  registry.addSubmetric('llm_requests{failure:timeout}');
  registry.addRecord(makeRecord());
  registry.addRecord(makeFailure('timeout', { e2eMs: 30_000 }));
  registry.addRecord(makeFailure('http_5xx'));
  registry.addRecord(makeFailure('http_5xx'));
  assert.is(counter(registry, 'llm_requests').count, 4);
  assert.is(rate(registry, 'llm_request_failed').rate, 0.75);
  assert.is(counter(registry, 'llm_requests{failure:timeout}').count, 1);
  assert.is(trend(registry, 'llm_e2e').count, 1);
  assert.is(trend(registry, 'llm_e2e').max, 500);
  assert.equal(registry.total.row().failures, { timeout: 1, http_5xx: 2 });
});

test('interrupted requests are counted apart: not requests, not failures, not in the window', () => {
  const registry = new MetricsRegistry();
  registry.addRecord(makeRecord());
  registry.addRecord(makeRecord({ ok: false, failure: 'aborted', startedAt: 0, e2eMs: 90_000 }));
  assert.is(counter(registry, 'llm_requests').count, 1);
  assert.is(counter(registry, 'llm_requests_interrupted').count, 1);
  assert.is(rate(registry, 'llm_request_failed').total, 1);
  const row = registry.total.row();
  assert.is(row.interrupted, 1);
  assert.is(row.requests, 1);
  assert.equal(row.window, { startMs: 1000, endMs: 1500, durationMs: 500 });
});

test('window = [first t_start, last t_end] over counted requests; throughputs divide by it', () => {
  const registry = new MetricsRegistry();
  registry.addRecord(makeRecord({ startedAt: 1000, e2eMs: 500, outputTokens: 5, inputTokens: 10 }));
  registry.addRecord(makeRecord({ startedAt: 1200, e2eMs: 1800, outputTokens: 7, inputTokens: 20, inputTokensClient: 18 }));
  registry.addRecord(makeFailure('disconnect', { startedAt: 1100, e2eMs: 200 }));
  registry.addRecord(makeRecord({ ok: false, failure: 'aborted', startedAt: 500, e2eMs: 5000 }));
  const row = registry.total.row();
  assert.equal(row.window, { startMs: 1000, endMs: 3000, durationMs: 2000 });
  assert.is(row.requests, 3);
  assert.is(row.successful, 2);
  assert.is(row.successRate, 2 / 3);
  assert.is(row.requestsPerSec, 1, '2 successful / 2 s');
  assert.is(row.outputTokensPerSec, 6, '12 tokens / 2 s');
  assert.is(row.totalTokensPerSec, 21, '(30 input + 12 output) / 2 s');
  assert.is(row.averageConcurrency, 1.25, '(500 + 1800 + 200) / 2000');
  assert.is(row.avgOutputTokens, 6);
  assert.is(registry.aggregate('llm_request_throughput', 'value', 0, 0), 1);
  assert.is(registry.aggregate('llm_output_token_throughput', 'value', 0, 0), 6);
  assert.is(registry.aggregate('llm_total_token_throughput', 'value', 0, 0), 21);
  assert.is(registry.aggregate('llm_goodput', 'value', 0, 0), null, 'no SLO configured');
});

test("input tokens 'client' reproduces vLLM's total_input", () => {
  const registry = new MetricsRegistry({ inputTokens: 'client' });
  registry.addRecord(makeRecord({ startedAt: 0, e2eMs: 1000, outputTokens: 5, inputTokens: 10, inputTokensClient: 7 }));
  assert.is(registry.total.row().totalTokensPerSec, 12);
});

test('goodput counts successful requests meeting every SLO (TPOT undefined counts as 0)', () => {
  const registry = new MetricsRegistry({ goodput: { ttftMs: 150, tpotMs: 120 } });
  registry.addRecord(makeRecord({ startedAt: 0, e2eMs: 1000, ttftMs: 100, outputTokens: 10 }));
  registry.addRecord(makeRecord({ startedAt: 0, e2eMs: 1000, ttftMs: 200 }));
  registry.addRecord(makeRecord({ startedAt: 0, e2eMs: 1000, ttftMs: 100, outputTokens: 1, itlMs: [] }));
  registry.addRecord(makeRecord({ startedAt: 0, e2eMs: 2000, ttftMs: 100, outputTokens: 5 }));
  assert.is(registry.total.good, 2, 'TPOT 100 ok; TTFT 200 over; N = 1 ok; TPOT 475 over');
  assert.is(registry.aggregate('llm_goodput', 'value', 0, 0), 1, '2 good / 2 s window');
});

test('a record marked not streamed gives no TTFT, TTFC, ITL or TPOT sample even if it carries times (older results files)', () => {
  const registry = new MetricsRegistry();
  registry.addRecord(makeRecord({ stream: false, ttftMs: 500, ttfcMs: 500, e2eMs: 500, itlMs: [0, 0] }));
  registry.addRecord(makeRecord());
  for (const key of ['llm_ttft', 'llm_ttfc', 'llm_tpot']) assert.is(trend(registry, key).count, 1, key);
  assert.is(trend(registry, 'llm_itl').count, 4);
  assert.is(trend(registry, 'llm_e2e').count, 2);
  assert.is(trend(registry, 'llm_output_tps').count, 2);
  const row = registry.total.row();
  assert.is(row.notStreamed, 1);
  assert.equal([row.ttft?.count, row.itl?.count, row.tpot?.count, row.e2e?.count], [1, 4, 1, 2]);
  assert.is(
    registry.series.buckets().reduce((n, b) => n + b.outputTokens, 0),
    10,
    'its tokens still land in the series',
  );
});

test('goodput: a request answered in one body cannot be shown to meet a TTFT or TPOT SLO, but can meet an E2E one', () => {
  for (const [slo, good] of [
    [{ ttftMs: 1000 }, 0],
    [{ tpotMs: 1000 }, 0],
    [{ e2eMs: 1000 }, 1],
  ] as const) {
    const registry = new MetricsRegistry({ goodput: slo });
    registry.addRecord(makeRecord({ stream: false, ttftMs: null, ttfcMs: null, itlMs: [], e2eMs: 500 }));
    assert.is(registry.total.good, good, JSON.stringify(slo));
  }
});

test('submetrics take only samples whose tags match; tag order does not matter', () => {
  const registry = new MetricsRegistry();
  registry.addSubmetric('llm_ttft{level:10}');
  registry.addSubmetric('llm_ttft{ level : 10 , scenario : sweep }');
  registry.addRecord(makeRecord({ tags: { scenario: 'sweep', level: '1' }, ttftMs: 10 }));
  registry.addRecord(makeRecord({ tags: { scenario: 'sweep', level: '10' }, ttftMs: 300 }));
  registry.addRecord(makeRecord({ tags: { level: '10', scenario: 'sweep' }, ttftMs: 500 }));
  registry.addRecord(makeRecord({ tags: { scenario: 'other', level: '10' }, ttftMs: 700 }));
  assert.is(trend(registry, 'llm_ttft').count, 4);
  assert.is(trend(registry, 'llm_ttft{level:10}').count, 3);
  assert.is(trend(registry, 'llm_ttft{level:10}').med, 500);
  const both = trend(registry, 'llm_ttft{level:10,scenario:sweep}');
  assert.is(both.count, 2);
  assert.is(both.avg, 400);
  assert.is(registry.resolve('llm_ttft{level:2}'), undefined, 'undeclared submetrics do not exist');
});

test('a submetric declared before its custom metric exists attaches when the metric appears', () => {
  const registry = new MetricsRegistry();
  registry.addSubmetric('queue_ms{name:chat}');
  registry.addSample('queue_ms', 'trend', 5, { name: 'chat' }, true);
  registry.addSample('queue_ms', 'trend', 7, { name: 'other' }, true);
  assert.is(trend(registry, 'queue_ms').count, 2);
  assert.is(trend(registry, 'queue_ms{name:chat}').count, 1);
  assert.is(registry.get('queue_ms')?.contains, 'time');
});

test('rows per level carry users, success, throughput and latency percentiles', () => {
  const registry = new MetricsRegistry();
  for (const [level, start] of [
    ['1', 0],
    ['2', 10_000],
    ['2', 10_000],
  ] as const) {
    registry.addRecord(makeRecord({ tags: { scenario: 'sweep', level }, startedAt: start, e2eMs: 1000, outputTokens: 50, vu: Number(level) }));
  }
  registry.addRecord(makeFailure('http_4xx', { tags: { scenario: 'sweep', level: '2' }, startedAt: 10_500, e2eMs: 100 }));
  const rows = registry.groupRows('level');
  assert.is(rows.length, 2);
  const [one, two] = rows as [(typeof rows)[0], (typeof rows)[0]];
  assert.equal(one.tags, { scenario: 'sweep', level: '1' });
  assert.is(one.users, 1);
  assert.is(one.requests, 1);
  assert.is(one.requestsPerSec, 1);
  assert.is(one.outputTokensPerSec, 50);
  assert.is(two.users, 2);
  assert.is(two.requests, 3);
  assert.is(two.successRate, 2 / 3);
  assert.is(two.requestsPerSec, 2, '2 successful over [10 000, 11 000]');
  assert.is(two.e2e?.p50, 1000);
  assert.is(two.ttft?.p95, 100);
  assert.is(two.itl?.p50, 100);
  assert.is(two.tpot?.p50, 900 / 49);
  assert.equal(two.failures, { http_4xx: 1 });
  assert.equal(
    registry.groupRows('scenario').map((r) => r.requests),
    [4],
  );
  assert.equal(registry.groupRows('stage'), [], 'no stage tag, no stage rows');
});

test('custom metrics of every type, with k6 sink semantics', () => {
  const registry = new MetricsRegistry();
  registry.addSample('errors', 'counter', 1);
  registry.addSample('errors', 'counter', 2);
  registry.addSample('queue', 'gauge', 5);
  registry.addSample('queue', 'gauge', 2);
  registry.addSample('hits', 'rate', 1);
  registry.addSample('hits', 'rate', 0);
  registry.addSample('hits', 'rate', 7);
  registry.addSample('size', 'trend', 10);
  assert.is(registry.aggregate('errors', 'count', 0, 2000), 3);
  assert.is(registry.aggregate('errors', 'rate', 0, 2000), 1.5, 'count per second of test run');
  const gauge = registry.get('queue')!.sink as GaugeSink;
  assert.equal([gauge.value, gauge.min, gauge.max], [2, 2, 5]);
  assert.is(registry.aggregate('hits', 'rate', 0, 0), 2 / 3);
  assert.is(registry.aggregate('size', 'p', 95, 0), 10);
  assert.is(registry.aggregate('size', 'count', 0, 0), undefined, 'a trend has no count aggregation');
});

test('a metric name cannot change type; the error names both', () => {
  const registry = new MetricsRegistry();
  registry.addSample('errors', 'counter', 1);
  try {
    registry.addSample('errors', 'trend', 1);
    assert.unreachable('should throw');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_SCRIPT_EXCEPTION');
    assert.is(error.message, 'metric "errors" is a counter; a trend sample cannot be added to it');
  }
  assert.throws(() => registry.addSample('llm_ttft', 'counter', 1), /metric "llm_ttft" is a trend; a counter sample cannot be added to it/);
  assert.throws(() => registry.addSample('llm_goodput', 'gauge', 1), /computed from the request window/);
  registry.addSample('llm_ttft', 'trend', 1, {}, false);
  assert.is(trend(registry, 'llm_ttft').count, 1, 'builtin trends accept samples of their own type');
});

test('non-finite samples are dropped and counted', () => {
  const registry = new MetricsRegistry();
  registry.addSample('size', 'trend', Number.NaN);
  registry.addSample('size', 'trend', Number.POSITIVE_INFINITY);
  assert.is(registry.droppedSamples, 2);
  assert.is(registry.get('size'), undefined);
});

test('checks are counted per group and check name', () => {
  const registry = new MetricsRegistry();
  registry.addCheck('has xml', true, { scenario: 'sweep' });
  registry.addCheck('has xml', false, { scenario: 'sweep' });
  registry.addCheck('status ok', true, { group: '::login' });
  registry.addSample('checks', 'rate', 1, { check: 'status ok', group: 'login' });
  assert.equal(registry.checks(), [
    { group: '', name: 'has xml', passes: 1, fails: 1 },
    { group: '::login', name: 'status ok', passes: 2, fails: 0 },
  ]);
  assert.is(rate(registry, 'checks').rate, 3 / 4);
});

test('tokens estimated by any successful request are flagged', () => {
  const registry = new MetricsRegistry();
  registry.addRecord(makeRecord());
  assert.is(registry.tokensEstimated, false);
  registry.addRecord(makeRecord({ tokensSource: 'estimate' }));
  assert.is(registry.tokensEstimated, true);
  assert.is(registry.total.row().tokensEstimated, true);
});

/** The records of a small sweep, split across two "workers". */
function sweepRecords(): ReturnType<typeof makeRecord>[] {
  const records = [];
  for (let i = 0; i < 40; i++) {
    const level = i < 20 ? '1' : '4';
    records.push(
      i % 9 === 8
        ? makeFailure(i % 2 === 0 ? 'timeout' : 'http_5xx', { tags: { scenario: 'sweep', level }, startedAt: 1000 + i * 250, vu: i % 4 })
        : makeRecord({
            tags: { scenario: 'sweep', level },
            startedAt: 1000 + i * 250,
            vu: i % 4,
            ttftMs: 50 + ((i * 37) % 200),
            e2eMs: 400 + ((i * 53) % 900),
            outputTokens: 3 + (i % 7),
            itlMs: Array.from({ length: 2 + (i % 7) }, (_, k) => 10 + ((i + k) % 13)),
          }),
    );
  }
  return records;
}

test('merging registries equals one registry over all records', () => {
  const records = sweepRecords();
  const setup = (r: MetricsRegistry): void => {
    r.addSubmetric('llm_ttft{level:4}');
    r.addSubmetric('llm_output_token_throughput{level:4}');
  };
  const all = new MetricsRegistry();
  const a = new MetricsRegistry();
  const b = new MetricsRegistry();
  for (const r of [all, a, b]) setup(r);
  records.forEach((record, i) => {
    all.addRecord(record);
    (i % 2 === 0 ? a : b).addRecord(record);
  });
  a.addSample('custom', 'counter', 2);
  b.addSample('custom', 'counter', 3);
  all.addSample('custom', 'counter', 5);
  a.merge(b);
  for (const key of ['llm_ttft', 'llm_itl', 'llm_e2e', 'llm_tpot', 'llm_ttft{level:4}']) {
    const x = trend(a, key);
    const y = trend(all, key);
    assert.is(x.count, y.count, key);
    for (const p of [50, 90, 95, 99]) assert.is(x.percentile(p), y.percentile(p), `${key} p(${p})`);
    assert.is(x.min, y.min);
    assert.is(x.max, y.max);
    assert.ok(Math.abs(x.avg - y.avg) < 1e-9);
  }
  assert.is(counter(a, 'llm_requests').count, counter(all, 'llm_requests').count);
  assert.is(rate(a, 'llm_request_failed').passes, rate(all, 'llm_request_failed').passes);
  assert.is(a.aggregate('custom', 'count', 0, 1), 5);
  assert.is(a.aggregate('llm_output_token_throughput{level:4}', 'value', 0, 0), all.aggregate('llm_output_token_throughput{level:4}', 'value', 0, 0));
  const strip = (rows: ReturnType<MetricsRegistry['groupRows']>) => rows.map((r) => ({ ...r, e2e: r.e2e?.p95, ttft: r.ttft?.p95, itl: r.itl?.p50, tpot: r.tpot?.p50 }));
  assert.equal(
    strip(a.groupRows('level')).sort((x, y) => Number(x.tags['level']) - Number(y.tags['level'])),
    strip(all.groupRows('level')),
  );
  assert.equal(a.total.row().window, all.total.row().window);
  assert.equal(a.series.buckets(), all.series.buckets());
});

test('encode → decode round-trips through structured clone and JSON', () => {
  const registry = new MetricsRegistry({ goodput: { e2eMs: 1000 } });
  registry.addSubmetric('llm_e2e{level:1}');
  for (const record of sweepRecords()) registry.addRecord(record);
  registry.addCheck('ok', true);
  registry.addSample('vus', 'gauge', 4);
  for (const copy of [MetricsRegistry.decode(structuredClone(registry.encode())), MetricsRegistry.decode(JSON.parse(JSON.stringify(registry.encode())))]) {
    assert.equal(copy.encode(), registry.encode());
    assert.is(copy.aggregate('llm_e2e{level:1}', 'p', 95, 0), registry.aggregate('llm_e2e{level:1}', 'p', 95, 0));
    assert.is(copy.aggregate('llm_goodput', 'value', 0, 0), registry.aggregate('llm_goodput', 'value', 0, 0));
    assert.equal(copy.checks(), registry.checks());
  }
  assert.throws(() => MetricsRegistry.decode({ ...registry.encode(), version: 2 as 1 }), /not an llmload metrics encoding/);
});

test.run();
