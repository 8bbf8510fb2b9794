/**
 * Statistics of a set of requests (the whole run, one sweep level, one
 * scenario, one stage): counts, failures by class, the window, token sums,
 * and latency trends. One instance feeds one row of the sweep table.
 *
 * Definitions (METRICS.md): a request is counted when it succeeded or failed;
 * interrupted ones are only counted as such. Window = [first t_start, last
 * t_end] over counted requests. Request throughput = successful / window;
 * output token throughput = Σ N of successful / window; total token throughput
 * = (Σ input + Σ N) of successful / window. Success rate = successful /
 * counted. Average concurrency = Σ E2EL / window (SGLang).
 */
import type { RequestRecord } from '../client/types.js';
import { TAG_LEVEL } from './builtin.js';
import { endedAtMs, failureClassOf, isStreamed, outcomeOf, streamedItlMs, streamedTtftMs, tpotMs } from './record-values.js';
import { TrendSink, type EncodedTrend, type TrendSinkOptions } from './trend-sink.js';

/** SLOs a request must meet to count towards goodput (vLLM `--goodput`); absent keys are not checked. */
export interface GoodputSlo {
  ttftMs?: number;
  /** A request with N ≤ 1 has TPOT 0 for this purpose. */
  tpotMs?: number;
  e2eMs?: number;
  /** Measure ttft and e2e from the intended send time (t_sched) instead of t_start. */
  fromSchedule?: boolean;
}

/** Which input token count total throughput uses: the server's usage (default) or the client's estimate (vLLM bench). */
export type InputTokenBasis = 'server' | 'client';

export interface RequestStatsOptions {
  trend?: TrendSinkOptions;
  /**
   * The ITL trend to use, fed by the caller rather than by add() (the registry
   * passes a SharedTrend over the ITL stores it keeps once per tag set).
   */
  itl?: TrendSink;
  goodput?: GoodputSlo | null;
  inputTokens?: InputTokenBasis;
}

/** Summary of one latency trend. Times in ms. */
export interface LatencySummary {
  count: number;
  avg: number;
  min: number;
  max: number;
  std: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  /** Percentiles come from the HDR histogram (≤ 0.1 % error) rather than raw samples. */
  approximate: boolean;
}

/** One row of a per-level / per-scenario / per-stage table. Rates are per second. */
export interface RequestStatsRow {
  /** Tag values identifying the group, e.g. { scenario: 'sweep', level: '10' }; {} for the whole run. */
  tags: Record<string, string>;
  /** The level's concurrency when the group has a numeric `level` tag, else the number of distinct VUs seen. */
  users: number | null;
  /** Counted requests: successful + failed. */
  requests: number;
  successful: number;
  failed: number;
  interrupted: number;
  /** successful / requests, 0..1; null when nothing was counted. */
  successRate: number | null;
  failures: Record<string, number>;
  window: { startMs: number; endMs: number; durationMs: number } | null;
  requestsPerSec: number | null;
  outputTokensPerSec: number | null;
  totalTokensPerSec: number | null;
  /** null when no goodput SLO was configured. */
  goodputPerSec: number | null;
  averageConcurrency: number | null;
  outputTokens: number;
  inputTokens: number;
  cachedTokens: number;
  avgOutputTokens: number | null;
  avgOutputChars: number | null;
  /** Some successful request's token counts were estimated rather than reported by the server. */
  tokensEstimated: boolean;
  /**
   * Counted requests answered in one body (not streamed): in E2E and tokens, not in TTFT, ITL
   * or TPOT. Absent in rows written before it was counted.
   */
  notStreamed?: number;
  e2e: LatencySummary | null;
  ttft: LatencySummary | null;
  itl: LatencySummary | null;
  tpot: LatencySummary | null;
}

