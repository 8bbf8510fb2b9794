/**
 * Was the load generator itself the bottleneck? Every worker thread and the
 * controller take a HealthReading per interval (core/workers/client-health.ts);
 * the controller feeds them to the metrics registry (the llmload_* metrics,
 * for thresholds and the summary) and to a LoadGeneratorTracker (figures per
 * sweep level, rate and stage, and the verdict). The readings are written to
 * results.ndjson as `{"type":"health",…}` lines, one per thread per interval,
 * so `llmload report` rebuilds the same figures and verdict.
 *
 * The rule (judgeLoadGenerator); the runs behind its limits are in
 * BENCHMARKS.md ("Load generator health"), against the sse-stub (100 ms to the
 * first token, then one every 20 ms) on a 2-core machine:
 *
 *  - event-loop delay above 20 ms at p99, over every probe sample of every
 *    thread. A thread with spare CPU runs a due callback within 1–3 ms (an
 *    idle process at load average 10: p99 3 ms); every token read queued
 *    behind a late callback is late by as much, so past 20 ms the TTFT and
 *    ITL figures of tens of ms no longer describe the server. Measured:
 *    100 streams with two CPU burners, p99 89 ms; 1,000 streams, 0.4–1.3 s,
 *    with ITL p50 reported as 0. The p99 of the samples rather than of the
 *    intervals' maxima, so the one late tick of a phase start (100 VUs
 *    starting at once: ~100 ms) does not count as saturation.
 *  - more than half of the token gaps coalesced (two token events from one
 *    socket read, so an ITL sample of 0), over at least 200 gaps, while the
 *    event loop was more than 5 ms late at p99. 1,000 streams: 97–99 %;
 *    100 streams on a busy machine: 2–26 %. A server can send several tokens
 *    in one write on its own (stream intervals, speculative decoding), so
 *    coalescing counts against the client only when its loop was late too.
 *  - llmload's CPU use at 90 % of the available cores or more, averaged over
 *    the row: no headroom left to read sockets on time.
 *  - open loop: llm_dispatch_lag (actual − intended send time) above 20 ms
 *    for more than 1 % of at least 100 requests, i.e. its p99 above the same
 *    limit as the event loop's: the schedule was not kept by the client.
 */
import {
  LLMLOAD_COALESCED_READS,
  LLMLOAD_CPU,
  LLMLOAD_EVENT_LOOP_DELAY,
  LLMLOAD_EVENT_LOOP_UTILIZATION,
  LLMLOAD_MACHINE_CPU,
  TAG_LEVEL,
  TAG_RATE,
  TAG_SCENARIO,
  TAG_STAGE,
} from './builtin.js';
import type { MetricsRegistry } from './registry.js';

export const DELAY_P99_LIMIT_MS = 20;
export const COALESCED_SHARE_LIMIT = 0.5;
export const COALESCED_MIN_GAPS = 200;
export const COALESCED_DELAY_P99_MS = 5;
export const CPU_LIMIT = 0.9;
/** Open loop: more than 1 % of arrivals sent over DELAY_P99_LIMIT_MS late (dispatch lag p99 above it). */
export const DISPATCH_LATE_SHARE = 0.01;
export const DISPATCH_MIN_REQUESTS = 100;

/** What one thread went through over one interval. */
export interface HealthReading {
  /** 'controller' or 'worker N'. */
  source: string;
  /** Epoch ms of the end of the interval. */
  at: number;
  intervalMs: number;
  /** scenario, and level / rate / stage, of the phase the thread ran in the interval; {} when none or several. */
  tags: Record<string, string>;
  /** The interval's event-loop delay samples as [ms, count] pairs (the metric and the figures are built from these). */
  delays: Array<[number, number]>;
  /** Event-loop delay over the interval, ms: 99th percentile and maximum. */
  delayP99Ms: number;
  delayMaxMs: number;
  /** Event-loop utilization of the thread, 0–1. */
  utilization: number;
  /** Token gaps read by the thread, and those that came out of the same socket read. */
  tokenGaps: number;
  coalesced: number;
  /** Controller only: process CPU / (wall × available cores), and the machine's busy share, 0–1. */
  cpu?: number;
  machineCpu?: number;
}

