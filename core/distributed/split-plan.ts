/**
 * One instance's share of every scenario plan, as k6 splits its executors
 * by execution segment: every whole count goes through the stripe
 * (scaleCount), so the instances' counts always sum to the one-machine count.
 *
 *  - closed phases: the VU target of each step, maxVus, shared iterations;
 *    per-VU iterations stay per VU (the VUs are split);
 *  - open phases: preAllocatedVUs and maxVUs, and the arrivals: every
 *    instance walks the whole seeded schedule and sends the arrivals its
 *    stripe owns, so the union of the instances' send times is the
 *    one-machine schedule;
 *  - rate-sweep: its measurement phases as closed phases, its VU caps, and
 *    the stripe of every rate's schedule;
 *  - capacity-search: its first probe, its VU caps, and the stripe every
 *    later probe is split by (the VUs of a concurrency probe, the arrivals
 *    of a rate probe). The coordinator decides the rates and the probes.
 */
import { isOpenPhase, type CapacitySearchSpec, type OpenPhasePlan, type PhasePlan, type RateSweepSpec, type ScenarioPlan, type VuStep } from '../executors/types.js';
import { scaleCount, stripeOf, type InstanceSlice } from './segment.js';

/** The plan this instance runs; the plan itself when the run is not split. */
export function splitPlan(plan: ScenarioPlan, slice: InstanceSlice): ScenarioPlan {
  if (slice.count === 1) return plan;
  switch (plan.kind) {
    case 'closed':
      return { ...plan, phases: plan.phases.map((p) => splitClosedPhase(p, slice)) };
    case 'open':
      return { ...plan, phases: plan.phases.map((p) => splitOpenPhase(p, slice)) };
    case 'rate-sweep':
      return { ...plan, phases: plan.phases.map((p) => splitClosedPhase(p, slice)), sweep: splitSweep(plan.sweep, slice) };
    case 'capacity-search': {
      // Its later probes are decided by the coordinator and built from the split spec (capacityProbePhase).
      const search = splitSearch(plan.search, slice);
      return { ...plan, phases: plan.phases.map((p) => (isOpenPhase(p) ? splitOpenPhase(p, slice) : splitClosedPhase(p, slice))), search };
    }
  }
}

/** Every plan's share. */
export function splitPlans(plans: readonly ScenarioPlan[], slice: InstanceSlice): ScenarioPlan[] {
  return plans.map((plan) => splitPlan(plan, slice));
}

/** A closed phase's VU steps, each count scaled; steps where this instance's count does not change are dropped. */
export function splitSteps(steps: readonly VuStep[], slice: InstanceSlice): VuStep[] {
  const out: VuStep[] = [];
  for (const step of steps) {
    const vus = scaleCount(slice, step.vus);
    const last = out.at(-1);
    if (last === undefined || last.vus !== vus) out.push({ atMs: step.atMs, vus });
  }
  return out;
}

export function splitClosedPhase(phase: PhasePlan, slice: InstanceSlice): PhasePlan {
  return {
    ...phase,
    steps: splitSteps(phase.steps, slice),
    maxVus: scaleCount(slice, phase.maxVus),
    iterations: phase.iterations?.mode === 'shared' ? { mode: 'shared', total: scaleCount(slice, phase.iterations.total) } : phase.iterations,
  };
}

export function splitOpenPhase(phase: OpenPhasePlan, slice: InstanceSlice): OpenPhasePlan {
  return { ...phase, preAllocatedVus: scaleCount(slice, phase.preAllocatedVus), maxVus: scaleCount(slice, phase.maxVus), share: stripeOf(slice) };
}

function splitSearch(search: CapacitySearchSpec, slice: InstanceSlice): CapacitySearchSpec {
  return { ...search, preAllocatedVus: scaleCount(slice, search.preAllocatedVus), maxVus: scaleCount(slice, search.maxVus), share: stripeOf(slice) };
}

function splitSweep(sweep: RateSweepSpec, slice: InstanceSlice): RateSweepSpec {
  return { ...sweep, preAllocatedVus: scaleCount(slice, sweep.preAllocatedVus), maxVus: scaleCount(slice, sweep.maxVus), share: stripeOf(slice) };
}
