/**
 * Walks the executors' plans on the real clock and drives the workers.
 *
 * Deadlines are absolute (test start + offset), so timer lateness never
 * accumulates. Phases of a scenario run one after another: the next phase
 * starts only when every worker has reported the previous one done (drained),
 * which is what a concurrency sweep needs to keep levels apart.
 *
 * Open-loop phases send no message per arrival: each worker generates the
 * phase's arrival schedule itself and takes its share (see
 * core/workers/open-phase.ts); the controller only starts and ends them. A
 * rate-sweep's rates are decided between phases, from what the first two
 * phases measured (`measure`), and a capacity search's loads from what each
 * probe measured (`measureProbe`), by ./step-decider.ts; a split test's
 * runner asks its coordinator instead (`decideStep`), which decides from
 * every runner's records.
 */
import type { CapacityResult } from '../executors/capacity-bisect.js';
import { capacityProbePhase } from '../executors/capacity-search.js';
import { rateSweepPhase } from '../executors/rate-sweep.js';
import { isOpenPhase, type AnyPhasePlan, type OpenPhasePlan, type PhasePlan, type ScenarioPlan } from '../executors/types.js';
import type { KnownFigureRule, PhaseStopReason } from '../metrics/known-figure.js';
import type { WorkerPool } from './worker-pool.js';
import { share } from './worker-pool.js';
import { isDecidingPlan, StepDecider, type StepDecision } from './step-decider.js';

export interface PhaseEvent {
  scenario: string;
  phaseIndex: number;
  phaseId: number;
  tags: Record<string, string>;
  /** performance.now() of the phase start. */
  startedAt: number;
  /** The plan of an open-loop phase (its arrival schedule starts at startedAt); absent for closed phases. */
  open?: OpenPhasePlan;
}

/** What the engine measured of a finished phase (a rate-sweep decides what follows from it). */
export interface PhaseMeasurement {
  /** Successful requests per second over the phase's window; null when none succeeded. */
  requestsPerSec: number | null;
  /** Why the server was over-saturated during the phase, or null. */
  saturated: string | null;
  /** Thresholds failing once the phase is over (their sources, e.g. 'p(95)<500'). */
  failedThresholds: string[];
}

/** Lead time given to workers between START of an open phase and its first arrival, ms. */
const OPEN_START_LEAD_MS = 20;
/**
 * END_PHASE of an open phase is sent this long after the schedule's end: workers stop the
 * schedule themselves, and an arrival exactly at the end must not race the message, ms.
 */
const OPEN_END_SLACK_MS = 20;

interface ActivePhase {
  id: number;
  plan: AnyPhasePlan;
  pendingWorkers: Set<number>;
  timers: NodeJS.Timeout[];
  done: () => void;
  ended: boolean;
  /** The phase ended before its duration because its stopWhenKnown figure was known. */
  endedKnown: boolean;
}

/**
 * How often a phase with stopWhenKnown asks whether its figure is known, real ms. Each ask sorts
 * the row's samples at most once and sums a binomial over a window of ~√n terms: cheap beside the requests, and
 * frequent enough for a time-scaled phase of a second or two.
 */
const KNOWN_CHECK_MS = 100;

/** Extra time past a phase's graceful stop before the scheduler stops waiting for its workers. */
const DRAIN_SAFETY_MS = 5_000;

