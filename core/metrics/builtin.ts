/**
 * Every metric and tag name llmload emits, in one place (as k6 metrics/builtin.go).
 * Names are snake_case; LLM metrics carry the `llm_` prefix, k6's own keep k6's names.
 * Definitions are METRICS.md's (`vllm bench serve` semantics).
 */
import type { MetricType, ValueKind } from './types.js';

/** Request start → first token-bearing event. */
export const LLM_TTFT = 'llm_ttft';
/** Gap between consecutive token-bearing events; one sample per gap, successful requests only. */
export const LLM_ITL = 'llm_itl';
/** (e2e − ttft) / (output tokens − 1), per successful request with more than one output token. */
export const LLM_TPOT = 'llm_tpot';
/** Request start → last SSE data event (or stream close). */
export const LLM_E2E = 'llm_e2e';
/** Request start → response headers. */
export const LLM_TTFB = 'llm_ttfb';
/** Request start → first non-reasoning content or tool call. */
export const LLM_TTFC = 'llm_ttfc';
/** Connection set-up time (TCP + TLS) of requests that opened a connection. */
export const LLM_CONNECTING = 'llm_connecting';
/** Output tokens per successful request (server usage, else estimated). */
export const LLM_OUTPUT_TOKENS = 'llm_output_tokens';
/** Input tokens per successful request (server usage, else estimated). */
export const LLM_INPUT_TOKENS = 'llm_input_tokens';
/** Output tokens / e2e seconds, per successful request. */
export const LLM_OUTPUT_TPS = 'llm_output_tps';
/** Finished requests, successful or failed (interrupted ones excluded). */
export const LLM_REQUESTS = 'llm_requests';
/** 1 for a failed request, 0 for a successful one; interrupted requests are not samples. */
export const LLM_REQUEST_FAILED = 'llm_request_failed';
/** Requests cut off by llmload itself (gracefulStop, ramp-down, Ctrl-C). */
export const LLM_REQUESTS_INTERRUPTED = 'llm_requests_interrupted';
/** Requests sent again on a fresh connection: first written on a kept-alive one the server had already closed. */
export const LLM_RECONNECTS = 'llm_reconnects';
/** Requests recorded but left out of every figure: started in a phase's warm-up or cool-down (tag `window`). */
export const LLM_REQUESTS_EXCLUDED = 'llm_requests_excluded';
/** Open loop: intended send time (t_sched) → first token-bearing event (METRICS.md TTFT_sched). */
export const LLM_TTFT_SCHED = 'llm_ttft_sched';
/** Open loop: intended send time (t_sched) → last data event (METRICS.md E2EL_sched). */
export const LLM_E2E_SCHED = 'llm_e2e_sched';
/** Open loop: actual send − intended send (t_start − t_sched): how late the load generator was. */
export const LLM_DISPATCH_LAG = 'llm_dispatch_lag';
/** With options.slo: 1 for a counted request that succeeded and met every SLO, 0 for any other counted request. */
export const LLM_GOODPUT_RATIO = 'llm_goodput_ratio';
/**
 * capacity-search: the highest load (VUs, or arrivals per second) whose share of requests meeting
 * options.slo was shown, at the search's confidence, to reach its attainment target; one sample
 * per search at its end, tagged with its scenario (0 when even the first load did not pass).
 */
export const LLM_CAPACITY = 'llm_capacity';

/** Successful requests / window (derived from the request window, not from samples). */
export const LLM_REQUEST_THROUGHPUT = 'llm_request_throughput';
/** Σ output tokens of successful requests / window. */
export const LLM_OUTPUT_TOKEN_THROUGHPUT = 'llm_output_token_throughput';
/** (Σ input + Σ output tokens) of successful requests / window. */
export const LLM_TOTAL_TOKEN_THROUGHPUT = 'llm_total_token_throughput';
/** Successful requests meeting every goodput SLO / window. */
export const LLM_GOODPUT = 'llm_goodput';

/** The load generator's own health (core/metrics/load-generator.ts): how late its event loops ran, per thread and interval. */
export const LLMLOAD_EVENT_LOOP_DELAY = 'llmload_event_loop_delay';
/** Share of an interval a load generator thread spent running JavaScript. */
export const LLMLOAD_EVENT_LOOP_UTILIZATION = 'llmload_event_loop_utilization';
/** CPU time of the llmload process / (wall time × available cores), per interval. */
export const LLMLOAD_CPU = 'llmload_cpu';
/** Busy share of the whole machine's CPUs (every process), per interval. */
export const LLMLOAD_MACHINE_CPU = 'llmload_machine_cpu';
/** Share of token gaps whose two events arrived in the same socket read (ITL 0 that says nothing of the server). */
export const LLMLOAD_COALESCED_READS = 'llmload_coalesced_reads';

