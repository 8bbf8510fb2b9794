/**
 * Whether an open-loop run delivered the load it planned. A load tool that
 * silently starts fewer arrivals than its schedule asked for (every VU busy,
 * or the event loop too late) measures a lighter load than the one the reader
 * thinks was tested, so every open-loop row carries what was offered (the
 * schedule's arrivals over the row's window), what was achieved (arrivals
 * started over the same window), what was dropped, and how late arrivals were
 * sent; and a row that fell short says why.
 *
 * The rows are computed by the controller (core/run/load-ledger.ts), written
 * into results.ndjson's end line, and read back by the report and `compare`.
 * Pure functions and plain data here: no clock, no I/O.
 */

/** Dropped share of a row's arrivals above which its load counts as not delivered. */
export const MAX_DROPPED_SHARE = 0.01;
/** Dispatch lag p95 above which a row's arrivals count as sent late (not delivered on schedule), ms. */
export const MAX_DISPATCH_LAG_P95_MS = 100;

/** One open-loop row: a constant-arrival-rate scenario, a ramping-arrival-rate stage, a rate-sweep rate. */
export interface OpenLoadRow {
  scenario: string;
  /** The row's own tag beyond the scenario: { stage: '1' }, { rate: '12.5' } or {}. */
  tags: Record<string, string>;
  /** 'stage 1', 'rate 12.5', or the scenario's name. */
  label: string;
  /** The row's window on the schedule (cut short when the phase was stopped early), ms. */
  windowMs: number;
  /** Arrivals the schedule had in the window. */
  planned: number;
  /** Arrivals started. */
  started: number;
  /** Arrivals not started (every VU busy, or due and never reached before the end). */
  dropped: number;
  /** planned ÷ window, per second; null for an empty window. */
  offeredPerSec: number | null;
  /** started ÷ window, per second; null for an empty window. */
  achievedPerSec: number | null;
  /** started ÷ (started + dropped), 0..1 (llm_load_delivered); null when no arrival came due. */
  delivered: number | null;
  /** The phase's maxVUs. */
  maxVus: number;
  /** p95 of llm_dispatch_lag over the row's requests, ms; null without requests. */
  dispatchLagP95Ms: number | null;
  /** Why the row's load was not delivered, or null when it was. */
  shortfall: string | null;
}

/** Why a row's load was not delivered (dropped arrivals, late dispatch), or null. */
export function rowShortfall(row: Omit<OpenLoadRow, 'shortfall'>): string | null {
  const reasons: string[] = [];
  const due = row.started + row.dropped;
  if (due > 0 && row.dropped / due > MAX_DROPPED_SHARE) reasons.push(`${droppedText(row.dropped, due)} (maxVUs ${row.maxVus} reached)`);
  if (row.dispatchLagP95Ms !== null && row.dispatchLagP95Ms > MAX_DISPATCH_LAG_P95_MS) {
    reasons.push(`arrivals were sent late: dispatch lag p95 ${Math.round(row.dispatchLagP95Ms)} ms (limit ${MAX_DISPATCH_LAG_P95_MS} ms)`);
  }
  return reasons.length === 0 ? null : reasons.join('; ');
}

/**
 * The headline when any row fell short, e.g. "88 of 297 arrivals (30 %) were dropped
 * (maxVUs 20 reached): the figures describe a lighter load than planned"; null when
 * every row delivered its load (or there is no open-loop row).
 */
export function loadShortfall(rows: readonly OpenLoadRow[]): string | null {
  const cause = loadShortfallCause(rows);
  if (cause === null) return null;
  // Every arrival started, only late: the load was not lighter, it came off its schedule.
  const dropped = rows.some((r) => r.shortfall !== null && r.dropped > 0);
  return `${cause}: the figures describe ${dropped ? 'a lighter load than planned' : 'a load sent later and more bunched than planned'}`;
}

/** What loadShortfall says before its conclusion: only the causes ("88 of 297 arrivals … dropped …"). */
export function loadShortfallCause(rows: readonly OpenLoadRow[]): string | null {
  const short = rows.filter((r) => r.shortfall !== null);
  if (short.length === 0) return null;
  const started = sum(rows, (r) => r.started);
  const dropped = sum(rows, (r) => r.dropped);
  const due = started + dropped;
  const reasons: string[] = [];
  if (due > 0 && dropped / due > MAX_DROPPED_SHARE) {
    const maxVus = [...new Set(rows.filter((r) => r.dropped > 0).map((r) => r.maxVus))];
    reasons.push(`${droppedText(dropped, due)}${maxVus.length === 1 ? ` (maxVUs ${maxVus[0]} reached)` : ' (maxVUs reached)'}`);
  }
  const late = short.filter((r) => r.dispatchLagP95Ms !== null && r.dispatchLagP95Ms > MAX_DISPATCH_LAG_P95_MS);
  if (late.length > 0) {
    const worst = Math.max(...late.map((r) => r.dispatchLagP95Ms!));
    reasons.push(`arrivals were sent late (dispatch lag p95 up to ${Math.round(worst)} ms, limit ${MAX_DISPATCH_LAG_P95_MS} ms)`);
  }
  // A row over the limit while the run as a whole is under it: name the rows.
  if (reasons.length === 0)
    reasons.push(`${short.map((r) => rowName(r)).join(', ')} dropped more than ${percentText(MAX_DROPPED_SHARE)} of ${short.length === 1 ? 'its' : 'their'} arrivals`);
  return reasons.join('; ');
}

/** 'scenario "x" stage 1', 'scenario "x" rate 12.5', 'scenario "x"'. */
export function rowName(row: OpenLoadRow): string {
  return row.label === row.scenario ? `scenario "${row.scenario}"` : `scenario "${row.scenario}" ${row.label}`;
}

function droppedText(dropped: number, due: number): string {
  return `${dropped} of ${due} arrivals (${percentText(dropped / due)}) were dropped`;
}

function percentText(share: number): string {
  const pct = share * 100;
  return `${pct >= 10 || Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)} %`;
}

function sum<T>(items: readonly T[], get: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += get(item);
  return total;
}
