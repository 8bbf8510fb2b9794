/**
 * What the engine hands the end-of-test outputs: the registry, the final
 * threshold evaluation and facts about the run. `summaryExport()` turns it
 * into k6's handleSummary shape (what scripts and summary.json get),
 * `renderSummary()` into the text printed on stdout.
 */
import type { KnownRow } from '../metrics/known-rows.js';
import type { OpenLoadRow } from '../metrics/load-delivery.js';
import type { LoadGeneratorSummary } from '../metrics/load-generator.js';
import type { NotRunPhase } from '../executors/not-run.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { ThresholdEvaluation } from '../thresholds/types.js';

export interface TargetInfo {
  /** Base URL with credentials already removed; null when the built-in simulator was the target. */
  url: string | null;
  /** Model sent with requests; null when none was set. */
  model: string | null;
  /** The built-in simulator's preset when it was the target (in-process or `llmload sim`), else null. */
  simulator: { preset: string; timeScale?: number } | null;
}

export interface ScenarioInfo {
  name: string;
  executor: string;
}

export interface RunInfo {
  target: TargetInfo;
  /** Test run time, ms (what counters' rates divide by). */
  testRunDurationMs: number;
  scenarios?: readonly ScenarioInfo[];
  /** Statistics per trend (default avg, min, med, max, p(90), p(95), p(99)). */
  summaryTrendStats?: readonly string[];
  isStdOutTTY?: boolean;
  isStdErrTTY?: boolean;
  noColor?: boolean;
  /** Why the test stopped before its end (abortOnFail, Ctrl-C, abortTest()), or null. */
  aborted?: string | null;
  /** Offered, achieved and dropped arrivals of each open-loop row; absent or [] without open-loop scenarios. */
  load?: readonly OpenLoadRow[];
  /** Planned phases that never started (a sweep stopped before its last levels). */
  notRun?: readonly NotRunPhase[];
  /**
   * The simulator's time scale the figures were converted by (core/metrics/modelled-time.ts): every
   * time and rate, the run time and the load rows included, is in the modelled server's time. Absent or 1 at real time.
   */
  timeScale?: number;
  /** Rows a stopWhenKnown rule applied to, with their figures' margins (core/metrics/known-rows.ts); absent or [] without the option. */
  known?: readonly KnownRow[];
}

export interface SummaryData {
  registry: MetricsRegistry;
  /** The final evaluation (ThresholdRunner.evaluate(duration, { final: true })); null without thresholds. */
  thresholds: ThresholdEvaluation | null;
  run: RunInfo;
  /** The load generator's health (LiveMetrics.loadGenerator.summary()); absent or null without readings. */
  loadGenerator?: LoadGeneratorSummary | null;
}

/** k6's default summaryTrendStats. */
export const DEFAULT_TREND_STATS: readonly string[] = Object.freeze(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']);