/** GPU telemetry (core/telemetry/): one sample per reading per GPU, tagged gpu, host and the row (level, stage, rate, scenario) it fell in. */
export const GPU_UTILIZATION = 'gpu_utilization';
/** MiB. */
export const GPU_MEMORY_USED = 'gpu_memory_used';
/** MiB. */
export const GPU_MEMORY_TOTAL = 'gpu_memory_total';
export const GPU_MEMORY_PCT = 'gpu_memory_pct';
export const GPU_POWER = 'gpu_power';
export const GPU_TEMPERATURE = 'gpu_temperature';
export const GPU_SM_CLOCK = 'gpu_sm_clock';
/** Per row (one sample per level, stage, rate or scenario row): J spent by every GPU in the row's window. */
export const GPU_ENERGY = 'gpu_energy';
/** Per row: J per output token (idle power subtracted when an idle baseline was measured). */
export const GPU_ENERGY_PER_OUTPUT_TOKEN = 'gpu_energy_per_output_token';
export const GPU_OUTPUT_TOKENS_PER_JOULE = 'gpu_output_tokens_per_joule';

export const CHECKS = 'checks';
export const ITERATIONS = 'iterations';
export const ITERATION_DURATION = 'iteration_duration';
export const VUS = 'vus';
export const VUS_MAX = 'vus_max';
export const DROPPED_ITERATIONS = 'dropped_iterations';
/** Open loop: 1 for each arrival of the schedule that was started, 0 for each one dropped (tags as its requests'). */
export const LLM_LOAD_DELIVERED = 'llm_load_delivered';

/** Tag names with a meaning to the engine. */
export const TAG_SCENARIO = 'scenario';
export const TAG_LEVEL = 'level';
export const TAG_STAGE = 'stage';
/** Rate of a rate-sweep phase (requests/s), or 'synchronous' / 'throughput' for its measurement phases. */
export const TAG_RATE = 'rate';
/** Why a request was excluded from the figures: 'warmup' or 'cooldown' (on llm_requests_excluded). */
export const TAG_WINDOW = 'window';
export const TAG_NAME = 'name';
/** Group path, k6-style: '' at the root, '::outer::inner' inside groups. */
export const TAG_GROUP = 'group';
/** Name of a check, on `checks` samples. */
export const TAG_CHECK = 'check';
/** Failure class, added to `llm_requests` and `llm_request_failed` samples of failed requests. */
export const TAG_FAILURE = 'failure';

/** Where the end-of-test summary lists a metric. */
export type MetricSection = 'llm' | 'throughput' | 'checks' | 'execution' | 'custom' | 'load-generator' | 'gpu';

export interface MetricInfo {
  type: MetricType;
  contains: ValueKind;
  section: MetricSection;
  /** Computed from the request window at read time rather than from samples. */
  derived: boolean;
  description: string;
}

function info(type: MetricType, contains: ValueKind, section: MetricSection, description: string, derived = false): MetricInfo {
  return Object.freeze({ type, contains, section, derived, description });
}

