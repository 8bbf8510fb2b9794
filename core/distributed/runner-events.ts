/**
 * The coordinator's side of its runners' scheduler events: what the one
 * scheduler of a one-process run tells the live metrics, put together from N
 * runners that each run a share of every phase. A phase has started when the
 * first runner starts it; the VUs of a scenario are the sum of the runners'
 * targets; a scenario has ended when every runner still running has ended it.
 */
import { LLMLOAD_START_SKEW } from '../metrics/builtin.js';
import { phaseKey } from '../executors/not-run.js';
import type { LiveMetrics } from '../run/live-metrics.js';
import type { RunnerEvent } from './protocol.js';

export class RunnerEvents {
  readonly #live: LiveMetrics;
  readonly #count: number;
  /** Phases some runner started (core/executors/not-run.ts keys). */
  readonly startedPhases = new Set<string>();
  readonly #vus = new Map<string, Map<number, number>>();
  readonly #ended = new Map<string, Set<number>>();
  /** Each runner's start skew, ms, by instance. */
  readonly skews = new Map<number, number>();

  constructor(live: LiveMetrics, count: number) {
    this.#live = live;
    this.#count = count;
  }

  add(index: number, event: RunnerEvent): void {
    switch (event.kind) {
      case 'phase': {
        const key = phaseKey(event.scenario, event.phaseIndex);
        if (this.startedPhases.has(key)) return;
        this.startedPhases.add(key);
        this.#live.phaseStarted({ scenario: event.scenario, phaseIndex: event.phaseIndex, phaseId: event.phaseId, tags: event.tags, startedAt: performance.now() });
        return;
      }
      case 'vus': {
        let byRunner = this.#vus.get(event.scenario);
        if (byRunner === undefined) this.#vus.set(event.scenario, (byRunner = new Map<number, number>()));
        byRunner.set(index, event.vus);
        let total = 0;
        for (const vus of byRunner.values()) total += vus;
        this.#live.vusTarget(event.scenario, total);
        return;
      }
      case 'scenario-end': {
        let ended = this.#ended.get(event.scenario);
        if (ended === undefined) this.#ended.set(event.scenario, (ended = new Set<number>()));
        ended.add(index);
        if (ended.size === this.#count) this.#live.scenarioEnded(event.scenario);
        return;
      }
      case 'started':
        this.skews.set(index, event.skewMs);
        // The client machines' clocks, not the modelled server's: real ms, as connection times are.
        this.#live.registry.addSample(LLMLOAD_START_SKEW, 'trend', Math.abs(event.skewMs), {}, true);
        return;
    }
  }
}
