/**
 * Sentences of the key findings and recommendations whose wording must follow
 * from the figures they cite: capacity against the breaking point, what a
 * single wave measured, the client-timeout advice and its arithmetic, and
 * whether the server's queue shows its batch limit, and the knee with its rule. Pure: figures in, text out.
 */
import type { ServerSeriesPoint, ServerWindowStats } from '../telemetry/server-metrics.js';
import type { Span } from './document.js';
import type { Capacity, Findings } from './findings.js';
import { fmtMs, fmtShare } from './format.js';
import { KNEE_MAX_ERROR_SHARE, KNEE_MIN_LEVELS, KNEE_MIN_R2, KNEE_SLOPE_RATIO } from './knee.js';
import type { ReportSweep } from './report-data.js';

/** '10 users', '1 user', '12.5 req/s'. */
export function levelLabel(sweep: Pick<ReportSweep, 'axis'>, label: string): string {
  if (sweep.axis === 'rate') return label.trim() !== '' && Number.isFinite(Number(label)) ? `${label} req/s` : label;
  return `${label} ${label === '1' ? 'user' : 'users'}`;
}

/** Why the capacity level is the capacity: the highest level before the breaking point, in the breaking point's terms. */
export function capacityBasis(sweep: Pick<ReportSweep, 'axis'>, f: Findings): string {
  const levels = sweep.axis === 'rate' ? 'rate' : 'level';
  const met =
    f.capacity?.basis === 'failures' ? `failed no more than ${fmtShare(f.failureLimit)} of its requests (no thresholds were set)` : 'met every threshold that applies to it';
  if (f.breaking === null) return `the highest ${levels} tested; every ${levels} ${met}.`;
  return `the highest ${levels} below the breaking point (${levelLabel(sweep, f.breaking.label)}); every ${levels} up to it ${met}.`;
}

/** What one wave of one request per user measured, without a sustained rate or a per-hour figure. */
export function singleWaveCapacity(sweep: Pick<ReportSweep, 'axis'>, f: Findings, cap: Capacity): Span[] {
  return [
    { strong: `${cap.requests} requests in ${fmtMs(cap.windowMs)}` },
    ` at ${levelLabel(sweep, cap.label)}, ${capacityBasis(sweep, f).replace(/\.$/, '')}. `,
    `Each user sent one request, so the level was a single wave and ${fmtMs(cap.windowMs)} is its completion time (first start → last end). `,
    'One wave is not a sustained rate: no req/s or requests/hour capacity follows from it. Run the levels for a duration (or several iterations per VU) to measure one.',
  ];
}

/** x rounded up to two significant digits (820 → 820, 125,800 → 130,000). */
export function roundUpTwoDigits(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const step = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.ceil(x / step - 1e-9) * step;
}

/** ', and set client timeouts to at least …' with the p99 it doubles and where it was measured; '' without latencies. */
export function timeoutAdvice(sweep: Pick<ReportSweep, 'axis' | 'rows'>): string {
  let worst: { label: string; p99: number } | null = null;
  for (const r of sweep.rows) if (r.e2e !== null && (worst === null || r.e2e.p99 > worst.p99)) worst = { label: r.label, p99: r.e2e.p99 };
  if (worst === null || worst.p99 <= 0) return '';
  const twice = 2 * worst.p99;
  const timeout = roundUpTwoDigits(twice);
  const arithmetic = `2 × ${fmtMs(worst.p99)}, the highest E2E p99 measured (at ${levelLabel(sweep, worst.label)})`;
  return fmtMs(timeout) === fmtMs(twice)
    ? `, and set client timeouts to at least ${fmtMs(timeout)} (${arithmetic})`
    : `, and set client timeouts to at least ${fmtMs(timeout)} (${arithmetic} = ${fmtMs(twice)}, rounded up)`;
}

/**
 * What the server's queue shows, or null when nothing waited. The batch limit counts as reached
 * only where a scrape saw requests waiting while the server ran as many sequences as it ever ran
 * at once; waiting while it ran fewer is a request between scheduler steps, not a full batch.
 */