/** Every builtin metric, in the order the summary lists them within a section. */
export const BUILTIN_METRICS: Readonly<Record<string, MetricInfo>> = Object.freeze({
  [LLM_E2E]: info('trend', 'time', 'llm', 'request start to last data event'),
  [LLM_TTFT]: info('trend', 'time', 'llm', 'time to first token'),
  [LLM_TTFC]: info('trend', 'time', 'llm', 'time to first content (non-reasoning)'),
  [LLM_TTFB]: info('trend', 'time', 'llm', 'time to response headers'),
  [LLM_TTFT_SCHED]: info('trend', 'time', 'llm', 'time to first token from the intended send time (open loop)'),
  [LLM_E2E_SCHED]: info('trend', 'time', 'llm', 'intended send time to last data event (open loop)'),
  [LLM_DISPATCH_LAG]: info('trend', 'time', 'llm', 'actual send minus intended send time (open loop)'),
  [LLM_ITL]: info('trend', 'time', 'llm', 'inter-token latency, one sample per gap'),
  [LLM_TPOT]: info('trend', 'time', 'llm', 'time per output token after the first'),
  [LLM_CONNECTING]: info('trend', 'time', 'llm', 'connection set-up time'),
  [LLM_OUTPUT_TOKENS]: info('trend', 'default', 'llm', 'output tokens per request'),
  [LLM_INPUT_TOKENS]: info('trend', 'default', 'llm', 'input tokens per request'),
  [LLM_OUTPUT_TPS]: info('trend', 'default', 'llm', 'output tokens per second, per request'),
  [LLM_REQUESTS]: info('counter', 'default', 'llm', 'finished requests'),
  [LLM_REQUEST_FAILED]: info('rate', 'default', 'llm', 'share of finished requests that failed'),
  [LLM_REQUESTS_INTERRUPTED]: info('counter', 'default', 'llm', 'requests interrupted by llmload'),
  [LLM_RECONNECTS]: info('counter', 'default', 'llm', 'requests resent on a fresh connection: the kept-alive one was closed'),
  [LLM_REQUESTS_EXCLUDED]: info('counter', 'default', 'llm', 'requests left out: started in a warm-up or cool-down'),
  [LLM_GOODPUT_RATIO]: info('rate', 'default', 'llm', 'share of requests meeting every SLO'),
  [LLM_CAPACITY]: info('gauge', 'default', 'throughput', 'highest load meeting options.slo at the required attainment and confidence (capacity-search)'),
  [LLM_REQUEST_THROUGHPUT]: info('gauge', 'default', 'throughput', 'successful requests per second over the window', true),
  [LLM_OUTPUT_TOKEN_THROUGHPUT]: info('gauge', 'default', 'throughput', 'output tokens per second over the window', true),
  [LLM_TOTAL_TOKEN_THROUGHPUT]: info('gauge', 'default', 'throughput', 'input + output tokens per second over the window', true),
  [LLM_GOODPUT]: info('gauge', 'default', 'throughput', 'requests meeting every SLO per second over the window', true),
  [CHECKS]: info('rate', 'default', 'checks', 'share of checks that passed'),
  [ITERATION_DURATION]: info('trend', 'time', 'execution', 'time of one iteration of the scenario function'),
  [ITERATIONS]: info('counter', 'default', 'execution', 'iterations completed'),
  [DROPPED_ITERATIONS]: info('counter', 'default', 'execution', 'schedule slots that could not start'),
  [LLM_LOAD_DELIVERED]: info('rate', 'default', 'execution', 'share of planned open-loop arrivals that were started'),
  [VUS]: info('gauge', 'default', 'execution', 'active virtual users'),
  [VUS_MAX]: info('gauge', 'default', 'execution', 'allocated virtual users'),
  [LLMLOAD_EVENT_LOOP_DELAY]: info('trend', 'time', 'load-generator', "load generator event-loop delay: each thread's p99 per interval"),
  [LLMLOAD_EVENT_LOOP_UTILIZATION]: info('trend', 'default', 'load-generator', 'share of each interval a load generator thread was busy'),
  [LLMLOAD_CPU]: info('trend', 'default', 'load-generator', "llmload's CPU use as a share of the available cores, per interval"),
  [LLMLOAD_MACHINE_CPU]: info('trend', 'default', 'load-generator', "the machine's CPU use (every process) as a share of its cores, per interval"),
  [LLMLOAD_COALESCED_READS]: info('rate', 'default', 'load-generator', 'share of token gaps read in the same socket read (ITL 0 from client lag)'),
  [GPU_UTILIZATION]: info('trend', 'default', 'gpu', 'GPU utilisation, %, per reading and GPU'),
  [GPU_MEMORY_USED]: info('trend', 'default', 'gpu', 'GPU memory used, MiB, per reading and GPU'),
  [GPU_MEMORY_TOTAL]: info('trend', 'default', 'gpu', 'GPU memory total, MiB, per reading and GPU'),
  [GPU_MEMORY_PCT]: info('trend', 'default', 'gpu', 'GPU memory used, % of total, per reading and GPU'),
  [GPU_POWER]: info('trend', 'default', 'gpu', 'GPU power draw, W, per reading and GPU'),
  [GPU_TEMPERATURE]: info('trend', 'default', 'gpu', 'GPU temperature, °C, per reading and GPU'),
  [GPU_SM_CLOCK]: info('trend', 'default', 'gpu', 'GPU SM clock, MHz, per reading and GPU'),
  [GPU_ENERGY]: info('trend', 'default', 'gpu', 'energy of every GPU over a row (level, stage, rate, scenario), J'),
  [GPU_ENERGY_PER_OUTPUT_TOKEN]: info('trend', 'default', 'gpu', 'GPU energy per output token over a row, J/token'),
  [GPU_OUTPUT_TOKENS_PER_JOULE]: info('trend', 'default', 'gpu', 'output tokens per joule of GPU energy over a row'),
});

/** The builtin metric's definition, or undefined for a custom metric name. */
export function builtinMetric(name: string): MetricInfo | undefined {
  return Object.hasOwn(BUILTIN_METRICS, name) ? BUILTIN_METRICS[name] : undefined;
}

/** Names of the derived throughput metrics, in summary order. */
export const DERIVED_METRICS: readonly string[] = Object.keys(BUILTIN_METRICS).filter((name) => BUILTIN_METRICS[name]?.derived === true);