export interface EncodedRequestStats {
  tags: Record<string, string>;
  successful: number;
  failed: number;
  interrupted: number;
  failures: Record<string, number>;
  /** null when nothing was counted. */
  firstStartMs: number | null;
  lastEndMs: number | null;
  outputTokens: number;
  inputTokens: number;
  inputTokensClient: number;
  cachedTokens: number;
  outputChars: number;
  estimated: number;
  e2eSumMs: number;
  good: number;
  /** Absent in encodings made before it was counted. */
  notStreamed?: number;
  vus: number[];
  e2e: EncodedTrend;
  ttft: EncodedTrend;
  itl: EncodedTrend;
  tpot: EncodedTrend;
}

export class RequestStats {
  readonly tags: Readonly<Record<string, string>>;
  readonly e2e: TrendSink;
  readonly ttft: TrendSink;
  readonly itl: TrendSink;
  readonly tpot: TrendSink;
  successful = 0;
  failed = 0;
  interrupted = 0;
  readonly failures: Record<string, number> = {};
  firstStartMs = Number.POSITIVE_INFINITY;
  lastEndMs = Number.NEGATIVE_INFINITY;
  outputTokens = 0;
  inputTokens = 0;
  inputTokensClient = 0;
  cachedTokens = 0;
  outputChars = 0;
  /** Successful requests whose token counts were estimated. */
  estimated = 0;
  /** Σ E2EL over counted requests. */
  e2eSumMs = 0;
  /** Successful requests meeting every goodput SLO. */
  good = 0;
  /** Counted requests answered in one body: they have E2E and tokens but no TTFT, ITL or TPOT. */
  notStreamed = 0;
  readonly vus = new Set<number>();
  readonly #goodput: GoodputSlo | null;
  readonly #inputBasis: InputTokenBasis;
  /** add() feeds the ITL trend (false when the caller does). */
  readonly #feedsItl: boolean;

  constructor(tags: Readonly<Record<string, string>> = {}, options: RequestStatsOptions = {}) {
    this.tags = tags;
    const trend = options.trend ?? {};
    this.e2e = new TrendSink(trend);
    this.ttft = new TrendSink(trend);
    this.itl = options.itl ?? new TrendSink(trend);
    this.#feedsItl = options.itl === undefined;
    this.tpot = new TrendSink(trend);
    this.#goodput = options.goodput ?? null;
    this.#inputBasis = options.inputTokens ?? 'server';
  }

  /** Successful + failed. */
  get requests(): number {
    return this.successful + this.failed;
  }

