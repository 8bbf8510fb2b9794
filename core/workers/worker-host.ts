/**
 * Runs VUs inside one worker thread: starts and stops VU loops as the
 * controller's phase messages say, and ships what they measure in batches.
 *
 * Each VU is an async loop; thousands share the thread's event loop. The host
 * never writes files and never decides timing on its own: the controller owns
 * the schedule, the host follows its messages.
 */
import { globalIndex, type Stripe } from '../distributed/segment.js';
import type { ScriptLocator } from '../bundle/script-location.js';
import type { RequestRecord } from '../client/types.js';
import { toErrorRecord } from '../errors.js';
import type { ControllerMsg, EndPhaseMsg, SampleTuple, SetVusMsg, StartOpenPhaseMsg, StartPhaseMsg, WorkerMsg } from './messages.js';
import type { DatasetOptions } from '../options/types.js';
import { loadTokenizer, setTokenCounter } from '../tokens/counter.js';
import { scriptFrames } from './iteration-context.js';
import { ThreadHealth } from './client-health.js';
import { nowEpochMs, OpenPhase } from './open-phase.js';
import type { PendingOp } from './pending-work.js';
import { TestAbortedSignal, type ThreadRuntime } from './script-runtime.js';
import { VirtualUser, type VuClient, type VuSink } from './vu.js';

type IterationFn = (vu: VirtualUser, data: unknown) => unknown;

interface PhaseState {
  msg: StartPhaseMsg;
  fn: IterationFn;
  counter: Int32Array | null;
  /** Iterations started in the phase across workers, for warmupIterations; null without. */
  started: Int32Array | null;
  /** VUs by local index; a slot stays allocated after a ramp-down for reuse. */
  vus: VirtualUser[];
  /** Local indexes whose loop is running. */
  running: Set<number>;
  target: number;
  ending: boolean;
  endTimer: NodeJS.Timeout | undefined;
  rampTimers: Set<NodeJS.Timeout>;
}

/** A flush ships a health reading when the last one is at least this old, ms (phase ends flush often). */
const HEALTH_MIN_INTERVAL_MS = 100;
/**
 * While nothing but tokens arrives (no request starts or ends, no sample, no VU starts or stops),
 * the flush timer waits this long, ms: the batch then carries the health reading, which covers
 * the whole span, and the tokens streamed meanwhile. Each wake of an idle thread costs more CPU
 * than the reads it waits for; at the flush interval the timer was two of an idle worker's seven
 * wake-ups a second. The progress line's output tokens/s (over 5 s) sees a trickle of tokens in
 * these steps; as soon as anything else happens the flush interval applies again.
 */
const IDLE_FLUSH_INTERVAL_MS = 2_000;

/** Most distinct iteration-error messages forwarded per thread (the rest are counted only). */
const MAX_LOGGED_ERRORS = 20;
/** Most distinct script locations warned about for un-awaited calls, per thread. */
const MAX_UNAWAITED_WARNINGS = 20;

/** How a warning names an un-awaited call. */
const CALL_NAMES: Record<PendingOp['kind'], string> = { request: 'a request', sleep: 'sleep()', group: 'group()' };

const noTokens = (): number => 0;

