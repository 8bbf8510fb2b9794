/**
 * Options after validation: every default applied, every duration in
 * milliseconds, the k6 shortcuts turned into a scenario named 'default', and
 * the whole object deep-frozen. This is what the engine reads; it never sees
 * the raw `export const options`.
 */
import type { ResolvedScenario } from '../executors/registry.js';
import type { GoodputSlo } from '../metrics/request-stats.js';
import type { DatasetOptions } from './types.js';
import type { ResolvedTelemetry } from './telemetry-options.js';

export interface ResolvedTarget {
  /** undefined: run against the built-in simulator. */
  readonly url: string | undefined;
  /** undefined: send no model unless a request names one (the simulator accepts any). */
  readonly model: string | undefined;
  /** Environment variable holding the API key; the key is sent only when the variable is set. */
  readonly apiKeyEnv: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ResolvedRequestDefaults {
  readonly timeoutMs: number;
  readonly stallTimeoutMs: number;
  readonly stream: boolean;
}

export interface ResolvedSimulator {
  readonly preset: string;
  readonly timeScale: number;
  /** Engine settings overriding the preset, unchecked here (the simulator validates them). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A threshold in object form; the expression grammar is parsed by core/thresholds. */
export interface ResolvedThreshold {
  readonly threshold: string;
  readonly abortOnFail: boolean;
  /** Do not abort before this much of the test has run; 0 when not set. */
  readonly delayAbortEvalMs: number;
  /** How an inconclusive end-of-test judgement counts: the threshold's own setting, else options.inconclusive, else 'fail'. */
  readonly inconclusive: 'pass' | 'fail';
}

export interface ResolvedOptions {
  readonly target: ResolvedTarget;
  readonly request: ResolvedRequestDefaults;
  readonly simulator: ResolvedSimulator;
  /** At least one; in the order written. The shortcuts give one named 'default'. */
  readonly scenarios: Readonly<Record<string, ResolvedScenario>>;
  /** Metric selector (e.g. 'llm_ttft{level:10}') → its thresholds, strings turned into objects. */
  readonly thresholds: Readonly<Record<string, readonly ResolvedThreshold[]>>;
  readonly noThresholds: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** options.environment with --meta over it, values as text. */
  readonly environment: Readonly<Record<string, string>>;
  readonly summaryTrendStats: readonly string[];
  readonly setupTimeoutMs: number;
  readonly teardownTimeoutMs: number;
  /** null: one worker per CPU core (decided by the worker pool). */
  readonly workers: number | null;
  /** Goodput SLOs in ms; null when options.slo is not set. */
  readonly slo: Readonly<GoodputSlo> | null;
  /** Path of a tokenizer.json for client-side token counts; null: the estimate rule. */
  readonly tokenizer: string | null;
  /** options.datasets as written (each opened by the worker threads). */
  readonly datasets: Readonly<Record<string, DatasetOptions>>;
  /** GPU telemetry sources (core/options/telemetry-options.ts). */
  readonly telemetry: ResolvedTelemetry;
}

/** What validateOptions() returns: the resolved options. */
export type ValidatedOptions = ResolvedOptions;
