/**
 * Server-side figures from /metrics scrapes (METRICS.md "Server-derived"):
 * prefix-cache hit rate = Δhits / Δqueries over a window, KV-cache usage and
 * queue depth (max and mean of the samples in the window), preemptions =
 * Δcount, and the tokens the server counted. The names per server are in
 * server-dialects.ts. Counters are read as Prometheus' increase() reads them:
 * the sum of the steps between consecutive scrapes, a step down being a
 * counter reset (the server restarted) that counts from zero, never a
 * negative increase.
 */
import { coveringRange } from './covering.js';
import type { MetricsScrape } from './server-probe.js';
import { SERVER_FIGURES, type ServerFigure } from './server-dialects.js';

type Family = ServerFigure;

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
  /** The server's own generation throughput gauge (SGLang, llama.cpp), mean over the window, tokens/s. */
  generationThroughputMean: number | null;
  /** Counter resets seen inside the window (the server restarted, or a replica behind the URL changed). */
  counterResets: number;
  /** Scrapes inside the window. */
  samples: number;
  /** The window is shorter than two scrape intervals: its gauges rest on one or no sample, its counters on the scrapes around it. */
  shortWindow: boolean;
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
  for (const name of SERVER_FIGURES[family]) {
    const value = scrape.values[name];
    if (value !== undefined && Number.isFinite(value)) return value;
  }
  return null;
}

/** A counter's increase from `first` to `last` over the scrapes between them, and the resets seen. */
function increase(scrapes: readonly MetricsScrape[], first: number, last: number, family: Family): { value: number | null; resets: number } {
  if (first < 0 || last <= first) return { value: null, resets: 0 };
  let previous: number | null = null;
  let total = 0;
  let resets = 0;
  let seen = 0;
  for (let i = first; i <= last; i++) {
    const v = read(scrapes[i]!, family);
    if (v === null) continue;
    if (previous !== null) {
      if (v >= previous) total += v - previous;
      else {
        // A reset: the counter restarted from zero, so everything it holds now came after the previous scrape.
        total += v;
        resets++;
      }
    }
    previous = v;
    seen++;
  }
  return { value: seen >= 2 ? total : null, resets };
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
 * Figures over [startMs, endMs]: counters from the last scrape taken at or before the start to the
 * first taken at or after the end (so the whole window is covered: covering.ts), gauges from the scrapes inside it.
 * `intervalMs` is the scrape interval the run asked for (to flag windows too short to read).
 */
export function serverWindowStats(scrapes: readonly MetricsScrape[], startMs: number, endMs: number, intervalMs = 0): ServerWindowStats {
  const [before, after] = coveringRange(scrapes, startMs, endMs);
  // Gauges only from scrapes inside the window: one taken in a neighbouring level would describe that level.
  const gauges = scrapes.filter((s) => s.atMs >= startMs && s.atMs <= endMs);
  let resets = 0;
  const counter = (family: Family): number | null => {
    const r = increase(scrapes, before, after, family);
    resets = Math.max(resets, r.resets);
    return r.value;
  };
  const hits = counter('prefixHits');
  const queries = counter('prefixQueries');
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
    preemptions: counter('preemptions'),
    promptTokens: counter('promptTokens'),
    generationTokens: counter('generationTokens'),
    generationThroughputMean: maxMean(gauges, 'generationThroughput')[1],
    counterResets: resets,
    samples: gauges.length,
    shortWindow: intervalMs > 0 && endMs - startMs < 2 * intervalMs,
  };
}

/** The scrapes as a series for charts. */
export function serverSeries(scrapes: readonly MetricsScrape[], originMs: number): ServerSeriesPoint[] {
  const out: ServerSeriesPoint[] = [];
  for (let i = 0; i < scrapes.length; i++) {
    const s = scrapes[i]!;
    const prev = i > 0 ? scrapes[i - 1] : undefined;
    const hits = increase(scrapes, i - 1, i, 'prefixHits').value;
    const queries = increase(scrapes, i - 1, i, 'prefixQueries').value;
    const generated = increase(scrapes, i - 1, i, 'generationTokens').value;
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
  return scrapes.some((s) => (Object.keys(SERVER_FIGURES) as Family[]).some((f) => read(s, f) !== null));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
