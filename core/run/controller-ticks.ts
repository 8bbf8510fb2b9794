/**
 * The controller's periodic work during the load, off one timer: its health reading every tick,
 * the progress line and the thresholds' live evaluation (abortOnFail) every few ticks.
 *
 * Each timer of its own would wake an idle controller on its own schedule (three timers at 0.5,
 * 1 and 2 s were seven wake-ups a second with the batches); one timer whose periods divide each
 * other gives the same outputs at the same cadence for two. The tick's lateness is the health
 * reading's delay probe while the controller idles (ThreadHealth's `ownerProbesIdle`).
 */
import { ThreadHealth } from '../workers/client-health.js';

/**
 * Period of the controller's event-loop delay probe while it works, ms. Its work (batches, ticks,
 * dispatch) is coarse, so 20 wake-ups a second still catch a stalled loop; the workers, which time
 * tokens, keep the 10 ms probe. At 10 ms the probe was most of an idle run's controller CPU.
 */
const CONTROLLER_DELAY_RESOLUTION_MS = 50;

/**
 * The controller's health: the event loop (probed while it works; while it idles, the tick's
 * lateness stands in and it wakes for nothing else), the process's and the machine's CPU.
 */
export function controllerThreadHealth(): ThreadHealth {
  return new ThreadHealth('controller', { cpu: true, resolutionMs: CONTROLLER_DELAY_RESOLUTION_MS, ownerProbesIdle: true });
}

export interface ControllerTickWork {
  /** Every tick; `lateMs`: how late this tick ran. */
  health: (lateMs: number) => void;
  /** Every `progressEvery`-th tick. */
  progress: () => void;
  /** Every `thresholdsEvery`-th tick. */
  thresholds: () => void;
}

export class ControllerTicks {
  readonly #work: ControllerTickWork;
  readonly #periodMs: number;
  readonly #progressEvery: number;
  readonly #thresholdsEvery: number;
  #tick = 0;
  /** When the timer is next due (performance.now() ms). */
  #dueAt: number;
  readonly #timer: NodeJS.Timeout;

  /** `progressMs` and `thresholdsMs` are whole multiples of `periodMs` (rounded to the nearest, at least one tick). */
  constructor(periodMs: number, progressMs: number, thresholdsMs: number, work: ControllerTickWork) {
    this.#work = work;
    this.#periodMs = periodMs;
    this.#progressEvery = Math.max(1, Math.round(progressMs / periodMs));
    this.#thresholdsEvery = Math.max(1, Math.round(thresholdsMs / periodMs));
    this.#dueAt = performance.now() + periodMs;
    this.#timer = setInterval(this.#onTick, periodMs);
  }

  readonly #onTick = (): void => {
    // setInterval schedules the next run from the start of this one, on the event loop's clock, which is
    // read once per loop turn: a run that starts late in its turn makes the next one due early by that
    // much on performance.now()'s. A tick is never early: that part is not lateness.
    const now = performance.now();
    const lateMs = Math.max(0, now - this.#dueAt);
    this.#dueAt = now + this.#periodMs;
    const tick = ++this.#tick;
    this.#work.health(lateMs);
    if (tick % this.#progressEvery === 0) this.#work.progress();
    if (tick % this.#thresholdsEvery === 0) this.#work.thresholds();
  };

  stop(): void {
    clearInterval(this.#timer);
  }
}
