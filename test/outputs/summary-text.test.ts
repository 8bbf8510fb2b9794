import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { summaryExport } from '../../core/outputs/summary-export.js';
import { renderSummary } from '../../core/outputs/summary-text.js';
import { ThresholdRunner } from '../../core/thresholds/evaluate.js';
import { parseThresholds } from '../../core/thresholds/parse-thresholds.js';
import { makeRecord } from '../helpers/record-fixture.js';
import { sweepSummaryData } from '../helpers/summary-fixture.js';

function lines(text: string): string[] {
  return text.split('\n');
}

test('the target line names the server and model, or the simulator', () => {
  assert.ok(lines(renderSummary(sweepSummaryData())).includes('  target: http://127.0.0.1:8000 · model Qwen/Qwen2.5-14B-Instruct-AWQ'));
  const sim = renderSummary(sweepSummaryData({ target: { url: null, model: 'sim', simulator: { preset: 'fast', timeScale: 10 } } }));
  assert.ok(lines(sim).includes('  target: built-in simulator (preset fast, time scale 10×) · model sim'));
  const aborted = renderSummary(sweepSummaryData({ aborted: 'thresholds on metrics were breached' }));
  assert.ok(lines(aborted).includes('  stopped early: thresholds on metrics were breached'));
});

test('thresholds: ✓/✗, expression and observed value, grouped by metric', () => {
  const text = renderSummary(sweepSummaryData());
  const start = text.indexOf('█ THRESHOLDS');
  const section = text.slice(start, text.indexOf('█ TOTAL RESULTS'));
  assert.equal(lines(section.trim()), [
    '█ THRESHOLDS',
    '',
    '    llm_ttft{level:2}',
    "    ✗ 'p(95)<400' p(95)=490ms",
    '',
    '    llm_request_failed',
    "    ✗ 'rate<0.01' rate=20.00%",
    '',
    '    llm_output_token_throughput',
    "    ✓ 'value>1' value=5.08/s",
  ]);
});

test('trend lines: k6 statistics and units, aligned; submetrics under their metric', () => {
  const out = lines(renderSummary(sweepSummaryData()));
  assert.ok(out.includes('    llm_e2e..............: avg=1.75s   min=1s    med=1.75s max=2.5s  p(90)=2.5s  p(95)=2.5s    p(99)=2.5s'));
  assert.ok(out.includes('    llm_ttft.............: avg=300ms   min=200ms med=250ms max=500ms p(90)=440ms p(95)=470ms   p(99)=494ms'));
  assert.ok(out.includes('      { level:2 }........: avg=400ms   min=300ms med=400ms max=500ms p(90)=480ms p(95)=490ms   p(99)=498ms'));
  assert.ok(out.includes('    llm_requests.........: 5       0.333/s'));
  assert.ok(out.includes('    llm_request_failed...: 20.00%  1 out of 5'));
  assert.ok(out.includes('    vus..................: 2       min=1 max=2'));
  const custom = out.indexOf('    CUSTOM');
  assert.ok(custom > out.indexOf('    EXECUTION'));
  assert.ok(out[custom + 1]?.startsWith('    prompt_chars.........: avg=120'));
});

test('summaryTrendStats pick the statistics shown', () => {
  const out = lines(renderSummary(sweepSummaryData({ summaryTrendStats: ['p(50)', 'p(99.9)'] })));
  assert.ok(out.includes('    llm_e2e..............: p(50)=1.75s p(99.9)=2.5s'));
  const override = lines(renderSummary(sweepSummaryData(), { trendStats: ['max'] }));
  assert.ok(override.includes('    llm_e2e..............: max=2.5s'));
});

test('checks: totals, then each check with its share when some failed', () => {
  const out = lines(renderSummary(sweepSummaryData()));
  assert.ok(out.includes('    checks_total.........: 4       0.267/s'));
  assert.ok(out.includes('    checks_succeeded.....: 75.00%  3 out of 4'));
  assert.ok(out.includes('    checks_failed........: 25.00%  1 out of 4'));
  const check = out.indexOf('    ✗ has xml');
  assert.is(out[check + 1], '      ↳  66% — ✓ 2 / ✗ 1');
  assert.ok(out.includes('    █ chat'));
  assert.ok(out.includes('      ✓ status is 200'));
});