  /** Account one finished request. */
  add(record: RequestRecord): void {
    const outcome = outcomeOf(record);
    if (outcome === 'interrupted') {
      this.interrupted++;
      return;
    }
    if (record.startedAt < this.firstStartMs) this.firstStartMs = record.startedAt;
    const end = endedAtMs(record);
    if (end > this.lastEndMs) this.lastEndMs = end;
    this.vus.add(record.vu);
    if (record.e2eMs !== null) this.e2eSumMs += record.e2eMs;
    if (!isStreamed(record)) this.notStreamed++;
    if (outcome === 'failure') {
      this.failed++;
      const failure = failureClassOf(record);
      this.failures[failure] = (this.failures[failure] ?? 0) + 1;
      return;
    }
    this.successful++;
    this.outputTokens += record.outputTokens;
    this.inputTokens += record.inputTokens;
    this.inputTokensClient += record.inputTokensClient;
    this.cachedTokens += record.cachedTokens ?? 0;
    this.outputChars += record.outputChars;
    if (record.tokensSource === 'estimate') this.estimated++;
    if (record.e2eMs !== null) this.e2e.add(record.e2eMs);
    const ttft = streamedTtftMs(record);
    if (ttft !== null) this.ttft.add(ttft);
    if (this.#feedsItl) this.itl.addMany(streamedItlMs(record));
    const tpot = tpotMs(record);
    if (tpot !== null) this.tpot.add(tpot);
    if (this.#goodput !== null && meetsSlo(this.#goodput, record, tpot)) this.good++;
  }

  merge(other: RequestStats): void {
    this.successful += other.successful;
    this.failed += other.failed;
    this.interrupted += other.interrupted;
    for (const [failure, count] of Object.entries(other.failures)) this.failures[failure] = (this.failures[failure] ?? 0) + count;
    if (other.firstStartMs < this.firstStartMs) this.firstStartMs = other.firstStartMs;
    if (other.lastEndMs > this.lastEndMs) this.lastEndMs = other.lastEndMs;
    this.outputTokens += other.outputTokens;
    this.inputTokens += other.inputTokens;
    this.inputTokensClient += other.inputTokensClient;
    this.cachedTokens += other.cachedTokens;
    this.outputChars += other.outputChars;
    this.estimated += other.estimated;
    this.e2eSumMs += other.e2eSumMs;
    this.good += other.good;
    this.notStreamed += other.notStreamed;
    for (const vu of other.vus) this.vus.add(vu);
    this.e2e.merge(other.e2e);
    this.ttft.merge(other.ttft);
    this.itl.merge(other.itl);
    this.tpot.merge(other.tpot);
  }

  /** The window in ms (last t_end − first t_start); 0 when nothing was counted. */
  get windowMs(): number {
    return this.requests === 0 ? 0 : Math.max(0, this.lastEndMs - this.firstStartMs);
  }

  /** Successful requests per second over the window; null without a window. */
  requestThroughput(): number | null {
    return this.#perSecond(this.successful);
  }

  /** Output tokens of successful requests per second over the window. */
  outputTokenThroughput(): number | null {
    return this.#perSecond(this.outputTokens);
  }

  /** Input + output tokens of successful requests per second over the window. */
  totalTokenThroughput(): number | null {
    const input = this.#inputBasis === 'client' ? this.inputTokensClient : this.inputTokens;
    return this.#perSecond(input + this.outputTokens);
  }

  /** Requests meeting every SLO per second; null when no SLO was configured or no window. */
  goodputThroughput(): number | null {
    return this.#goodput === null ? null : this.#perSecond(this.good);
  }

  row(): RequestStatsRow {
    const counted = this.requests;
    const window = this.windowMs;
    return {
      tags: { ...this.tags },
      users: this.#users(),
      requests: counted,
      successful: this.successful,
      failed: this.failed,
      interrupted: this.interrupted,
      successRate: counted === 0 ? null : this.successful / counted,
      failures: { ...this.failures },
      window: counted === 0 ? null : { startMs: this.firstStartMs, endMs: this.lastEndMs, durationMs: window },
      requestsPerSec: this.requestThroughput(),
      outputTokensPerSec: this.outputTokenThroughput(),
      totalTokensPerSec: this.totalTokenThroughput(),
      goodputPerSec: this.goodputThroughput(),
      averageConcurrency: window > 0 ? this.e2eSumMs / window : null,
      outputTokens: this.outputTokens,
      inputTokens: this.#inputBasis === 'client' ? this.inputTokensClient : this.inputTokens,
      cachedTokens: this.cachedTokens,
      avgOutputTokens: this.successful === 0 ? null : this.outputTokens / this.successful,
      avgOutputChars: this.successful === 0 ? null : this.outputChars / this.successful,
      tokensEstimated: this.estimated > 0,
      notStreamed: this.notStreamed,
      e2e: summarizeLatency(this.e2e),
      ttft: summarizeLatency(this.ttft),
      itl: summarizeLatency(this.itl),
      tpot: summarizeLatency(this.tpot),
    };
  }

  encode(): EncodedRequestStats {
    const counted = this.requests > 0;
    return {
      tags: { ...this.tags },
      successful: this.successful,
      failed: this.failed,
      interrupted: this.interrupted,
      failures: { ...this.failures },
      firstStartMs: counted ? this.firstStartMs : null,
      lastEndMs: counted ? this.lastEndMs : null,
      outputTokens: this.outputTokens,
      inputTokens: this.inputTokens,
      inputTokensClient: this.inputTokensClient,
      cachedTokens: this.cachedTokens,
      outputChars: this.outputChars,
      estimated: this.estimated,
      e2eSumMs: this.e2eSumMs,
      good: this.good,
      notStreamed: this.notStreamed,
      vus: [...this.vus],
      e2e: this.e2e.encode(),
      ttft: this.ttft.encode(),
      itl: this.itl.encode(),
      tpot: this.tpot.encode(),
    };
  }

  static decode(encoded: EncodedRequestStats, options: RequestStatsOptions = {}): RequestStats {
    return fromEncoded(encoded, options);
  }

  #perSecond(amount: number): number | null {
    const window = this.windowMs;
    return window > 0 ? amount / (window / 1000) : null;
  }

  #users(): number | null {
    const level = this.tags[TAG_LEVEL];
    if (level !== undefined && level.trim() !== '' && Number.isFinite(Number(level))) return Number(level);
    return this.vus.size > 0 ? this.vus.size : null;
  }
}

