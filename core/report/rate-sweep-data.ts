/**
 * The report's rows of a rate-sweep (core/executors/rate-sweep.ts) and the
 * open-loop figures of any open-loop row: one row per `rate` tag (the
 * synchronous and throughput measurement phases, then each offered rate),
 * each with what the schedule offered, what was started and dropped, TTFT and
 * E2E from the intended send as well as from the actual send, the share of
 * requests meeting the SLOs, and the verdict on who kept up: the server, or
 * the client's VU pool.
 *
 * Who was short when arrivals were dropped: every VU was busy, which happens
 * when the server falls behind (requests pile up, TTFT from the schedule grows
 * through the rate) or when the pool is too small for the rate at the
 * server's own pace (TTFT from the schedule steady). The second is the
 * client's shortage, typical at the sweep's last rate: it equals the maximum
 * throughput measured closed-loop with maxVUs VUs, so Poisson bursts at that
 * rate find no spare VU.
 */
import { SYNCHRONOUS_RATE, THROUGHPUT_RATE } from '../executors/rate-sweep.js';
import { TAG_RATE, TAG_SCENARIO } from '../metrics/builtin.js';
import { MAX_DROPPED_SHARE, type OpenLoadRow } from '../metrics/load-delivery.js';
import type { LatencySummary, RequestStats, RequestStatsRow } from '../metrics/request-stats.js';
import type { ScenarioInfo } from '../outputs/summary-data.js';
import type { ThresholdResult } from '../thresholds/types.js';
import { computeFindings, sloShare, type Findings } from './findings.js';
import { checkLevelThresholds, type LevelThresholdCheck } from './level-thresholds.js';
import type { OpenLoopDigest } from './open-loop-digest.js';
import type { ReportRow, ReportSweep } from './report-data.js';

/** What an open-loop row (or a rate-sweep measurement phase) adds to its request statistics. */
export interface OpenRowFigures {
  /** 'synchronous' and 'throughput': the sweep's closed-loop measurement phases; 'open': a row of open-loop arrivals. */
  phase: 'synchronous' | 'throughput' | 'open';
  /** Arrivals the schedule planned in the row ÷ its window, per second; null for a closed-loop phase. */
  offeredPerSec: number | null;
  /** Arrivals started ÷ the same window; null for a closed-loop phase. */
  achievedPerSec: number | null;
  planned: number | null;
  started: number | null;
  dropped: number | null;
  maxVus: number | null;
  /** TTFT and E2E measured from the intended send time (open loop only). */
  ttftSched: LatencySummary | null;
  e2eSched: LatencySummary | null;
  /** Share of counted requests that succeeded and met every SLO; null without options.slo. */
  sloShare: number | null;
  /** Why the server fell behind the rate (TTFT from the schedule grew through it), or null. */
  serverBehind: string | null;
  /** Why the client's VU pool, not the server, was short at this rate, or null. */
  clientShort: string | null;
  /** Why the row's load was not delivered (load-delivery.ts), or null. */
  undelivered: string | null;
  /** One word on the row: 'kept up', 'server behind', 'client short', 'not delivered', or 'closed loop'. */
  verdict: 'kept up' | 'server behind' | 'client short' | 'not delivered' | 'closed loop';
}

/** The open-loop figures of one row: its load row (matched on scenario and tags) and its schedule figures. */
export function openRowFigures(stats: RequestStats, load: readonly OpenLoadRow[], openLoop: OpenLoopDigest | undefined): OpenRowFigures | null {
  const scenario = stats.tags[TAG_SCENARIO] ?? '';
  const own = { ...stats.tags };
  delete own[TAG_SCENARIO];
  const rate = own[TAG_RATE];
  const row = stats.row();
  if (rate === SYNCHRONOUS_RATE || rate === THROUGHPUT_RATE) {
    return {
      phase: rate,
      offeredPerSec: null,
      achievedPerSec: null,
      planned: null,
      started: null,
      dropped: null,
      maxVus: null,
      ttftSched: null,
      e2eSched: null,
      sloShare: sloShare(row),
      serverBehind: null,
      clientShort: null,
      undelivered: null,
      verdict: 'closed loop',
    };
  }
  const match = load.find((l) => l.scenario === scenario && sameTags(l.tags, own));
  const schedule = openLoop?.figures(scenario, own) ?? null;
  if (match === undefined && schedule === null) return null;
  const serverBehind = schedule?.serverBehind ?? null;
  const clientShort = match === undefined || serverBehind !== null ? null : clientShortage(match, row.e2e?.avg ?? null);
  const undelivered = match?.shortfall ?? null;
  return {
    phase: 'open',
    offeredPerSec: match?.offeredPerSec ?? null,
    achievedPerSec: match?.achievedPerSec ?? null,
    planned: match?.planned ?? null,
    started: match?.started ?? null,
    dropped: match?.dropped ?? null,
    maxVus: match?.maxVus ?? null,
    ttftSched: schedule?.ttftSched ?? null,
    e2eSched: schedule?.e2eSched ?? null,
    sloShare: sloShare(row),
    serverBehind,
    clientShort,
    undelivered,
    verdict: serverBehind !== null ? 'server behind' : clientShort !== null ? 'client short' : undelivered !== null ? 'not delivered' : 'kept up',
  };
}