export class WorkerHost implements VuSink {
  readonly #post: (msg: WorkerMsg) => void;
  readonly #module: Record<string, unknown>;
  readonly #client: VuClient;
  readonly #runtime: ThreadRuntime;
  readonly #workerIndex: number;
  readonly #instance: Stripe | null;
  readonly #workerCount: number;
  readonly #setupData: unknown;
  readonly #env: Record<string, string>;
  readonly #phases = new Map<number, PhaseState>();
  readonly #openPhases = new Map<number, OpenPhase>();
  #records: RequestRecord[] = [];
  #samples: SampleTuple[] = [];
  /** Requests in flight, by id: [scenario, level, rate, sent at epoch ms] (BatchMsg.inFlight). */
  readonly #inFlight = new Map<number, [string, string, string, number]>();
  #nextRequestId = 1;
  /** The in-flight set changed since the last batch: the next flush sends one even without records. */
  #inFlightChanged = false;
  #activeVus = 0;
  #iterations = 0;
  #loggedErrors = new Set<string>();
  /** Script locations already warned about for an un-awaited call. */
  #unawaitedWarned = new Set<string>();
  readonly #locator: ScriptLocator | undefined;
  /** Whether iterations run inside their frame (options.scriptContext). */
  readonly #scriptContext: boolean;
  readonly #timeScale: number;
  #flushTimer: NodeJS.Timeout | undefined;
  readonly #flushIntervalMs: number;
  /** When the flush timer is next due (performance.now() ms): its lateness is the idle thread's delay probe. */
  #flushDueAt = Infinity;
  /** When the flush timer last ran (performance.now() ms): batches follow each other at the flush interval. */
  #flushedAt: number;
  /** The flush timer is due within the flush interval of its last run: something waits to be sent. */
  #flushSoon = false;
  #shutDown = false;
  readonly #takeTokens: () => number;
  readonly #health: ThreadHealth;
  /** Tags of the last phase that ran alone in this thread: health readings belong to its row. */
  #healthTags: Record<string, string> = {};
  #onShutdown: (() => void) | undefined;

  constructor(options: {
    post: (msg: WorkerMsg) => void;
    module: Record<string, unknown>;
    client: VuClient;
    runtime: ThreadRuntime;
    workerIndex: number;
    workerCount: number;
    setupData: unknown;
    env: Record<string, string>;
    flushIntervalMs: number;
    /** Output tokens received since the last call (the client's TokenTally); none when absent. */
    takeTokens?: () => number;
    /** Maps stack frames to the script's own lines, for warnings; without it they name the bundle's. */
    locator?: ScriptLocator;
    /**
     * Run each iteration inside its frame, so module-level check(), group(), sleep() and custom
     * metrics find their VU after awaits. Default true; false when the script imports none of them,
     * which keeps AsyncLocalStorage's per-promise cost off the thread (core/bundle/script-context-use.ts).
     */
    scriptContext?: boolean;
    /** Modelled ms per real ms: VUs' sleep() runs this much faster (core/executors/time-scale.ts). Default 1. */
    timeScale?: number;
    /** When the test is split over instances: this instance's stripe. VU ids are then the run's VU numbers, unique across instances. */
    instance?: Stripe | null;
  }) {
    this.#timeScale = options.timeScale ?? 1;
    this.#locator = options.locator;
    this.#scriptContext = options.scriptContext ?? true;
    this.#post = options.post;
    this.#module = options.module;
    this.#client = options.client;
    this.#runtime = options.runtime;
    this.#workerIndex = options.workerIndex;
    this.#instance = options.instance ?? null;
    this.#workerCount = options.workerCount;
    this.#setupData = options.setupData;
    this.#env = options.env;
    this.#takeTokens = options.takeTokens ?? noTokens;
    this.#prepareScript(options.module['options']);
    // While the thread idles, the flush timer is its delay probe: no wake-ups beyond its reads and flushes.
    this.#health = new ThreadHealth(`worker ${this.#workerIndex}`, { ownerProbesIdle: true });
    this.#flushIntervalMs = options.flushIntervalMs;
    this.#flushedAt = performance.now();
    this.#armFlush(this.#flushedAt + options.flushIntervalMs);
  }

  readonly #onFlushTimer = (): void => {
    const now = performance.now();
    const lateMs = now - this.#flushDueAt;
    this.#flushedAt = now;
    this.#flushSoon = false;
    this.#flushTimer = undefined;
    this.flush(true, lateMs);
    // Nothing waits now: the next run is for the health reading, unless something happens first. While
    // the delay probe runs (the last interval had work) the reading comes at the flush interval, so that
    // the probe's wake-ups stop one interval after the work does.
    if (!this.#shutDown && !this.#flushSoon) this.#armFlush(now + (this.#health.resolutionMs === 0 ? IDLE_FLUSH_INTERVAL_MS : this.#flushIntervalMs));
  };

