/**
 * A runner's clock offset from its coordinator, NTP-style: of a few round
 * trips, the one with the smallest RTT is the one least delayed by queues, and
 * the coordinator read its clock somewhere inside it, so taking the midpoint
 * is right to within half of that RTT.
 */
export interface ClockSample {
  /** Runner clock when the request left, ms. */
  sentAt: number;
  /** Coordinator clock when it answered, ms. */
  coordinatorAt: number;
  /** Runner clock when the answer came back, ms. */
  receivedAt: number;
}

export interface ClockOffset {
  /** Coordinator clock − runner clock, ms. */
  offsetMs: number;
  /** The round trip the offset comes from, ms: the error is at most half of it. */
  rttMs: number;
}

export function clockOffset(samples: readonly ClockSample[]): ClockOffset {
  let best: ClockSample | undefined;
  for (const sample of samples) {
    if (best === undefined || sample.receivedAt - sample.sentAt < best.receivedAt - best.sentAt) best = sample;
  }
  if (best === undefined) throw new Error('clockOffset: no sample');
  const rttMs = best.receivedAt - best.sentAt;
  return { offsetMs: best.coordinatorAt - (best.sentAt + rttMs / 2), rttMs };
}

/** A timer sleeps to this long before the start; what is left is waited for more finely, ms. */
const COARSE_MARGIN_MS = 15;
/** The last stretch before the start is spun on the monotonic clock, ms. */
const SPIN_MS = 0.2;
const futex = new Int32Array(new SharedArrayBuffer(4));

/**
 * Sleep until `at` on `clock`. A timer (millisecond slack, later still when the
 * machine is busy) sleeps to COARSE_MARGIN_MS before it; then the thread blocks
 * in short futex waits, which the kernel ends within microseconds and which
 * leave the CPU to the other runners on the same machine (N runners spinning on
 * fewer cores would push each other past the start); the last SPIN_MS is spun.
 * Instances released by one start time so start within a fraction of a
 * millisecond of it rather than within a timer's slack.
 */
export async function sleepUntil(at: number, clock: () => number): Promise<void> {
  for (;;) {
    const left = at - clock();
    if (left <= COARSE_MARGIN_MS) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left - COARSE_MARGIN_MS, 1_000)));
  }
  for (;;) {
    const left = at - clock();
    if (left <= SPIN_MS) break;
    Atomics.wait(futex, 0, 0, left - SPIN_MS);
  }
  while (clock() < at) {
    // spin: at most SPIN_MS
  }
}
