import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { normalizeHandleSummaryResult } from '../../core/outputs/handle-summary.js';
import { isSummaryExport, summaryExport } from '../../core/outputs/summary-export.js';
import { isLlmloadError } from '../../core/errors.js';
import { makeRecord } from '../helpers/record-fixture.js';
import { sweepSummaryData } from '../helpers/summary-fixture.js';

test("k6's handleSummary shape: root_group, options, state, metrics", () => {
  const data = summaryExport(sweepSummaryData({ isStdOutTTY: true }));
  assert.equal(Object.keys(data), ['root_group', 'options', 'state', 'metrics', 'llmload']);
  assert.equal(data.options, { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'], summaryTimeUnit: '', noColor: false });
  assert.equal(data.state, { isStdOutTTY: true, isStdErrTTY: false, testRunDurationMs: 15_000 });
  assert.is(data.root_group.id, 'd41d8cd98f00b204e9800998ecf8427e', "k6's root group id: md5('')");
  assert.equal(data.root_group.checks, [{ name: 'has xml', path: '::has xml', id: 'b96d7c3da376c64be17f8e4b2bcefefb', passes: 2, fails: 1 }]);
  assert.equal(
    data.root_group.groups.map((g) => [g.name, g.path, g.checks.map((c) => c.path)]),
    [['chat', '::chat', ['::chat::status is 200']]],
  );
  assert.ok(isSummaryExport(data));
});

test('metric values per type, with numpy percentiles and thresholds by expression', () => {
  const { metrics } = summaryExport(sweepSummaryData());
  const ttft = metrics['llm_ttft']!;
  assert.is(ttft.type, 'trend');
  assert.is(ttft.contains, 'time');
  assert.equal(Object.keys(ttft.values), ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']);
  assert.is(ttft.values['p(95)'], 469.99999999999994, 'numpy.percentile([200, 200, 300, 500], 95)');
  assert.is(ttft.values['med'], 250);
  // Each judged threshold carries its end-of-test state; 4 samples allow no interval for a p(95).
  assert.equal(metrics['llm_ttft{level:2}']?.thresholds, { 'p(95)<400': { ok: false, state: 'fail', interval: null, moreRequests: null } });
  assert.is(metrics['llm_ttft{level:2}']?.values['p(95)'], 490);
  assert.equal(metrics['llm_requests'], { type: 'counter', contains: 'default', values: { count: 5, rate: 5 / 15 } });
  const { thresholds: failedThresholds, ...failed } = metrics['llm_request_failed']!;
  assert.equal(failed, { type: 'rate', contains: 'default', values: { rate: 0.2, passes: 1, fails: 4 } });
  // 1 in 5 is over 1 % even at the low end of its 95 % interval: a conclusive failure, with that interval.
  const rateThreshold = failedThresholds?.['rate<0.01'];
  assert.equal([rateThreshold?.ok, rateThreshold?.state, rateThreshold?.moreRequests], [false, 'fail', null]);
  assert.ok(rateThreshold?.interval?.confidence === 0.95 && rateThreshold.interval.low > 0.01 && rateThreshold.interval.low < 0.2, JSON.stringify(rateThreshold));
  assert.equal(metrics['checks']?.values, { rate: 0.75, passes: 3, fails: 1 });
  assert.equal(metrics['vus'], { type: 'gauge', contains: 'default', values: { value: 2, min: 1, max: 2 } });
  assert.equal(metrics['llm_output_token_throughput']?.values, { value: 64 / 12.6, min: 64 / 12.6, max: 64 / 12.6 });
  assert.equal(metrics['llm_output_token_throughput']?.thresholds, { 'value>1': { ok: true, state: 'pass', interval: null, moreRequests: null } });
  assert.is(metrics['llm_connecting'], undefined, 'metrics without samples or thresholds are left out');
  assert.is(metrics['llm_goodput'], undefined);
});

test('summaryTrendStats choose the trend values (count, std and any percentile allowed)', () => {
  const { metrics } = summaryExport(sweepSummaryData({ summaryTrendStats: ['count', 'p(99.9)', 'std', 'nonsense'] }));
  assert.equal(Object.keys(metrics['llm_e2e']!.values), ['count', 'p(99.9)', 'std']);
  assert.is(metrics['llm_e2e']!.values['count'], 4);
  assert.is(metrics['llm_e2e']!.values['std'], 750);
});

test('llmload extras: levels table, failures by class, throughput over the window, target', () => {
  const { llmload } = summaryExport(sweepSummaryData());
  assert.equal(llmload.target, { url: 'http://127.0.0.1:8000', model: 'Qwen/Qwen2.5-14B-Instruct-AWQ', simulator: null });
  assert.equal(
    llmload.levels.map((r) => [r.users, r.requests, r.successful, r.window?.durationMs]),
    [
      [1, 2, 2, 2000],
      [2, 3, 2, 2600],
    ],
  );
  assert.equal(llmload.failures, { http_5xx: 1 });
  assert.is(llmload.throughput.windowMs, 12_600);
  assert.is(llmload.throughput.requestsPerSec, 4 / 12.6);
  assert.is(llmload.throughput.outputTokensPerSec, 64 / 12.6);
  assert.is(llmload.throughput.totalTokensPerSec, 104 / 12.6);
  assert.is(llmload.throughput.goodputPerSec, null);
  assert.is(llmload.tokensEstimated, false);
  assert.equal(llmload.approximate, []);
  assert.equal(
    llmload.thresholds.map((t) => [t.metric, t.source, t.observed, t.ok]),
    [
      ['llm_ttft{level:2}', 'p(95)<400', 490, false],
      ['llm_request_failed', 'rate<0.01', 0.2, false],
      ['llm_output_token_throughput', 'value>1', 64 / 12.6, true],
    ],
  );
});

test('the export is plain JSON data (survives JSON and structured clone unchanged)', () => {
  const data = summaryExport(sweepSummaryData());
  assert.equal(JSON.parse(JSON.stringify(data)), data);
  assert.equal(structuredClone(data), data);
});

test('trends past the raw cap are listed as approximate', () => {
  const registry = new MetricsRegistry({ trend: { rawCap: 10 } });
  for (let i = 0; i < 5; i++) registry.addRecord(makeRecord());
  const data = summaryExport({ registry, thresholds: null, run: { target: { url: null, model: null, simulator: { preset: 'fast' } }, testRunDurationMs: 1000 } });
  assert.equal(data.llmload.approximate, ['llm_itl']);
});

test("handleSummary's result: stdout/stderr printed, other keys written, bad values named", () => {
  const outputs = normalizeHandleSummaryResult({ stdout: 'text', 'out/summary.json': '{}', 'bin.dat': new Uint8Array([1, 2]).buffer });
  assert.is(outputs.stdout, 'text');
  assert.is(outputs.stderr, null);
  assert.equal(
    outputs.files.map((f) => f.path),
    ['out/summary.json', 'bin.dat'],
  );
  assert.equal([...(outputs.files[1]!.content as Uint8Array)], [1, 2]);
  try {
    normalizeHandleSummaryResult({ stdout: 42 });
    assert.unreachable('should throw');
  } catch (error) {
    assert.ok(isLlmloadError(error));
    assert.is(error.code, 'LL_ERR_SCRIPT_EXCEPTION');
    assert.is(error.message, 'handleSummary() returned "stdout": expected a string or binary data, got number 42');
  }
  assert.throws(() => normalizeHandleSummaryResult('text'), /handleSummary\(\) must return an object like/);
});

test.run();
