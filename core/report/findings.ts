/**
 * Key findings computed from the per-level rows of a sweep, the figures seed
 * report 000 worked out by hand:
 *
 * - throughput speedup of each level over the lowest one (the single-user
 *   level in a 1/2/5/10 sweep): req/s at the level ÷ req/s at the baseline,
 *   and scaling efficiency = speedup ÷ (users ÷ baseline users);
 * - batching speedup over sequential service: the time N requests take one at
 *   a time (N ÷ the single user's req/s) against the level's measured window
 *   for those N; by construction the same figure as the level's throughput
 *   speedup over the single user, so a level has one speedup;
 * - the saturation point: the first level after which throughput grows by
 *   less than `saturationGain` while E2E p50 keeps growing;
 * - the breaking point: the first level that fails a threshold applicable to
 *   it (level-thresholds.ts) or, without a failure-rate threshold, whose
 *   failure share exceeds `failureLimit`, or an open-loop level that did not
 *   hold its offered rate (arrivals dropped or sent late: its figures describe
 *   a lighter load than the level's, so it is no evidence of capacity);
 * - capacity: requests (and output tokens) per hour at the highest level
 *   before the breaking point (every level up to it met every threshold), so
 *   capacity and breaking point never contradict each other; for a single
 *   wave (each user sends one request) there is no sustained rate, only the
 *   wave's completion time;
 * - on a rate axis (rate-sweep), a rate is also broken when the server fell
 *   behind it (over-saturated: TTFT from the schedule grew through the rate),
 *   or when fewer of its requests met the SLOs than the failure limit allows
 *   (without a threshold on llm_goodput_ratio); a rate that dropped arrivals
 *   because the client ran out of VUs says so, not that the server broke;
 * - the knee: where extra load stops buying throughput, by a two-segment
 *   least-squares fit of throughput vs load (knee.ts), beside the step rule of
 *   the saturation point: the knee reads the whole curve, the saturation point
 *   one step at a time;
 * - what each level feels like to a user (expected wait, which use it suits).
 *
 * Pure functions of the rows: no clock, no I/O.
 */
import { LLM_GOODPUT_RATIO, LLM_REQUEST_FAILED } from '../metrics/builtin.js';
import type { RequestStatsRow } from '../metrics/request-stats.js';
import { findKnee, type Knee } from './knee.js';
import type { LevelThresholdCheck } from './level-thresholds.js';

export interface FindingsOptions {
  /** Throughput gain below which the next level counts as saturated (fraction, default 0.10). */
  saturationGain?: number;
  /** Failure share past which a level is broken when no threshold covers failures (fraction, default 0.01). */
  failureLimit?: number;
  /** What the level number counts: concurrent users (default) or an offered request rate (req/s). */
  axis?: 'users' | 'rate';
  /** Each user sent one request per level (iterationsPerVu 1): a level is one wave, not a sustained load. */
  singleWave?: boolean;
}

export const DEFAULT_SATURATION_GAIN = 0.1;
export const DEFAULT_FAILURE_LIMIT = 0.01;
/** User-experience classes: TTFT p95 and E2E p95 bounds, ms. */
export const INTERACTIVE_TTFT_P95_MS = 1_000;
export const INTERACTIVE_E2E_P95_MS = 30_000;
export const BATCH_E2E_P95_MS = 60_000;

/** One level as the findings see it. */
export interface LevelInput {
  /** The level's tag value ('10'). */
  label: string;
  /** Concurrent users (or the level's numeric value). */
  users: number;
  row: RequestStatsRow;
  /** Thresholds applicable to this level, judged on it. */
  checks: readonly LevelThresholdCheck[];
  /** Open loop: why the level's load was not delivered (core/metrics/load-delivery.ts); null or absent when it was. */
  undelivered?: string | null;
  /** Open loop: why the server fell behind the level's rate (over-saturated), or null / absent. */
  serverBehind?: string | null;
  /** Open loop: why the client, not the server, was short (too few VUs for the rate), or null / absent. */
  clientShort?: string | null;
}

