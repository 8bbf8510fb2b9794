/**
 * One open-loop phase inside a worker: starts iterations on the arrival
 * schedule, whatever the VUs are doing.
 *
 * Every worker walks the same seeded schedule (core/executors/arrival-process.ts)
 * and runs the arrivals whose index % slots === slot, so no message crosses
 * threads per arrival. When the test is split over instances, only this
 * instance's stripe of the schedule counts, and the slots share that. Each arrival has an absolute deadline, the phase's
 * start (epoch ms, comparable across threads) plus its offset, so timer
 * lateness never accumulates. One timer at a time: setTimeout to the next
 * deadline, then a short busy wait for the last fraction of a millisecond
 * (Node's timers have 1 ms granularity). Arrivals that are already due (the
 * event loop was busy) are started at once, in order, each keeping its own
 * deadline as t_sched, so the lag shows in llm_dispatch_lag instead of being
 * hidden.
 *
 * An arrival runs on an idle VU; preAllocatedVus are created when the phase
 * starts and more up to maxVus on demand (a VU here is a cheap object, unlike
 * a k6 VU with its own JS runtime, so no arrival waits for one to be
 * initialised). An arrival that finds maxVus VUs busy is not started: it is a
 * `dropped_iterations` sample, never a silent skip. Every arrival also gives
 * one `llm_load_delivered` sample (1 started, 0 dropped), tagged as the drop:
 * the share of the schedule the load generator delivered, exact by
 * construction, live for thresholds, and counted where the schedule is walked
 * so the controller needs no per-arrival bookkeeping of its own. An arrival
 * that came due but was never reached before the phase ended (the event loop
 * was blocked past the end) counts as dropped too.
 */
import { ArrivalSequence } from '../executors/arrival-process.js';
import { DROPPED_ITERATIONS, LLM_LOAD_DELIVERED } from '../metrics/builtin.js';
import type { SampleTuple, StartOpenPhaseMsg } from './messages.js';
import type { VirtualUser } from './vu.js';

/** Busy-wait for deadlines closer than this instead of arming a timer, ms. */
const SPIN_BELOW_MS = 1;

/** Epoch ms on the monotonic clock: comparable across threads (each has its own timeOrigin). */
export function nowEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What an open phase needs of its worker. */
export interface OpenPhaseHost {
  /** A new VU for the phase's k-th local slot. */
  createVu(local: number): VirtualUser;
  /** Run one iteration on `vu` (the caller has set its arrival); resolves when it is over. */
  iterate(vu: VirtualUser): Promise<void>;
  sample(sample: SampleTuple): void;
  /** The phase holds `vus` VUs in this worker now, after it created one beyond the preallocated ones. */
  vusAllocated(vus: number): void;
  /** The phase is over: ended by the controller, and no iteration runs. */
  done(): void;
}

export class OpenPhase {
  readonly msg: StartOpenPhaseMsg;
  readonly #host: OpenPhaseHost;
  readonly #seq: ArrivalSequence;
  readonly #vus: VirtualUser[] = [];
  readonly #idle: VirtualUser[] = [];
  readonly #busy = new Set<VirtualUser>();
  /** Tags of dropped_iterations samples, per stage (index 0 when stages are not tagged). */
  readonly #dropTags: Array<Record<string, string>> = [];
  #hasNext = false;
  /** Arrivals of this instance walked so far (all arrivals when the test is not split): the slots share these. */
  #ours = 0;
  #timer: NodeJS.Timeout | undefined;
  #endTimer: NodeJS.Timeout | undefined;
  #ending = false;
  #finished = false;
  /** Arrivals started and dropped by this worker. */
  started = 0;
  dropped = 0;

  constructor(msg: StartOpenPhaseMsg, host: OpenPhaseHost) {
    this.msg = msg;
    this.#host = host;
    this.#seq = new ArrivalSequence(msg.arrivals);
  }

  /** Stage of the schedule the next arrival falls in. */
  get segment(): number {
    return this.#seq.segment;
  }

  /** VUs running an iteration now. */
  get active(): number {
    return this.#busy.size;
  }

  /** Create the preallocated VUs and arm the timer for the first arrival. */
  start(): void {
    for (let k = 0; k < this.msg.preAllocatedVus; k++) this.#idle.push(this.#newVu());
    if (this.msg.slot < 0) return;
    this.#hasNext = this.#advance();
    this.#wake();
  }

