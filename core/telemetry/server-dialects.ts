/**
 * What each inference server calls the figures the report reads from its
 * /metrics, one name list per figure, first match wins. The names come from
 * each server's documentation and source:
 *
 * - vLLM V1 (`vllm:kv_cache_usage_perc`, `vllm:prefix_cache_*_total`) and the
 *   V0 spellings it replaced (`vllm:gpu_cache_usage_perc`,
 *   `vllm:gpu_prefix_cache_*_total`, the `vllm:gpu_prefix_cache_hit_rate`
 *   gauge);
 * - SGLang (`sglang:num_running_reqs`, `sglang:num_queue_reqs`,
 *   `sglang:token_usage`, `sglang:cache_hit_rate`, `sglang:gen_throughput`);
 * - TGI (`tgi_batch_current_size`, `tgi_queue_size`, and the token counts as
 *   the `_sum` of its `tgi_request_input_length` and
 *   `tgi_request_generated_tokens` histograms);
 * - llama.cpp server with `--metrics` (`llamacpp:requests_processing`,
 *   `llamacpp:requests_deferred`, `llamacpp:kv_cache_usage_ratio` where the
 *   build has it, `llamacpp:prompt_tokens_total`,
 *   `llamacpp:tokens_predicted_total`, and its two throughput gauges).
 *
 * Kinds matter: a counter over a window is its increase (resets handled,
 * server-metrics.ts), a gauge is read as it was sampled.
 */

export type ServerDialect = 'vllm' | 'sglang' | 'tgi' | 'llama.cpp';

export const SERVER_FIGURES = {
  /** Requests being decoded now (gauge). */
  running: ['vllm:num_requests_running', 'sglang:num_running_reqs', 'tgi_batch_current_size', 'llamacpp:requests_processing'],
  /** Requests queued for a batch slot (gauge). */
  waiting: ['vllm:num_requests_waiting', 'sglang:num_queue_reqs', 'tgi_queue_size', 'llamacpp:requests_deferred'],
  /** KV-cache usage, 0..1 (gauge). */
  kvUsage: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc', 'sglang:token_usage', 'llamacpp:kv_cache_usage_ratio'],
  /** Prefix-cache hits and lookups, in tokens (counters). */
  prefixHits: ['vllm:prefix_cache_hits_total', 'vllm:gpu_prefix_cache_hits_total'],
  prefixQueries: ['vllm:prefix_cache_queries_total', 'vllm:gpu_prefix_cache_queries_total'],
  /** A hit rate the server computes itself, 0..1 (gauge; servers without the counters). */
  cacheHitRate: ['sglang:cache_hit_rate', 'vllm:gpu_prefix_cache_hit_rate'],
  /** Requests preempted (counter). */
  preemptions: ['vllm:num_preemptions_total'],
  /** Tokens the server counted (counters). */
  promptTokens: ['vllm:prompt_tokens_total', 'sglang:prompt_tokens_total', 'tgi_request_input_length_sum', 'llamacpp:prompt_tokens_total'],
  generationTokens: ['vllm:generation_tokens_total', 'sglang:generation_tokens_total', 'tgi_request_generated_tokens_sum', 'llamacpp:tokens_predicted_total'],
  /** The server's own generation throughput, tokens/s (gauge). */
  generationThroughput: ['sglang:gen_throughput', 'llamacpp:predicted_tokens_seconds'],
  /** The server's own prompt throughput, tokens/s (gauge). */
  promptThroughput: ['llamacpp:prompt_tokens_seconds'],
} as const;

export type ServerFigure = keyof typeof SERVER_FIGURES;

/** Figures that only ever grow (until the server restarts): read as an increase over a window. */
export const COUNTER_FIGURES: ReadonlySet<ServerFigure> = new Set<ServerFigure>(['prefixHits', 'prefixQueries', 'preemptions', 'promptTokens', 'generationTokens']);

const PREFIXES: ReadonlyArray<[string, ServerDialect]> = [
  ['vllm:', 'vllm'],
  ['sglang:', 'sglang'],
  ['tgi_', 'tgi'],
  ['llamacpp:', 'llama.cpp'],
];

/** The server whose metric names a scrape holds (the first family seen), or null. */
export function detectDialect(values: Readonly<Record<string, number>>): ServerDialect | null {
  for (const name in values) {
    for (const [prefix, dialect] of PREFIXES) if (name.startsWith(prefix)) return dialect;
  }
  return null;
}