export class Scheduler {
  readonly #pool: WorkerPool;
  readonly #plans: ScenarioPlan[];
  readonly #active = new Map<number, ActivePhase>();
  /** Open phases' VUs per worker, by phase id, for the `vus` gauge. */
  readonly #openVus = new Map<number, { scenario: string; perWorker: number[] }>();
  readonly #sleepers = new Set<() => void>();
  #nextPhaseId = 1;
  #stopping = false;
  #startedAt = 0;
  /** Called when a phase starts (for progress and level bookkeeping). */
  onPhaseStart: (event: PhaseEvent) => void = () => {};
  /** Called when the VU target of a phase changes (total across workers). */
  onVusTarget: (scenario: string, vus: number) => void = () => {};
  /** Called when a scenario has run (or stopped) all its phases. */
  onScenarioEnd: (scenario: string) => void = () => {};
  /** Measures a finished phase by its tags (scenario + phase tags); rate-sweep needs it. */
  measure: (tags: Record<string, string>, elapsedMs: number) => PhaseMeasurement = () => ({ requestsPerSec: null, saturated: null, failedThresholds: [] });
  /** SLO attainment counts of a capacity-search probe's load so far, by its tags (scenario + level). */
  measureProbe: (tags: Record<string, string>) => { good: number; requests: number } = () => ({ good: 0, requests: 0 });
  /** A capacity search has ended (decided, or stopped before it could): its answer. */
  onCapacity: (scenario: string, result: CapacityResult) => void = () => {};
  /** An open phase stopped starting arrivals (its schedule ended, or a stop cut it) at `atEpochMs`. */
  onOpenPhaseEnd: (phaseId: number, atEpochMs: number) => void = () => {};
  /** Whether the figure of a running phase's row is known yet (`tags`: scenario + phase tags); stopWhenKnown needs it. */
  figureKnown: (tags: Record<string, string>, rule: KnownFigureRule) => boolean = () => false;
  /** A phase with stopWhenKnown has drained: it ended early because its figure was known, or ran its whole duration. */
  onPhaseStop: (scenario: string, tags: Record<string, string>, reason: PhaseStopReason) => void = () => {};
  /** A line for the user about a decision the scheduler took (the sweep's rates, an early stop). */
  onNotice: (message: string) => void = () => {};
  /**
   * A runner of a split test: resolves when phase `phaseIndex` of `scenario` may start, the one before
   * it having ended by iteration count (core/distributed/runner-link.ts holds every runner there until
   * all have drained it). Null: start at once.
   */
  phaseBarrier: ((scenario: string, phaseIndex: number) => Promise<void>) | null = null;
  /**
   * A runner of a split test: what follows phase `phaseIndex` of a deciding scenario (rate-sweep,
   * capacity-search), decided by the coordinator from every runner's records (it resolves at the
   * next phase's common start). Null: this process decides from its own metrics.
   */
  decideStep: ((scenario: string, phaseIndex: number, tags: Record<string, string>) => Promise<StepDecision>) | null = null;

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
  /**
   * An open phase's worker holds `vus` VUs now: the `vus` gauge follows the VUs the arrival-rate
   * executor has allocated (its preallocated ones plus those created when arrivals found all busy),
   * as k6 reports it.
   */
  vusAllocated(workerIndex: number, phaseId: number, vus: number): void {
    const open = this.#openVus.get(phaseId);
    if (open === undefined || workerIndex >= open.perWorker.length) return;
    open.perWorker[workerIndex] = vus;
    this.onVusTarget(
      open.scenario,
      open.perWorker.reduce((a, b) => a + b, 0),
    );
  }

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
    const phases: AnyPhasePlan[] = [...plan.phases];
    const decider = isDecidingPlan(plan)
      ? new StepDecider(plan, {
          measure: (tags, elapsedMs) => this.measure(tags, elapsedMs),
          probeCounts: (tags) => this.measureProbe(tags),
          notice: (line) => this.onNotice(line),
        })
      : null;
    for (let i = 0; i < phases.length && !this.#stopping; i++) {
      if (i > 0 && this.phaseBarrier !== null && endsByIterations(phases[i - 1]!)) {
        await this.#unlessStopped(this.phaseBarrier(plan.name, i));
        if (this.#stopping) break;
      }
      const tags = await this.#runPhase(plan, phases[i]!, i);
      if (decider === null) continue;
      // A probe cut by a stop still counts towards the search's answer.
      decider.record(i, tags);
      if (this.#stopping) break;
      const decision =
        this.decideStep === null ? decider.decide(i, tags, performance.now() - this.#startedAt) : await this.#decisionUnlessStopped(this.decideStep(plan.name, i, tags));
      if (decision === null || decision.kind === 'end') break;
      phases.push(...nextPhases(plan, decision, i));
    }
    if (plan.kind === 'capacity-search' && decider !== null) this.onCapacity(plan.name, decider.capacity()!);
    this.onScenarioEnd(plan.name);
  }

  /** The coordinator's decision, or null as soon as stop() is called. */
  #decisionUnlessStopped(decision: Promise<StepDecision>): Promise<StepDecision | null> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#sleepers.delete(wake);
        resolve(null);
      };
      this.#sleepers.add(wake);
      void decision.then(
        (d) => {
          this.#sleepers.delete(wake);
          resolve(d);
        },
        () => wake(),
      );
    });
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

  /** Resolve when `wait` does, or as soon as stop() is called. */
  #unlessStopped(wait: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.#sleepers.delete(wake);
        resolve();
      };
      this.#sleepers.add(wake);
      void wait.then(wake, wake);
    });
  }

  /** Run one phase; resolves with its tags (scenario included) once every worker has drained it. */
  #runPhase(scenario: ScenarioPlan, plan: AnyPhasePlan, phaseIndex: number): Promise<Record<string, string>> {
    return isOpenPhase(plan) ? this.#runOpenPhase(scenario, plan, phaseIndex) : this.#runClosedPhase(scenario, plan, phaseIndex);
  }

  /**
   * Track a phase until every worker reports it done; `start` sends the start messages. `row`: the
   * phase's tags with its scenario, which stopWhenKnown asks about. Resolves with whether the phase
   * ended early because its figure was known.
   */
  #track(plan: AnyPhasePlan, id: number, row: Record<string, string>, start: (phase: ActivePhase) => void): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const phase: ActivePhase = {
        id,
        plan,
        pendingWorkers: new Set(Array.from({ length: this.#pool.size }, (_, w) => w)),
        timers: [],
        ended: false,
        endedKnown: false,
        done: () => {
          for (const t of phase.timers) clearTimeout(t);
          this.#active.delete(id);
          this.#openVus.delete(id);
          resolve(phase.endedKnown);
        },
      };
      this.#active.set(id, phase);
      start(phase);
      this.#watchKnown(plan, phase, row);
    });
  }

  /** Poll a phase with stopWhenKnown, and end it (gracefully, as at its duration) once its figure is known. */
  #watchKnown(plan: AnyPhasePlan, phase: ActivePhase, row: Record<string, string>): void {
    const rule = plan.stopWhenKnown;
    if (rule === undefined) return;
    const timer = setInterval(() => {
      if (!phase.ended && !this.figureKnown(row, rule)) return;
      clearInterval(timer);
      if (phase.ended) return;
      phase.endedKnown = true;
      this.#endPhase(phase, plan.gracefulStopMs, false);
    }, KNOWN_CHECK_MS);
    phase.timers.push(timer);
  }

  /** After a phase has drained: how a phase with stopWhenKnown ended (not reported for a run being stopped). */
  #reportStop(scenario: string, plan: AnyPhasePlan, endedKnown: boolean): void {
    if (plan.stopWhenKnown === undefined || (this.#stopping && !endedKnown)) return;
    this.onPhaseStop(scenario, { ...plan.tags }, endedKnown ? 'known' : 'max-duration');
  }

  async #runOpenPhase(scenario: ScenarioPlan, plan: OpenPhasePlan, phaseIndex: number): Promise<Record<string, string>> {
    const id = this.#nextPhaseId++;
    const size = this.#pool.size;
    // Workers with no VU would only drop their arrivals: the schedule is split over at most maxVus workers.
    const slots = Math.max(1, Math.min(size, plan.maxVus));
    const startedAt = performance.now() + OPEN_START_LEAD_MS;
    const tags = { ...scenario.tags, ...plan.tags };
    const endedKnown = await this.#track(plan, id, { ...tags, scenario: scenario.name }, (phase) => {
      this.onPhaseStart({ scenario: scenario.name, phaseIndex, phaseId: id, tags, startedAt, open: plan });
      this.onVusTarget(scenario.name, plan.preAllocatedVus);
      const perWorker = Array.from({ length: size }, (_, w) => (w < slots ? share(plan.preAllocatedVus, slots, w) : 0));
      this.#openVus.set(id, { scenario: scenario.name, perWorker });
      for (let w = 0; w < size; w++) {
        this.#pool.send(w, {
          cmd: 'START_OPEN_PHASE',
          phaseId: id,
          scenario: scenario.name,
          exec: scenario.exec,
          tags,
          env: scenario.env,
          arrivals: plan.arrivals,
          startEpochMs: performance.timeOrigin + startedAt,
          durationMs: plan.durationMs,
          slot: w < slots ? w : -1,
          slots,
          preAllocatedVus: perWorker[w] as number,
          maxVus: w < slots ? share(plan.maxVus, slots, w) : 0,
          stageTags: plan.stageTags,
          measure: plan.measure ?? null,
          share: plan.share ?? null,
        });
      }
      const endAt = startedAt + plan.durationMs + OPEN_END_SLACK_MS;
      phase.timers.push(setTimeout(() => this.#endPhase(phase, plan.gracefulStopMs, false), Math.max(0, endAt - performance.now())));
    });
    this.#reportStop(scenario.name, plan, endedKnown);
    return { ...tags, scenario: scenario.name };
  }

  async #runClosedPhase(scenario: ScenarioPlan, plan: PhasePlan, phaseIndex: number): Promise<Record<string, string>> {
    const id = this.#nextPhaseId++;
    const size = this.#pool.size;
    const startedAt = performance.now();
    const tags = { ...scenario.tags, ...plan.tags };
    const endedKnown = await this.#track(plan, id, { ...tags, scenario: scenario.name }, (phase) => {
      const sharedCounter = plan.iterations?.mode === 'shared' ? new SharedArrayBuffer(4) : null;
      const measure =
        plan.measure === undefined
          ? null
          : {
              window: plan.measure,
              startEpochMs: performance.timeOrigin + startedAt,
              durationMs: plan.durationMs,
              // Iterations started in the phase, across workers, for warmupIterations.
              counter: plan.measure.warmupIterations > 0 ? new SharedArrayBuffer(4) : null,
            };
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
          ...(measure === null ? {} : { measure }),
        });
      }
      for (const step of plan.steps.slice(1)) {
        phase.timers.push(
          setTimeout(
            () => {
              this.onVusTarget(scenario.name, step.vus);
              for (let w = 0; w < size; w++) {
                this.#pool.send(w, { cmd: 'SET_VUS', phaseId: id, vus: share(step.vus, size, w), gracefulRampDownMs: plan.gracefulRampDownMs });
              }
            },
            Math.max(0, startedAt + step.atMs - performance.now()),
          ),
        );
      }
      phase.timers.push(setTimeout(() => this.#endPhase(phase, plan.gracefulStopMs, false), Math.max(0, startedAt + plan.durationMs - performance.now())));
    });
    this.#reportStop(scenario.name, plan, endedKnown);
    return { ...tags, scenario: scenario.name };
  }

  #endPhase(phase: ActivePhase, gracefulStopMs: number, force: boolean): void {
    if (phase.ended && !force) return;
    if (!phase.ended && isOpenPhase(phase.plan)) this.onOpenPhaseEnd(phase.id, performance.timeOrigin + performance.now());
    phase.ended = true;
    this.#pool.broadcast({ cmd: 'END_PHASE', phaseId: phase.id, gracefulStopMs });
    // If a worker never answers (it died), do not wait forever.
    phase.timers.push(setTimeout(() => phase.done(), gracefulStopMs + DRAIN_SAFETY_MS));
  }
}

/** A closed phase that ends when its iterations are done (its duration only a cap): each runner gets there in its own time. */
function endsByIterations(phase: AnyPhasePlan): boolean {
  return !isOpenPhase(phase) && phase.iterations !== null;
}

/** The phases a decision adds after phase `i`, built from this process's plan (a runner's: its share of each). */
function nextPhases(plan: ScenarioPlan, decision: StepDecision, i: number): AnyPhasePlan[] {
  if (decision.kind === 'rates' && plan.kind === 'rate-sweep') return decision.rates.map((rate, k) => rateSweepPhase(plan.sweep, rate, k));
  if (decision.kind === 'probe' && plan.kind === 'capacity-search') return [capacityProbePhase(plan.search, decision.load, i + 1)];
  return [];
}