export function serverQueueAdvice(series: readonly ServerSeriesPoint[], overall: ServerWindowStats): string | null {
  const waitingMax = overall.waitingMax ?? 0;
  if (waitingMax <= 0) return null;
  const points = series.filter((pt) => pt.running !== null && pt.waiting !== null);
  if (points.length === 0) return `up to ${waitingMax} requests waited at the server; the scrapes do not show whether its running batch was full.`;
  const peak = Math.max(...points.map((pt) => pt.running!));
  const full = points.filter((pt) => pt.waiting! > 0 && peak > 0 && pt.running! >= peak);
  if (full.length > 0) {
    const waited = Math.max(...full.map((pt) => pt.waiting!));
    return `at ${full.length} of ${points.length} scrapes up to ${waited} requests waited while the server ran ${peak} sequences, the most it ever ran at once: its running batch was full (max_num_seqs or KV-cache space), so added load queued there.`;
  }
  return `up to ${waitingMax} requests were waiting at a scrape, but never while the server ran its peak of ${peak} sequences: the running batch was not full, so the batch limit was not reached (a new request waits for the next scheduler step).`;
}

/**
 * The knee in words, with the rule that found it (or which of its conditions failed) and how it
 * relates to the saturation point, which reads one step at a time where the knee reads the whole curve.
 */
export function kneeText(sweep: Pick<ReportSweep, 'axis'>, f: Findings): Span[] {
  const knee = f.knee;
  if (knee === undefined) return [];
  const per = sweep.axis === 'rate' ? 'req/s offered' : 'user';
  const slope = (v: number): string => `${Number.parseFloat(v.toPrecision(3))} req/s per ${per}`;
  const rule = `Rule: a continuous two-segment least-squares fit of req/s vs ${sweep.axis === 'rate' ? 'offered rate' : 'users'}, bending at the measured level that fits best; a knee needs at least ${KNEE_MIN_LEVELS} levels, a slope after the bend at most ${fmtShare(KNEE_SLOPE_RATIO)} of the slope before, a fit R² of at least ${KNEE_MIN_R2} and at most ${fmtShare(KNEE_MAX_ERROR_SHARE)} of a straight line's squared error.`;
  if (knee.found) {
    const sat = f.saturation;
    const agrees = sat.reached
      ? sat.label === knee.label
        ? ' The saturation rule found the same level.'
        : ` The saturation rule (one step at a time) put it at ${levelLabel(sweep, sat.label)}.`
      : '';
    return [
      { strong: `Knee at ${levelLabel(sweep, knee.label)}: ` },
      `extra load stops buying throughput there. Throughput grew ${slope(knee.slopeBefore)} up to it and ${slope(knee.slopeAfter)} past it (fit R² ${knee.r2.toFixed(3)}; one straight line: ${knee.lineR2.toFixed(3)}).${agrees} `,
      rule,
    ];
  }
  const fit = knee.fit;
  const why =
    knee.reason === 'too-few-levels'
      ? `${knee.levels} ${knee.levels === 1 ? 'level' : 'levels'} ran: too few for a two-segment fit to say anything (it would pass through every point), so no knee is claimed.`
      : knee.reason === 'no-growth'
        ? `throughput did not grow with load even at the low end (best fit slope ${slope(fit!.slopeBefore)} before ${levelLabel(sweep, fit!.label)}): no knee to find.`
        : knee.reason === 'still-scaling'
          ? `throughput kept scaling: the best bend (at ${levelLabel(sweep, fit!.label)}) keeps ${fmtShare(fit!.slopeAfter / fit!.slopeBefore)} of the slope before it (${slope(fit!.slopeBefore)} → ${slope(fit!.slopeAfter)}); one straight line fits with R² ${fit!.lineR2.toFixed(3)}.`
          : `the best bend (at ${levelLabel(sweep, fit!.label)}, ${slope(fit!.slopeBefore)} → ${slope(fit!.slopeAfter)}) does not fit well enough to name (fit R² ${fit!.r2.toFixed(3)}; one straight line: ${fit!.lineR2.toFixed(3)}): the levels are too noisy to place it.`;
  return [{ strong: 'No knee: ' }, `${why} `, rule];
}