/** Build a RequestStats whose fields are exactly the encoded ones (trends decoded as they were). */
function fromEncoded(encoded: EncodedRequestStats, options: RequestStatsOptions): RequestStats {
  const stats = new RequestStats(encoded.tags, options);
  stats.successful = encoded.successful;
  stats.failed = encoded.failed;
  stats.interrupted = encoded.interrupted;
  Object.assign(stats.failures, encoded.failures);
  stats.firstStartMs = encoded.firstStartMs ?? Number.POSITIVE_INFINITY;
  stats.lastEndMs = encoded.lastEndMs ?? Number.NEGATIVE_INFINITY;
  stats.outputTokens = encoded.outputTokens;
  stats.inputTokens = encoded.inputTokens;
  stats.inputTokensClient = encoded.inputTokensClient;
  stats.cachedTokens = encoded.cachedTokens;
  stats.outputChars = encoded.outputChars;
  stats.estimated = encoded.estimated;
  stats.e2eSumMs = encoded.e2eSumMs;
  stats.good = encoded.good;
  stats.notStreamed = encoded.notStreamed ?? 0;
  for (const vu of encoded.vus) stats.vus.add(vu);
  stats.e2e.merge(TrendSink.decode(encoded.e2e));
  stats.ttft.merge(TrendSink.decode(encoded.ttft));
  stats.itl.merge(TrendSink.decode(encoded.itl));
  stats.tpot.merge(TrendSink.decode(encoded.tpot));
  return stats;
}

/** Whether a successful request meets every SLO (≤ each bound; vLLM --goodput). */
export function meetsSlo(slo: GoodputSlo, record: RequestRecord, tpot: number | null): boolean {
  const lag = slo.fromSchedule === true ? Math.max(0, record.startedAt - record.scheduledAt) : 0;
  const ttft = streamedTtftMs(record);
  if (slo.ttftMs !== undefined && (ttft === null || ttft + lag > slo.ttftMs)) return false;
  if (slo.e2eMs !== undefined && (record.e2eMs === null || record.e2eMs + lag > slo.e2eMs)) return false;
  // An answer in one body has no TPOT to check: it cannot be shown to meet a TPOT SLO.
  if (slo.tpotMs !== undefined && (!isStreamed(record) || (tpot ?? 0) > slo.tpotMs)) return false;
  return true;
}

/** count/avg/min/max/std/p50/p90/p95/p99 of a trend; null when it has no samples. */
export function summarizeLatency(trend: TrendSink): LatencySummary | null {
  if (trend.count === 0) return null;
  return {
    count: trend.count,
    avg: trend.avg,
    min: trend.min,
    max: trend.max,
    std: trend.std,
    p50: trend.percentile(50),
    p90: trend.percentile(90),
    p95: trend.percentile(95),
    p99: trend.percentile(99),
    approximate: trend.approximate,
  };
}