export interface ScalingPoint {
  label: string;
  users: number;
  requestsPerSec: number;
  outputTokensPerSec: number;
  /** req/s ÷ baseline req/s. */
  speedup: number;
  /** speedup ÷ (users ÷ baseline users). */
  efficiency: number;
  /** Throughput gain over the previous level (fraction); null for the first. */
  gainOverPrevious: number | null;
  /** E2E p50 growth over the previous level (fraction); null for the first or without latencies. */
  latencyGrowth: number | null;
  e2eP50Ms: number | null;
}

export interface BatchingSpeedup {
  /** The level compared with sequential service. */
  label: string;
  users: number;
  requests: number;
  /** Time per request at the single-user level: 1 ÷ its req/s, ms. */
  singleUserMsPerRequest: number;
  /** requests × singleUserMsPerRequest. */
  sequentialMs: number;
  /** The level's window: first start → last end, ms. */
  concurrentMs: number;
  speedup: number;
}

export type Saturation =
  { reached: true; label: string; users: number; nextLabel: string; nextUsers: number; gain: number; latencyGrowth: number } | { reached: false; lastGain: number | null };

export interface BreakingPoint {
  label: string;
  users: number;
  /** One line per reason, e.g. "llm_ttft p(95)<2000: 2345.1" or "failures 3.2% > 1%". */
  reasons: string[];
}

export interface Capacity {
  label: string;
  users: number;
  requestsPerSec: number;
  requestsPerHour: number;
  outputTokensPerHour: number;
  /** 'thresholds': highest level before the first that failed an applicable threshold; 'failures': no thresholds applied, highest level before the first past the failure limit. */
  basis: 'thresholds' | 'failures';
  /** The level's requests and window: what a single wave measured (N requests in T ms). */
  requests: number;
  windowMs: number | null;
}

export type ExperienceClass = 'interactive' | 'batch' | 'background';

export interface UserExperience {
  label: string;
  users: number;
  e2eP50Ms: number | null;
  e2eP95Ms: number | null;
  ttftP95Ms: number | null;
  suits: ExperienceClass | null;
}

export interface Findings {
  baseline: { label: string; users: number; requestsPerSec: number };
  scaling: ScalingPoint[];
  batching: BatchingSpeedup | null;
  peak: { label: string; users: number; requestsPerSec: number; outputTokensPerSec: number };
  saturation: Saturation;
  saturationGain: number;
  /** The two-segment fit's knee of req/s vs load, or why none is claimed (absent in reports made before it). */
  knee?: Knee;
  breaking: BreakingPoint | null;
  capacity: Capacity | null;
  failureLimit: number;
  /** A threshold on llm_request_failed decided breaking (rather than failureLimit). */
  failureThreshold: boolean;
  experience: UserExperience[];
  axis: 'users' | 'rate';
  /** Each level was one wave of one request per user: no sustained rate or per-hour capacity follows from it. */
  singleWave: boolean;
}

