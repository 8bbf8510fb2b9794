/**
 * Over-saturation of an open-loop phase: is the server (or the VU pool) keeping
 * up with the arrival rate, or is the queue growing without bound?
 *
 * At a sustainable rate the wait before the first token, measured from the
 * intended send time (TTFT_sched), has the same distribution early and late in
 * the phase. Above the server's capacity the queue grows by (λ − μ) requests
 * per second, so TTFT_sched grows roughly linearly with the arrival time, by
 * (λ − μ)/μ seconds per second. The phase counts as over-saturated when:
 *
 *  - the median TTFT_sched of its last third of arrivals is more than 1.5×
 *    that of its first third and grew by more than 50 ms per second between
 *    them (the queue grew by > 5 % of the rate), or
 *  - more than 5 % of its arrivals were dropped (every VU busy: the queue grew
 *    on the client side), or
 *  - more than 5 % of its requests were still running when the phase's
 *    gracefulStop ran out.
 */

/** Fewer completed requests than this: no verdict on the trend. */
const MIN_POINTS = 30;
const MAX_RATIO = 1.5;
const MAX_GROWTH_MS_PER_S = 50;
const MAX_LOST_SHARE = 0.05;

export interface PhaseLoad {
  /** [scheduledAt (epoch ms), TTFT_sched (ms)] of each successful request, in any order. */
  points: Array<[number, number]>;
  /** Requests that ended (successful, failed or interrupted). */
  requests: number;
  interrupted: number;
  dropped: number;
}

/** Why the phase was over-saturated, or null. */
export function judgeSaturation(load: PhaseLoad): string | null {
  const arrivals = load.requests + load.dropped;
  if (arrivals > 0 && load.dropped / arrivals > MAX_LOST_SHARE) {
    return `${percent(load.dropped / arrivals)} of arrivals dropped: every VU was busy`;
  }
  if (load.requests > 0 && load.interrupted / load.requests > MAX_LOST_SHARE) {
    return `${percent(load.interrupted / load.requests)} of requests still running at the end of gracefulStop`;
  }
  const points = [...load.points].sort((a, b) => a[0] - b[0]);
  if (points.length < MIN_POINTS) return null;
  const third = Math.floor(points.length / 3);
  const first = points.slice(0, third);
  const last = points.slice(points.length - third);
  const early = median(first.map((p) => p[1]));
  const late = median(last.map((p) => p[1]));
  const seconds = (median(last.map((p) => p[0])) - median(first.map((p) => p[0]))) / 1000;
  if (seconds <= 0) return null;
  const growth = (late - early) / seconds;
  if (late > MAX_RATIO * early && growth > MAX_GROWTH_MS_PER_S) {
    return `TTFT from the schedule grew from ${early.toFixed(0)} ms to ${late.toFixed(0)} ms (+${growth.toFixed(0)} ms per second)`;
  }
  return null;
}

function median(values: number[]): number {
  const sorted = values.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** Collects the load of each rate-sweep phase (key: scenario and rate tags) as records arrive. */
export class SaturationTracker {
  readonly #phases = new Map<string, PhaseLoad>();

  static key(scenario: string, rate: string): string {
    return `${scenario}\u0001${rate}`;
  }

  #load(key: string): PhaseLoad {
    let load = this.#phases.get(key);
    if (load === undefined) {
      load = { points: [], requests: 0, interrupted: 0, dropped: 0 };
      this.#phases.set(key, load);
    }
    return load;
  }

  /** One finished request: its intended send time and TTFT_sched (null when it has none). */
  request(key: string, scheduledAt: number, ttftSchedMs: number | null, interrupted: boolean): void {
    const load = this.#load(key);
    load.requests++;
    if (interrupted) load.interrupted++;
    else if (ttftSchedMs !== null) load.points.push([scheduledAt, ttftSchedMs]);
  }

  dropped(key: string, count: number): void {
    this.#load(key).dropped += count;
  }

  verdict(key: string): string | null {
    const load = this.#phases.get(key);
    return load === undefined ? null : judgeSaturation(load);
  }
}
