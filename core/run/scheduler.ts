/**
 * Walks the executors' plans on the real clock and drives the workers.
 *
 * Deadlines are absolute (test start + offset), so timer lateness never
 * accumulates. Phases of a scenario run one after another: the next phase
 * starts only when every worker has reported the previous one done (drained),
 * which is what a concurrency sweep needs to keep levels apart.
 */
import type { PhasePlan, ScenarioPlan } from '../executors/types.js';
import type { WorkerPool } from './worker-pool.js';
import { share } from './worker-pool.js';

export interface PhaseEvent {
  scenario: string;
  phaseIndex: number;
  phaseId: number;
  tags: Record<string, string>;
  /** performance.now() of the phase start. */
  startedAt: number;
}

interface ActivePhase {
  id: number;
  plan: PhasePlan;
  pendingWorkers: Set<number>;
  timers: NodeJS.Timeout[];
  done: () => void;
  ended: boolean;
}

/** Extra time past a phase's graceful stop before the scheduler stops waiting for its workers. */
const DRAIN_SAFETY_MS = 5_000;

export class Scheduler {
  readonly #pool: WorkerPool;
  readonly #plans: ScenarioPlan[];
  readonly #active = new Map<number, ActivePhase>();
  readonly #sleepers = new Set<() => void>();
  #nextPhaseId = 1;
  #stopping = false;
  #startedAt = 0;
  /** Called when a phase starts (for progress and level bookkeeping). */
  onPhaseStart: (event: PhaseEvent) => void = () => {};
  /** Called when the VU target of a phase changes (total across workers). */
  onVusTarget: (scenario: string, vus: number) => void = () => {};

  constructor(pool: WorkerPool, plans: ScenarioPlan[]) {
    this.#pool = pool;
    this.#plans = plans;
  }

  get startedAt(): number {
    return this.#startedAt;
  }

  /** Run every scenario; resolves when all have finished or stop() has drained them. */
  async run(): Promise<void> {
    this.#startedAt = performance.now();
    await Promise.all(this.#plans.map((plan) => this.#runScenario(plan)));
  }

  /** A worker reports a phase done. */
  phaseDone(workerIndex: number, phaseId: number): void {
    const phase = this.#active.get(phaseId);
    if (phase === undefined) return;
    phase.pendingWorkers.delete(workerIndex);
    if (phase.pendingWorkers.size === 0) phase.done();
  }

  /**
   * Stop starting work. In-flight iterations get each phase's gracefulStop
   * (or `gracefulStopMs` when given, 0 for at once), then are interrupted.
   */
  stop(gracefulStopMs?: number): void {
    this.#stopping = true;
    for (const wake of [...this.#sleepers]) wake();
    for (const phase of this.#active.values()) this.#endPhase(phase, gracefulStopMs ?? phase.plan.gracefulStopMs, true);
  }

  async #runScenario(plan: ScenarioPlan): Promise<void> {
    if (plan.startMs > 0) {
      await this.#sleepUntil(this.#startedAt + plan.startMs);
    }
    for (let i = 0; i < plan.phases.length && !this.#stopping; i++) {
      await this.#runPhase(plan, i);
    }
  }

  /** Resolve at `deadline` (performance.now() time), or as soon as stop() is called. */
  #sleepUntil(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, deadline - performance.now()));
      this.#sleepers.add(wake);
    });
  }

  #runPhase(scenario: ScenarioPlan, phaseIndex: number): Promise<void> {
    const plan = scenario.phases[phaseIndex]!;
    const id = this.#nextPhaseId++;
    const size = this.#pool.size;
    const startedAt = performance.now();
    const tags = { ...scenario.tags, ...plan.tags };
    return new Promise<void>((resolve) => {
      const phase: ActivePhase = {
        id,
        plan,
        pendingWorkers: new Set(Array.from({ length: size }, (_, w) => w)),
        timers: [],
        ended: false,
        done: () => {
          for (const t of phase.timers) clearTimeout(t);
          this.#active.delete(id);
          resolve();
        },
      };
      this.#active.set(id, phase);
      const sharedCounter = plan.iterations?.mode === 'shared' ? new SharedArrayBuffer(4) : null;
      const first = plan.steps[0]?.vus ?? 0;
      this.onPhaseStart({ scenario: scenario.name, phaseIndex, phaseId: id, tags, startedAt });
      this.onVusTarget(scenario.name, first);
      for (let w = 0; w < size; w++) {
        this.#pool.send(w, {
          cmd: 'START_PHASE',
          phaseId: id,
          scenario: scenario.name,
          exec: scenario.exec,
          tags,
          env: scenario.env,
          sharedCounter,
          iterations: plan.iterations,
          vus: share(first, size, w),
        });
      }
      for (const step of plan.steps.slice(1)) {
        phase.timers.push(
          setTimeout(() => {
            this.onVusTarget(scenario.name, step.vus);
            for (let w = 0; w < size; w++) {
              this.#pool.send(w, { cmd: 'SET_VUS', phaseId: id, vus: share(step.vus, size, w), gracefulRampDownMs: plan.gracefulRampDownMs });
            }
          }, Math.max(0, startedAt + step.atMs - performance.now())),
        );
      }
      phase.timers.push(setTimeout(() => this.#endPhase(phase, plan.gracefulStopMs, false), Math.max(0, startedAt + plan.durationMs - performance.now())));
    });
  }

  #endPhase(phase: ActivePhase, gracefulStopMs: number, force: boolean): void {
    if (phase.ended && !force) return;
    phase.ended = true;
    this.#pool.broadcast({ cmd: 'END_PHASE', phaseId: phase.id, gracefulStopMs });
    // If a worker never answers (it died), do not wait forever.
    phase.timers.push(setTimeout(() => phase.done(), gracefulStopMs + DRAIN_SAFETY_MS));
  }
}
