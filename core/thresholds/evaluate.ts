/**
 * Evaluating thresholds against the metrics registry.
 *
 * Live (every THRESHOLD_EVAL_INTERVAL_MS, for abortOnFail) and final (end of
 * test, for the exit code), with k6's semantics (metrics/engine/engine.go):
 * - live, a threshold whose metric has no samples yet is skipped;
 * - abortOnFail stops the test when the threshold fails and delayAbortEval is
 *   unset or has passed (k6: `delay < timeSpentInTest`).
 *
 * No samples at the end: k6 evaluates empty sinks with zeros, which makes
 * `p(95)<500` pass and `avg>0` fail for no reason, and treats an empty rate as
 * an evaluation error it only logs. We decide instead:
 * - a counter with no samples is a real zero (count=0, rate=0) and is compared
 *   like any value, so `llm_requests: ['count>10']` fails on a run that sent none;
 * - a trend, rate or gauge with no samples, a derived throughput without a
 *   window, and a custom metric the script never used have no value: the
 *   threshold does not fail (ok, as in k6) but has `noData: true`, and every
 *   output says "no data" rather than "passed" (verdict-words.ts).
 * Pair latency thresholds with `llm_request_failed: ['rate<0.01']` or
 * `llm_requests: ['count>0']` when an empty result must fail.
 *
 * The end-of-test evaluation is three-state (threshold-margin.ts, 95 %): a percentile
 * or rate whose limit lies within its value's interval is inconclusive, and counts as
 * the threshold's `inconclusive` policy says (fail by default). Live evaluations judge
 * the value alone, so abortOnFail only ever fires on a value past its limit; the end
 * verdict is the one that weighs how sure the value is. abortOnFail fires only on a
 * conclusive failure: a value past its limit whose interval still holds the limit does not stop the test.
 */
import { supportsAggregation } from '../metrics/aggregate.js';
import { builtinMetric } from '../metrics/builtin.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import { sinkSamples } from '../metrics/sinks.js';
import { compare } from './parse-expression.js';
import { judgeWithMargin } from './threshold-margin.js';
import type { ParsedThreshold, ThresholdEvaluation, ThresholdResult } from './types.js';

/** How often the engine evaluates thresholds while the test runs (k6 thresholdsRate). */
export const THRESHOLD_EVAL_INTERVAL_MS = 2000;

/** The confidence of the end-of-test three-state judgement. */
export const THRESHOLD_CONFIDENCE = 0.95;

export interface EvaluateOptions {
  /** The end-of-test evaluation: empty counters compare as 0 and nothing aborts. */
  final?: boolean;
}

export class ThresholdRunner {
  readonly thresholds: readonly ParsedThreshold[];
  readonly #registry: MetricsRegistry;
  #last: ThresholdEvaluation | null = null;

  /** Declares each threshold's submetric in the registry: create the runner before any sample arrives. */
  constructor(thresholds: readonly ParsedThreshold[], registry: MetricsRegistry) {
    this.thresholds = thresholds;
    this.#registry = registry;
    for (const threshold of thresholds) {
      registry.addSubmetric(threshold.metric.key);
      registry.observe(threshold.metric.key);
    }
  }

  /** The most recent evaluation, or null before the first. */
  get last(): ThresholdEvaluation | null {
    return this.#last;
  }

  /** Evaluate every threshold at test run time `elapsedMs` (which a counter's rate divides by). */
  evaluate(elapsedMs: number, options: EvaluateOptions = {}): ThresholdEvaluation {
    const final = options.final ?? false;
    const results: ThresholdResult[] = [];
    const abortedBy: ThresholdResult[] = [];
    for (const threshold of this.thresholds) {
      const result = this.#evaluateOne(threshold, elapsedMs, final);
      results.push(result);
      const delay = threshold.delayAbortEvalMs;
      if (!final && !result.ok && result.error === undefined && threshold.abortOnFail && (delay === null || delay < elapsedMs) && this.#conclusivelyFailed(threshold, result)) {
        abortedBy.push(result);
      }
    }
    const evaluation: ThresholdEvaluation = {
      results,
      ok: results.every((r) => r.ok),
      abort: abortedBy.length > 0,
      abortedBy,
      elapsedMs,
      final,
    };
    this.#last = evaluation;
    return evaluation;
  }

  /** A value past its limit stops the test only when its interval is past the limit too: an inconclusive one may still come back. */
  #conclusivelyFailed(threshold: ParsedThreshold, result: ThresholdResult): boolean {
    const target = this.#registry.resolve(threshold.metric.key);
    if (target?.kind !== 'sink' || result.observed === null) return true;
    return judgeWithMargin(target.sink, threshold.expression, result.observed, THRESHOLD_CONFIDENCE).state === 'fail';
  }

  #evaluateOne(threshold: ParsedThreshold, elapsedMs: number, final: boolean): ThresholdResult {
    const { expression } = threshold;
    const base = {
      key: threshold.key,
      metric: threshold.metric.key,
      source: threshold.source,
      aggregation: expression.label,
      abortOnFail: threshold.abortOnFail,
    };
    const noData: ThresholdResult = { ...base, observed: null, ok: true, noData: true };
    const target = this.#registry.resolve(threshold.metric.key);
    if (target === undefined) return noData;
    if (!supportsAggregation(target.type, expression.method)) {
      return {
        ...base,
        observed: null,
        ok: false,
        noData: false,
        error: `${expression.label} is not available on the ${target.type} metric "${threshold.metric.name}"`,
      };
    }
    if (!final && target.kind === 'sink' && sinkSamples(target.sink) === 0) return noData;
    const observed = this.#registry.aggregate(threshold.metric.key, expression.method, expression.percentile, elapsedMs);
    if (observed === null || observed === undefined || Number.isNaN(observed)) return noData;
    if (!final) return { ...base, observed, ok: compare(observed, expression.operator, expression.value), noData: false };
    if (target.kind !== 'sink') {
      // A derived throughput is one exact figure over the window: pass or fail.
      const passed = compare(observed, expression.operator, expression.value);
      return { ...base, observed, ok: passed, noData: false, state: passed ? 'pass' : 'fail', interval: null, moreRequests: null };
    }
    const judged = judgeWithMargin(target.sink, expression, observed, THRESHOLD_CONFIDENCE);
    const ok = judged.state === 'pass' || (judged.state === 'inconclusive' && threshold.inconclusive === 'pass');
    return { ...base, observed, ok, noData: false, state: judged.state, interval: judged.interval, moreRequests: judged.moreRequests };
  }
}

/**
 * The one sentence printed when abortOnFail stops a test, e.g.
 * "stopping the test: threshold `llm_ttft p(95)<200` failed (observed p(95)=412 ms) and has abortOnFail".
 */
export function abortMessage(evaluation: ThresholdEvaluation): string {
  const parts = evaluation.abortedBy.map((r) => `\`${r.key} ${r.source}\` failed (observed ${r.aggregation}=${formatObservedValue(r.metric, r.observed)})`);
  if (parts.length === 1) return `stopping the test: threshold ${parts[0]} and has abortOnFail`;
  return `stopping the test: thresholds ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}; each has abortOnFail`;
}

/** A value as the abort message shows it: 4 significant digits, with "ms" on built-in time metrics. */
function formatObservedValue(metric: string, value: number | null): string {
  if (value === null) return 'no data';
  const rounded = String(Number(value.toPrecision(4)));
  const name = metric.includes('{') ? metric.slice(0, metric.indexOf('{')) : metric;
  return builtinMetric(name)?.contains === 'time' ? `${rounded} ms` : rounded;
}
