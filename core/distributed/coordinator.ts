/**
 * The coordinator of a split test: the one process that owns the run while N
 * runners send its load. It hands out setup()'s data, waits for every runner
 * to be prepared (script loaded, workers warm: a timeout names the missing
 * ones), lets them measure their clock offsets on a machine that has gone
 * quiet, gives them one start time on its clock, holds them at the start of a
 * phase that follows an iteration-bounded one until all have drained it (and
 * releases them with one start time again), holds them the same way after each
 * phase of a rate-sweep or capacity search and answers with what follows,
 * decided on all their records (`decide`), relays their worker messages to
 * the run's controller code with their records' times moved onto its clock,
 * tells them to stop (abortOnFail, a signal, one runner's abortTest) in the
 * answer to their next heartbeat, and notices a runner that has gone quiet. Seen from run-test.ts it is what the scheduler
 * is for a one-process run: something with a start, a run() and a stop().
 */
import type { Server } from 'node:http';
import { ErrorCode, LlmloadError, toErrorRecord, type ErrorRecord } from '../errors.js';
import type { OpenLoadRow } from '../metrics/load-delivery.js';
import type { StepDecision } from '../run/step-decider.js';
import type { BatchMsg, WorkerMsg } from '../workers/messages.js';
import { HttpRefusal, startJsonServer } from './http-json.js';
import {
  PROTOCOL_VERSION,
  type BarrierRequest,
  type ClockReply,
  type DecideReply,
  type DecideRequest,
  type Handoff,
  type PreparedReply,
  type PreparedRequest,
  type ReadyRequest,
  type RegisterRequest,
  type ReportReply,
  type RunnerDone,
  type RunnerEvent,
  type RunnerReport,
  type StartReply,
} from './protocol.js';
import { fromWire } from './wire-records.js';

export interface CoordinatorOptions {
  count: number;
  host: string;
  port: number;
  handoff: Handoff;
  registerTimeoutMs: number;
  /** A runner that has not reported for this long is lost. */
  lostAfterMs: number;
  log: (line: string) => void;
  onMessage: (msg: WorkerMsg) => void;
  onEvent: (index: number, event: RunnerEvent) => void;
  /**
   * What follows a phase of a deciding scenario (rate-sweep, capacity-search), once every runner
   * still running has drained it and sent its records: decided on the merged metrics of all.
   */
  decide?: (request: DecideRequest) => StepDecision;
}

interface RunnerState {
  pid: number;
  host: string;
  prepared?: boolean;
  ready?: ReadyRequest;
  lastSeen: number;
  seq: number;
  done?: RunnerDone;
  lost?: string;
}

/**
 * Time between the start time being sent and the start, beyond the slowest round trip, ms. Every
 * runner is prepared before it is sent (its script loaded, its workers started and connected), so
 * this only has to cover the answer reaching each runner and its process being scheduled.
 */
const START_LEAD_MS = 150;
/** The same at a phase barrier: the runners are idle there, waiting for the answer. */
const BARRIER_LEAD_MS = 50;

/** A barrier's answer: its start time, with the decision at a decision step. */
type BarrierAnswer = (reply: { startAt: number; decision?: StepDecision } | { error: ErrorRecord }) => void;

interface Barrier {
  arrived: Set<number>;
  answers: BarrierAnswer[];
  /** At a decision step: takes the decision every runner is answered with, once all have arrived. */
  decide?: () => StepDecision;
}

export class Coordinator {
  readonly #options: CoordinatorOptions;
  readonly #runners = new Map<number, RunnerState>();
  #server: Server | undefined;
  #url = '';
  #startAt: number | undefined;
  /** performance.now() of the start time. */
  #startedAt = 0;
  #stop: { gracefulStopMs?: number } | null = null;
  #allReady: { resolve: (startAt: number) => void; reject: (error: LlmloadError) => void } | undefined;
  #waiting: Array<(reply: StartReply) => void> = [];
  #waitingPrepared: Array<(reply: PreparedReply) => void> = [];
  #synced = false;
  readonly #barriers = new Map<string, Barrier>();
  #failed: LlmloadError | undefined;
  #ended: (() => void) | undefined;
  #watch: NodeJS.Timeout | undefined;

  constructor(options: CoordinatorOptions) {
    this.#options = options;
  }

