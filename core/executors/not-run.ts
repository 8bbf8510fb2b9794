/**
 * The planned phases a run never started (a sweep's levels after Ctrl-C,
 * abortOnFail or abortTest; a scenario whose startTime was never reached),
 * so that no verdict reads as if they had run and passed.
 */
import type { ScenarioPlan } from './types.js';

/** One planned phase that never started: its scenario and the tags it would have carried (`level: '8'`). */
export interface NotRunPhase {
  scenario: string;
  tags: Record<string, string>;
}

/** The phases of `plans` whose `${scenario}#${phaseIndex}` is not in `started`, in plan order. */
export function notRunPhases(plans: readonly ScenarioPlan[], started: ReadonlySet<string>): NotRunPhase[] {
  const out: NotRunPhase[] = [];
  for (const plan of plans) {
    plan.phases.forEach((phase, index) => {
      if (!started.has(phaseKey(plan.name, index))) out.push({ scenario: plan.name, tags: { ...phase.tags } });
    });
  }
  return out;
}

export function phaseKey(scenario: string, phaseIndex: number): string {
  return `${scenario}#${phaseIndex}`;
}

/**
 * "level 8", "levels 4, 8", "levels 4, 8 of sweep and scenario late": what did not run,
 * for a sentence like "the run stopped before levels 4, 8 ran". Scenario names are
 * given only when several scenarios are involved.
 */
export function describeNotRun(phases: readonly NotRunPhase[], scenarioCount: number): string {
  const byScenario = new Map<string, NotRunPhase[]>();
  for (const phase of phases) byScenario.set(phase.scenario, [...(byScenario.get(phase.scenario) ?? []), phase]);
  const parts: string[] = [];
  for (const [scenario, list] of byScenario) {
    const levels = list.map((p) => p.tags['level']).filter((v): v is string => v !== undefined);
    const rates = list.map((p) => p.tags['rate']).filter((v): v is string => v !== undefined);
    const of = scenarioCount > 1 ? ` of ${scenario}` : '';
    if (levels.length > 0) parts.push(`${levels.length === 1 ? 'level' : 'levels'} ${levels.join(', ')}${of}`);
    else if (rates.length > 0) parts.push(`the ${rates.join(', ')} ${rates.length === 1 ? 'phase' : 'phases'}${of}`);
    else parts.push(`scenario ${scenario}`);
  }
  return parts.join(' and ');
}
