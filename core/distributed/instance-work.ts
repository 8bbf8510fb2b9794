/**
 * What one instance of a split test would do, checked before the start: an
 * instance with nothing to run is said at once instead of showing up as an
 * idle machine, and an instance that would be handed iterations or arrivals
 * without a VU to run them (fewer VUs than instances) is refused, because
 * that load would silently never be sent.
 */
import { ArrivalSequence } from '../executors/arrival-process.js';
import type { OpenPhasePlan, ScenarioPlan } from '../executors/types.js';
import { isOpenPhase, planMaxVus } from '../executors/types.js';
import { ownsIndex, type Stripe } from './segment.js';

export interface InstanceWork {
  /** Scenarios in which this instance runs nothing (a warning when others remain). */
  idle: string[];
  /** Load this instance would be handed but could not run: one line each. */
  starved: string[];
}

/** Arrivals of the phase's schedule the stripe owns (the whole schedule when not split). */
export function ownedArrivals(phase: OpenPhasePlan, stripe: Stripe | undefined = phase.share): number {
  const seq = new ArrivalSequence(phase.arrivals);
  let n = 0;
  while (seq.next()) {
    if (seq.atMs > phase.durationMs) break;
    if (stripe === undefined || ownsIndex(stripe, seq.index)) n++;
  }
  return n;
}

/** The work of the instance whose plans (already split) are `plans`. */
export function instanceWork(plans: readonly ScenarioPlan[]): InstanceWork {
  const idle: string[] = [];
  const starved: string[] = [];
  for (const plan of plans) {
    let works = false;
    plan.phases.forEach((phase, k) => {
      const where = plan.phases.length > 1 ? `scenario "${plan.name}" phase ${k + 1}` : `scenario "${plan.name}"`;
      if (isOpenPhase(phase)) {
        const arrivals = ownedArrivals(phase);
        if (arrivals > 0 && phase.maxVus === 0) starved.push(`${where}: ${arrivals} arrivals but no VU (maxVUs is less than the number of instances)`);
        if (arrivals > 0 && phase.maxVus > 0) works = true;
      } else {
        const total = phase.iterations?.mode === 'shared' ? phase.iterations.total : 0;
        if (total > 0 && phase.maxVus === 0) starved.push(`${where}: ${total} shared iterations but no VU (fewer VUs than instances)`);
        if (phase.maxVus > 0) works = true;
      }
    });
    if (plan.kind === 'rate-sweep' && plan.sweep.maxVus > 0) works = true;
    // A search's later probes are larger than its first: the instance works once its share of the largest is.
    if (plan.kind === 'capacity-search' && planMaxVus(plan) > 0) works = true;
    if (!works) idle.push(plan.name);
  }
  return { idle, starved };
}