  #armFlush(dueAt: number): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    // A flush wanted after a quiet spell is due at once, not at a moment already past: its lateness
    // is the thread's event-loop delay while it idles, and the quiet is not delay.
    const now = performance.now();
    this.#flushDueAt = Math.max(dueAt, now);
    this.#flushTimer = setTimeout(this.#onFlushTimer, this.#flushDueAt - now);
  }

  /** Something waits to be sent: the flush timer runs within the flush interval of its last run (once per batch, not per call). */
  #flushWanted(): void {
    if (this.#flushSoon || this.#shutDown) return;
    this.#flushSoon = true;
    const dueAt = this.#flushedAt + this.#flushIntervalMs;
    if (dueAt < this.#flushDueAt) this.#armFlush(dueAt);
  }

  /**
   * The worker-side options of the script: its tokenizer and its named datasets, opened now so
   * that a bad file fails the worker before it reports ready (LL_ERR_INPUT_FILE, exit 104).
   */
  #prepareScript(options: unknown): void {
    const context = this.#runtime.datasetContext;
    context.workerIndex = this.#workerIndex;
    context.workerCount = this.#workerCount;
    if (this.#instance !== null) context.instance = this.#instance;
    if (options === null || typeof options !== 'object') return;
    const { tokenizer, datasets } = options as { tokenizer?: unknown; datasets?: unknown };
    if (typeof tokenizer === 'string') setTokenCounter(loadTokenizer(tokenizer, context.scriptDir));
    if (datasets !== null && typeof datasets === 'object') {
      this.#runtime.datasetSpecs = datasets as Record<string, DatasetOptions>;
      for (const name of Object.keys(datasets)) this.#runtime.openDataset(name);
    }
  }

  get iterations(): number {
    return this.#iterations;
  }

  /** Resolves when the controller sends SHUTDOWN (after a final flush). */
  untilShutdown(): Promise<void> {
    return new Promise((resolve) => (this.#onShutdown = resolve));
  }

  handle(msg: ControllerMsg): void {
    switch (msg.cmd) {
      case 'START_PHASE':
        return this.#startPhase(msg);
      case 'START_OPEN_PHASE':
        return this.#startOpenPhase(msg);
      case 'SET_VUS':
        return this.#setVus(msg);
      case 'END_PHASE':
        return this.#endPhase(msg);
      case 'SHUTDOWN':
        this.#shutDown = true;
        clearTimeout(this.#flushTimer);
        for (const phase of this.#phases.values()) this.#endPhase({ cmd: 'END_PHASE', phaseId: phase.msg.phaseId, gracefulStopMs: 0 });
        for (const phase of this.#openPhases.values()) phase.end(0);
        this.flush(true);
        this.#health.stop();
        this.#onShutdown?.();
        return;
    }
  }

  record(record: RequestRecord): void {
    this.#records.push(record);
    this.#flushWanted();
    if (this.#records.length >= 4096) this.flush();
  }

  requestStarted(tags: Readonly<Record<string, string>>): number {
    const id = this.#nextRequestId++;
    this.#inFlight.set(id, [tags['scenario'] ?? '', tags['level'] ?? '', tags['rate'] ?? '', performance.timeOrigin + performance.now()]);
    this.#inFlightChanged = true;
    this.#flushWanted();
    return id;
  }

  requestEnded(id: number): void {
    this.#inFlight.delete(id);
    this.#inFlightChanged = true;
    this.#flushWanted();
  }

  sample(sample: SampleTuple): void {
    this.#samples.push(sample);
    this.#flushWanted();
    if (this.#samples.length >= 8192) this.flush();
  }

  /**
   * Ship everything measured so far to the controller, with a health reading when one is due (always
   * with `withHealth`); `lateMs`: how late the flush timer ran, when it calls this.
   */
  flush(withHealth = false, lateMs?: number): void {
    const streamedTokens = this.#takeTokens();
    const health = withHealth || this.#health.elapsedMs >= HEALTH_MIN_INTERVAL_MS ? this.#health.read(this.#readingTags(), lateMs) : undefined;
    if (this.#records.length === 0 && this.#samples.length === 0 && streamedTokens === 0 && health === undefined && !this.#inFlightChanged) return;
    const batch: WorkerMsg = { cmd: 'BATCH', workerIndex: this.#workerIndex, records: this.#records, samples: this.#samples, activeVus: this.#activeVus, streamedTokens };
    if (this.#inFlightChanged) {
      batch.inFlight = [...this.#inFlight.values()];
      batch.inFlightAtMs = performance.timeOrigin + performance.now();
    }
    this.#inFlightChanged = false;
    if (health !== undefined) batch.health = health;
    this.#post(batch);
    this.#records = [];
    this.#samples = [];
  }

  /**
   * The row of this thread's health reading: the phase running alone in it (with the stage of an
   * open phase's schedule), or the last one when none runs now (the interval ended with it); {}
   * when several phases share the thread.
   */
  #readingTags(): Record<string, string> {
    const running = this.#phases.size + this.#openPhases.size;
    if (running > 1) return {};
    if (running === 0) return this.#healthTags;
    const closed = this.#phases.values().next().value;
    if (closed !== undefined) return (this.#healthTags = { ...closed.msg.tags, scenario: closed.msg.scenario });
    const open = this.#openPhases.values().next().value!;
    const tags: Record<string, string> = { ...open.msg.tags, scenario: open.msg.scenario };
    if (open.msg.stageTags) tags['stage'] = String(open.segment);
    return (this.#healthTags = tags);
  }

  #startPhase(msg: StartPhaseMsg): void {
    const exported = this.#module[msg.exec];
    if (typeof exported !== 'function') {
      // The controller checks exec names before starting; this guards a stale bundle.
      this.#post({ cmd: 'LOG', level: 'error', message: `scenario "${msg.scenario}": the script exports no function "${msg.exec}"` });
      this.#post({ cmd: 'PHASE_DONE', workerIndex: this.#workerIndex, phaseId: msg.phaseId });
      return;
    }
    const phase: PhaseState = {
      msg,
      fn: exported as IterationFn,
      counter: msg.sharedCounter === null ? null : new Int32Array(msg.sharedCounter),
      started: msg.measure?.counter ? new Int32Array(msg.measure.counter) : null,
      vus: [],
      running: new Set(),
      target: 0,
      ending: false,
      endTimer: undefined,
      rampTimers: new Set(),
    };
    this.#phases.set(msg.phaseId, phase);
    this.#applyTarget(phase, msg.vus, 0);
    this.#maybeDone(phase);
  }

  #startOpenPhase(msg: StartOpenPhaseMsg): void {
    const exported = this.#module[msg.exec];
    if (typeof exported !== 'function') {
      this.#post({ cmd: 'LOG', level: 'error', message: `scenario "${msg.scenario}": the script exports no function "${msg.exec}"` });
      this.#post({ cmd: 'PHASE_DONE', workerIndex: this.#workerIndex, phaseId: msg.phaseId });
      return;
    }
    const fn = exported as IterationFn;
    const env = { ...this.#env, ...msg.env };
    const phase = new OpenPhase(msg, {
      // VU k of the phase lives on worker k % workerCount: ids interleave across threads.
      createVu: (local) => new VirtualUser(this.#vuId(local), msg.scenario, msg.tags, env, this.#client, this, this.#timeScale),
      iterate: async (vu) => {
        this.#activeVus++;
        this.#flushWanted();
        try {
          await this.#iterate(msg.scenario, fn, vu);
        } finally {
          this.#activeVus--;
          this.#flushWanted();
        }
      },
      sample: (sample) => this.sample(sample),
      vusAllocated: (vus) => this.#post({ cmd: 'VUS_ALLOCATED', workerIndex: this.#workerIndex, phaseId: msg.phaseId, vus }),
      done: () => {
        this.#openPhases.delete(msg.phaseId);
        this.flush();
        this.#post({ cmd: 'PHASE_DONE', workerIndex: this.#workerIndex, phaseId: msg.phaseId });
      },
    });
    this.#openPhases.set(msg.phaseId, phase);
    phase.start();
  }

  /**
   * The id of this worker's `local`-th VU of a phase. VU k of the phase (this instance's count) lives
   * on worker k % workerCount, so ids interleave across threads; when the test is split over
   * instances, the instance's k-th VU is the run's VU its stripe places there, unique across instances.
   */
  #vuId(local: number): number {
    const k = local * this.#workerCount + this.#workerIndex;
    return (this.#instance === null ? k : globalIndex(this.#instance, k)) + 1;
  }

  #setVus(msg: SetVusMsg): void {
    const phase = this.#phases.get(msg.phaseId);
    if (phase === undefined || phase.ending) return;
    this.#applyTarget(phase, msg.vus, msg.gracefulRampDownMs);
  }

  #applyTarget(phase: PhaseState, target: number, gracefulRampDownMs: number): void {
    phase.target = target;
    for (let local = 0; local < target; local++) {
      let vu = phase.vus[local];
      if (vu === undefined) {
        const id = this.#vuId(local);
        vu = new VirtualUser(id, phase.msg.scenario, phase.msg.tags, { ...this.#env, ...phase.msg.env }, this.#client, this, this.#timeScale);
        phase.vus[local] = vu;
      }
      vu.stopRequested = false;
      if (!phase.running.has(local)) void this.#runLoop(phase, local, vu);
    }
    // Ramp-down: VUs above the target finish their iteration, or are interrupted after the grace period.
    const surplus: VirtualUser[] = [];
    for (const local of phase.running) {
      if (local >= target) {
        const vu = phase.vus[local]!;
        vu.stopRequested = true;
        surplus.push(vu);
      }
    }
    if (surplus.length > 0) {
      const timer = setTimeout(() => {
        phase.rampTimers.delete(timer);
        for (const vu of surplus) if (vu.stopRequested) vu.interrupt();
      }, gracefulRampDownMs);
      phase.rampTimers.add(timer);
    }
  }

  #endPhase(msg: EndPhaseMsg): void {
    const open = this.#openPhases.get(msg.phaseId);
    if (open !== undefined) return open.end(msg.gracefulStopMs);
    const phase = this.#phases.get(msg.phaseId);
    if (phase === undefined) return;
    if (!phase.ending) {
      phase.ending = true;
      for (const vu of phase.vus) if (vu !== undefined) vu.stopRequested = true;
    }
    if (phase.endTimer !== undefined) clearTimeout(phase.endTimer);
    const interruptAll = (): void => {
      for (const local of phase.running) phase.vus[local]?.interrupt();
    };
    if (msg.gracefulStopMs <= 0) interruptAll();
    else phase.endTimer = setTimeout(interruptAll, msg.gracefulStopMs);
    this.#maybeDone(phase);
  }

  /** Claim the next iteration for a VU under the phase's limit. */
  #claim(phase: PhaseState, vu: VirtualUser): boolean {
    const limit = phase.msg.iterations;
    if (limit === null) return true;
    if (limit.mode === 'per-vu') return vu.iteration < limit.perVu;
    // Shared across all workers: an atomic ticket counter.
    if (phase.counter === null) return false;
    return Atomics.add(phase.counter, 0, 1) < limit.total;
  }

  async #runLoop(phase: PhaseState, local: number, vu: VirtualUser): Promise<void> {
    phase.running.add(local);
    this.#activeVus++;
    this.#flushWanted();
    try {
      while (!vu.stopRequested && !phase.ending && this.#claim(phase, vu)) {
        vu.excluded = this.#exclusion(phase);
        if (!(await this.#iterate(phase.msg.scenario, phase.fn, vu))) return;
      }
    } finally {
      phase.running.delete(local);
      this.#activeVus--;
      this.#flushWanted();
      this.#maybeDone(phase);
    }
  }

  /** Whether an iteration starting now falls in the phase's warm-up or cool-down. */
  #exclusion(phase: PhaseState): 'warmup' | 'cooldown' | undefined {
    const measure = phase.msg.measure;
    if (measure === undefined) return undefined;
    const { window } = measure;
    if (phase.started !== null && Atomics.add(phase.started, 0, 1) < window.warmupIterations) return 'warmup';
    const offset = nowEpochMs() - measure.startEpochMs;
    if (offset < window.warmupMs) return 'warmup';
    if (window.cooldownMs > 0 && offset >= measure.durationMs - window.cooldownMs) return 'cooldown';
    return undefined;
  }

  /** Run one iteration of `fn` on `vu` and count it; false when the script aborted the test. */
  async #iterate(scenario: string, fn: IterationFn, vu: VirtualUser): Promise<boolean> {
    vu.beginIteration();
    const startedAt = performance.now();
    let failed = false;
    try {
      // The frame goes with every await of the iteration: module-level check(), group(), sleep() and
      // custom metrics find this VU (and the group they run in) through it.
      if (this.#scriptContext) await scriptFrames.run(vu.rootFrame(), fn, vu, this.#setupData);
      else await fn(vu, this.#setupData);
    } catch (error) {
      if (error instanceof TestAbortedSignal) return false;
      failed = true;
      if (!vu.signal.aborted) this.#logIterationError(scenario, error);
    }
    const work = vu.work;
    if (work.size > 0) {
      // The iteration returned with requests, sleeps or groups still running (a missing await): wait
      // for them, so that the VU's next iteration does not overlap them and a closed loop stays closed.
      this.#warnUnawaited(scenario, work.unawaited());
      const error = await work.drain(vu.signal);
      if (error instanceof TestAbortedSignal) return false;
      if (error !== undefined && !failed) {
        failed = true;
        if (!vu.signal.aborted) this.#logIterationError(scenario, error);
      }
    }
    const durationMs = performance.now() - startedAt;
    const interrupted = vu.signal.aborted;
    vu.iteration++;
    this.#iterations++;
    if (!interrupted) {
      vu.emit('iterations', 'counter', 1, false);
      vu.emit('iteration_duration', 'trend', durationMs, true);
    } else {
      vu.emit('interrupted_iterations', 'counter', 1, false);
    }
    if (failed && !interrupted) vu.emit('iteration_errors', 'counter', 1, false);
    return true;
  }

  /** Warn once per script location about calls the iteration did not await (the controller dedupes across workers). */
  #warnUnawaited(scenario: string, ops: PendingOp[]): void {
    for (const op of ops) {
      if (this.#unawaitedWarned.size >= MAX_UNAWAITED_WARNINGS) return;
      const where = this.#locator?.locate(op.site.stack);
      const key = `unawaited ${op.kind} at ${where ?? `an unknown place in scenario ${scenario}`}`;
      if (this.#unawaitedWarned.has(key)) continue;
      this.#unawaitedWarned.add(key);
      this.#post({
        cmd: 'LOG',
        level: 'warn',
        once: key,
        message:
          `scenario "${scenario}": ${CALL_NAMES[op.kind]} ${where === undefined ? '' : `at ${where} `}was not awaited: ` +
          'the iteration returned while it was still running; each VU waits for it before its next iteration (add await)',
      });
    }
  }

  #logIterationError(scenario: string, error: unknown): void {
    const record = toErrorRecord(error);
    const message = `scenario "${scenario}": iteration failed: ${record.message}`;
    if (this.#loggedErrors.has(message) || this.#loggedErrors.size >= MAX_LOGGED_ERRORS) return;
    this.#loggedErrors.add(message);
    // The script's own file and line (through the bundle's source map) when the locator has them.
    const mapped = this.#locator?.locate(record.stack);
    const at =
      mapped !== undefined
        ? `at ${mapped}`
        : record.stack
            ?.split('\n')
            .find((line) => line.includes('script.mjs'))
            ?.trim();
    const text = at ? `${message}\n    ${at}` : message;
    this.#post({ cmd: 'LOG', level: 'warn', message: text, once: text });
  }

  /** Report the phase done once it is over (ended, or out of iterations) and no loop runs. */
  #maybeDone(phase: PhaseState): void {
    if (phase.running.size > 0) return;
    // Iteration-limited phases end when their VUs run out of iterations; timed ones only when ended.
    if (!phase.ending && phase.msg.iterations === null) return;
    if (!this.#phases.has(phase.msg.phaseId)) return;
    this.#phases.delete(phase.msg.phaseId);
    if (phase.endTimer !== undefined) clearTimeout(phase.endTimer);
    for (const t of phase.rampTimers) clearTimeout(t);
    this.flush();
    this.#post({ cmd: 'PHASE_DONE', workerIndex: this.#workerIndex, phaseId: phase.msg.phaseId });
  }
}
