/**
 * Server-side figures from /metrics scrapes (METRICS.md "Server-derived"):
 * prefix-cache hit rate = Δhits / Δqueries over a window, KV-cache usage and
 * queue depth (max and mean of the samples in the window), preemptions =
 * Δcount, and the tokens the server counted. vLLM names first, then the
 * older vLLM and SGLang spellings of the same figure.
 */
import type { MetricsScrape } from './server-probe.js';

const NAMES = {
  running: ['vllm:num_requests_running', 'sglang:num_running_reqs'],
  waiting: ['vllm:num_requests_waiting', 'sglang:num_queue_reqs'],
  kvUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc', 'sglang:token_usage'],
  prefixHits: ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'],
  prefixQueries: ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'],
  cacheHitRate: ['sglang:cache_hit_rate'],
  preemptions: ['vllm:num_preemptions_total'],
  promptTokens: ['vllm:prompt_tokens_total', 'sglang:prompt_tokens_total'],
  generationTokens: ['vllm:generation_tokens_total', 'sglang:generation_tokens_total'],
} as const;

type Family = keyof typeof NAMES;

/** Server figures over one window (the run, or one level). */
export interface ServerWindowStats {
  /** Δhits / Δqueries (0..1); null without the counters or without queries. */
  prefixCacheHitRate: number | null;
  /** KV-cache usage, 0..1. */
  kvUsageMax: number | null;
  kvUsageMean: number | null;
  runningMax: number | null;
  runningMean: number | null;
  waitingMax: number | null;
  waitingMean: number | null;
  preemptions: number | null;
  promptTokens: number | null;
  generationTokens: number | null;
  /** Scrapes inside the window. */
  samples: number;
}

/** One point of the server series, t in seconds from `originMs`. */
export interface ServerSeriesPoint {
  t: number;
  running: number | null;
  waiting: number | null;
  /** Percent. */
  kvUsagePct: number | null;
  /** Hit rate over the interval since the previous scrape, percent. */
  prefixHitRatePct: number | null;
  /** Generation tokens per second over that interval. */
  generationTokPerSec: number | null;
}

function read(scrape: MetricsScrape, family: Family): number | null {
  for (const name of NAMES[family]) {
    const value = scrape.values[name];
    if (value !== undefined && Number.isFinite(value)) return value;
  }
  return null;
}

function delta(first: MetricsScrape | undefined, last: MetricsScrape | undefined, family: Family): number | null {
  if (first === undefined || last === undefined || first === last) return null;
  const a = read(first, family);
  const b = read(last, family);
  return a === null || b === null ? null : Math.max(0, b - a);
}

function maxMean(scrapes: readonly MetricsScrape[], family: Family): [number | null, number | null] {
  let max: number | null = null;
  let sum = 0;
  let n = 0;
  for (const s of scrapes) {
    const v = read(s, family);
    if (v === null) continue;
    max = max === null || v > max ? v : max;
    sum += v;
    n++;
  }
  return [max, n === 0 ? null : sum / n];
}

/**
 * Figures over [startMs, endMs]: counters from the last scrape at or before the start to the
 * first at or after the end (so the whole window is covered), gauges from the scrapes inside it.
 */
export function serverWindowStats(scrapes: readonly MetricsScrape[], startMs: number, endMs: number): ServerWindowStats {
  let before: MetricsScrape | undefined;
  let after: MetricsScrape | undefined;
  for (const s of scrapes) {
    if (s.atMs <= startMs) before = s;
    if (s.atMs >= endMs && after === undefined) after = s;
  }
  before ??= scrapes[0];
  after ??= scrapes[scrapes.length - 1];
  const inside = scrapes.filter((s) => s.atMs >= startMs && s.atMs <= endMs);
  // Gauges only from scrapes inside the window: one taken in a neighbouring level would describe that level.
  const gauges = inside;
  const hits = delta(before, after, 'prefixHits');
  const queries = delta(before, after, 'prefixQueries');
  let hitRate = hits !== null && queries !== null && queries > 0 ? hits / queries : null;
  if (hitRate === null) hitRate = maxMean(gauges, 'cacheHitRate')[1];
  const [kvUsageMax, kvUsageMean] = maxMean(gauges, 'kvUsage');
  const [runningMax, runningMean] = maxMean(gauges, 'running');
  const [waitingMax, waitingMean] = maxMean(gauges, 'waiting');
  return {
    prefixCacheHitRate: hitRate,
    kvUsageMax,
    kvUsageMean,
    runningMax,
    runningMean,
    waitingMax,
    waitingMean,
    preemptions: delta(before, after, 'preemptions'),
    promptTokens: delta(before, after, 'promptTokens'),
    generationTokens: delta(before, after, 'generationTokens'),
    samples: inside.length,
  };
}

/** The scrapes as a series for charts. */
export function serverSeries(scrapes: readonly MetricsScrape[], originMs: number): ServerSeriesPoint[] {
  const out: ServerSeriesPoint[] = [];
  for (let i = 0; i < scrapes.length; i++) {
    const s = scrapes[i]!;
    const prev = i > 0 ? scrapes[i - 1] : undefined;
    const hits = delta(prev, s, 'prefixHits');
    const queries = delta(prev, s, 'prefixQueries');
    const generated = delta(prev, s, 'generationTokens');
    const dt = prev === undefined ? 0 : (s.atMs - prev.atMs) / 1000;
    const kv = read(s, 'kvUsage');
    out.push({
      t: round3((s.atMs - originMs) / 1000),
      running: read(s, 'running'),
      waiting: read(s, 'waiting'),
      kvUsagePct: kv === null ? null : kv * 100,
      prefixHitRatePct: hits !== null && queries !== null && queries > 0 ? (hits / queries) * 100 : null,
      generationTokPerSec: generated !== null && dt > 0 ? generated / dt : null,
    });
  }
  return out;
}

/** Whether any scrape carries a figure this module reads. */
export function hasServerFigures(scrapes: readonly MetricsScrape[]): boolean {
  return scrapes.some((s) => (Object.keys(NAMES) as Family[]).some((f) => read(s, f) !== null));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
