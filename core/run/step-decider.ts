/**
 * The decisions of the executors that choose their next load from what the
 * run measured (rate-sweep, capacity-search), for one scenario: after each
 * phase, what runs next. A one-process run's scheduler asks its own live
 * metrics; a split test's coordinator asks the merged metrics of every runner
 * and sends each runner the same answer (core/distributed/step-decisions.ts).
 * Both decide with this code, so the same records give the same decision.
 */
import { capacityResult, describeCapacity, nextCapacityStep, type CapacityResult, type ProbeCounts } from '../executors/capacity-bisect.js';
import { rateSweepRates } from '../executors/rate-sweep.js';
import type { CapacitySearchScenarioPlan, RateSweepScenarioPlan, ScenarioPlan } from '../executors/types.js';
import type { PhaseMeasurement } from './scheduler.js';

/** What a deciding scenario runs after a phase. Loads and rates are the modelled server's, as their tags. */
export type StepDecision =
  /** Go on with the phases already planned. */
  | { kind: 'next' }
  /** The scenario ends here. */
  | { kind: 'end' }
  /** A rate-sweep's rates, requests per modelled second, from its measurement phases: one open phase each follows. */
  | { kind: 'rates'; rates: number[] }
  /** A capacity search's next probe (the same load again while undecided). */
  | { kind: 'probe'; load: number };

export type DecidingPlan = RateSweepScenarioPlan | CapacitySearchScenarioPlan;

export function isDecidingPlan(plan: ScenarioPlan): plan is DecidingPlan {
  return plan.kind === 'rate-sweep' || plan.kind === 'capacity-search';
}

/** What the decisions read of the run. */
export interface DecisionInputs {
  /** A finished rate-sweep phase's throughput, saturation and failed thresholds (its tags with the scenario). */
  measure(tags: Record<string, string>, elapsedMs: number): PhaseMeasurement;
  /** SLO attainment counts of a capacity-search load so far, over every phase at it. */
  probeCounts(tags: Record<string, string>): { good: number; requests: number };
  /** A line for the user about a decision (the sweep's rates, the search's answer, an early stop). */
  notice(message: string): void;
}

export class StepDecider {
  readonly #plan: DecidingPlan;
  readonly #inputs: DecisionInputs;
  /** Phases planned so far (the plan's, then those decided); a search's are its probes' loads. */
  #planned: number;
  readonly #loads: number[];
  readonly #probes = new Map<number, ProbeCounts>();
  /** The phase indexes whose probe counts were taken. */
  readonly #recorded = new Set<number>();
  #ended = false;

  constructor(plan: DecidingPlan, inputs: DecisionInputs) {
    this.#plan = plan;
    this.#inputs = inputs;
    this.#planned = plan.phases.length;
    this.#loads = plan.phases.map((phase) => Number(phase.tags['level']));
  }

  get scenario(): string {
    return this.#plan.name;
  }

  /** Index of the last phase planned: a stopped run may have started it without deciding after it. */
  get lastPlanned(): number {
    return this.#planned - 1;
  }

  /** The scenario has decided to end (a sweep's stop or last rate, a search's answer). */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Phase `phaseIndex` has drained (`tags`: its tags with the scenario), or was cut by a stop: a
   * capacity probe's counts become its load's.
   */
  record(phaseIndex: number, tags: Record<string, string>): void {
    if (this.#plan.kind !== 'capacity-search') return;
    const load = this.#loads[phaseIndex];
    if (load === undefined) return;
    this.#probes.set(load, { load, ...this.#inputs.probeCounts(tags) });
    this.#recorded.add(phaseIndex);
  }

