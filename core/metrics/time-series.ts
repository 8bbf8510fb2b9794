/**
 * Per-bucket (1 s by default) figures for live progress and report charts:
 * requests that ended in the bucket (successful / failed), output tokens that
 * arrived in it, and the TTFT distribution of requests whose first token
 * arrived in it.
 *
 * Token arrival is approximated from the record: the first token-bearing
 * event at t_start + TTFT, each next one an ITL gap later, and the request's
 * N output tokens spread evenly over those events (METRICS.md "peak output
 * tok/s" buckets token arrival times).
 *
 * Bounded: at most `maxBuckets` buckets; a record past the last one merges
 * buckets pairwise and doubles the bucket width, so memory stays fixed on any
 * run length while resolution degrades gracefully.
 */
import type { RequestRecord } from '../client/types.js';
import { endedAtMs, outcomeOf, streamedItlMs, streamedTtftMs } from './record-values.js';
import { TrendSink, type EncodedTrend, type TrendSinkOptions } from './trend-sink.js';

export interface TimeSeriesOptions {
  /** Epoch ms where bucket 0 starts (normally the test start). Default: the first record's t_start, floored to the bucket width. */
  originMs?: number;
  /** Bucket width in ms (default 1000). */
  bucketMs?: number;
  /** Most buckets kept (default 3600) before widths double. */
  maxBuckets?: number;
}

export interface TimeBucket {
  /** Epoch ms. */
  startMs: number;
  durationMs: number;
  /** Successful requests that ended in the bucket. */
  completed: number;
  /** Failed requests that ended in the bucket. */
  failed: number;
  /** Output tokens of successful requests that arrived in the bucket (fractional: spread over events). */
  outputTokens: number;
  /** Requests whose first token arrived in the bucket. */
  ttftCount: number;
  /** Their TTFT p95 in ms; null when none. */
  ttftP95Ms: number | null;
}

export interface EncodedTimeSeries {
  originMs: number | null;
  bucketMs: number;
  maxBuckets: number;
  completed: number[];
  failed: number[];
  outputTokens: number[];
  ttft: Array<EncodedTrend | null>;
}

/** Per-bucket TTFT: a few raw samples, then a sparse 2-digit histogram (≤ 0.5 % error, fine for progress and charts). */
const BUCKET_TREND: TrendSinkOptions = { rawCap: 256, digits: 2, packed: true };

export class TimeSeries {
  readonly maxBuckets: number;
  #origin: number | null;
  #bucketMs: number;
  #completed: number[] = [];
  #failed: number[] = [];
  #tokens: number[] = [];
  #ttft: Array<TrendSink | null> = [];

  constructor(options: TimeSeriesOptions = {}) {
    this.#origin = options.originMs ?? null;
    this.#bucketMs = Math.max(1, options.bucketMs ?? 1000);
    this.maxBuckets = Math.max(2, Math.floor(options.maxBuckets ?? 3600));
  }

  get bucketMs(): number {
    return this.#bucketMs;
  }

  get originMs(): number | null {
    return this.#origin;
  }

