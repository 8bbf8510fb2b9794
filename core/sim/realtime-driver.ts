/**
 * Runs the engine on the wall clock.
 *
 * Virtual time v (engine ms) maps to the monotonic clock as
 *     wall(v) = t0 + v / timeScale      (t0 = performance.now() at start)
 * Each step's end is an absolute deadline computed from the engine's virtual
 * clock, never by adding up setTimeout delays, so timer lateness does not
 * accumulate: a step that fires late delivers its tokens at once, and the
 * next step still ends at its own absolute deadline (catching up when
 * behind). While the engine has work, step k+1 starts exactly where step k
 * ended in virtual time; when it is idle, the next step starts at the
 * arrival that woke it.
 *
 * Step lag (fire time − deadline, ms) is recorded for every step: it is the
 * simulator's own timing error, which GET /stats reports so that a benchmark
 * can subtract it.
 */
import type { Engine, ScheduledStep, Sequence, StepOutcome } from './engine.js';

/** What the driver needs from a request's handle. */
export interface DriverSink {
  /**
   * The request got one or more tokens since the last call: seq.generated is the new count
   * (more than one ahead when the driver merged late steps); seq.status is 'finished' after the last.
   */
  onToken(seq: Sequence<DriverSink>): void;
}

/** Summary of step lag, in wall-clock ms. */
export interface LagStats {
  steps: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Lag histogram resolution and range: 0.05 ms buckets up to 1 s, then one overflow bucket. */
const LAG_BUCKET_MS = 0.05;
const LAG_BUCKETS = 20000;

export class LagRecorder {
  #counts = new Uint32Array(LAG_BUCKETS + 1);
  #n = 0;
  #sum = 0;
  #max = 0;

  record(lagMs: number): void {
    const v = lagMs > 0 ? lagMs : 0;
    const i = Math.min(LAG_BUCKETS, Math.floor(v / LAG_BUCKET_MS));
    this.#counts[i] = (this.#counts[i] as number) + 1;
    this.#n++;
    this.#sum += v;
    if (v > this.#max) this.#max = v;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#n = 0;
    this.#sum = 0;
    this.#max = 0;
  }

  stats(): LagStats {
    return {
      steps: this.#n,
      meanMs: this.#n === 0 ? 0 : this.#sum / this.#n,
      p50Ms: this.#quantile(0.5),
      p90Ms: this.#quantile(0.9),
      p99Ms: this.#quantile(0.99),
      maxMs: this.#max,
    };
  }

  /** Upper edge of the bucket holding the q-quantile (never above the true max). */
  #quantile(q: number): number {
    if (this.#n === 0) return 0;
    const rank = Math.ceil(q * this.#n);
    let seen = 0;
    for (let i = 0; i <= LAG_BUCKETS; i++) {
      seen += this.#counts[i] as number;
      if (seen >= rank) return Math.min(this.#max, (i + 1) * LAG_BUCKET_MS);
    }
    return this.#max;
  }
}

/** Observer of each completed step (metrics). */
export type StepObserver<T> = (outcome: StepOutcome<T>) => void;

export class RealtimeDriver<T extends DriverSink> {
  readonly engine: Engine<T>;
  readonly timeScale: number;
  readonly lag = new LagRecorder();
  /** Wall-clock origin of virtual time 0 (performance.now() ms). */
  readonly #t0: number;
  readonly #observe: StepObserver<T>;
  #step: ScheduledStep<T> | null = null;
  #deadline = 0;
  #timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  #closed = false;

  constructor(engine: Engine<T>, timeScale: number, observe: StepObserver<T>) {
    this.engine = engine;
    this.timeScale = timeScale;
    this.#observe = observe;
    this.#t0 = performance.now();
  }

  /** Virtual time now, ms. */
  nowMs(): number {
    return (performance.now() - this.#t0) * this.timeScale;
  }

  /** Hand a request to the engine now; it joins the next step. */
  submit(request: { id: string; promptTokens: number; blockHashes: readonly string[]; outputTokens: number; tag: T }): Sequence<T> {
    const seq = this.engine.add({ ...request, arrivalMs: this.nowMs() });
    if (this.#step === null) this.#planNext();
    return seq;
  }

  abort(seq: Sequence<T>): void {
    this.engine.abort(seq);
  }

  /** Stop stepping (pending tokens are not delivered). */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) {
      clearTimeout(this.#timer as NodeJS.Timeout);
      clearImmediate(this.#timer as NodeJS.Immediate);
      this.#timer = null;
    }
  }

  /** Plan the next step and its deadline; false when there is nothing to do. */
  #plan(): boolean {
    if (this.#closed || this.engine.idle) return false;
    // Busy: continue at the end of the last step. Idle until now: start at the oldest arrival.
    let start = this.engine.clockMs;
    if (this.engine.runningCount === 0) {
      const arrival = this.engine.oldestWaitingArrivalMs;
      if (arrival !== null && arrival > start) start = arrival;
    }
    const step = this.engine.schedule(start);
    if (step === null) return false;
    this.#step = step;
    this.#deadline = this.#t0 + step.endMs / this.timeScale;
    return true;
  }

  /** Fire the planned step at its deadline; when late already, at once (after pending I/O). */
  #arm(): void {
    const delay = this.#deadline - performance.now();
    this.#timer = delay <= 0 ? setImmediate(this.#fire) : setTimeout(this.#fire, delay);
  }

  #planNext(): void {
    if (this.#plan()) this.#arm();
  }

  /**
   * Complete the step that is due, and every following step whose deadline has passed too, then
   * hand out their tokens: a stream that got tokens from several steps sends them in one write.
   * This is how a driver that fell behind (a burst of arrivals, a GC pause, a busy machine) catches
   * up in one round of writes instead of one late round per missed step; vLLM's output collector
   * likewise merges a request's outputs when its consumer falls behind the engine.
   */
  readonly #fire = (): void => {
    this.#timer = null;
    let step = this.#step;
    if (step === null || this.#closed) return;
    const now = performance.now();
    let emitted: readonly Sequence<T>[] | null = null;
    let merged: Set<Sequence<T>> | null = null;
    for (;;) {
      this.lag.record(now - this.#deadline);
      this.#step = null;
      const outcome = this.engine.complete(step);
      this.#observe(outcome);
      if (emitted === null) {
        emitted = outcome.emitted;
      } else {
        merged ??= new Set(emitted);
        for (const seq of outcome.emitted) merged.add(seq);
      }
      if (!this.#plan()) break;
      if (this.#deadline > now) break;
      step = this.#step;
      if (step === null) break;
    }
    for (const seq of merged ?? emitted) seq.request.tag.onToken(seq);
    if (this.#step !== null && this.#timer === null && !this.#closed) this.#arm();
  };
}