/** Findings over the levels of one sweep; null with no level that has a throughput. */
export function computeFindings(levels: readonly LevelInput[], options: FindingsOptions = {}): Findings | null {
  const saturationGain = options.saturationGain ?? DEFAULT_SATURATION_GAIN;
  const failureLimit = options.failureLimit ?? DEFAULT_FAILURE_LIMIT;
  const sorted = [...levels].filter((l) => l.row.requests > 0).sort((a, b) => a.users - b.users);
  if (sorted.length === 0) return null;
  const base = sorted[0]!;
  const baseRps = base.row.requestsPerSec ?? 0;

  const scaling: ScalingPoint[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const level = sorted[i]!;
    const rps = level.row.requestsPerSec ?? 0;
    const previous = i === 0 ? null : sorted[i - 1]!;
    const prevRps = previous === null ? null : (previous.row.requestsPerSec ?? 0);
    const p50 = level.row.e2e?.p50 ?? null;
    const prevP50 = previous?.row.e2e?.p50 ?? null;
    const speedup = baseRps > 0 ? rps / baseRps : 0;
    scaling.push({
      label: level.label,
      users: level.users,
      requestsPerSec: rps,
      outputTokensPerSec: level.row.outputTokensPerSec ?? 0,
      speedup,
      efficiency: base.users > 0 && level.users > 0 ? speedup / (level.users / base.users) : 0,
      gainOverPrevious: prevRps === null || prevRps <= 0 ? null : rps / prevRps - 1,
      latencyGrowth: p50 === null || prevP50 === null || prevP50 <= 0 ? null : p50 / prevP50 - 1,
      e2eP50Ms: p50,
    });
  }

  let peak = scaling[0]!;
  for (const point of scaling) if (point.requestsPerSec > peak.requestsPerSec) peak = point;

  let saturation: Saturation = { reached: false, lastGain: scaling.length > 1 ? scaling[scaling.length - 1]!.gainOverPrevious : null };
  for (let i = 1; i < scaling.length; i++) {
    const point = scaling[i]!;
    if (point.gainOverPrevious === null || point.latencyGrowth === null) continue;
    if (point.gainOverPrevious < saturationGain && point.latencyGrowth > 0) {
      const at = scaling[i - 1]!;
      saturation = {
        reached: true,
        label: at.label,
        users: at.users,
        nextLabel: point.label,
        nextUsers: point.users,
        gain: point.gainOverPrevious,
        latencyGrowth: point.latencyGrowth,
      };
      break;
    }
  }

  const axis = options.axis ?? 'users';
  const failureThreshold = sorted.some((l) => l.checks.some((c) => c.key.startsWith(LLM_REQUEST_FAILED)));
  const goodputThreshold = sorted.some((l) => l.checks.some((c) => c.key.startsWith(LLM_GOODPUT_RATIO)));
  const verdicts = sorted.map((level) => judgeLevel(level, failureThreshold, failureLimit, axis === 'rate' && !goodputThreshold));
  let breaking: BreakingPoint | null = null;
  let breakingIndex = sorted.length;
  for (let i = 0; i < sorted.length; i++) {
    if (verdicts[i]!.length > 0) {
      breakingIndex = i;
      breaking = { label: sorted[i]!.label, users: sorted[i]!.users, reasons: verdicts[i]! };
      break;
    }
  }
  // Capacity sits below the breaking point: a level above a broken one is no evidence of capacity.
  let capacity: Capacity | null = null;
  const anyThreshold = sorted.some((l) => l.checks.length > 0);
  for (let i = breakingIndex - 1; i >= 0; i--) {
    const level = sorted[i]!;
    if ((level.row.requestsPerSec ?? 0) <= 0) continue;
    const rps = level.row.requestsPerSec ?? 0;
    capacity = {
      label: level.label,
      users: level.users,
      requestsPerSec: rps,
      requestsPerHour: rps * 3600,
      outputTokensPerHour: (level.row.outputTokensPerSec ?? 0) * 3600,
      basis: anyThreshold ? 'thresholds' : 'failures',
      requests: level.row.successful,
      windowMs: level.row.window?.durationMs ?? null,
    };
    break;
  }

  // One speedup per level: sequential time is N ÷ the single user's throughput, so this equals the level's throughput speedup.
  let batching: BatchingSpeedup | null = null;
  const single = axis === 'users' ? sorted.find((l) => l.users === 1) : undefined;
  const top = sorted[sorted.length - 1]!;
  const singleRps = single?.row.requestsPerSec ?? 0;
  if (single !== undefined && top !== single && singleRps > 0 && top.row.window !== null && top.row.window.durationMs > 0) {
    const requests = top.row.successful;
    const perRequestMs = 1000 / singleRps;
    const sequentialMs = requests * perRequestMs;
    batching = {
      label: top.label,
      users: top.users,
      requests,
      singleUserMsPerRequest: perRequestMs,
      sequentialMs,
      concurrentMs: top.row.window.durationMs,
      speedup: sequentialMs / top.row.window.durationMs,
    };
  }

  return {
    baseline: { label: base.label, users: base.users, requestsPerSec: baseRps },
    scaling,
    batching,
    peak: { label: peak.label, users: peak.users, requestsPerSec: peak.requestsPerSec, outputTokensPerSec: peak.outputTokensPerSec },
    saturation,
    saturationGain,
    knee: findKnee(scaling.map((s) => ({ label: s.label, load: s.users, throughput: s.requestsPerSec }))),
    breaking,
    capacity,
    failureLimit,
    failureThreshold,
    experience: sorted.map((l) => experienceOf(l)),
    axis,
    singleWave: options.singleWave === true,
  };
}

