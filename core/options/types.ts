/**
 * The shape of `export const options` in a scenario script (k6-shaped).
 * Durations are strings like '30s', '1m30s', '500ms', '2h' or numbers of
 * milliseconds. The JSON schema in ./schema.ts is the authority; these types
 * mirror it for script authors.
 */

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

export interface ConstantVusScenario extends ScenarioBase {
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

/** Closed-loop concurrency levels run one after another; each level's samples are tagged `level:N`. */
export interface ConcurrencySweepScenario extends ScenarioBase {
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

export type ScenarioOptions =
  | SharedIterationsScenario
  | PerVuIterationsScenario
  | ConstantVusScenario
  | RampingVusScenario
  | ConcurrencySweepScenario;

export type ExecutorName = ScenarioOptions['executor'];

export interface ThresholdObject {
  threshold: string;
  abortOnFail?: boolean;
  /** Do not abort before this much of the test has run. */
  delayAbortEval?: Duration;
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
  /** Tags added to every sample. */
  tags?: Record<string, string>;
  /** Statistics shown for each trend in the summary (default avg, min, med, max, p(90), p(95), p(99)). */
  summaryTrendStats?: string[];
  setupTimeout?: Duration;
  teardownTimeout?: Duration;
  /** Worker threads hosting VUs (default: one per core). */
  workers?: number | undefined;
}
