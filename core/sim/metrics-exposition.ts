/**
 * The simulator's GET /metrics: Prometheus text format (version 0.0.4) with
 * vLLM's metric names, labels and histogram buckets
 * (vllm/v1/metrics/loggers.py), so tools that scrape vLLM scrape us.
 *
 * Times are wall-clock seconds as a client sees them: virtual engine times
 * divided by timeScale.
 */
import type { Engine, Sequence } from './engine.js';

/** vLLM's buckets, seconds. */
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const REQUEST_BUCKETS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];

/** A cumulative-bucket histogram (Prometheus semantics: le = less than or equal). */
export class Histogram {
  readonly bounds: readonly number[];
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

/** Finished requests by reason (vllm:request_success_total{finished_reason}). */
export type FinishedReason = 'stop' | 'length' | 'abort';

/** What a request's engine tag must expose for metrics. */
export interface MetricsTag {
  readonly finishReason: 'stop' | 'length';
}

/** Request-level metrics fed from the engine's step outcomes. */
export class SimMetrics {
  readonly ttft = new Histogram(TTFT_BUCKETS);
  readonly itl = new Histogram(ITL_BUCKETS);
  readonly e2e = new Histogram(REQUEST_BUCKETS);
  readonly queue = new Histogram(REQUEST_BUCKETS);
  readonly success: Record<FinishedReason, number> = { stop: 0, length: 0, abort: 0 };
  /** Virtual ms → wall-clock seconds. */
  readonly #toSeconds: number;

  constructor(timeScale: number) {
    this.#toSeconds = 1 / (timeScale * 1000);
  }

  /** A request was scheduled for the first time (its queueing ended). */
  admitted(seq: Sequence<MetricsTag>): void {
    this.queue.observe(((seq.firstScheduledMs as number) - seq.request.arrivalMs) * this.#toSeconds);
  }

  /** A request got a token at `atMs`. */
  token(seq: Sequence<MetricsTag>, atMs: number): void {
    if (seq.generated === 1) this.ttft.observe((atMs - seq.request.arrivalMs) * this.#toSeconds);
    else if (seq.prevTokenMs !== null) this.itl.observe((atMs - seq.prevTokenMs) * this.#toSeconds);
  }

  /** A request produced its last token at `atMs`. */
  finished(seq: Sequence<MetricsTag>, atMs: number): void {
    this.e2e.observe((atMs - seq.request.arrivalMs) * this.#toSeconds);
    this.success[seq.request.tag.finishReason]++;
  }

  /** A request was dropped because its client went away. */
  aborted(): void {
    this.success.abort++;
  }

  /** The whole exposition text. */
  render(engine: Engine<unknown>, model: string): string {
    const label = `model_name="${escapeLabel(model)}"`;
    const c = engine.counters;
    const out: string[] = [];
    const gauge = (name: string, help: string, value: number): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}{${label}} ${num(value)}`);
    };
    const counter = (name: string, help: string, value: number): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name}{${label}} ${num(value)}`);
    };
    gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', engine.runningCount);
    gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', engine.waitingCount);
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', engine.kv.usage);
    // The V0 name, still read by older dashboards.
    gauge('vllm:gpu_cache_usage_perc', 'GPU KV-cache usage. 1 means 100 percent usage.', engine.kv.usage);
    counter('vllm:prefix_cache_queries_total', 'Prefix cache queries, in terms of number of queried tokens.', c.prefixQueries);
    counter('vllm:prefix_cache_hits_total', 'Prefix cache hits, in terms of number of cached tokens.', c.prefixHits);
    counter('vllm:num_preemptions_total', 'Cumulative number of preemption from the engine.', c.preemptions);
    counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.', c.promptTokens);
    counter('vllm:generation_tokens_total', 'Number of generation tokens processed.', c.generationTokens);
    out.push('# HELP vllm:request_success_total Count of successfully processed requests.', '# TYPE vllm:request_success_total counter');
    for (const reason of ['stop', 'length', 'abort'] as const) {
      out.push(`vllm:request_success_total{finished_reason="${reason}",${label}} ${num(this.success[reason])}`);
    }
    // The engine's KV-cache configuration, as vLLM publishes it (read by the probe into the report's environment).
    const cfg = engine.config;
    out.push(
      '# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig',
      '# TYPE vllm:cache_config_info gauge',
      `vllm:cache_config_info{block_size="${cfg.blockSize}",cache_dtype="auto",enable_prefix_caching="${cfg.enablePrefixCaching ? 'True' : 'False'}",engine="0",num_gpu_blocks="${cfg.numGpuBlocks}"} 1.0`,
    );
    histogram(out, label, 'vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', this.ttft);
    histogram(out, label, 'vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', this.itl);
    histogram(out, label, 'vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', this.e2e);
    histogram(out, label, 'vllm:request_queue_time_seconds', 'Histogram of time spent in WAITING phase for request.', this.queue);
    return `${out.join('\n')}\n`;
  }
}

function histogram(out: string[], label: string, name: string, help: string, h: Histogram): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
  let cumulative = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.counts[i] as number;
    out.push(`${name}_bucket{${label},le="${num(h.bounds[i] as number)}"} ${num(cumulative)}`);
  }
  cumulative += h.counts[h.bounds.length] as number;
  out.push(`${name}_bucket{${label},le="+Inf"} ${num(cumulative)}`);
  out.push(`${name}_count{${label}} ${num(h.count)}`, `${name}_sum{${label}} ${num(h.sum)}`);
}

/** Prometheus sample value: integers with ".0" as prometheus_client prints them. */
function num(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