/** Why a level is broken (empty when it is not). `sloRule`: judge the share of requests meeting the SLOs against the failure limit. */
function judgeLevel(level: LevelInput, failureThreshold: boolean, failureLimit: number, sloRule: boolean): string[] {
  const reasons = level.checks.filter((c) => !c.ok).map((c) => `${c.key} ${c.source} (observed ${formatObserved(c.observed)})`);
  if (level.clientShort !== undefined && level.clientShort !== null) reasons.push(`the client, not the server, was short: ${level.clientShort}`);
  else if (level.undelivered !== undefined && level.undelivered !== null) reasons.push(`did not hold the offered rate: ${level.undelivered}`);
  if (level.serverBehind !== undefined && level.serverBehind !== null) reasons.push(`the server fell behind (over-saturated): ${level.serverBehind}`);
  if (!failureThreshold && level.row.requests > 0) {
    const share = level.row.failed / level.row.requests;
    if (share > failureLimit) reasons.push(`failures ${percent(share)} > ${percent(failureLimit)}`);
  }
  const met = sloShare(level.row);
  if (sloRule && met !== null && 1 - met > failureLimit) reasons.push(`SLOs met by ${percent(met)} of requests < ${percent(1 - failureLimit)}`);
  return reasons;
}

/** Share of a row's counted requests that succeeded and met every SLO (goodput × window ÷ requests); null without an SLO. */
export function sloShare(row: RequestStatsRow): number | null {
  if (row.goodputPerSec === null || row.window === null || row.requests === 0) return null;
  return Math.min(1, (row.goodputPerSec * row.window.durationMs) / 1000 / row.requests);
}

/** Which use a level's latencies suit (rules stated in the report). */
export function classifyExperience(ttftP95Ms: number | null, e2eP95Ms: number | null): ExperienceClass | null {
  if (e2eP95Ms === null) return null;
  if (ttftP95Ms !== null && ttftP95Ms <= INTERACTIVE_TTFT_P95_MS && e2eP95Ms <= INTERACTIVE_E2E_P95_MS) return 'interactive';
  if (e2eP95Ms <= BATCH_E2E_P95_MS) return 'batch';
  return 'background';
}

function experienceOf(level: LevelInput): UserExperience {
  const e2eP95Ms = level.row.e2e?.p95 ?? null;
  const ttftP95Ms = level.row.ttft?.p95 ?? null;
  return { label: level.label, users: level.users, e2eP50Ms: level.row.e2e?.p50 ?? null, e2eP95Ms, ttftP95Ms, suits: classifyExperience(ttftP95Ms, e2eP95Ms) };
}

function percent(ratio: number): string {
  return `${Number.parseFloat((ratio * 100).toFixed(2))}%`;
}

function formatObserved(value: number | null): string {
  if (value === null) return 'no data';
  return String(Number.parseFloat(value.toPrecision(5)));
}