  addRecord(record: RequestRecord): void {
    const outcome = outcomeOf(record);
    if (outcome === 'interrupted') return;
    if (this.#origin === null) this.#origin = Math.floor(record.startedAt / this.#bucketMs) * this.#bucketMs;
    // Each index is computed before its array is read: #index may coarsen, which replaces the arrays.
    const end = this.#index(endedAtMs(record));
    if (outcome === 'failure') {
      this.#failed[end]! += 1;
      return;
    }
    this.#completed[end]! += 1;
    const ttft = streamedTtftMs(record);
    if (ttft === null) {
      const at = this.#index(endedAtMs(record));
      this.#tokens[at]! += record.outputTokens;
      return;
    }
    let t = record.startedAt + ttft;
    let bucket = this.#index(t);
    (this.#ttft[bucket] ??= new TrendSink(BUCKET_TREND)).add(ttft);
    // Events arrive in time order: stay in a bucket until an event passes its end.
    const itl = streamedItlMs(record);
    const perEvent = record.outputTokens / (itl.length + 1);
    let bucketEnd = this.#origin + (bucket + 1) * this.#bucketMs;
    let tokens = perEvent;
    for (let i = 0; i < itl.length; i++) {
      t += itl[i]!;
      if (t < bucketEnd) {
        tokens += perEvent;
        continue;
      }
      this.#tokens[bucket]! += tokens;
      bucket = this.#index(t);
      bucketEnd = this.#origin + (bucket + 1) * this.#bucketMs;
      tokens = perEvent;
    }
    this.#tokens[bucket]! += tokens;
  }

  /** Every bucket from the origin on. */
  buckets(): TimeBucket[] {
    return this.#range(0, this.#completed.length);
  }

  /** The last `count` buckets only (cheap enough for a progress line every second). */
  recentBuckets(count: number): TimeBucket[] {
    const end = this.#completed.length;
    return this.#range(Math.max(0, end - Math.max(0, Math.floor(count))), end);
  }

  #range(from: number, to: number): TimeBucket[] {
    const out: TimeBucket[] = [];
    const origin = this.#origin;
    if (origin === null) return out;
    for (let i = from; i < to; i++) {
      const ttft = this.#ttft[i] ?? null;
      out.push({
        startMs: origin + i * this.#bucketMs,
        durationMs: this.#bucketMs,
        completed: this.#completed[i]!,
        failed: this.#failed[i]!,
        outputTokens: this.#tokens[i]!,
        ttftCount: ttft === null ? 0 : ttft.count,
        ttftP95Ms: ttft === null ? null : ttft.percentile(95),
      });
    }
    return out;
  }

  /** Highest output tokens per second over any bucket (vLLM's peak output throughput); null when empty. */
  peakOutputTokensPerSec(): number | null {
    if (this.#tokens.length === 0) return null;
    let peak = 0;
    for (const tokens of this.#tokens) if (tokens > peak) peak = tokens;
    return peak / (this.#bucketMs / 1000);
  }

  /** Add another series' buckets, re-bucketed onto this one's origin and width. */
  merge(other: TimeSeries): void {
    if (other.#origin === null) return;
    if (this.#origin === null) this.#origin = other.#origin;
    while (this.#bucketMs < other.#bucketMs) this.#coarsen();
    for (let i = 0; i < other.#completed.length; i++) {
      const j = this.#index(other.#origin + i * other.#bucketMs);
      this.#completed[j]! += other.#completed[i]!;
      this.#failed[j]! += other.#failed[i]!;
      this.#tokens[j]! += other.#tokens[i]!;
      const ttft = other.#ttft[i];
      if (ttft !== null && ttft !== undefined) (this.#ttft[j] ??= new TrendSink(BUCKET_TREND)).merge(ttft);
    }
  }

  encode(): EncodedTimeSeries {
    return {
      originMs: this.#origin,
      bucketMs: this.#bucketMs,
      maxBuckets: this.maxBuckets,
      completed: [...this.#completed],
      failed: [...this.#failed],
      outputTokens: [...this.#tokens],
      ttft: this.#ttft.map((t) => (t === null ? null : t.encode())),
    };
  }

  static decode(encoded: EncodedTimeSeries): TimeSeries {
    const options: TimeSeriesOptions = { bucketMs: encoded.bucketMs, maxBuckets: encoded.maxBuckets };
    if (encoded.originMs !== null) options.originMs = encoded.originMs;
    const series = new TimeSeries(options);
    series.#completed = [...encoded.completed];
    series.#failed = [...encoded.failed];
    series.#tokens = [...encoded.outputTokens];
    series.#ttft = encoded.completed.map((_, i) => {
      const t = encoded.ttft[i];
      return t === null || t === undefined ? null : TrendSink.decode(t);
    });
    return series;
  }

  /** Bucket index of an epoch-ms instant, growing (or coarsening) the series to hold it. Instants before the origin go to bucket 0. */
  #index(atMs: number): number {
    let index = Math.floor((atMs - this.#origin!) / this.#bucketMs);
    if (index < 0) index = 0;
    while (index >= this.maxBuckets) {
      this.#coarsen();
      index = Math.max(0, Math.floor((atMs - this.#origin!) / this.#bucketMs));
    }
    while (this.#completed.length <= index) {
      this.#completed.push(0);
      this.#failed.push(0);
      this.#tokens.push(0);
      this.#ttft.push(null);
    }
    return index;
  }

  /** Merge buckets pairwise and double the width. */
  #coarsen(): void {
    const n = this.#completed.length;
    const half = Math.ceil(n / 2);
    const completed: number[] = [];
    const failed: number[] = [];
    const tokens: number[] = [];
    const ttft: Array<TrendSink | null> = [];
    for (let i = 0; i < half; i++) {
      const a = 2 * i;
      const b = a + 1;
      const hasB = b < n;
      completed.push(this.#completed[a]! + (hasB ? this.#completed[b]! : 0));
      failed.push(this.#failed[a]! + (hasB ? this.#failed[b]! : 0));
      tokens.push(this.#tokens[a]! + (hasB ? this.#tokens[b]! : 0));
      let merged = this.#ttft[a] ?? null;
      const other = hasB ? (this.#ttft[b] ?? null) : null;
      if (other !== null) {
        if (merged === null) merged = new TrendSink(BUCKET_TREND);
        merged.merge(other);
      }
      ttft.push(merged);
    }
    this.#completed = completed;
    this.#failed = failed;
    this.#tokens = tokens;
    this.#ttft = ttft;
    this.#bucketMs *= 2;
  }
}
