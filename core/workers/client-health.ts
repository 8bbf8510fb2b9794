/**
 * Measures how well one thread of the load generator keeps up, per interval
 * (a worker's flush, the controller's tick):
 *
 *  - event-loop delay: monitorEventLoopDelay with a 10 ms timer. Its samples
 *    are the timer's whole period, so the resolution is subtracted: what is
 *    left is how late a callback that was due ran (a token read, a dispatch).
 *    The interval's 99th percentile and maximum are kept, then it is reset.
 *    While the thread is nearly idle (streams waiting for their tokens) the
 *    probe's own wake-ups were most of its CPU: after an interval in which
 *    the thread ran for less than IDLE_ACTIVE_SHARE of the time, the probe
 *    runs at IDLE_RESOLUTION_MS until an interval shows work again. An
 *    interval that ran for B ms cannot have delayed a callback by more than
 *    B ms, so the coarse probe misses nothing there; when work resumes, at
 *    most that one interval is probed coarsely. A thread whose readings come
 *    from a timer of its own (a worker's flush, the controller's tick) can
 *    have that timer be the idle probe (`ownerProbesIdle`): each reading then
 *    carries how late the timer ran, and an idle thread wakes for nothing but
 *    its work and that timer.
 *  - event-loop utilization (performance.eventLoopUtilization): the share of
 *    the interval this thread spent running JavaScript rather than waiting.
 *  - token reads coalesced: core/client/token-reads.ts, this thread's counts.
 *  - with `cpu`: CPU time of the whole process (every thread, the in-process
 *    simulator included) over wall time × availableParallelism(), and the
 *    whole machine's busy share from os.cpus() (other processes included):
 *    a process that cannot get the cores it needs shows as a busy machine
 *    with a delayed event loop, not as a high process share.
 */
import { availableParallelism, cpus } from 'node:os';
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { tokenReads } from '../client/token-reads.js';
import type { HealthReading } from '../metrics/load-generator.js';

/** Period of the delay probe, ms: fine enough for delays that matter (≥ a few ms), cheap (100 wake-ups/s). */
const RESOLUTION_MS = 10;
/** Period of the probe while the thread is nearly idle, ms (4 wake-ups/s). */
const IDLE_RESOLUTION_MS = 250;
/** An interval in which the thread ran JavaScript for less than this share of its wall time counts as idle. */
const IDLE_ACTIVE_SHARE = 0.02;

interface MachineTimes {
  busy: number;
  total: number;
}

