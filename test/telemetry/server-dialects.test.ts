import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePrometheusText } from '../../core/telemetry/prometheus.js';
import { detectDialect } from '../../core/telemetry/server-dialects.js';
import { hasServerFigures, serverSeries, serverWindowStats } from '../../core/telemetry/server-metrics.js';
import type { MetricsScrape } from '../../core/telemetry/server-probe.js';
import { fixture } from '../helpers/cli.js';

const scrapeOf = (name: string, atMs: number): MetricsScrape => ({ atMs, values: parsePrometheusText(readFileSync(fixture(`servers/${name}`), 'utf8')) });

/** The same answer later, its counters grown by `grow` (name → amount). */
function later(base: MetricsScrape, atMs: number, grow: Record<string, number>): MetricsScrape {
  const values = { ...base.values };
  for (const [name, amount] of Object.entries(grow)) values[name] = (values[name] ?? 0) + amount;
  return { atMs, values };
}

test('each server is recognised from its metric names', () => {
  assert.is(detectDialect(scrapeOf('vllm-metrics.txt', 0).values), 'vllm');
  assert.is(detectDialect(scrapeOf('vllm-v0-metrics.txt', 0).values), 'vllm');
  assert.is(detectDialect(scrapeOf('sglang-metrics.txt', 0).values), 'sglang');
  assert.is(detectDialect(scrapeOf('tgi-metrics.txt', 0).values), 'tgi');
  assert.is(detectDialect(scrapeOf('llamacpp-metrics.txt', 0).values), 'llama.cpp');
  assert.is(detectDialect({}), null);
});

test('llama.cpp: processing and deferred requests, tokens predicted, its throughput gauge', () => {
  const first = scrapeOf('llamacpp-metrics.txt', 1000);
  const last = later(first, 3000, { 'llamacpp:tokens_predicted_total': 640, 'llamacpp:prompt_tokens_total': 2048 });
  const stats = serverWindowStats([first, last], 1000, 3000, 1000);
  assert.ok(hasServerFigures([first]));
  assert.is(stats.runningMax, 4);
  assert.is(stats.waitingMax, 46);
  assert.is(stats.generationTokens, 640);
  assert.is(stats.promptTokens, 2048);
  assert.is(stats.generationThroughputMean, 31.63);
  assert.is(stats.kvUsageMax, null, 'this build has no kv_cache_usage_ratio: absent, not 0');
});

test('TGI: batch size and queue, token counts from its histograms’ sums', () => {
  const first = scrapeOf('tgi-metrics.txt', 0);
  const last = later(first, 2000, { tgi_request_generated_tokens_sum: 1280, tgi_request_input_length_sum: 5120 });
  const stats = serverWindowStats([first, last], 0, 2000, 1000);
  assert.is(stats.runningMax, 12);
  assert.is(stats.waitingMax, 3);
  assert.is(stats.generationTokens, 1280);
  assert.is(stats.promptTokens, 5120);
});

test('SGLang: running and queued requests, token usage, its own hit rate and throughput', () => {
  const first = scrapeOf('sglang-metrics.txt', 0);
  const last = later(first, 2000, { 'sglang:generation_tokens_total': 700 });
  const stats = serverWindowStats([first, last], 0, 2000, 1000);
  assert.is(stats.runningMax, 28);
  assert.is(stats.waitingMax, 5);
  assert.is(stats.kvUsageMax, 0.28);
  assert.ok(Math.abs(stats.prefixCacheHitRate! - 0.0075) < 1e-4);
  assert.is(stats.generationThroughputMean, 355);
  assert.is(stats.generationTokens, 700);
});

test('vLLM V1 and V0 names: KV usage and the hit rate from counters, or from the V0 gauge', () => {
  const v1 = scrapeOf('vllm-metrics.txt', 0);
  const v1Later = later(v1, 2000, { 'vllm:prefix_cache_queries_total': 1000, 'vllm:prefix_cache_hits_total': 750 });
  const stats = serverWindowStats([v1, v1Later], 0, 2000, 1000);
  assert.is(stats.prefixCacheHitRate, 0.75);
  assert.is(stats.kvUsageMax, 0.4213);
  assert.is(stats.runningMax, 7);
  const v0 = scrapeOf('vllm-v0-metrics.txt', 0);
  const old = serverWindowStats([v0, later(v0, 2000, {})], 0, 2000, 1000);
  assert.is(old.kvUsageMax, 0.25);
  assert.is(old.prefixCacheHitRate, 0.6);
});

test('a counter that goes down was reset: counted from zero after it, never a negative increase, and said', () => {
  const name = 'vllm:generation_tokens_total';
  const scrapes: MetricsScrape[] = [
    { atMs: 0, values: { [name]: 100 } },
    { atMs: 1000, values: { [name]: 150 } },
    { atMs: 2000, values: { [name]: 20 } },
    { atMs: 3000, values: { [name]: 60 } },
  ];
  const stats = serverWindowStats(scrapes, 0, 3000, 1000);
  assert.is(stats.generationTokens, 50 + 20 + 40);
  assert.is(stats.counterResets, 1);
  const series = serverSeries(scrapes, 0);
  assert.equal(
    series.map((p) => p.generationTokPerSec),
    [null, 50, 20, 40],
  );
});

test('a row shorter than two scrape intervals is flagged', () => {
  const name = 'vllm:num_requests_running';
  const scrapes: MetricsScrape[] = [0, 1000, 2000, 3000].map((atMs) => ({ atMs, values: { [name]: 1 } }));
  assert.is(serverWindowStats(scrapes, 500, 1900, 1000).shortWindow, true);
  assert.is(serverWindowStats(scrapes, 0, 3000, 1000).shortWindow, false);
  assert.is(serverWindowStats(scrapes, 500, 1900).shortWindow, false, 'unknown interval: no claim');
});

test.run();