/**
 * Why the client was short: arrivals dropped past the limit (every one of maxVUs busy) while the
 * server kept pace. Little's law gives the VUs the rate needs on average (rate × mean E2E); bursts need more.
 */
export function clientShortage(load: OpenLoadRow, meanE2eMs: number | null): string | null {
  const due = load.started + load.dropped;
  if (due === 0 || load.dropped / due <= MAX_DROPPED_SHARE) return null;
  const rate = load.offeredPerSec;
  const needed = rate === null || meanE2eMs === null ? null : (rate * meanE2eMs) / 1000;
  return (
    `${load.dropped} of ${due} arrivals were dropped because all ${load.maxVus} VUs (maxVUs) were busy, while TTFT from the schedule stayed steady (the server kept pace)` +
    (needed === null ? '' : `; the rate needs ~${needed.toFixed(1)} requests in flight on average (offered rate × mean E2E), more in bursts`) +
    `: raise maxVUs to measure the server at this rate`
  );
}

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Rate rows in the sweep's order: synchronous, throughput, then the offered rates ascending. */
export function rateOrder(label: string): number {
  if (label === SYNCHRONOUS_RATE) return -2;
  if (label === THROUGHPUT_RATE) return -1;
  const n = Number(label);
  return label.trim() === '' || !Number.isFinite(n) ? Number.POSITIVE_INFINITY : n;
}

/** The offered rate a rate row's label names; null for the measurement phases. */
export function offeredRateOf(label: string): number | null {
  const order = rateOrder(label);
  return order < 0 || !Number.isFinite(order) ? null : order;
}

export interface RateLevelRow {
  label: string;
  row: RequestStatsRow;
  checks: readonly LevelThresholdCheck[];
  open: OpenRowFigures | null;
}

/** Findings over a rate sweep's offered rates (the measurement phases are not rates the schedule offered). */
export function rateSweepFindings(rows: readonly RateLevelRow[]): Findings | null {
  const levels = rows
    .filter((r) => offeredRateOf(r.label) !== null)
    .map((r) => ({
      label: r.label,
      users: offeredRateOf(r.label)!,
      row: r.row,
      checks: r.checks,
      undelivered: r.open?.undelivered ?? null,
      serverBehind: r.open?.serverBehind ?? null,
      clientShort: r.open?.clientShort ?? null,
    }));
  return computeFindings(levels, { axis: 'rate' });
}

/** One ReportSweep (axis 'rate') per rate-sweep scenario, rows in rateOrder, each with its open-loop figures. */
export function buildRateSweeps(
  groups: readonly RequestStats[],
  scenarios: readonly ScenarioInfo[],
  thresholds: readonly ThresholdResult[] | null,
  toRow: (stats: RequestStats, label: string, checks: LevelThresholdCheck[]) => ReportRow,
  load: readonly OpenLoadRow[],
  openLoop: OpenLoopDigest | undefined,
): ReportSweep[] {
  const byScenario = new Map<string, RequestStats[]>();
  for (const stats of groups) {
    const scenario = stats.tags[TAG_SCENARIO] ?? '';
    byScenario.set(scenario, [...(byScenario.get(scenario) ?? []), stats]);
  }
  const sweeps: ReportSweep[] = [];
  for (const [scenario, members] of byScenario) {
    const sorted = [...members].sort((a, b) => rateOrder(a.tags[TAG_RATE] ?? '') - rateOrder(b.tags[TAG_RATE] ?? ''));
    const rows = sorted.map((stats) => {
      const row = toRow(stats, stats.tags[TAG_RATE] ?? '', thresholds === null ? [] : checkLevelThresholds(stats, stats.tags, thresholds));
      row.open = openRowFigures(stats, load, openLoop);
      return row;
    });
    const findings = rateSweepFindings(rows.map((row) => ({ label: row.label, row, checks: row.thresholdChecks, open: row.open ?? null })));
    sweeps.push({ scenario, executor: scenarios.find((s) => s.name === scenario)?.executor ?? null, axis: 'rate', rows, findings });
  }
  return sweeps;
}
