/**
 * How busy the machine is, measured from inside a test, two ways:
 *
 * - CPU share: one spinning thread per CPU for a moment; the share of the
 *   machine's CPU time they got. On a quiet machine it is close to 1; when
 *   other work holds CPUs, a busy process (like the CLI under test) gets only
 *   its turn, and the share drops.
 * - Timer lateness: a probe wakes every few milliseconds alongside the work
 *   and records how late each wake-up is. On a quiet machine a timer fires
 *   within about a millisecond of its deadline; on a loaded one a process
 *   waits its turn to run and the lateness grows to tens of milliseconds.
 *
 * A test that checks wall-clock accuracy of a few milliseconds cannot tell its
 * own error from those waits, so it measures the CPU share before and after
 * its run and the lateness during it; when its accuracy checks fail on a
 * machine that was too busy, it skips them (saying so, with the figures)
 * instead of failing. test/run.js counts a test that printed a line starting
 * with "skipped:" as skipped, not passed.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export interface Lateness {
  /** Wake-ups recorded. */
  samples: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
}

export interface LatenessProbe {
  /** Stop probing and summarize the lateness seen so far. */
  stop(): Lateness;
}

/** Start waking every `intervalMs` and recording how late each wake-up is. */
export function startLatenessProbe(intervalMs = 10): LatenessProbe {
  const late: number[] = [];
  let deadline = performance.now() + intervalMs;
  let timer: NodeJS.Timeout | null = null;
  const wake = (): void => {
    const now = performance.now();
    late.push(Math.max(0, now - deadline));
    deadline = now + intervalMs;
    timer = setTimeout(wake, intervalMs);
  };
  timer = setTimeout(wake, intervalMs);
  return {
    stop(): Lateness {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const sorted = [...late].sort((a, b) => a - b);
      const at = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
      return { samples: sorted.length, p50Ms: at(0.5), p90Ms: at(0.9), maxMs: sorted.at(-1) ?? 0 };
    },
  };
}

/**
 * Spin one thread per CPU for `ms` and return the share of the machine's CPU time they got
 * (process CPU time ÷ (wall time × CPUs)): ~1 on a quiet machine, ~0.5 when as much other work
 * wants the CPUs.
 */
export async function cpuShare(ms = 400): Promise<number> {
  const cpus = availableParallelism();
  const spin = `const { workerData, parentPort } = require('node:worker_threads'); const end = performance.now() + workerData; while (performance.now() < end) {} parentPort.postMessage(0);`;
  const workers = Array.from({ length: cpus }, () => new Worker(spin, { eval: true, workerData: ms }));
  // Listen for the end now: on a busy machine one thread may finish its spin before the last has
  // started, and a message with no listener yet is lost (the wait below would never end).
  const done = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
  // Start the clock once every thread runs, so that thread start-up is not counted as lost time.
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(done);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(workers.map((w) => w.terminate()));
  return Math.min(1, (cpu.user + cpu.system) / 1000 / (wallMs * cpus));
}

/** Measure the lateness while `work` runs; returns both. */
export async function withLatenessProbe<T>(work: () => Promise<T>, intervalMs = 10): Promise<{ result: T; lateness: Lateness }> {
  const probe = startLatenessProbe(intervalMs);
  try {
    const result = await work();
    return { result, lateness: probe.stop() };
  } catch (error) {
    probe.stop();
    throw error;
  }
}

/** What a check tolerates: the least CPU share before and after, the most timer lateness during. */
export interface BusyLimit {
  minCpuShare: number;
  p50Ms: number;
  p90Ms: number;
}

export interface MachineLoad {
  shareBefore: number;
  shareAfter: number;
  lateness: Lateness;
}

/** The best of a few short CPU-share samples: a moment's hiccup is not load; sustained work by others is. */
async function steadyCpuShare(): Promise<number> {
  let best = 0;
  for (let i = 0; i < 3; i++) best = Math.max(best, await cpuShare(200));
  return best;
}

/** Run `work` with the machine's load measured around (CPU share) and during (timer lateness) it. */
export async function measuringLoad<T>(work: () => Promise<T>): Promise<{ result: T; load: MachineLoad }> {
  const shareBefore = await steadyCpuShare();
  const { result, lateness } = await withLatenessProbe(work);
  const shareAfter = await steadyCpuShare();
  return { result, load: { shareBefore, shareAfter, lateness } };
}

/** True when the machine was too busy for a wall-clock check within these limits. */
export function tooBusy(load: MachineLoad, limit: BusyLimit): boolean {
  return Math.min(load.shareBefore, load.shareAfter) < limit.minCpuShare || load.lateness.p50Ms > limit.p50Ms || load.lateness.p90Ms > limit.p90Ms;
}

function describe(load: MachineLoad): string {
  const { shareBefore, shareAfter, lateness } = load;
  return (
    `timer lateness p50 ${lateness.p50Ms.toFixed(1)} ms, p90 ${lateness.p90Ms.toFixed(1)} ms over ${lateness.samples} wake-ups; ` +
    `CPU share ${(shareBefore * 100).toFixed(0)} % before, ${(shareAfter * 100).toFixed(0)} % after`
  );
}

/**
 * Run wall-clock accuracy assertions. A busy machine can only make such figures worse (later,
 * slower, more bunched), so figures that pass on one are good evidence and pass. When they fail
 * on a machine too busy for them to mean anything, the failure is not the code's: print
 * "skipped: machine too busy (…)" with the figures and the failed check, and return. On a quiet
 * machine a failure fails. What does not depend on the clock the caller asserts outside.
 */
export function checkUnlessBusy(load: MachineLoad, limit: BusyLimit, what: string, checks: () => void): void {
  try {
    checks();
  } catch (error) {
    if (!tooBusy(load, limit)) throw error;
    const why = (error as Error).message.split('\n')[0];
    console.log(
      `skipped: machine too busy (${describe(load)}; limits: share >= ${limit.minCpuShare * 100} %, p50 <= ${limit.p50Ms} ms, p90 <= ${limit.p90Ms} ms): ${what} not checked (${why})`,
    );
    return;
  }
  console.log(`checked: ${what} (${describe(load)})`);
}
