/**
 * The plans one instance of a split test runs, checked before anything is
 * sent: its share of every scenario (split-plan.ts), refused when it would
 * get nothing at all or load it cannot run (instance-work.ts), or a
 * rate-sweep or capacity search with no coordinator to decide its steps, with
 * a notice for each scenario it sits out.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { isDecidingPlan } from '../run/step-decider.js';
import type { ScenarioPlan } from '../executors/types.js';
import { instanceWork } from './instance-work.js';
import { describeSlice, instanceSlice, type InstanceSlice } from './segment.js';
import { splitPlans } from './split-plan.js';

export function instancePlans(whole: readonly ScenarioPlan[], slice: InstanceSlice, notices: string[], coordinated: boolean): ScenarioPlan[] {
  // Executors that decide their next load from what the whole run measured: a coordinator decides
  // each step from every runner's records; instances on their own would each decide from a share.
  const deciding = whole.filter(isDecidingPlan).map((plan) => `${plan.kind} "${plan.name}"`);
  if (slice.count > 1 && !coordinated && deciding.length > 0) {
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, `${deciding.join(', ')} cannot be split over instances without a coordinator`, {
      hint: 'Its next load comes from what the whole run measured, which no instance sees alone: run it with --instances N, or --coordinator and runners with --coordinator-url, or on one machine.',
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

/**
 * A coordinator's check of every runner's share before any runner starts (the same refusals
 * each runner would make): returns the notices of the instances that sit out a scenario.
 */
export function checkInstancePlans(whole: readonly ScenarioPlan[], count: number): string[] {
  const notices: string[] = [];
  for (let index = 0; index < count; index++) {
    const own: string[] = [];
    instancePlans(whole, instanceSlice(index, count), own, true);
    notices.push(...own.filter((line) => line.startsWith('warning:')));
  }
  return notices;
}
