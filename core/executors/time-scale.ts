/**
 * The script's schedule on the real clock of a time-scaled simulator run.
 *
 * A script's options are written in the modelled server's terms: `duration:
 * '60s'` is a minute of the server's time, `rate: 10` ten arrivals per second
 * of it, a request timeout of 30 s thirty of its seconds. Against the built-in
 * simulator at `--time-scale N` the server's time runs N× faster than the
 * clock, and everything measured is converted back to its time
 * (core/metrics/modelled-time.ts). For the run to be the same experiment N×
 * faster, its schedule must run N× faster too: every duration ÷ N, so every
 * arrival rate × N real arrivals per second (the same arrivals, the same
 * count, the same seeds, in 1/N of the time).
 *
 * This is done once, here, on the plans: they are the executors' whole
 * output (every startTime, duration, stage, gracefulStop, gracefulRampDown,
 * maxDuration, warm-up and cool-down, arrival rate and its timeUnit is in
 * them, in ms or per second), the scheduler and the workers walk them on the
 * real clock and read nothing else of the scenarios. Tags stay as planned: a
 * rate-sweep's and a threshold's `{rate:10}` name the modelled rate the
 * report shows. A rate-sweep plans its rates at run time, in modelled terms,
 * from modelled measurements: its spec keeps the scale (`rateScale`) for the
 * phases it makes (core/executors/rate-sweep.ts); so does a capacity search for
 * its rate-mode probes (core/executors/capacity-search.ts).
 *
 * The other times of the script in the server's terms are scaled where they
 * are used, with the same scale: request timeouts and stall timeouts (options
 * and per request) in the client (core/client/llm-client.ts), and
 * `sleep()` / `vu.sleep()` and a dataset's think time in the VU
 * (core/workers/vu.ts): think time is a user's pause between requests to the
 * modelled server, so at N× it lasts 1/N as long, as everything else.
 *
 * Not scaled, being the client machine's and not the server's: setup() and
 * teardown() and their timeouts, connection set-up, the workers' flush
 * interval and the scheduler's own margins. At scale 1 nothing is copied.
 */
import { isOpenPhase, type AnyPhasePlan, type CapacitySearchSpec, type MeasureWindow, type OpenPhasePlan, type PhasePlan, type RateSweepSpec, type ScenarioPlan } from './types.js';

/**
 * Modelled ms per real ms of a run's schedule: the simulator's time scale when the run targets the
 * built-in simulator, else 1 (a real server runs on the real clock, whatever options.simulator says).
 */
export function scheduleScale(options: { readonly target: { readonly url: string | undefined }; readonly simulator: { readonly timeScale: number } }): number {
  const scale = options.target.url === undefined ? options.simulator.timeScale : 1;
  return Number.isFinite(scale) && scale > 0 ? scale : 1;
}

/** The plans with every duration ÷ scale and every rate × scale; the same plans at scale 1. */
export function plansOnRealClock(plans: readonly ScenarioPlan[], scale: number): ScenarioPlan[] {
  if (scale === 1 || !(scale > 0)) return [...plans];
  return plans.map((plan) => scalePlan(plan, scale));
}

function scalePlan(plan: ScenarioPlan, scale: number): ScenarioPlan {
  const base = { ...plan, startMs: plan.startMs / scale, maxTotalMs: plan.maxTotalMs / scale };
  switch (plan.kind) {
    case 'closed':
      return { ...base, kind: 'closed', phases: plan.phases.map((p) => scaleClosed(p, scale)) };
    case 'open':
      return { ...base, kind: 'open', phases: plan.phases.map((p) => scaleOpen(p, scale)) };
    case 'rate-sweep':
      return { ...base, kind: 'rate-sweep', phases: plan.phases.map((p) => scaleClosed(p, scale)), sweep: scaleSweep(plan.sweep, scale) };
    case 'capacity-search':
      return {
        ...base,
        kind: 'capacity-search',
        phases: plan.phases.map((p) => (isOpenPhase(p) ? scaleOpen(p, scale) : scaleClosed(p, scale))),
        search: scaleSearch(plan.search, scale),
      };
  }
}

function scaleClosed(phase: PhasePlan, scale: number): PhasePlan {
  const scaled: PhasePlan = {
    ...phase,
    steps: phase.steps.map((s) => ({ atMs: s.atMs / scale, vus: s.vus })),
    durationMs: phase.durationMs / scale,
    gracefulStopMs: phase.gracefulStopMs / scale,
    gracefulRampDownMs: phase.gracefulRampDownMs / scale,
  };
  return withMeasure(scaled, phase.measure, scale);
}

function scaleOpen(phase: OpenPhasePlan, scale: number): OpenPhasePlan {
  const scaled: OpenPhasePlan = {
    ...phase,
    arrivals: {
      ...phase.arrivals,
      segments: phase.arrivals.segments.map((s) => ({ durationMs: s.durationMs / scale, fromPerSec: s.fromPerSec * scale, toPerSec: s.toPerSec * scale })),
    },
    durationMs: phase.durationMs / scale,
    gracefulStopMs: phase.gracefulStopMs / scale,
  };
  return withMeasure(scaled, phase.measure, scale);
}

function scaleSweep(sweep: RateSweepSpec, scale: number): RateSweepSpec {
  const scaled: RateSweepSpec = {
    ...sweep,
    durationMs: sweep.durationMs / scale,
    gracefulStopMs: sweep.gracefulStopMs / scale,
    rateScale: sweep.rateScale * scale,
  };
  return withMeasure(scaled, sweep.measure, scale);
}

/** A capacity search's probes: their loads stay modelled (level tags, the answer); rate-mode probes arrive at load × rateScale. */
function scaleSearch(search: CapacitySearchSpec, scale: number): CapacitySearchSpec {
  const scaled: CapacitySearchSpec = {
    ...search,
    probeDurationMs: search.probeDurationMs / scale,
    gracefulStopMs: search.gracefulStopMs / scale,
    rateScale: search.rateScale * scale,
  };
  return withMeasure(scaled, search.measure, scale);
}

function withMeasure<T extends AnyPhasePlan | RateSweepSpec | CapacitySearchSpec>(scaled: T, measure: MeasureWindow | undefined, scale: number): T {
  if (measure !== undefined) scaled.measure = { warmupMs: measure.warmupMs / scale, warmupIterations: measure.warmupIterations, cooldownMs: measure.cooldownMs / scale };
  return scaled;
}
