/**
 * Arrival processes of the open-loop executors: a rate curve over time (one
 * linear segment per stage) plus how the gaps between arrivals are drawn.
 * Pure and seeded: every worker generates the same sequence and takes its own
 * share of it (arrival i goes to worker i % workerCount), so no per-arrival
 * message crosses threads.
 *
 * Gaps are drawn in "area" units, where the area under the rate curve from 0
 * to t is the number of arrivals expected by t, and mapped back to time
 * through the inverse of that area (time rescaling: a unit-rate process in
 * area becomes a process with the given rate in time).
 *
 *  - uniform (k6): arrival k falls where the area reaches k. constant-arrival-rate
 *    starts at k = 0 (first iteration at 0, then every timeUnit/rate, as k6's
 *    ticker); ramping-arrival-rate at k = 1 (k6 `cal()`: "starts from 1 not 0").
 *  - poisson: gaps in area are exponential with mean 1 (`vllm bench serve`'s
 *    default; inter-arrival times are exponential at a constant rate).
 *  - gamma: gaps are gamma with shape = burstiness and mean 1 (`vllm bench
 *    serve --burstiness`): below 1 arrivals come in bursts, above 1 they are
 *    more even than Poisson; burstiness 1 is Poisson.
 *
 * Inverse of the area in a segment going linearly from rate a to rate b over
 * d (rates per ms), for an area u past the segment's start (k6's formula):
 *
 *     x = (a·d − √(d·(a²·d + 2·u·(b − a)))) / (a − b)      (a ≠ b)
 *     x = u / a                                            (a = b)
 */
import { createRng, exponential, gammaMeanOne, type Rng } from './random.js';

export type InterArrival = 'uniform' | 'poisson' | 'gamma';

export const INTER_ARRIVALS: readonly InterArrival[] = ['uniform', 'poisson', 'gamma'];

/** One piece of the rate curve: linear from `fromPerSec` to `toPerSec` over `durationMs`. */
export interface RateSegment {
  durationMs: number;
  /** Arrivals per second at the segment's start. */
  fromPerSec: number;
  /** Arrivals per second at its end. */
  toPerSec: number;
}

export interface ArrivalProcess {
  /** The rate curve, one segment per stage; the schedule ends with the last segment. */
  segments: RateSegment[];
  distribution: InterArrival;
  /** Gamma shape (vLLM's burstiness); 1 for the other distributions. */
  burstiness: number;
  seed: number;
  /** Uniform only: first arrival at 0 ('start', constant-arrival-rate) or where the area reaches 1 ('area', ramping-arrival-rate). */
  uniformFirst: 'start' | 'area';
}

/** Expected number of arrivals of a process (the area under its rate curve). */
export function expectedArrivals(process: ArrivalProcess): number {
  let area = 0;
  for (const s of process.segments) area += ((s.fromPerSec + s.toPerSec) / 2) * (s.durationMs / 1000);
  return area;
}

/** Total length of a process's schedule, ms. */
export function scheduleMs(process: ArrivalProcess): number {
  return process.segments.reduce((sum, s) => sum + s.durationMs, 0);
}

/**
 * Walks a process's arrivals in order without allocating per arrival:
 * `while (seq.next()) use(seq.index, seq.atMs, seq.segment)`.
 */
export class ArrivalSequence {
  /** 0-based number of the current arrival in the whole schedule. */
  index = -1;
  /** Offset of the current arrival from the schedule's start, ms. */
  atMs = 0;
  /** Index of the segment (stage) the current arrival falls in. */
  segment = 0;
  readonly #process: ArrivalProcess;
  readonly #rng: Rng | null;
  readonly #totalMs: number;
  #area = 0;
  // Cursor: the segment the last arrival fell in, with its start time and the area before it.
  #seg = 0;
  #segStartMs = 0;
  #segAreaBefore = 0;
  #done = false;

  constructor(process: ArrivalProcess) {
    this.#process = process;
    this.#rng = process.distribution === 'uniform' ? null : createRng(process.seed);
    this.#totalMs = scheduleMs(process);
  }

  /** Advance to the next arrival; false once the schedule is over. */
  next(): boolean {
    if (this.#done) return false;
    const p = this.#process;
    const k = this.index + 1;
    let u: number;
    if (this.#rng === null) {
      u = p.uniformFirst === 'start' ? k : k + 1;
    } else {
      const gap = p.distribution === 'gamma' ? gammaMeanOne(this.#rng, p.burstiness) : exponential(this.#rng);
      u = this.#area + gap;
    }
    const at = this.#timeOfArea(u);
    // k6: constant-arrival-rate stops at the duration (exclusive); ramping-arrival-rate keeps an
    // arrival whose area is exactly the total (inclusive, at the end instant).
    const inclusive = this.#rng === null && p.uniformFirst === 'area';
    if (at === null || (inclusive ? at > this.#totalMs : at >= this.#totalMs)) {
      this.#done = true;
      return false;
    }
    this.#area = u;
    this.index = k;
    this.atMs = at;
    this.segment = this.#seg;
    return true;
  }

  /** The time at which the area reaches `u`, or null when it never does. Moves the cursor forward. */
  #timeOfArea(u: number): number | null {
    const segments = this.#process.segments;
    while (this.#seg < segments.length) {
      const s = segments[this.#seg]!;
      const a = s.fromPerSec / 1000;
      const b = s.toPerSec / 1000;
      const d = s.durationMs;
      const area = ((a + b) / 2) * d;
      const within = u - this.#segAreaBefore;
      if (within <= area && area > 0) {
        let x: number;
        if (a === b) x = within / a;
        else x = (a * d - Math.sqrt(Math.max(0, d * (a * a * d + 2 * within * (b - a))))) / (a - b);
        return this.#segStartMs + Math.min(d, Math.max(0, x));
      }
      this.#segAreaBefore += area;
      this.#segStartMs += d;
      this.#seg++;
    }
    return null;
  }
}

/** Every arrival offset (ms) of a process, in order; at most `limit` of them. */
export function arrivalOffsets(process: ArrivalProcess, limit = Number.POSITIVE_INFINITY): number[] {
  const out: number[] = [];
  const seq = new ArrivalSequence(process);
  while (out.length < limit && seq.next()) out.push(seq.atMs);
  return out;
}
