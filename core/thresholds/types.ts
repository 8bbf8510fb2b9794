/**
 * Thresholds: k6's pass/fail criteria over metrics (`p(95)<500` on
 * `llm_ttft{level:10}`), parsed once at start, evaluated live for abortOnFail
 * and once at the end for the exit code.
 */
import type { AggregationMethod } from '../metrics/aggregate.js';
import type { MetricKey } from '../metrics/tags.js';

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

/** A parsed expression: `aggregation operator value`. */
export interface ThresholdExpression {
  method: AggregationMethod;
  /** The N of p(N); 0 for other methods. */
  percentile: number;
  operator: ThresholdOperator;
  value: number;
  /** The aggregation as printed: 'avg', 'rate', 'p(95)', 'p(99.9)'. */
  label: string;
}

/** One threshold of options.thresholds, parsed. */
export interface ParsedThreshold {
  /** The metric key as written in options.thresholds. */
  key: string;
  /** The key parsed: metric name, tag filter, canonical spelling. */
  metric: MetricKey;
  /** Position in the key's list (0-based). */
  index: number;
  /** The expression as written, trimmed (k6 uses it as the key of `thresholds` in the summary export). */
  source: string;
  expression: ThresholdExpression;
  abortOnFail: boolean;
  /** abortOnFail only stops the test once this much has run; null when not set. */
  delayAbortEvalMs: number | null;
  /** Whether an end-of-test inconclusive judgement fails the run or passes it (still shown as inconclusive). */
  inconclusive: InconclusivePolicy;
}

/** How an inconclusive threshold counts in the verdict and the exit code. */
export type InconclusivePolicy = 'pass' | 'fail';

/** A threshold as options give it: an expression, k6's object form, or the resolved object form. */
export type ThresholdInput =
  | string
  | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string | number; inconclusive?: InconclusivePolicy }
  | { readonly threshold: string; readonly abortOnFail: boolean; readonly delayAbortEvalMs: number; readonly inconclusive?: InconclusivePolicy };

/** options.thresholds: metric key → thresholds (a lone threshold is accepted as a list of one). */
export type ThresholdsInput = Readonly<Record<string, ThresholdInput | readonly ThresholdInput[]>>;

export interface ThresholdResult {
  key: string;
  /** Canonical metric key (`llm_ttft{level:10}`). */
  metric: string;
  source: string;
  /** 'p(95)', 'rate', … */
  aggregation: string;
  /** The value compared; null when there was none (no samples). */
  observed: number | null;
  ok: boolean;
  /** Not evaluated for lack of samples: does not fail the run, but is shown as "no data", never as passed (see evaluate.ts). */
  noData: boolean;
  abortOnFail: boolean;
  /** Why it could not be evaluated (e.g. p(95) on a custom counter); such a threshold fails. */
  error?: string;
  /**
   * The end-of-test judgement at 95 % confidence (threshold-margin.ts); absent on live evaluations
   * and on results files written before it existed. When 'inconclusive', `ok` follows the
   * threshold's inconclusive policy (false by default: it fails the run).
   */
  state?: 'pass' | 'fail' | 'inconclusive';
  /** The observed value's interval at that confidence; null where the value is exact or too few samples allow none. */
  interval?: { low: number; high: number; confidence: number } | null;
  /** Inconclusive only: about how many more requests would settle it; null otherwise or when the value sits on the limit. */
  moreRequests?: number | null;
}

export interface ThresholdEvaluation {
  /** In the order the thresholds were declared. */
  results: ThresholdResult[];
  /** Every threshold passed. */
  ok: boolean;
  /** An abortOnFail threshold failed past its delayAbortEval: the engine should stop the test. */
  abort: boolean;
  /** The failed abortOnFail thresholds that asked for the abort. */
  abortedBy: ThresholdResult[];
  /** Test run time when evaluated (ms). */
  elapsedMs: number;
  /** The end-of-test evaluation (true) or a live one. */
  final: boolean;
}