  static async start(options: CoordinatorOptions): Promise<Coordinator> {
    const coordinator = new Coordinator(options);
    const { server, url } = await startJsonServer(options.host, options.port, (path, body) => coordinator.#handle(path, body));
    coordinator.#server = server;
    coordinator.#url = url;
    return coordinator;
  }

  get url(): string {
    return this.#url;
  }

  get startedAt(): number {
    return this.#startedAt;
  }

  /** Instances that stopped answering (their finished requests are kept), with why. */
  lost(): Array<{ index: number; why: string }> {
    return [...this.#runners].filter(([, r]) => r.lost !== undefined).map(([index, r]) => ({ index, why: r.lost! }));
  }

  /** The runners' open-loop rows, measured, and the phases they started. */
  ends(): RunnerDone[] {
    return [...this.#runners.values()].flatMap((r) => (r.done === undefined ? [] : [r.done]));
  }

  loadRows(): OpenLoadRow[][] {
    return this.ends().map((end) => end.load);
  }

  /** Wait until every runner is ready, then send them all one start time; rejects with the missing ones named after the timeout. */
  async waitForRunners(): Promise<void> {
    const timer = setTimeout(() => this.#registrationTimeout(), this.#options.registerTimeoutMs);
    try {
      const startAt = await new Promise<number>((resolve, reject) => {
        this.#allReady = { resolve, reject };
        this.#checkReady();
      });
      this.#startAt = startAt;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sleep until the start time on this clock; resolves when every runner has ended or been lost. */
  async run(): Promise<void> {
    const startAt = this.#startAt ?? Date.now();
    const wait = startAt - (performance.timeOrigin + performance.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.#startedAt = startAt - performance.timeOrigin;
    const ended = new Promise<void>((resolve) => (this.#ended = resolve));
    this.#watch = setInterval(() => this.#checkHeartbeats(), Math.max(100, Math.min(500, this.#options.lostAfterMs / 4)));
    this.#checkEnded();
    await ended;
    clearInterval(this.#watch);
  }

  /** Stop every runner at its next heartbeat: gracefully, or at once with 0. */
  stop(gracefulStopMs?: number): void {
    if (this.#stop !== null && gracefulStopMs === undefined) return;
    this.#stop = gracefulStopMs === undefined ? {} : { gracefulStopMs };
  }

  /** A local runner's process ended: lost unless it had sent its end. */
  runnerExited(index: number, why: string): void {
    const runner = this.#runners.get(index);
    if (runner?.done !== undefined || runner?.lost !== undefined) return;
    if (this.#startAt === undefined) {
      // Before the start: the test cannot run whole, so it does not run at all.
      this.#allReady?.reject(new LlmloadError(ErrorCode.INSTANCE_LOST, `instance ${index}/${this.#options.count} ${why} before the start; nothing was sent`));
      return;
    }
    this.#markLost(index, runner ?? { pid: 0, host: '', lastSeen: 0, seq: 0 }, why);
  }

  async close(): Promise<void> {
    clearInterval(this.#watch);
    const stopped = { error: toErrorRecord(new LlmloadError(ErrorCode.ENGINE, 'the coordinator stopped')) };
    for (const answer of this.#waitingPrepared) answer(stopped);
    for (const answer of this.#waiting) answer(stopped);
    for (const barrier of this.#barriers.values()) for (const answer of barrier.answers) answer(stopped);
    this.#waitingPrepared = [];
    this.#waiting = [];
    this.#barriers.clear();
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(path: string, body: unknown): Promise<unknown> {
    switch (path) {
      case '/register':
        return this.#register(body as RegisterRequest);
      case '/prepared':
        return this.#prepared(body as PreparedRequest);
      case '/clock':
        return { now: performance.timeOrigin + performance.now() } satisfies ClockReply;
      case '/ready':
        return this.#ready(body as ReadyRequest);
      case '/barrier':
        return this.#barrier(body as BarrierRequest);
      case '/decide':
        return this.#decide(body as DecideRequest);
      case '/report':
        return this.#report(body as RunnerReport & { seq: number });
      case '/done':
        this.#done(body as RunnerDone);
        return {};
      default:
        throw new HttpRefusal(404, `no such path ${path}`);
    }
  }

  #register(request: RegisterRequest): Handoff {
    const count = this.#options.count;
    if (request.version !== PROTOCOL_VERSION) {
      throw new HttpRefusal(
        409,
        `instance ${request.index}/${request.count} speaks protocol version ${request.version}, the coordinator speaks ${PROTOCOL_VERSION}: run the same llmload version on the coordinator and every runner`,
      );
    }
    if (request.count !== count) throw new HttpRefusal(409, `instance ${request.index}/${request.count}: this coordinator runs ${count} instances`);
    if (!(request.index >= 0 && request.index < count)) throw new HttpRefusal(409, `instance index ${request.index} is not one of 0 … ${count - 1}`);
    if (this.#startAt !== undefined) throw new HttpRefusal(409, `instance ${request.index}/${count}: the test has already started`);
    const seen = this.#runners.get(request.index);
    if (seen !== undefined && seen.pid !== request.pid) throw new HttpRefusal(409, `instance ${request.index}/${count} is already registered (pid ${seen.pid} on ${seen.host})`);
    this.#runners.set(request.index, { pid: request.pid, host: request.host, lastSeen: performance.now(), seq: 0 });
    this.#options.log(`instance ${request.index}/${count} registered (pid ${request.pid} on ${request.host})`);
    return this.#options.handoff;
  }

  /** Answered once every runner is prepared: their clock round trips then meet no start-up work. */
  #prepared(request: PreparedRequest): Promise<PreparedReply> {
    const runner = this.#runners.get(request.index);
    if (runner === undefined) throw new HttpRefusal(409, `instance ${request.index} is not registered`);
    if (this.#failed !== undefined) return Promise.resolve({ error: toErrorRecord(this.#failed) });
    runner.prepared = true;
    runner.lastSeen = performance.now();
    return new Promise((resolve) => {
      this.#waitingPrepared.push(resolve);
      this.#checkPrepared();
    });
  }

  #checkPrepared(): void {
    if (this.#synced) return;
    let prepared = 0;
    for (const runner of this.#runners.values()) if (runner.prepared === true) prepared++;
    if (prepared < this.#options.count) return;
    this.#synced = true;
    for (const answer of this.#waitingPrepared) answer({ sync: true });
    this.#waitingPrepared = [];
  }

  #ready(request: ReadyRequest): Promise<StartReply> {
    const runner = this.#runners.get(request.index);
    if (runner === undefined) throw new HttpRefusal(409, `instance ${request.index} is not registered`);
    if (this.#failed !== undefined) return Promise.resolve({ error: toErrorRecord(this.#failed) });
    runner.ready = request;
    runner.lastSeen = performance.now();
    const sign = request.offsetMs >= 0 ? '+' : '−';
    this.#options.log(
      `instance ${request.index}/${this.#options.count} ready: clock offset ${sign}${Math.abs(request.offsetMs).toFixed(2)} ms (round trip ${request.rttMs.toFixed(2)} ms)`,
    );
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#checkReady();
    });
  }

  #checkReady(): void {
    if (this.#allReady === undefined || this.#startAt !== undefined) return;
    const ready = [...this.#runners.values()].filter((r) => r.ready !== undefined);
    if (ready.length < this.#options.count) return;
    const slowest = Math.max(...ready.map((r) => r.ready!.rttMs));
    const startAt = performance.timeOrigin + performance.now() + START_LEAD_MS + 2 * slowest;
    this.#startAt = startAt;
    for (const answer of this.#waiting) answer({ startAt });
    this.#waiting = [];
    this.#allReady.resolve(startAt);
  }

  #registrationTimeout(): void {
    const missing: string[] = [];
    for (let index = 0; index < this.#options.count; index++) {
      const runner = this.#runners.get(index);
      if (runner === undefined) missing.push(`instance ${index}/${this.#options.count}: never registered`);
      else if (runner.ready === undefined) missing.push(`instance ${index}/${this.#options.count}: registered (pid ${runner.pid} on ${runner.host}) but never ready`);
    }
    const seconds = this.#options.registerTimeoutMs / 1000;
    const error = new LlmloadError(
      ErrorCode.REGISTRATION_TIMEOUT,
      `${missing.length} of ${this.#options.count} instances did not register within ${seconds} s: ${missing.map((m) => m.split(':')[0]).join(', ')}`,
      { details: missing, hint: 'Start every runner with --coordinator-url and its --instance, or raise --register-timeout; nothing was sent.' },
    );
    this.#failed = error;
    for (const answer of this.#waitingPrepared) answer({ error: toErrorRecord(error) });
    for (const answer of this.#waiting) answer({ error: toErrorRecord(error) });
    this.#waitingPrepared = [];
    this.#waiting = [];
    this.#allReady?.reject(error);
  }

  #report(report: RunnerReport & { seq: number }): ReportReply {
    const runner = this.#runners.get(report.index);
    if (runner === undefined) throw new HttpRefusal(409, `instance ${report.index} is not registered`);
    if (runner.lost !== undefined) throw new HttpRefusal(410, `instance ${report.index} was declared lost: ${runner.lost}`);
    runner.lastSeen = performance.now();
    // A report sent again after a lost answer: already counted.
    if (report.seq <= runner.seq) return { stop: this.#stop };
    runner.seq = report.seq;
    const offsetMs = runner.ready?.offsetMs ?? 0;
    for (const wire of report.messages) {
      const msg = fromWire(wire);
      if (msg.cmd === 'BATCH' && offsetMs !== 0) toCoordinatorClock(msg, offsetMs);
      this.#options.onMessage(msg);
    }
    for (const event of report.events) this.#options.onEvent(report.index, event);
    return { stop: this.#stop };
  }

  /** Answered once every runner still running has reached the same phase (or ended): one start time for all. */
  #barrier(request: BarrierRequest): Promise<StartReply> {
    return this.#arrive(request.index, `phase\u0000${request.scenario}\u0000${request.phaseIndex}`, undefined);
  }

  /**
   * A decision step: a barrier whose answer also carries what follows the phase, decided once
   * every runner still running has sent its records of it (each posts after its last report).
   */
  #decide(request: DecideRequest): Promise<DecideReply> {
    const decide = this.#options.decide;
    if (decide === undefined) throw new HttpRefusal(409, `scenario "${request.scenario}": this coordinator decides no step`);
    return this.#arrive(request.index, `decide\u0000${request.scenario}\u0000${request.phaseIndex}`, () => decide(request)) as Promise<DecideReply>;
  }

  #arrive(index: number, key: string, decide: (() => StepDecision) | undefined): Promise<StartReply> {
    const runner = this.#runners.get(index);
    if (runner === undefined) throw new HttpRefusal(409, `instance ${index} is not registered`);
    if (runner.lost !== undefined) throw new HttpRefusal(410, `instance ${index} was declared lost: ${runner.lost}`);
    runner.lastSeen = performance.now();
    let barrier = this.#barriers.get(key);
    if (barrier === undefined) this.#barriers.set(key, (barrier = { arrived: new Set(), answers: [], ...(decide === undefined ? {} : { decide }) }));
    barrier.arrived.add(index);
    const answered = new Promise<StartReply>((resolve) => barrier.answers.push(resolve));
    this.#checkBarriers();
    return answered;
  }

  #checkBarriers(): void {
    for (const [key, barrier] of this.#barriers) {
      let waitingFor = 0;
      for (const [index, runner] of this.#runners) {
        if (runner.done === undefined && runner.lost === undefined && !barrier.arrived.has(index)) waitingFor++;
      }
      // A runner that never registered cannot be at a barrier: the test started with all of them.
      if (waitingFor > 0) continue;
      let slowest = 0;
      for (const runner of this.#runners.values()) slowest = Math.max(slowest, runner.ready?.rttMs ?? 0);
      this.#barriers.delete(key);
      let decision: StepDecision | undefined;
      try {
        decision = barrier.decide?.();
      } catch (error) {
        const record = toErrorRecord(error instanceof LlmloadError ? error : new LlmloadError(ErrorCode.ENGINE, `deciding the next step: ${(error as Error).message}`));
        for (const answer of barrier.answers) answer({ error: record });
        continue;
      }
      const startAt = performance.timeOrigin + performance.now() + BARRIER_LEAD_MS + 2 * slowest;
      for (const answer of barrier.answers) answer(decision === undefined ? { startAt } : { startAt, decision });
    }
  }

  #done(done: RunnerDone): void {
    const runner = this.#runners.get(done.index);
    if (runner === undefined || runner.done !== undefined || runner.lost !== undefined) return;
    runner.done = done;
    if (done.error !== undefined) this.#options.onMessage({ cmd: 'ERROR', workerIndex: -1, error: done.error });
    this.#checkBarriers();
    this.#checkEnded();
  }

  #checkHeartbeats(): void {
    const now = performance.now();
    for (const [index, runner] of this.#runners) {
      if (runner.done !== undefined || runner.lost !== undefined) continue;
      if (now - runner.lastSeen > this.#options.lostAfterMs) this.#markLost(index, runner, `sent no heartbeat for ${(this.#options.lostAfterMs / 1000).toFixed(1)} s`);
    }
  }

  #markLost(index: number, runner: RunnerState, why: string): void {
    runner.lost = why;
    this.#runners.set(index, runner);
    this.#options.log(`instance ${index}/${this.#options.count} lost: ${why}; the others finish, and every request it finished is kept`);
    this.#checkBarriers();
    this.#checkEnded();
  }

  #checkEnded(): void {
    if (this.#ended === undefined) return;
    for (let index = 0; index < this.#options.count; index++) {
      const runner = this.#runners.get(index);
      if (runner === undefined || (runner.done === undefined && runner.lost === undefined)) return;
    }
    this.#ended();
  }
}

/**
 * A runner's batch moved onto the coordinator's clock (in place: it was just parsed from the
 * runner's report), so that the merged records and health rows of all runners share one timeline.
 */
function toCoordinatorClock(batch: BatchMsg, offsetMs: number): void {
  for (const record of batch.records) {
    record.scheduledAt += offsetMs;
    record.startedAt += offsetMs;
  }
  if (batch.health !== undefined) batch.health.at += offsetMs;
}