function machineTimes(): MachineTimes {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

export class ThreadHealth {
  readonly source: string;
  /** The delay probe; null while the owner's timer probes (idle, with `ownerProbesIdle`). */
  #histogram: IntervalHistogram | null;
  readonly #ownerProbesIdle: boolean;
  readonly #withCpu: boolean;
  /** The probe's period while the thread works, and while it idles (equal: the probe never changes). */
  readonly #busyResolutionMs: number;
  readonly #idleResolutionMs: number;
  /** The period of the probe running now. */
  #resolutionMs: number;
  readonly #cores = availableParallelism();
  #elu: EventLoopUtilization;
  #since = performance.now();
  #gaps = tokenReads.gaps;
  #coalesced = tokenReads.coalesced;
  #cpu: NodeJS.CpuUsage | null = null;
  #machine: MachineTimes | null = null;

  /**
   * `resolutionMs`: the probe's period (default 10 ms). Each period wakes an otherwise idle
   * thread, so a thread whose work is coarse (the controller) takes a longer one: at 10 ms the
   * wake-ups alone cost an idle controller ~7 ms of CPU per second. `idleResolutionMs`: the
   * period while the thread idles (default IDLE_RESOLUTION_MS, never finer than `resolutionMs`).
   * `ownerProbesIdle`: while the thread idles, run no probe: the owner calls read() from a timer
   * and says how late it ran.
   */
  constructor(source: string, options: { cpu?: boolean; resolutionMs?: number; idleResolutionMs?: number; ownerProbesIdle?: boolean } = {}) {
    this.source = source;
    this.#withCpu = options.cpu === true;
    this.#ownerProbesIdle = options.ownerProbesIdle === true;
    this.#busyResolutionMs = options.resolutionMs ?? RESOLUTION_MS;
    this.#idleResolutionMs = Math.max(this.#busyResolutionMs, options.idleResolutionMs ?? IDLE_RESOLUTION_MS);
    this.#resolutionMs = this.#busyResolutionMs;
    this.#histogram = probe(this.#resolutionMs);
    this.#elu = performance.eventLoopUtilization();
    if (this.#withCpu) {
      this.#cpu = process.cpuUsage();
      this.#machine = machineTimes();
    }
  }

  /** The delay probe's period now, ms; 0 while the owner's timer probes. */
  get resolutionMs(): number {
    return this.#resolutionMs;
  }

  /** Ms since the last reading. */
  get elapsedMs(): number {
    return performance.now() - this.#since;
  }

  /**
   * What the thread went through since the last reading (or the start); starts the next interval.
   * `lateMs`: how late the owner's timer ran, when a timer of its own calls this (the idle probe
   * with `ownerProbesIdle`).
   */
  read(tags: Record<string, string>, lateMs?: number): HealthReading {
    const now = performance.now();
    const h = this.#histogram;
    const resolutionMs = this.#resolutionMs;
    const intervalMs = now - this.#since;
    const elu = performance.eventLoopUtilization(this.#elu);
    this.#elu = performance.eventLoopUtilization();
    const reading: HealthReading = {
      source: this.source,
      at: performance.timeOrigin + now,
      intervalMs: round3(intervalMs),
      tags,
      delays: [],
      delayP99Ms: 0,
      delayMaxMs: 0,
      utilization: round3(elu.utilization),
      tokenGaps: tokenReads.gaps - this.#gaps,
      coalesced: tokenReads.coalesced - this.#coalesced,
    };
    // A coarse sample stands for the busy probe's samples over its span: an idle interval weighs
    // in the run's percentiles as much as a busy one of the same length.
    if (h !== null && h.count > 0) {
      const delay = (ns: number): number => round3(Math.max(0, ns / 1e6 - resolutionMs));
      reading.delays = delaySteps(h, delay, Math.round(resolutionMs / this.#busyResolutionMs));
      reading.delayP99Ms = delay(h.percentile(99));
      reading.delayMaxMs = delay(h.max);
    } else if (h === null && lateMs !== undefined) {
      const late = round3(Math.max(0, lateMs));
      reading.delays = [[late, Math.max(1, Math.round(intervalMs / this.#busyResolutionMs))]];
      reading.delayP99Ms = late;
      reading.delayMaxMs = late;
    }
    const idle = elu.active < IDLE_ACTIVE_SHARE * intervalMs;
    const wanted = !idle ? this.#busyResolutionMs : this.#ownerProbesIdle ? 0 : this.#idleResolutionMs;
    if (wanted === resolutionMs) h?.reset();
    else {
      h?.disable();
      this.#resolutionMs = wanted;
      this.#histogram = wanted === 0 ? null : probe(wanted);
    }
    this.#gaps = tokenReads.gaps;
    this.#coalesced = tokenReads.coalesced;
    if (this.#cpu !== null && this.#machine !== null) {
      const used = process.cpuUsage(this.#cpu);
      const wallUs = (now - this.#since) * 1000;
      reading.cpu = wallUs > 0 ? round3((used.user + used.system) / (wallUs * this.#cores)) : 0;
      const machine = machineTimes();
      const total = machine.total - this.#machine.total;
      reading.machineCpu = total > 0 ? round3((machine.busy - this.#machine.busy) / total) : 0;
      this.#cpu = process.cpuUsage();
      this.#machine = machine;
    }
    this.#since = now;
    return reading;
  }

  stop(): void {
    this.#histogram?.disable();
  }
}

function probe(resolutionMs: number): IntervalHistogram {
  const h = monitorEventLoopDelay({ resolution: resolutionMs });
  h.enable();
  return h;
}

/**
 * The interval's delays as [ms, count] pairs, from the histogram's percentile steps (0, 50, 75,
 * 87.5 … 100: finest in the tail): each step's samples at the step's upper value, so the pairs
 * overstate a delay rather than hide one. A few pairs per reading whatever the sample count.
 * Each sample counts `weight` times.
 */
function delaySteps(h: IntervalHistogram, delay: (ns: number) => number, weight: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let before = 0;
  for (const [percentile, ns] of h.percentiles) {
    const upTo = Math.round((h.count * percentile) / 100);
    const n = (upTo - before) * weight;
    before = upTo;
    if (n <= 0) continue;
    const ms = delay(ns);
    const last = out[out.length - 1];
    if (last !== undefined && last[0] === ms) last[1] += n;
    else out.push([ms, n]);
  }
  return out;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
