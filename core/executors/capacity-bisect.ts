/**
 * The capacity search's decisions, as pure functions of the probes so far:
 * the engine asks `nextCapacityStep` what to run after each probe, and the
 * report re-derives the same answer with `capacityResult` from the rows of
 * results.ndjson, so a re-made report says what the run decided.
 *
 * A probe passes when the Wilson interval of its SLO attainment lies wholly at
 * or above the target, fails when it lies wholly below, and is indeterminate
 * when it straddles the target: it is then run again at the same load (its
 * requests add up) until it decides or reaches maxProbeDuration. An
 * indeterminate probe is never counted as a pass: the search treats it as the
 * upper end of the bracket, and the result says the capacity is
 * indeterminate there.
 */
import { wilsonInterval, type ShareInterval } from '../metrics/wilson.js';

/** What the search needs of its scenario. */
export interface CapacitySearchRule {
  /** 'concurrency': loads are VU counts (whole numbers); 'rate': arrivals per second (3 significant digits). */
  readonly mode: 'concurrency' | 'rate';
  readonly start: number;
  readonly max: number;
  /** The search stops once the bracket (last passing, first not passing) is this narrow. */
  readonly tolerance: number;
  /** Share of requests that must meet options.slo, e.g. 0.99. */
  readonly target: number;
  /** Confidence of the attainment interval, e.g. 0.95. */
  readonly confidence: number;
}

export type ProbeVerdict = 'pass' | 'fail' | 'indeterminate';

/** The requests of one load, over every phase run at it. */
export interface ProbeCounts {
  readonly load: number;
  /** Successful requests that met every SLO. */
  readonly good: number;
  /** Counted requests (successful + failed). */
  readonly requests: number;
}

export interface ProbeOutcome extends ProbeCounts {
  readonly attainment: ShareInterval;
  readonly verdict: ProbeVerdict;
}

/** Where the search stopped. */
export type CapacityStatus =
  /** Bracketed to the tolerance: capacity passed, the next load failed. */
  | 'found'
  /** The bracket's upper load (or the start load) was neither shown to pass nor to fail. */
  | 'indeterminate'
  /** The start load failed: the capacity is below it. */
  | 'below-start'
  /** Every load up to max passed: the capacity is at least max. */
  | 'at-max'
  /** The search stopped before it decided (the run was stopped, or no probe ran). */
  | 'incomplete';

export interface CapacityResult {
  status: CapacityStatus;
  /** Highest load that met the SLOs with the required confidence; null when none did. */
  capacity: number | null;
  /** The attainment interval at the capacity. */
  attainment: ShareInterval | null;
  /** The lowest load above the capacity that did not pass (the bracket's upper end), and how it ended. */
  upper: { load: number; verdict: Exclude<ProbeVerdict, 'pass'> } | null;
  target: number;
  confidence: number;
  /** Every probe in ascending load. */
  probes: ProbeOutcome[];
}

export type CapacityStep = { kind: 'probe'; load: number; extend: boolean } | { kind: 'done'; result: CapacityResult };

/** A probe's verdict from its counts. */
export function probeOutcome(counts: ProbeCounts, rule: Pick<CapacitySearchRule, 'target' | 'confidence'>): ProbeOutcome {
  const attainment = wilsonInterval(counts.good, counts.requests, rule.confidence);
  const verdict: ProbeVerdict = counts.requests > 0 && attainment.low >= rule.target ? 'pass' : counts.requests > 0 && attainment.high < rule.target ? 'fail' : 'indeterminate';
  return { ...counts, attainment, verdict };
}

/** A load as the search runs and tags it. */
export function roundLoad(mode: CapacitySearchRule['mode'], load: number): number {
  return mode === 'concurrency' ? Math.max(1, Math.floor(load)) : Number(load.toPrecision(3));
}

/**
 * The result from the probes so far (in any order). A bracket the search
 * would still narrow, or a climb it would still continue, is 'incomplete'
 * (the run stopped before the search ended).
 */
export function capacityResult(rule: CapacitySearchRule, probes: readonly ProbeCounts[]): CapacityResult {
  const outcomes = probes.map((p) => probeOutcome(p, rule)).sort((a, b) => a.load - b.load);
  const { lower, upper } = bracket(outcomes);
  let status: CapacityStatus;
  if (lower === null) status = upper === null || upper.load > roundLoad(rule.mode, rule.start) ? 'incomplete' : upper.verdict === 'fail' ? 'below-start' : 'indeterminate';
  else if (upper === null) status = lower.load >= rule.max ? 'at-max' : 'incomplete';
  else if (midpoint(rule, lower.load, upper.load) !== null) status = 'incomplete';
  else status = upper.verdict === 'indeterminate' ? 'indeterminate' : 'found';
  return {
    status,
    capacity: lower === null ? null : lower.load,
    attainment: lower === null ? null : lower.attainment,
    upper: upper === null ? null : { load: upper.load, verdict: upper.verdict === 'fail' ? 'fail' : 'indeterminate' },
    target: rule.target,
    confidence: rule.confidence,
    probes: outcomes,
  };
}

