/**
 * The plans one instance of a split test runs, checked before anything is
 * sent: its share of every scenario (split-plan.ts), refused when it would
 * get nothing at all or load it cannot run (instance-work.ts), with a notice
 * for each scenario it sits out.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import type { ScenarioPlan } from '../executors/types.js';
import { instanceWork } from './instance-work.js';
import { describeSlice, type InstanceSlice } from './segment.js';
import { splitPlans } from './split-plan.js';

export function instancePlans(whole: readonly ScenarioPlan[], slice: InstanceSlice, notices: string[]): ScenarioPlan[] {
  // Executors that decide their next load from what the whole run measured.
  const deciding = whole.filter((plan) => plan.kind === 'rate-sweep' || plan.kind === 'capacity-search').map((plan) => `${plan.kind} "${plan.name}"`);
  if (slice.count > 1 && deciding.length > 0) {
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, `${deciding.join(', ')} cannot be split over instances`, {
      hint: 'Its next load comes from what the whole run measured; run it on one machine.',
    });
  }
  const plans = splitPlans(whole, slice);
  const work = instanceWork(plans);
  const who = describeSlice(slice);
  if (work.starved.length > 0) {
    throw new LlmloadError(ErrorCode.INSTANCE_NO_WORK, `${who} would be handed load it cannot run`, {
      details: work.starved,
      hint: 'Give the scenario at least as many VUs (maxVUs) as there are instances, or run fewer instances.',
    });
  }
  if (work.idle.length === plans.length) {
    throw new LlmloadError(ErrorCode.INSTANCE_NO_WORK, `${who} would run nothing: every scenario's share of it is empty`, {
      details: work.idle.map((name) => `scenario "${name}"`),
      hint: 'Run fewer instances, or give the scenarios more VUs, iterations or arrivals.',
    });
  }
  notices.push(`${who}: this process runs its share of the test`);
  for (const name of work.idle) notices.push(`warning: ${who} runs nothing in scenario "${name}"`);
  return plans;
}
