/**
 * A split test's coordinator deciding the steps of its rate-sweeps and
 * capacity searches: after each of their phases every runner posts /decide
 * (core/distributed/coordinator.ts), and once all have sent their records
 * this takes the decision a one-process run would take (core/run/step-decider.ts)
 * on the merged live metrics of every runner. A search's answer goes to the
 * coordinator's metrics as llm_capacity, as the one scheduler's would.
 */
import { phaseKey } from '../executors/not-run.js';
import type { ScenarioPlan } from '../executors/types.js';
import type { LiveMetrics } from '../run/live-metrics.js';
import { isDecidingPlan, StepDecider, type StepDecision } from '../run/step-decider.js';
import type { DecideRequest } from './protocol.js';

export class StepDecisions {
  readonly #live: LiveMetrics;
  readonly #deciders = new Map<string, StepDecider>();
  readonly #elapsedMs: () => number;
  readonly #answered = new Set<string>();

  /** `plans`: the whole test's (the coordinator's), on the real clock; `elapsedMs`: time since the test's start. */
  constructor(plans: readonly ScenarioPlan[], live: LiveMetrics, log: (line: string) => void, elapsedMs: () => number) {
    this.#live = live;
    this.#elapsedMs = elapsedMs;
    const inputs = {
      measure: (tags: Record<string, string>, elapsed: number) => live.measure(tags, elapsed),
      probeCounts: (tags: Record<string, string>) => live.probeCounts(tags),
      notice: log,
    };
    for (const plan of plans) if (isDecidingPlan(plan)) this.#deciders.set(plan.name, new StepDecider(plan, inputs));
  }

  /** What follows the runners' phase: called once per phase, when every runner still running has drained it. */
  decide(request: DecideRequest): StepDecision {
    const decider = this.#deciders.get(request.scenario);
    // Not a deciding scenario of this test, or one that has ended: nothing follows.
    if (decider === undefined || decider.ended) return { kind: 'end' };
    decider.record(request.phaseIndex, request.tags);
    const decision = decider.decide(request.phaseIndex, request.tags, this.#elapsedMs());
    if (decider.ended) this.#answer(decider);
    return decision;
  }

  /**
   * After the load: the answer of every search the runners did not finish (the run was stopped),
   * from its probes, the one they were running when stopped included, as a one-process run's.
   */
  finish(startedPhases: ReadonlySet<string>): void {
    for (const decider of this.#deciders.values()) {
      if (decider.ended) continue;
      const last = decider.lastPlanned;
      if (!decider.recorded(last) && startedPhases.has(phaseKey(decider.scenario, last))) decider.record(last, decider.probeRow(last));
      this.#answer(decider);
    }
  }

  #answer(decider: StepDecider): void {
    if (this.#answered.has(decider.scenario)) return;
    this.#answered.add(decider.scenario);
    const result = decider.capacity();
    if (result !== null) this.#live.capacityFound(decider.scenario, result);
  }
}
