/**
 * The end line of a run split over instances, from the instances' end lines:
 * the run lasted as long as its longest instance, stopped early if any did,
 * and its open-loop rows add up the instances' arrivals. The thresholds are
 * judged again, once, on the merged metrics (every instance's records in one
 * registry), so the verdict is the one a single process that sent the same
 * requests would have given, not a vote of the instances' verdicts.
 */
import { rowShortfall, type OpenLoadRow } from '../metrics/load-delivery.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import { ThresholdRunner } from '../thresholds/evaluate.js';
import { parseThresholds } from '../thresholds/parse-thresholds.js';
import type { RunResults } from './results-file.js';
import type { RunEnd } from './run-end.js';

const runners = new WeakMap<MetricsRegistry, ThresholdRunner>();

/** Declare the run's thresholds on the merged registry before any record is read (their submetrics fill as records arrive). */
export function thresholdRunnerFor(ends: ReadonlyArray<RunEnd | null>, registry: MetricsRegistry): void {
  const withThresholds = ends.find((end) => end !== null && end.thresholds !== null);
  if (withThresholds === undefined || withThresholds === null) return;
  const { thresholds, thresholdsInconclusive } = withThresholds.options;
  // Each threshold with the inconclusive policy the run gave it, so the merged verdict counts an inconclusive one the same way.
  const specs = Object.fromEntries(
    Object.entries(thresholds).map(([key, list]) => [key, list.map((threshold, i) => ({ threshold, inconclusive: thresholdsInconclusive?.[key]?.[i] ?? 'fail' }))]),
  );
  runners.set(registry, new ThresholdRunner(parseThresholds(specs), registry));
}

/** One end line for the merged run; null when no instance got to its end. */
export function mergedEnd(ends: ReadonlyArray<RunEnd | null>, results: RunResults): RunEnd | null {
  const finished = ends.filter((end): end is RunEnd => end !== null);
  const base = finished[0];
  if (base === undefined) return null;
  const measuredMs = Math.max(...finished.map((end) => end.durationMs));
  const durationMs = results.time.ms(measuredMs);
  const runner = runners.get(results.registry);
  const lost = ends.length - finished.length;
  return {
    ...base,
    endedAt:
      finished
        .map((end) => end.endedAt)
        .sort()
        .at(-1) ?? base.endedAt,
    durationMs,
    aborted: finished.find((end) => end.aborted !== null)?.aborted ?? (lost > 0 ? `${lost} of ${ends.length} instances' results have no end line` : null),
    thresholds: base.thresholds === null || runner === undefined ? null : runner.evaluate(durationMs, { final: true }).results,
    load: mergeLoadRows(finished.map((end) => (end.load ?? []).map((row) => results.time.loadRow(row)))),
  };
}

/** The instances' open-loop rows, summed row by row (same scenario and tags). */
export function mergeLoadRows(instances: ReadonlyArray<readonly OpenLoadRow[]>): OpenLoadRow[] {
  const rows = new Map<string, OpenLoadRow>();
  for (const instance of instances) {
    for (const row of instance) {
      const key = `${row.scenario}\u0000${JSON.stringify(row.tags)}`;
      const seen = rows.get(key);
      if (seen === undefined) {
        rows.set(key, { ...row, tags: { ...row.tags } });
        continue;
      }
      seen.windowMs = Math.max(seen.windowMs, row.windowMs);
      seen.planned += row.planned;
      seen.started += row.started;
      seen.dropped += row.dropped;
      seen.maxVus += row.maxVus;
      // The instances' p95s do not make the run's; the worst is what a reader must know about.
      seen.dispatchLagP95Ms =
        seen.dispatchLagP95Ms === null ? row.dispatchLagP95Ms : row.dispatchLagP95Ms === null ? seen.dispatchLagP95Ms : Math.max(seen.dispatchLagP95Ms, row.dispatchLagP95Ms);
    }
  }
  return [...rows.values()].map((row) => {
    const perSec = (n: number): number | null => (row.windowMs > 0 ? (n * 1000) / row.windowMs : null);
    const due = row.started + row.dropped;
    const merged = { ...row, offeredPerSec: perSec(row.planned), achievedPerSec: perSec(row.started), delivered: due > 0 ? row.started / due : null };
    return { ...merged, shortfall: rowShortfall(merged) };
  });
}
