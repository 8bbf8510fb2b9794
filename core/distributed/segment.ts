/**
 * Execution segments, with k6's semantics (lib/execution_segment.go): one test
 * is cut into instances, each running a segment [from, to) of the whole, and
 * the segments of one run form a sequence that covers 0 to 1.
 *
 * Whole things (VUs, iterations, arrivals, dataset items) are dealt out by
 * striping rather than by rounding each instance's share on its own: over a
 * period of L indexes (L = the least common denominator of the segments'
 * lengths), each segment owns length × L of them, spread evenly, and index i
 * belongs to the owner of i mod L. So
 *
 *  - every index has exactly one owner: the instances' shares always sum to
 *    the whole (k6's ScaleInt64), for any value;
 *  - an instance's share of the first n indexes grows with n by at most one
 *    per index, so a VU ramp split this way ramps in step on every instance;
 *  - arrival k of the one-machine schedule is sent by the owner of k, so the
 *    union of the instances' send times is that schedule, bit for bit.
 *
 * Within a period, index i goes to the first segment, in order of length
 * (longest first, then position), whose next evenly spaced place
 * (taken × L / ownShare) has been reached, as k6's GetStripedOffsets does.
 * With the even sequence of `--instance i/N`, instance i owns the indexes
 * i, i + N, i + 2N…
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { compare, formatRational, lcm, ONE, parseRational, rational, sub, ZERO, type Rational } from './rational.js';

export interface ExecutionSegment {
  readonly from: Rational;
  readonly to: Rational;
}

/** Longest stripe period accepted; a sequence of finer fractions is refused rather than tabled. */
const MAX_PERIOD = 1_000_000;

/** The indexes one instance owns, as plain data that crosses threads: index i is its when owners[i % period] === index. */
export interface Stripe {
  /** Position of this instance's segment in the sequence, 0-based. */
  readonly index: number;
  /** Stripe period L. */
  readonly period: number;
  /** Residues mod `period` this instance owns, ascending. */
  readonly owned: readonly number[];
  /** Owner (segment position) of each residue mod `period`. */
  readonly owners: readonly number[];
}

/**
 * One instance's place in the run (k6's ExecutionTuple): its segment, the
 * whole sequence, and the stripe it owns.
 */
export interface InstanceSlice extends Stripe {
  /** Segments in the sequence: the number of instances of the run. */
  readonly count: number;
  readonly sequence: readonly ExecutionSegment[];
}

function usage(message: string, hint?: string): LlmloadError {
  return new LlmloadError(ErrorCode.USAGE, message, hint === undefined ? {} : { hint });
}

function boundary(text: string, flag: string): Rational {
  const r = parseRational(text);
  if (r === null || compare(r, ONE) > 0) throw usage(`${flag}: "${text}" is not a number between 0 and 1`, 'Write a fraction (1/4), a percentage (25%) or a decimal (0.25).');
  return r;
}

/** k6's `--execution-segment`: "FROM:TO", or "TO" for "0:TO". */
export function parseSegment(text: string): ExecutionSegment {
  const parts = text.split(':');
  if (parts.length > 2) throw usage(`--execution-segment: "${text}" is not FROM:TO`);
  const from = parts.length === 2 ? boundary(parts[0]!, '--execution-segment') : ZERO;
  const to = boundary(parts.at(-1)!, '--execution-segment');
  if (compare(from, to) >= 0) throw usage(`--execution-segment: "${text}" is empty (its start is not before its end)`);
  return { from, to };
}

/** k6's `--execution-segment-sequence`: boundaries "0,1/4,1/2,1", increasing, from 0 to 1. */
export function parseSequence(text: string): ExecutionSegment[] {
  const points = text.split(',').map((p) => boundary(p, '--execution-segment-sequence'));
  if (points.length < 2 || compare(points[0]!, ZERO) !== 0 || compare(points.at(-1)!, ONE) !== 0) {
    throw usage(`--execution-segment-sequence: "${text}" must start at 0 and end at 1`, 'Example: --execution-segment-sequence 0,1/3,2/3,1');
  }
  const segments: ExecutionSegment[] = [];
  for (let k = 1; k < points.length; k++) {
    if (compare(points[k - 1]!, points[k]!) >= 0) throw usage(`--execution-segment-sequence: "${text}" is not increasing at ${formatRational(points[k]!)}`);
    segments.push({ from: points[k - 1]!, to: points[k]! });
  }
  return segments;
}