/** The health of the load generator over a row (or the run). Nulls: no reading had the figure. */
export interface LoadGeneratorFigures {
  readings: number;
  /** 99th percentile of every delay sample of every thread, ms. */
  delayP99Ms: number | null;
  delayMaxMs: number | null;
  /** Highest mean utilization of one thread. */
  utilization: number | null;
  /** Mean and highest process CPU share of the cores. */
  cpu: number | null;
  cpuMax: number | null;
  /** Mean machine busy share. */
  machineCpu: number | null;
  tokenGaps: number;
  coalesced: number;
  /** coalesced / tokenGaps; null without gaps. */
  coalescedShare: number | null;
  /** Open loop: requests with a dispatch lag, and those sent more than DELAY_P99_LIMIT_MS late. */
  dispatched: number;
  dispatchedLate: number;
}

/** What the summary and the report show. */
export interface LoadGeneratorSummary {
  overall: LoadGeneratorFigures;
  /** The saturation sentence for the whole run, or null. */
  verdict: string | null;
  rows: LoadGeneratorRow[];
}

export interface LoadGeneratorRow {
  scenario: string;
  axis: 'level' | 'rate' | 'stage';
  value: string;
  figures: LoadGeneratorFigures;
  verdict: string | null;
}

/**
 * Why the figures say the load generator was saturated ("event-loop delay p99 48 ms, 71 % of token
 * reads coalesced"), or null when they do not.
 */
export function judgeLoadGenerator(f: LoadGeneratorFigures): string | null {
  const delayed = f.delayP99Ms !== null && f.delayP99Ms > DELAY_P99_LIMIT_MS;
  const coalescing =
    f.coalescedShare !== null && f.tokenGaps >= COALESCED_MIN_GAPS && f.coalescedShare > COALESCED_SHARE_LIMIT && f.delayP99Ms !== null && f.delayP99Ms > COALESCED_DELAY_P99_MS;
  const cpuBound = f.cpu !== null && f.cpu >= CPU_LIMIT;
  const lateShare = f.dispatched === 0 ? 0 : f.dispatchedLate / f.dispatched;
  const lateDispatch = f.dispatched >= DISPATCH_MIN_REQUESTS && lateShare > DISPATCH_LATE_SHARE;
  if (!delayed && !coalescing && !cpuBound && !lateDispatch) return null;
  const parts: string[] = [];
  if (f.delayP99Ms !== null && (delayed || coalescing)) parts.push(`event-loop delay p99 ${fmtMs(f.delayP99Ms)}`);
  if (f.coalescedShare !== null && f.tokenGaps >= COALESCED_MIN_GAPS && f.coalescedShare >= 0.1) parts.push(`${fmtPercent(f.coalescedShare)} of token reads coalesced`);
  if (cpuBound) parts.push(`CPU ${fmtPercent(f.cpu!)} of the cores`);
  if (lateDispatch) parts.push(`${fmtPercent(lateShare)} of requests sent over ${DELAY_P99_LIMIT_MS} ms late`);
  return parts.join(', ');
}

/** The sentence the summary headline and the report's verdict print, or null. */
export function saturationSentence(why: string | null): string | null {
  return why === null ? null : `the load generator was saturated (${why}): latency figures are inflated`;
}