/**
 * What to run next. `last` is the probe just run (its counts include every
 * phase at its load) and `lastPhases` how many phases it took; `maxPhases` is
 * how many a probe may take before an undecided one stays indeterminate.
 */
export function nextCapacityStep(rule: CapacitySearchRule, probes: readonly ProbeCounts[], last: ProbeCounts | null, lastPhases: number, maxPhases: number): CapacityStep {
  if (last === null) return { kind: 'probe', load: roundLoad(rule.mode, rule.start), extend: false };
  if (probeOutcome(last, rule).verdict === 'indeterminate' && lastPhases < maxPhases) return { kind: 'probe', load: last.load, extend: true };
  const outcomes = probes.map((p) => probeOutcome(p, rule)).sort((a, b) => a.load - b.load);
  const { lower, upper } = bracket(outcomes);
  const done = (): CapacityStep => ({ kind: 'done', result: capacityResult(rule, probes) });
  if (lower === null) return done();
  if (upper === null) {
    if (lower.load >= rule.max) return done();
    return { kind: 'probe', load: Math.min(rule.max, roundLoad(rule.mode, lower.load * 2)), extend: false };
  }
  const mid = midpoint(rule, lower.load, upper.load);
  return mid === null ? done() : { kind: 'probe', load: mid, extend: false };
}

/** The next load between a passing and a failing one; null once they are within the tolerance (or no load lies between). */
function midpoint(rule: CapacitySearchRule, lower: number, upper: number): number | null {
  if (upper - lower <= rule.tolerance) return null;
  const mid = roundLoad(rule.mode, lower + (upper - lower) / 2);
  return mid > lower && mid < upper ? mid : null;
}

/**
 * The bracket: the lowest load that did not pass (upper), and the highest
 * passing load below it (lower). A pass above a failure (noise) does not move
 * the bracket up: the capacity is the highest load below every non-passing one.
 */
function bracket(ascending: readonly ProbeOutcome[]): { lower: ProbeOutcome | null; upper: ProbeOutcome | null } {
  const upper = ascending.find((p) => p.verdict !== 'pass') ?? null;
  const below = upper === null ? ascending : ascending.filter((p) => p.load < upper.load);
  const lower = below.length === 0 ? null : below[below.length - 1]!;
  return { lower, upper };
}

/** One line on where a capacity search ended. */
export function describeCapacity(result: CapacityResult): string {
  const upper = result.upper === null ? '' : ` (${result.upper.load} ${result.upper.verdict === 'fail' ? 'failed' : 'was indeterminate'})`;
  switch (result.status) {
    case 'found':
      return `capacity ${result.capacity}${upper}`;
    case 'indeterminate':
      return result.capacity === null
        ? `indeterminate: not even the first load was shown to meet the SLOs${upper}`
        : `capacity at least ${result.capacity}; indeterminate above it${upper}`;
    case 'below-start':
      return `the first load did not meet the SLOs${upper}: capacity below it`;
    case 'at-max':
      return `every load up to ${result.capacity} met the SLOs: capacity at least ${result.capacity}`;
    case 'incomplete':
      return `stopped before the search decided${result.capacity === null ? '' : `: at least ${result.capacity}`}${upper}`;
  }
}

/**
 * The most loads a search can probe before it ends, whatever the probes show: the climb from start
 * to the load that fails (or max), then the bisection of the widest bracket that climb can leave.
 * A probe extended while undecided is still one probe (one load).
 */
export function maxCapacityProbes(rule: CapacitySearchRule): number {
  const climb: number[] = [];
  for (let load = roundLoad(rule.mode, rule.start); climb.length < 64; load = Math.min(rule.max, roundLoad(rule.mode, load * 2))) {
    climb.push(load);
    if (load >= rule.max || roundLoad(rule.mode, load * 2) <= load) break;
  }
  const memo = new Map<string, number>();
  const bisections = (lower: number, upper: number): number => {
    const key = `${lower}:${upper}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const mid = midpoint(rule, lower, upper);
    const steps = mid === null ? 0 : 1 + Math.max(bisections(lower, mid), bisections(mid, upper));
    memo.set(key, steps);
    return steps;
  };
  // Failing at climb[j] (j ≥ 1) leaves [climb[j − 1], climb[j]] to bisect after j + 1 probes; every climb load passing ends at max.
  let most = climb.length;
  for (let j = 1; j < climb.length; j++) most = Math.max(most, j + 1 + bisections(climb[j - 1]!, climb[j]!));
  return most;
}