/** The even sequence of N instances: 0, 1/N, 2/N … 1. */
export function evenSequence(count: number): ExecutionSegment[] {
  return Array.from({ length: count }, (_, k) => ({ from: rational(BigInt(k), BigInt(count)), to: rational(BigInt(k + 1), BigInt(count)) }));
}

function same(a: ExecutionSegment, b: ExecutionSegment): boolean {
  return compare(a.from, b.from) === 0 && compare(a.to, b.to) === 0;
}

/**
 * The slice of `segment` in `sequence`. Without a sequence, k6's default:
 * the segment plus what lies before and after it.
 */
export function sliceOfSegment(segment: ExecutionSegment, sequence?: readonly ExecutionSegment[]): InstanceSlice {
  const seq = sequence ?? [
    ...(compare(segment.from, ZERO) > 0 ? [{ from: ZERO, to: segment.from }] : []),
    segment,
    ...(compare(segment.to, ONE) < 0 ? [{ from: segment.to, to: ONE }] : []),
  ];
  const index = seq.findIndex((s) => same(s, segment));
  if (index < 0) {
    throw usage(`--execution-segment ${formatSegment(segment)} is not one of the segments of --execution-segment-sequence (${seq.map(formatSegment).join(', ')})`);
  }
  return sliceAt(seq, index);
}

/** Instance `index` (0-based) of `count` even ones. */
export function instanceSlice(index: number, count: number): InstanceSlice {
  return sliceAt(evenSequence(count), index);
}

export function formatSegment(s: ExecutionSegment): string {
  return `${formatRational(s.from)}:${formatRational(s.to)}`;
}

function sliceAt(sequence: readonly ExecutionSegment[], index: number): InstanceSlice {
  const lengths = sequence.map((s) => sub(s.to, s.from));
  const periodBig = lengths.reduce((l, r) => lcm(l, r.den), 1n);
  if (periodBig > BigInt(MAX_PERIOD)) {
    throw usage(`--execution-segment-sequence: the segments' common denominator (${periodBig}) is too large`, 'Use simpler fractions, such as 1/4 or 1/3.');
  }
  const period = Number(periodBig);
  const shares = lengths.map((r) => Number((r.num * periodBig) / r.den));
  const owners = stripeOwners(shares, period);
  const owned: number[] = [];
  for (let i = 0; i < period; i++) if (owners[i] === index) owned.push(i);
  return { index, count: sequence.length, sequence, period, owned, owners };
}

/** Owner of each residue of the period, for segments owning `shares` residues each (Σ shares = period). */
export function stripeOwners(shares: readonly number[], period: number): number[] {
  const order = shares.map((_, k) => k).sort((a, b) => shares[b]! - shares[a]! || a - b);
  const taken = shares.map(() => 0);
  const owners = new Array<number>(period);
  for (let i = 0; i < period; i++) {
    // Exact integer test of "i has reached this segment's next even place taken × period / share".
    const pick = order.find((k) => taken[k]! < shares[k]! && taken[k]! * period <= i * shares[k]!);
    if (pick === undefined) throw new Error(`no segment can take index ${i} of the stripe ${shares.join('/')}`);
    taken[pick]!++;
    owners[i] = pick;
  }
  return owners;
}

/** How many of the indexes 0 … value − 1 the instance owns: its share of `value` things (k6's ScaleInt64). */
export function scaleCount(slice: Stripe, value: number): number {
  if (slice.period === 1) return slice.owned.length === 1 ? value : 0;
  const whole = Math.floor(value / slice.period) * slice.owned.length;
  const rest = value % slice.period;
  let partial = 0;
  for (const r of slice.owned) {
    if (r >= rest) break;
    partial++;
  }
  return whole + partial;
}

/** True when the instance owns index `i` (arrival, dataset item, VU number). */
export function ownsIndex(slice: Stripe, i: number): boolean {
  return slice.owners[i % slice.period] === slice.index;
}

/** The global index of the instance's `local`-th owned index (0-based); its VU `local + 1` is the run's VU `globalIndex + 1`. */
export function globalIndex(slice: Stripe, local: number): number {
  const per = slice.owned.length;
  return Math.floor(local / per) * slice.period + slice.owned[local % per]!;
}

/** The stripe alone, to send to worker threads. */
export function stripeOf(slice: InstanceSlice): Stripe {
  return { index: slice.index, period: slice.period, owned: slice.owned, owners: slice.owners };
}

/** "instance 2/4 (segment 1/2:3/4)". */
export function describeSlice(slice: InstanceSlice): string {
  return `instance ${slice.index}/${slice.count} (segment ${formatSegment(slice.sequence[slice.index]!)})`;
}
