/**
 * Compare's capacity row: the answer of each run's capacity search (the
 * highest load that met the SLOs with the required confidence) side by side,
 * better higher, with each run's status and attainment interval beside it.
 *
 * Only a found capacity is bracketed (it passed, the next load probed above it
 * did not), so its true value lies below that next load; 'at-max',
 * 'indeterminate' and 'incomplete' give a lower bound only, and 'below-start'
 * none. A run is better only when its capacity reaches the load where the
 * other search stopped passing; two found capacities whose brackets overlap are
 * "same" (neither search resolved the difference); a lower bound that does not
 * reach the other's failing load is "not comparable", with the reason.
 */
import type { CapacityResult } from '../executors/capacity-bisect.js';
import { fmtAttainment, fmtInterval } from './capacity-section.js';
import type { Change, CompareRow } from './compare.js';

/** One capacity-search scenario of a run. */
export interface RunCapacity {
  scenario: string;
  /** What the loads count: concurrent users, or arrivals per second. */
  mode: 'concurrency' | 'rate';
  result: CapacityResult;
}

/** The headline rows: one per capacity-search scenario (and mode) any run has; [] when none has one. */
export function capacityRows(runs: ReadonlyArray<{ capacity?: RunCapacity[] }>): CompareRow[] {
  const keys: string[] = [];
  const keyOf = (c: RunCapacity): string => `${c.scenario}\u0001${c.mode}`;
  for (const run of runs) for (const c of run.capacity ?? []) if (!keys.includes(keyOf(c))) keys.push(keyOf(c));
  const scenarios = new Set(keys.map((k) => k.split('\u0001')[0]));
  return keys.map((key) => {
    const found = runs.map((run) => (run.capacity ?? []).find((c) => keyOf(c) === key)?.result ?? null);
    const mode = key.split('\u0001')[1] as RunCapacity['mode'];
    const scenario = key.split('\u0001')[0]!;
    return capacityRow(scenarios.size > 1 ? `capacity search (${scenario})` : 'capacity search', mode, found);
  });
}

/** One row from each run's result (null where a run has no such search). */
export function capacityRow(group: string, mode: RunCapacity['mode'], results: ReadonlyArray<CapacityResult | null>): CompareRow {
  const base = results[0] ?? null;
  const reasons = results.map((r, i) => (i === 0 || base === null || r === null ? null : whyNotComparable(base, r)));
  const out: CompareRow = {
    group,
    metric: mode === 'rate' ? 'Capacity (arrival rate meeting the SLOs)' : 'Capacity (users meeting the SLOs)',
    unit: mode === 'rate' ? 'req/s' : 'users',
    direction: 'higher',
    values: results.map((r) => r?.capacity ?? null),
    changes: results.map((r, i) => (i === 0 || base === null || r === null || reasons[i] !== null ? null : capacityChange(base, r))),
    notes: results.map((r) => (r === null ? null : capacityNote(r))),
  };
  if (reasons.some((r) => r !== null)) out.notComparable = reasons;
  return out;
}

/** "found, 97.2% met the SLOs [95.1%, 98.5%], 24 failed"; the status first, as it says how to read the figure. */
export function capacityNote(result: CapacityResult): string {
  const status = result.status === 'found' ? 'found' : result.status === 'at-max' ? 'at least: every probe passed' : result.status;
  const attained = result.attainment === null ? '' : `, ${fmtAttainment(result.attainment.share)} met the SLOs ${fmtInterval(result.attainment.low, result.attainment.high)}`;
  const upper = result.upper === null ? '' : `, ${result.upper.load} ${result.upper.verdict === 'fail' ? 'failed' : 'indeterminate'}`;
  return `${status}${attained}${upper}`;
}

/**
 * The load above which the search's true capacity cannot lie: the first load that did not pass, for a
 * found capacity; none (Infinity) for a lower bound, whose search never saw a load above it fail.
 */
function ceilingOf(result: CapacityResult): number {
  return result.status === 'found' && result.upper !== null ? result.upper.load : Infinity;
}

/** Null when the two answers can be ordered (or are both found, so overlap means "same"); else why not. */
function whyNotComparable(base: CapacityResult, candidate: CapacityResult): string | null {
  if (base.capacity === null || candidate.capacity === null) {
    if (base.capacity === null && candidate.capacity === null) return 'neither search found a passing load';
    return base.capacity === null ? `baseline: no load met the SLOs (${base.status})` : `candidate: no load met the SLOs (${candidate.status})`;
  }
  if (candidate.capacity >= ceilingOf(base) || base.capacity >= ceilingOf(candidate)) return null;
  if (base.status === 'found' && candidate.status === 'found') return null;
  if (base.status !== 'found' && candidate.status !== 'found') return `both are lower bounds (${base.status}, ${candidate.status})`;
  return base.status !== 'found' ? `baseline is a lower bound (${base.status})` : `candidate is a lower bound (${candidate.status})`;
}

/** Better or worse only when one capacity reaches the load the other search stopped passing at; overlapping brackets are "same". */
function capacityChange(base: CapacityResult, candidate: CapacityResult): Change {
  const b0 = base.capacity!;
  const c0 = candidate.capacity!;
  const percent = ((c0 - b0) / b0) * 100;
  const factor = c0 > 0 && b0 > 0 ? Math.max(c0, b0) / Math.min(c0, b0) : null;
  const widths = [base, candidate].map((r) => (r.status === 'found' && r.upper !== null ? r.upper.load - r.capacity! : 0));
  const bandPercent = (Math.max(...widths) / b0) * 100;
  if (c0 >= ceilingOf(base)) return { percent, verdict: 'better', factor, bandPercent };
  if (b0 >= ceilingOf(candidate)) return { percent, verdict: 'worse', factor, bandPercent };
  return { percent, verdict: 'same', factor, bandPercent };
}
