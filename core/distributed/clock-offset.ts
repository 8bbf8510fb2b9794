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

/**
 * Sleep until `at` on `clock`: a timer to just before it, then a short spin, so
 * that instances released by one start time start within a millisecond of it
 * rather than within a timer's slack.
 */
export async function sleepUntil(at: number, clock: () => number): Promise<void> {
  const SPIN_MS = 2;
  for (;;) {
    const left = at - clock();
    if (left <= SPIN_MS) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left - SPIN_MS, 1_000)));
  }
  while (clock() < at) {
    // spin: at most SPIN_MS
  }
}