  /** The row of a capacity probe's load (scenario and level), which its counts are read from. */
  probeRow(phaseIndex: number): Record<string, string> {
    return { scenario: this.#plan.name, level: String(this.#loads[phaseIndex]) };
  }

  recorded(phaseIndex: number): boolean {
    return this.#recorded.has(phaseIndex);
  }

  /** What follows phase `phaseIndex` (recorded first), `elapsedMs` into the run. */
  decide(phaseIndex: number, tags: Record<string, string>, elapsedMs: number): StepDecision {
    const decision = this.#plan.kind === 'rate-sweep' ? this.#sweepNext(this.#plan, phaseIndex, tags, elapsedMs) : this.#searchNext(this.#plan, phaseIndex);
    if (decision.kind === 'rates') this.#planned += decision.rates.length;
    if (decision.kind === 'probe') this.#loads[this.#planned++] = decision.load;
    // A sweep's last rate goes on to nothing: it has ended too.
    if (decision.kind === 'end' || (decision.kind === 'next' && phaseIndex >= this.#planned - 1)) this.#ended = true;
    return decision;
  }

  /** A capacity search's answer from the probes recorded; null for a sweep. */
  capacity(): CapacityResult | null {
    return this.#plan.kind === 'capacity-search' ? capacityResult(this.#plan.search, [...this.#probes.values()]) : null;
  }

  /** After a capacity-search probe: the same load again while undecided, a new load, or the end with the answer. */
  #searchNext(plan: CapacitySearchScenarioPlan, phaseIndex: number): StepDecision {
    const load = this.#loads[phaseIndex]!;
    const level = String(load);
    const phasesAtLoad = this.#loads.slice(0, this.#planned).filter((l) => l === load).length;
    const step = nextCapacityStep(plan.search, [...this.#probes.values()], this.#probes.get(load) ?? null, phasesAtLoad, plan.search.maxPhases);
    const name = `capacity-search "${plan.name}"`;
    if (step.kind === 'done') {
      this.#inputs.notice(`${name}: ${describeCapacity(step.result)}`);
      return { kind: 'end' };
    }
    if (step.extend) this.#inputs.notice(`${name}: load ${level} undecided (its attainment interval straddles ${plan.search.target}); running it again`);
    return { kind: 'probe', load: step.load };
  }

  /**
   * After phase i of a rate-sweep: the rates once both measurement phases are done, the end
   * (nothing measured, saturation, a failed threshold), or on.
   */
  #sweepNext(plan: RateSweepScenarioPlan, i: number, tags: Record<string, string>, elapsedMs: number): StepDecision {
    const name = `rate-sweep "${plan.name}"`;
    if (i === 0) return { kind: 'next' };
    if (i === 1) {
      const sync = this.#inputs.measure({ ...tags, rate: plan.phases[0]!.tags['rate'] ?? '' }, elapsedMs).requestsPerSec;
      const max = this.#inputs.measure(tags, elapsedMs).requestsPerSec;
      if (sync === null || max === null || !(sync > 0) || !(max > 0)) {
        this.#inputs.notice(`${name}: no successful request in the ${sync === null || !(sync > 0) ? 'synchronous' : 'throughput'} phase; no rate to sweep`);
        return { kind: 'end' };
      }
      const rates = rateSweepRates(sync, max, plan.sweep.rates);
      this.#inputs.notice(`${name}: synchronous ${sync.toFixed(3)} req/s, throughput ${max.toFixed(3)} req/s → rates ${rates.join(', ')} req/s`);
      return { kind: 'rates', rates };
    }
    const measured = this.#inputs.measure(tags, elapsedMs);
    const remaining = this.#planned - 1 - i;
    const action = remaining > 0 ? `stopping after rate ${tags['rate']}` : `rate ${tags['rate']}`;
    if (plan.sweep.stopOnSaturation && measured.saturated !== null) {
      this.#inputs.notice(`${name}: ${action}: over-saturated (${measured.saturated})`);
      return { kind: 'end' };
    }
    if (plan.sweep.stopOnThresholdFail && measured.failedThresholds.length > 0) {
      this.#inputs.notice(`${name}: ${action}: threshold ${measured.failedThresholds.join(', ')} failed`);
      return { kind: 'end' };
    }
    return { kind: 'next' };
  }
}