test('throughput over the window, failures by class', () => {
  const out = lines(renderSummary(sweepSummaryData()));
  assert.ok(out.includes('    window...............: 12.6s      first request start → last request end'));
  assert.ok(out.includes('    requests.............: 0.317/s    4 of 5 succeeded (80.00%)'));
  assert.ok(out.includes('    output tokens........: 5.08 tok/s 64 tokens'));
  assert.ok(out.includes('    total tokens.........: 8.25 tok/s 40 input + 64 output'));
  assert.ok(out.includes('    failures.............: http_5xx 1'));
});

test('the sweep table has one row per level', () => {
  const text = renderSummary(sweepSummaryData());
  const table = lines(text.slice(text.indexOf('█ LEVELS')).trim());
  assert.equal(table, [
    '█ LEVELS',
    '',
    '    users  requests  success  req/s  output tok/s  E2E p50  E2E p95  E2E p99  TTFT p50  TTFT p95  ITL p50',
    '        1         2     100%   1.00          11.0    1.00s    1.00s    1.00s     200ms     200ms   80.0ms',
    '        2         3    66.7%   0.77          16.2    2.50s    2.50s    2.50s     400ms     490ms    100ms',
  ]);
});

test('estimated token counts and HDR percentiles are marked', () => {
  const registry = new MetricsRegistry({ trend: { rawCap: 10 } });
  for (let i = 0; i < 3; i++) registry.addRecord(makeRecord({ tokensSource: 'estimate' }));
  const out = lines(renderSummary({ registry, thresholds: null, run: { target: { url: null, model: null, simulator: { preset: 'fast' } }, testRunDurationMs: 1000 } }));
  assert.ok(out.some((l) => l.startsWith('    llm_output_tokens....: avg=5') && l.endsWith(' (estimated)')));
  assert.ok(out.some((l) => l.startsWith('    llm_itl') && l.endsWith(' ~')));
  assert.ok(out.includes('    ~ percentiles from an HDR histogram (≤ 0.1 % relative error): llm_itl'));
  assert.ok(out.includes('    output tokens........: 30 tok/s 15 tokens (estimated)'));
  assert.ok(out.includes('  target: built-in simulator (preset fast)'));
});

test('renders the same text from SummaryData and from its export; color only when asked', () => {
  const data = sweepSummaryData();
  const text = renderSummary(data);
  assert.is(renderSummary(summaryExport(data)), text);
  assert.not.ok(text.includes('\u001b['), 'no ANSI by default');
  const colored = renderSummary(data, { color: true });
  assert.ok(colored.includes('\u001b[32m✓\u001b[39m'));
  // eslint-disable-next-line no-control-regex -- strips ANSI colour escapes, which start with ESC (U+001B)
  assert.is(colored.replace(/\u001b\[[0-9;]*m/g, ''), text, 'color changes nothing but escapes');
});

test('a metric a threshold lists without samples says so, in the metric and the threshold', () => {
  const registry = new MetricsRegistry();
  const runner = new ThresholdRunner(parseThresholds({ 'llm_ttft{level:10}': ['p(95)<1000'] }), registry);
  registry.addRecord(makeRecord({ tags: { scenario: 'sweep', level: '1' } }));
  const data = { registry, thresholds: runner.evaluate(1000, { final: true }), run: { target: { url: 'http://x', model: null, simulator: null }, testRunDurationMs: 1000 } };
  assert.equal(summaryExport(data).llmload.empty, ['llm_ttft{level:10}']);
  const out = lines(renderSummary(data));
  assert.ok(out.includes('      { level:10 }.......: no samples'));
  assert.ok(out.includes("    ○ 'p(95)<1000' no data"), out.join('\n'));
  assert.not.ok(
    out.some((l) => l.includes('✓')),
    'a threshold with no data is not shown as passed',
  );
  assert.ok(out.includes('    NO DATA — none of 1 threshold could be judged: llm_ttft{level:10} p(95)<1000'));
  assert.equal(summaryExport(data).metrics['llm_ttft{level:10}']?.thresholds, { 'p(95)<1000': { ok: true, noData: true } });
});

test('an empty run still renders', () => {
  const text = renderSummary({ registry: new MetricsRegistry(), thresholds: null, run: { target: { url: 'http://x', model: null, simulator: null }, testRunDurationMs: 0 } });
  assert.ok(text.includes('█ TOTAL RESULTS'));
  assert.not.ok(text.includes('█ THRESHOLDS'));
  assert.not.ok(text.includes('█ LEVELS'));
});

test.run();
