/**
 * The shape of `export const options` in a scenario script (k6-shaped).
 * Durations are strings like '30s', '1m30s', '500ms', '2h' or numbers of
 * milliseconds. The JSON schema in ./schema.ts is the authority; these types
 * mirror it for script authors.
 */
import type { TelemetryOptions } from './telemetry-options.js';

export type { TelemetryOptions } from './telemetry-options.js';

export type Duration = string | number;

export interface TargetOptions {
  /**
   * Base URL of the OpenAI-compatible server, e.g. http://127.0.0.1:8000. No URL: the built-in simulator.
   * `undefined` counts as not set, so `url: process.env.LLM_URL` works when the variable is unset.
   */
  url?: string | undefined;
  /** Model name sent in every request unless the request names one. */
  model?: string | undefined;
  /** Name of the environment variable holding the API key (default OPENAI_API_KEY when set). */
  apiKeyEnv?: string | undefined;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

export interface RequestDefaults {
  /** Whole-request timeout (default '10m'). */
  timeout?: Duration;
  /** Longest allowed gap between bytes mid-response (default '60s'). */
  stallTimeout?: Duration;
  /** Stream responses (default true). */
  stream?: boolean;
}

export interface SimulatorOptions {
  /** Preset name (default 'fast'). */
  preset?: string;
  /** Run the preset this many times faster than real time (default 1). */
  timeScale?: number;
  /** Further engine settings overriding the preset. */
  config?: Record<string, unknown>;
}

export interface Stage {
  duration: Duration;
  target: number;
}

interface ScenarioBase {
  /** Offset from the start of the test (default '0s'). */
  startTime?: Duration;
  /** How long in-flight iterations may run after the scenario's end (default '30s'). */
  gracefulStop?: Duration;
  /** Name of the exported function to run (default 'default'). */
  exec?: string;
  tags?: Record<string, string>;
  env?: Record<string, string>;
  /**
   * Warm-up of each phase (each level, rate or the whole scenario): requests of iterations that
   * start in this first part are recorded in the raw results but left out of every figure.
   */
  warmup?: Duration;
  /** Also leave out the phase's first N iterations (across all workers). */
  warmupIterations?: number;
  /**
   * Cool-down of each phase: requests of iterations that start in this last part are recorded but
   * left out, so every measured request finishes under the full load, not while it drains away.
   */
  cooldown?: Duration;
}

export interface SharedIterationsScenario extends ScenarioBase {
  executor: 'shared-iterations';
  vus?: number;
  iterations?: number;
  maxDuration?: Duration;
}

export interface PerVuIterationsScenario extends ScenarioBase {
  executor: 'per-vu-iterations';
  vus?: number;
  iterations?: number;
  maxDuration?: Duration;
}

export interface ConstantVusScenario extends ScenarioBase, StopWhenKnownField {
  executor: 'constant-vus';
  vus?: number;
  duration: Duration;
}

export interface RampingVusScenario extends ScenarioBase {
  executor: 'ramping-vus';
  startVUs?: number;
  stages: Stage[];
  gracefulRampDown?: Duration;
}

/**
 * End each level, rate or probe before its duration once a latency percentile is known to a
 * margin of error: `{ metric: 'ttft', percentile: 95, margin: 0.05 }` stops once TTFT p95 is known
 * to ± 5 % at 95 % confidence (an order-statistic interval). The phase's duration is the most it runs.
 */
export interface StopWhenKnownOptions {
  metric: 'ttft' | 'e2e' | 'itl' | 'tpot';
  /** Default 95 (p95). */
  percentile?: number;
  /** Relative margin of error, e.g. 0.05 for ± 5 %. */
  margin: number;
  /** Confidence of the interval (default 0.95). */
  confidence?: number;
  /** Requests a phase needs before it can end early (default 0: the interval alone decides). */
  minRequests?: number;
}

interface StopWhenKnownField {
  /** End each phase early once the figure is known (see StopWhenKnownOptions). */
  stopWhenKnown?: StopWhenKnownOptions;
}

/** Closed-loop concurrency levels run one after another; each level's samples are tagged `level:N`. */
export interface ConcurrencySweepScenario extends ScenarioBase, StopWhenKnownField {
  executor: 'concurrency-sweep';
  levels: number[];
  /** Time per level (give this or `iterations`). */
  duration?: Duration;
  /** Requests (iterations) per level, shared by the level's VUs (give one of duration, iterations, iterationsPerVu). */
  iterations?: number;
  /** Requests per VU per level: 1 sends one wave of N simultaneous requests at level N. */
  iterationsPerVu?: number;
  /** Cap on each level's time when `iterations` or `iterationsPerVu` is used (default '10m'). */
  maxDuration?: Duration;
}

/** How the gaps between arrivals are drawn (open-loop executors). */
export type ArrivalDistribution = 'uniform' | 'poisson' | 'gamma';

interface ArrivalFields {
  /**
   * Gaps between arrivals: 'uniform' (k6: evenly spaced, the default), 'poisson' (exponential
   * gaps) or 'gamma' (gamma gaps with shape `burstiness`, as `vllm bench serve --burstiness`).
   */
  distribution?: ArrivalDistribution;
  /** Gamma shape for distribution 'gamma' (default 1 = Poisson; < 1 burstier, > 1 more even). */
  burstiness?: number;
  /** Seed of the arrival schedule (default 0): same seed, same schedule. */
  seed?: number;
}

/** k6 constant-arrival-rate: `rate` iterations per `timeUnit` for `duration`, whatever the VUs are doing. */
export interface ConstantArrivalRateScenario extends ScenarioBase, ArrivalFields, StopWhenKnownField {
  executor: 'constant-arrival-rate';
  /** Iterations started per timeUnit. */
  rate: number;
  /** Period of `rate` (default '1s'). */
  timeUnit?: Duration;
  duration: Duration;
  /** VUs created before the test starts. */
  preAllocatedVUs: number;
  /** Most VUs (default preAllocatedVUs); an arrival finding them all busy is a dropped iteration. */
  maxVUs?: number;
}

/** k6 ramping-arrival-rate: the rate ramps linearly through `stages` (targets are rates per timeUnit). */
export interface RampingArrivalRateScenario extends ScenarioBase, ArrivalFields {
  executor: 'ramping-arrival-rate';
  /** Rate at the start, per timeUnit (default 0). */
  startRate?: number;
  timeUnit?: Duration;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs?: number;
}

/**
 * GuideLLM's sweep: measure the synchronous rate (one request at a time) and the maximum
 * throughput (maxVUs at once), then run `rates` open-loop rates evenly spaced between them, each
 * tagged `rate:R` and reported as one row.
 */
export interface RateSweepScenario extends ScenarioBase, ArrivalFields, StopWhenKnownField {
  executor: 'rate-sweep';
  /** Rates between the synchronous rate and the maximum throughput; the last is the maximum (default 5). */
  rates?: number;
  /** Time at each rate. */
  duration: Duration;
  /** Time of the synchronous and the throughput measurement (default `duration`). */
  measureDuration?: Duration;
  /** VU cap of the open-loop rates, and the concurrency of the throughput measurement. */
  maxVUs: number;
  /** VUs created when each rate starts (default maxVUs). */
  preAllocatedVUs?: number;
  /** Stop the sweep after a rate at which the server was over-saturated (queueing grew without bound). */
  stopOnSaturation?: boolean;
  /** Stop the sweep after a rate at which a threshold failed. */
  stopOnThresholdFail?: boolean;
}

/**
 * llmload's capacity search (after GuideLLM's goodput profile and vLLM's `sweep serve_sla`): probe
 * upwards from `start` (doubling) until the share of requests meeting options.slo falls below
 * `attainment`, then bisect between the last passing and the first failing load down to `tolerance`.
 * Each probe is a row tagged `level:N`; the answer is the metric `llm_capacity`.
 */
export interface CapacitySearchScenario extends ScenarioBase, ArrivalFields, StopWhenKnownField {
  executor: 'capacity-search';
  /** 'concurrency' (closed loop: loads are VUs, the default) or 'rate' (open loop: loads are arrivals per second). */
  mode?: 'concurrency' | 'rate';
  /** First load probed. */
  start: number;
  /** Highest load probed. */
  max: number;
  /** Stop once the last passing and the first failing load are this close (default 1). */
  tolerance?: number;
  /** Share of requests that must meet options.slo (default 0.99). */
  attainment?: number;
  /** Confidence of each probe's attainment interval (default 0.95). */
  confidence?: number;
  /** Time at each load; a load whose interval straddles the target runs again (its requests add up). */
  probeDuration: Duration;
  /** Most time at one load before an undecided probe is reported indeterminate (default 4 × probeDuration). */
  maxProbeDuration?: Duration;
  /** Rate mode: the VU cap of the open-loop probes (required there). */
  maxVUs?: number;
  /** Rate mode: VUs created when each probe starts (default maxVUs). */
  preAllocatedVUs?: number;
}

export type ScenarioOptions =
  | SharedIterationsScenario
  | PerVuIterationsScenario
  | ConstantVusScenario
  | RampingVusScenario
  | ConcurrencySweepScenario
  | ConstantArrivalRateScenario
  | RampingArrivalRateScenario
  | RateSweepScenario
  | CapacitySearchScenario;

export type ExecutorName = ScenarioOptions['executor'];

export interface ThresholdObject {
  threshold: string;
  abortOnFail?: boolean;
  /** Do not abort before this much of the test has run. */
  delayAbortEval?: Duration;
  /** 'pass': an inconclusive end-of-test judgement (limit within the value's 95 % interval) passes, still shown as inconclusive. Default: options.inconclusive. */
  inconclusive?: 'pass' | 'fail';
}

export type ThresholdSpec = string | ThresholdObject;

export interface Options {
  target?: TargetOptions;
  request?: RequestDefaults;
  simulator?: SimulatorOptions;
  /**
   * Shortcuts, as in k6, for one scenario named 'default': vus+duration → constant-vus;
   * iterations (+vus, +duration as maxDuration) → shared-iterations; stages → ramping-vus
   * starting at `vus` (default 1); vus alone → shared-iterations of `vus` iterations;
   * none → per-vu-iterations, 1 VU, 1 iteration. Not allowed together with `scenarios`.
   * `undefined` counts as not set.
   */
  vus?: number | undefined;
  duration?: Duration | undefined;
  iterations?: number | undefined;
  stages?: Stage[] | undefined;
  scenarios?: Record<string, ScenarioOptions>;
  thresholds?: Record<string, ThresholdSpec[]>;
  /** Evaluate no thresholds (k6's `noThresholds`, CLI `--no-thresholds`). */
  noThresholds?: boolean;
  /** Whether a threshold judged inconclusive at the end fails the run ('fail', the default) or passes it; a threshold's own `inconclusive` wins (CLI `--inconclusive`). */
  inconclusive?: 'pass' | 'fail';
  /** Tags added to every sample. */
  tags?: Record<string, string>;
  /**
   * What the server cannot say about itself, declared for the report and for `compare`: the
   * hardware, the serve command, the configuration's name (`{ gpu: '4× RTX 2080 Ti', tp: 4,
   * config: 'optimized' }`). Shown in the report's environment table; `--meta KEY=VALUE` adds to it.
   */
  environment?: Record<string, string | number | boolean>;
  /** Statistics shown for each trend in the summary (default avg, min, med, max, p(90), p(95), p(99)). */
  summaryTrendStats?: string[];
  setupTimeout?: Duration;
  teardownTimeout?: Duration;
  /** Worker threads hosting VUs (default: one per 256 VUs the plan reaches at once, at most one per core). */
  workers?: number | undefined;
  /**
   * Service-level objectives (ms) a successful request must meet to count towards goodput
   * (`llm_goodput`, requests/s) and `llm_goodput_ratio` (share of requests), as `vllm bench
   * serve --goodput`. `tpot` of a one-token answer counts as 0.
   */
  slo?: SloOptions;
  /**
   * A Hugging Face tokenizer.json on disk, used to count tokens when the server reports no usage
   * (needs the optional package @huggingface/tokenizers; nothing is downloaded). A relative path
   * is read next to the script, as dataset files are.
   */
  tokenizer?: string;
  /** Datasets by name, for `dataset('name')` in the script. */
  datasets?: Record<string, DatasetOptions>;
  /** GPU telemetry: DCGM exporters, nvidia-smi, other Prometheus endpoints (core/options/telemetry-options.ts); false reads none. */
  telemetry?: boolean | TelemetryOptions;
}

export interface SloOptions {
  /** Time to first token, ms or a duration. */
  ttft?: Duration;
  /** Time per output token, ms or a duration. */
  tpot?: Duration;
  /** End-to-end latency, ms or a duration. */
  e2e?: Duration;
  /** Measure ttft and e2e from the intended send time (open loop: coordinated-omission-corrected). Default false. */
  fromSchedule?: boolean;
}

/**
 * Where prompts come from: a file (JSONL, JSON array, ShareGPT, CSV) or a synthetic token-length
 * distribution in genai-bench's notation.
 */
export interface DatasetOptions {
  /** Path of a data file; a relative one is read next to the script (or, failing that, from the working directory). */
  file?: string;
  /** File format; default from the extension (.jsonl, .json, .csv; ShareGPT is detected in JSON). */
  format?: 'jsonl' | 'json' | 'sharegpt' | 'csv';
  /** Field holding the prompt text (default: prompt, then text, input, question). */
  promptField?: string;
  /** Field holding the wanted output length in tokens (default: output_tokens, then max_tokens). */
  outputTokensField?: string;
  /**
   * Synthetic prompts: 'D(in,out)' fixed, 'N(mean,std)/(mean,std)' normal, 'U(min,max)/(min,max)'
   * uniform, input then output tokens (genai-bench's notation).
   */
  synthetic?: string;
  /** A prefix of this many tokens shared by the prompts (or an object with the share of prompts that get it). */
  sharedPrefix?: number | { tokens: number; fraction?: number };
  /** Order of items: 'sequential' (default: each call takes the next), 'random' (seeded) or 'per-vu' (VU k always gets item k). */
  sampling?: 'sequential' | 'random' | 'per-vu';
  /** Seed of synthetic prompts and of random sampling (default 0). */
  seed?: number;
  /** Output tokens for items that do not say (file datasets); requests then set max_tokens and ignore_eos. */
  outputTokens?: number;
}