  /** Stop starting iterations; interrupt the running ones after `gracefulStopMs`. */
  end(gracefulStopMs: number): void {
    if (!this.#ending) this.#dropOverdue();
    this.#ending = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#endTimer !== undefined) clearTimeout(this.#endTimer);
    const interruptAll = (): void => {
      for (const vu of this.#busy) vu.interrupt();
    };
    if (gracefulStopMs <= 0) interruptAll();
    else this.#endTimer = setTimeout(interruptAll, gracefulStopMs);
    this.#maybeDone();
  }

  /** Move to this worker's next arrival inside the phase; false when there is none. */
  #advance(): boolean {
    const { slot, slots, durationMs, share } = this.msg;
    const seq = this.#seq;
    // The schedule ends itself at durationMs (k6's ramping-arrival-rate keeps an arrival exactly at
    // the end); the controller's END_PHASE comes a little after, so that arrival is not raced.
    while (seq.next()) {
      if (seq.atMs > durationMs) return false;
      // Another instance sends this arrival (core/distributed/segment.ts): same schedule, disjoint stripes.
      if (share !== null && share.owners[seq.index % share.period] !== share.index) continue;
      if (this.#ours++ % slots === slot) return true;
    }
    return false;
  }

  /** Start every arrival that is due, then sleep until the next one. */
  #wake = (): void => {
    this.#timer = undefined;
    const start = this.msg.startEpochMs;
    while (this.#hasNext && !this.#ending) {
      const deadline = start + this.#seq.atMs;
      const wait = deadline - nowEpochMs();
      if (wait >= SPIN_BELOW_MS) {
        this.#timer = setTimeout(this.#wake, Math.floor(wait));
        return;
      }
      // Less than a timer tick to go: wait it out here rather than wake up to a millisecond late.
      while (nowEpochMs() < deadline) {
        /* busy wait, < 1 ms */
      }
      this.#dispatch(this.#seq.index, deadline, this.#seq.segment);
      this.#hasNext = this.#advance();
    }
  };

  /** Arrivals already due that the timer never got to (the phase ends now): not started, so dropped. */
  #dropOverdue(): void {
    if (this.#finished) return;
    const now = nowEpochMs();
    while (this.#hasNext && this.msg.startEpochMs + this.#seq.atMs <= now) {
      this.#drop(this.#seq.segment);
      this.#hasNext = this.#advance();
    }
  }

  #drop(segment: number): void {
    this.dropped++;
    const tags = this.#tagsOfDrop(segment);
    this.#host.sample([DROPPED_ITERATIONS, 'counter', 1, tags, false]);
    this.#host.sample([LLM_LOAD_DELIVERED, 'rate', 0, tags, false]);
  }

  #dispatch(index: number, deadline: number, segment: number): void {
    let vu = this.#idle.pop();
    if (vu === undefined) {
      if (this.#vus.length >= this.msg.maxVus) {
        this.#drop(segment);
        return;
      }
      vu = this.#newVu();
      this.#host.vusAllocated(this.#vus.length);
    }
    this.started++;
    this.#host.sample([LLM_LOAD_DELIVERED, 'rate', 1, this.#tagsOfDrop(segment), false]);
    const offset = deadline - this.msg.startEpochMs;
    const window = this.msg.measure;
    vu.excluded =
      window === null
        ? undefined
        : index < window.warmupIterations || offset < window.warmupMs
          ? 'warmup'
          : offset >= this.msg.durationMs - window.cooldownMs && window.cooldownMs > 0
            ? 'cooldown'
            : undefined;
    vu.beginIteration();
    vu.beginArrival(index, deadline, this.msg.stageTags ? { stage: String(segment) } : null);
    this.#busy.add(vu);
    const running = vu;
    void this.#host.iterate(running).finally(() => {
      this.#busy.delete(running);
      if (!this.#ending) this.#idle.push(running);
      this.#maybeDone();
    });
  }

  #newVu(): VirtualUser {
    const vu = this.#host.createVu(this.#vus.length);
    this.#vus.push(vu);
    return vu;
  }

  #tagsOfDrop(segment: number): Record<string, string> {
    const key = this.msg.stageTags ? segment : 0;
    let tags = this.#dropTags[key];
    if (tags === undefined) {
      tags = { ...this.msg.tags, scenario: this.msg.scenario };
      if (this.msg.stageTags) tags['stage'] = String(segment);
      this.#dropTags[key] = tags;
    }
    return tags;
  }

  #maybeDone(): void {
    if (!this.#ending || this.#busy.size > 0 || this.#finished) return;
    this.#finished = true;
    if (this.#endTimer !== undefined) clearTimeout(this.#endTimer);
    this.#host.done();
  }
}