function fmtMs(ms: number): string {
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

function fmtPercent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** Feed one reading to the llmload_* metrics. */
export function addHealthToRegistry(registry: MetricsRegistry, r: HealthReading): void {
  for (const [ms, n] of r.delays) for (let k = 0; k < n; k++) registry.addSample(LLMLOAD_EVENT_LOOP_DELAY, 'trend', ms, r.tags, true);
  registry.addSample(LLMLOAD_EVENT_LOOP_UTILIZATION, 'trend', r.utilization, r.tags, false);
  if (r.cpu !== undefined) registry.addSample(LLMLOAD_CPU, 'trend', r.cpu, r.tags, false);
  if (r.machineCpu !== undefined) registry.addSample(LLMLOAD_MACHINE_CPU, 'trend', r.machineCpu, r.tags, false);
  if (r.tokenGaps > 0) registry.addRateCounts(LLMLOAD_COALESCED_READS, r.coalesced, r.tokenGaps, r.tags);
}

/** A reading read back from a file: the fields the tracker needs, with the right types. */
export function isHealthReading(value: unknown): value is HealthReading {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r['source'] === 'string' &&
    Array.isArray(r['delays']) &&
    (r['delays'] as unknown[]).every((d) => Array.isArray(d) && d.length === 2 && typeof d[0] === 'number' && typeof d[1] === 'number') &&
    typeof r['at'] === 'number' &&
    typeof r['delayP99Ms'] === 'number' &&
    typeof r['delayMaxMs'] === 'number' &&
    typeof r['utilization'] === 'number' &&
    typeof r['tokenGaps'] === 'number' &&
    typeof r['coalesced'] === 'number' &&
    r['tags'] !== null &&
    typeof r['tags'] === 'object'
  );
}

class FiguresBuilder {
  /** [ms, count] pairs of every reading. */
  readonly delays: Array<[number, number]> = [];
  delaySamples = 0;
  readings = 0;
  delayMax: number | null = null;
  readonly utilization = new Map<string, { sum: number; n: number }>();
  cpuSum = 0;
  cpuN = 0;
  cpuMax: number | null = null;
  machineSum = 0;
  machineN = 0;
  gaps = 0;
  coalesced = 0;
  dispatched = 0;
  dispatchedLate = 0;

  addDispatchLag(lagMs: number): void {
    this.dispatched++;
    if (lagMs > DELAY_P99_LIMIT_MS) this.dispatchedLate++;
  }

  add(r: HealthReading): void {
    this.readings++;
    for (const pair of r.delays) {
      this.delays.push(pair);
      this.delaySamples += pair[1];
    }
    this.delayMax = Math.max(this.delayMax ?? 0, r.delayMaxMs);
    const u = this.utilization.get(r.source) ?? { sum: 0, n: 0 };
    u.sum += r.utilization;
    u.n++;
    this.utilization.set(r.source, u);
    if (r.cpu !== undefined) {
      this.cpuSum += r.cpu;
      this.cpuN++;
      this.cpuMax = Math.max(this.cpuMax ?? 0, r.cpu);
    }
    if (r.machineCpu !== undefined) {
      this.machineSum += r.machineCpu;
      this.machineN++;
    }
    this.gaps += r.tokenGaps;
    this.coalesced += r.coalesced;
  }

  figures(): LoadGeneratorFigures {
    let utilization: number | null = null;
    for (const u of this.utilization.values()) utilization = Math.max(utilization ?? 0, u.sum / u.n);
    return {
      readings: this.readings,
      delayP99Ms: this.delaySamples === 0 ? null : round3(weightedP99(this.delays, this.delaySamples)),
      delayMaxMs: this.delayMax,
      utilization: utilization === null ? null : round3(utilization),
      cpu: this.cpuN === 0 ? null : round3(this.cpuSum / this.cpuN),
      cpuMax: this.cpuMax,
      machineCpu: this.machineN === 0 ? null : round3(this.machineSum / this.machineN),
      tokenGaps: this.gaps,
      coalesced: this.coalesced,
      coalescedShare: this.gaps === 0 ? null : round3(this.coalesced / this.gaps),
      dispatched: this.dispatched,
      dispatchedLate: this.dispatchedLate,
    };
  }
}

