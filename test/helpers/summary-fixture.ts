/**
 * A small concurrency sweep (levels 1 and 2) with checks, a custom metric,
 * a failure and thresholds, shared by the summary text and export tests.
 */
import { MetricsRegistry } from '../../core/metrics/registry.js';
import { ThresholdRunner } from '../../core/thresholds/evaluate.js';
import { parseThresholds } from '../../core/thresholds/parse-thresholds.js';
import type { SummaryData } from '../../core/outputs/summary-data.js';
import { makeFailure, makeRecord } from './record-fixture.js';

export function sweepSummaryData(overrides: Partial<SummaryData['run']> = {}): SummaryData {
  const registry = new MetricsRegistry();
  const thresholds = new ThresholdRunner(
    parseThresholds({
      'llm_ttft{level:2}': ['p(95)<400'],
      llm_request_failed: ['rate<0.01'],
      llm_output_token_throughput: ['value>1'],
    }),
    registry,
  );
  // Level 1: two requests back to back, 1 s each, TTFT 200 ms, 11 tokens.
  for (let i = 0; i < 2; i++) {
    registry.addRecord(
      makeRecord({ tags: { scenario: 'sweep', level: '1' }, vu: 1, startedAt: 10_000 + i * 1000, ttftMs: 200, e2eMs: 1000, outputTokens: 11, itlMs: Array(10).fill(80) }),
    );
  }
  // Level 2: two VUs, TTFT 300 / 500 ms, 2.5 s each; one more request fails with a 503.
  for (const [vu, ttft] of [
    [2, 300],
    [3, 500],
  ] as const) {
    registry.addRecord(makeRecord({ tags: { scenario: 'sweep', level: '2' }, vu, startedAt: 20_000, ttftMs: ttft, e2eMs: 2500, outputTokens: 21, itlMs: Array(20).fill(100) }));
  }
  registry.addRecord(makeFailure('http_5xx', { tags: { scenario: 'sweep', level: '2' }, vu: 2, startedAt: 22_500, e2eMs: 100 }));
  registry.addCheck('has xml', true, { scenario: 'sweep' });
  registry.addCheck('has xml', true, { scenario: 'sweep' });
  registry.addCheck('has xml', false, { scenario: 'sweep' });
  registry.addCheck('status is 200', true, { group: '::chat' });
  registry.addSample('iterations', 'counter', 5);
  registry.addSample('vus', 'gauge', 1);
  registry.addSample('vus', 'gauge', 2);
  registry.addSample('prompt_chars', 'trend', 120);
  return {
    registry,
    thresholds: thresholds.evaluate(15_000, { final: true }),
    run: {
      target: { url: 'http://127.0.0.1:8000', model: 'Qwen/Qwen2.5-14B-Instruct-AWQ', simulator: null },
      testRunDurationMs: 15_000,
      scenarios: [{ name: 'sweep', executor: 'concurrency-sweep' }],
      ...overrides,
    },
  };
}