/** Nearest-rank 99th percentile of [value, count] pairs (sorts them in place). */
function weightedP99(pairs: Array<[number, number]>, total: number): number {
  pairs.sort((a, b) => a[0] - b[0]);
  const rank = Math.ceil(total * 0.99);
  let seen = 0;
  for (const [value, n] of pairs) {
    seen += n;
    if (seen >= rank) return value;
  }
  return pairs[pairs.length - 1]![0];
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The row a reading belongs to: its level, rate or stage within its scenario; null for none. */
function rowOf(tags: Record<string, string>): { scenario: string; axis: LoadGeneratorRow['axis']; value: string } | null {
  const scenario = tags[TAG_SCENARIO] ?? '';
  if (tags[TAG_LEVEL] !== undefined) return { scenario, axis: 'level', value: tags[TAG_LEVEL] };
  if (tags[TAG_RATE] !== undefined) return { scenario, axis: 'rate', value: tags[TAG_RATE] };
  if (tags[TAG_STAGE] !== undefined) return { scenario, axis: 'stage', value: tags[TAG_STAGE] };
  return null;
}

/** Collects readings for the whole run and per row (readings arrive in a few hundred per minute: arrays are fine). */
export class LoadGeneratorTracker {
  readonly #overall = new FiguresBuilder();
  readonly #rows = new Map<string, { scenario: string; axis: LoadGeneratorRow['axis']; value: string; builder: FiguresBuilder }>();

  add(r: HealthReading): void {
    this.#overall.add(r);
    this.#row(r.tags)?.add(r);
  }

  /** One open-loop request's dispatch lag (actual − intended send time), with the request's tags. */
  addDispatchLag(tags: Record<string, string>, lagMs: number): void {
    this.#overall.addDispatchLag(lagMs);
    this.#row(tags)?.addDispatchLag(lagMs);
  }

  #row(tags: Record<string, string>): FiguresBuilder | null {
    const row = rowOf(tags);
    if (row === null) return null;
    const key = `${row.scenario}\u0001${row.axis}\u0001${row.value}`;
    let entry = this.#rows.get(key);
    if (entry === undefined) {
      entry = { ...row, builder: new FiguresBuilder() };
      this.#rows.set(key, entry);
    }
    return entry.builder;
  }

  /** Figures and verdicts; null when no reading arrived (a results file from before health lines). */
  summary(): LoadGeneratorSummary | null {
    const overall = this.#overall.figures();
    if (overall.readings === 0 && overall.dispatched === 0) return null;
    const rows = [...this.#rows.values()].map((e) => {
      const figures = e.builder.figures();
      return { scenario: e.scenario, axis: e.axis, value: e.value, figures, verdict: saturationSentence(judgeLoadGenerator(figures)) };
    });
    return { overall, verdict: saturationSentence(judgeLoadGenerator(overall)), rows };
  }
}

/** "level 800, 1000", "stage 2": the rows where the load generator was saturated, for one line. */
export function saturatedRowsText(summary: LoadGeneratorSummary): string | null {
  const saturated = summary.rows.filter((r) => r.verdict !== null);
  if (saturated.length === 0) return null;
  const scenarios = new Set(saturated.map((r) => r.scenario));
  const groups = new Map<string, string[]>();
  for (const r of saturated) {
    const key = `${scenarios.size > 1 ? `${r.scenario} ` : ''}${r.axis}`;
    groups.set(key, [...(groups.get(key) ?? []), r.value]);
  }
  return [...groups].map(([key, values]) => `${key} ${values.join(', ')}`).join('; ');
}

/**
 * The one line for the summary headline and the report's verdict: the whole run's figures when
 * they say saturated (and the rows where it happened), else the rows alone; null when neither.
 */
export function loadGeneratorHeadline(summary: LoadGeneratorSummary): string | null {
  const rows = saturatedRowsText(summary);
  const where = rows === null ? '' : ` (at ${rows})`;
  if (summary.verdict !== null) return `${summary.verdict}${where}`;
  if (rows === null) return null;
  const worst = summary.rows.filter((r) => r.verdict !== null).sort((a, b) => (b.figures.delayP99Ms ?? 0) - (a.figures.delayP99Ms ?? 0))[0]!;
  return `the load generator was saturated at ${rows} (${judgeLoadGenerator(worst.figures)}): latency figures there are inflated`;
}
