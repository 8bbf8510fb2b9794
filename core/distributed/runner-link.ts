/**
 * A runner's side of a split test with a coordinator (`--coordinator-url`):
 * registers and takes setup()'s data, says when it is prepared, measures its
 * clock offset once every runner is (so that no runner's start-up work delays
 * the round trips), sleeps until the one start time, then reports every
 * heartbeat (its worker messages and scheduler events) and learns from the
 * answer when to stop. Between phases where the coordinator holds the runners
 * in step it waits for their common start the same way, and after each phase
 * of a rate-sweep or capacity search for the coordinator's decision of what
 * follows, taken on every runner's records. A runner that cannot
 * reach its coordinator for the heartbeat timeout stops.
 */
import { hostname } from 'node:os';
import { ErrorCode, LlmloadError, type ErrorRecord } from '../errors.js';
import type { WorkerMsg } from '../workers/messages.js';
import { clockOffset, sleepUntil, type ClockOffset, type ClockSample } from './clock-offset.js';
import { JsonClient } from './http-json.js';
import type { StepDecision } from '../run/step-decider.js';
import {
  PROTOCOL_VERSION,
  type ClockReply,
  type DecideReply,
  type Handoff,
  type PreparedReply,
  type ReportReply,
  type RunnerDone,
  type RunnerEvent,
  type StartReply,
} from './protocol.js';
import { describeSlice, type InstanceSlice } from './segment.js';
import { toWire } from './wire-records.js';

/**
 * Tests shift a runner's clock by this many ms to check that the offset is corrected: the clock it
 * measures its offset and its start with, and the times of the records it sends.
 */
export const CLOCK_OFFSET_ENV = 'LLMLOAD_TEST_CLOCK_OFFSET_MS';
/** Round trips to the coordinator; the least delayed one gives the offset. */
const CLOCK_SAMPLES = 16;
const RETRY_MS = 250;

export class RunnerLink {
  readonly #client: JsonClient;
  readonly #slice: InstanceSlice;
  readonly #clock: () => number;
  readonly #shiftMs: number;
  #startAt = 0;
  #handoff: Handoff | undefined;
  #offset: ClockOffset | undefined;
  #messages: WorkerMsg[] = [];
  #events: RunnerEvent[] = [];
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();
  #lastAnswer = 0;
  #lost = false;
  /** Called once when the coordinator says to stop. */
  onStop: (gracefulStopMs: number | undefined) => void = () => undefined;
  /** Called once when the coordinator has not answered for the heartbeat timeout. */
  onLost: (error: LlmloadError) => void = () => undefined;

  constructor(url: string, slice: InstanceSlice, env: Readonly<Record<string, string | undefined>>) {
    this.#client = new JsonClient(url);
    this.#slice = slice;
    const shift = Number(env[CLOCK_OFFSET_ENV] ?? 0) || 0;
    this.#shiftMs = shift;
    this.#clock = () => performance.timeOrigin + performance.now() + shift;
  }

  get who(): string {
    return describeSlice(this.#slice);
  }

  get offset(): ClockOffset | undefined {
    return this.#offset;
  }

  /** Register, retrying while the coordinator is not up yet (pods start in any order). */
  async register(timeoutMs: number): Promise<Handoff> {
    const deadline = performance.now() + timeoutMs;
    const body = { version: PROTOCOL_VERSION, index: this.#slice.index, count: this.#slice.count, pid: process.pid, host: hostname() };
    for (;;) {
      try {
        this.#handoff = await this.#client.post<Handoff>('/register', body, 5_000);
        this.#lastAnswer = performance.now();
        return this.#handoff;
      } catch (error) {
        const message = (error as Error).message;
        // A refusal (wrong count, index taken) is final; a connection error means "not up yet".
        if (message.startsWith('/register:') && !/ECONNREFUSED|ECONNRESET|no answer|ENOTFOUND|EAI_AGAIN/.test(message)) throw this.#lostError(message);
        if (performance.now() > deadline) throw this.#lostError(`cannot register: ${message}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /**
   * Call once everything the load needs is in place (script, warm workers and their connections):
   * wait for every runner to be as far, measure the clock offset, say ready, and sleep until the
   * coordinator's start time. The caller takes its time zero right after and reports it with started().
   */
  async waitForStart(): Promise<void> {
    const prepared = await this.#client.post<PreparedReply>('/prepared', { index: this.#slice.index }, 0).catch((error: Error) => {
      throw this.#lostError(error.message);
    });
    if ('error' in prepared) throw fromStartError(prepared.error);
    const samples: ClockSample[] = [];
    for (let i = 0; i < CLOCK_SAMPLES; i++) {
      const sentAt = this.#clock();
      const reply = await this.#client.post<ClockReply>('/clock', {}, 5_000).catch((error: Error) => {
        throw this.#lostError(error.message);
      });
      samples.push({ sentAt, coordinatorAt: reply.now, receivedAt: this.#clock() });
    }
    const offset = clockOffset(samples);
    this.#offset = offset;
    const start = await this.#client.post<StartReply>('/ready', { index: this.#slice.index, ...offset }, 0).catch((error: Error) => {
      throw this.#lostError(error.message);
    });
    if ('error' in start) throw fromStartError(start.error);
    this.#startAt = start.startAt;
    await sleepUntil(start.startAt - offset.offsetMs, this.#clock);
    this.#lastAnswer = performance.now();
  }

  /** The scheduler took its time zero at `zero` (performance.now()): how late that was after the agreed start is the start skew. */
  started(zero: number): void {
    const offsetMs = this.#offset?.offsetMs ?? 0;
    this.#events.push({ kind: 'started', skewMs: performance.timeOrigin + zero + this.#shiftMs + offsetMs - this.#startAt });
  }

  /**
   * Wait at the start of phase `phaseIndex` of `scenario` until every runner is there, then until
   * their common start time. A refusal or a lost coordinator resolves it too: the heartbeat says
   * what happens next.
   */
  async phaseBarrier(scenario: string, phaseIndex: number): Promise<void> {
    const reply = await this.#client.post<StartReply>('/barrier', { index: this.#slice.index, scenario, phaseIndex }, 0).catch(() => null);
    if (reply === null || 'error' in reply) return;
    await sleepUntil(reply.startAt - (this.#offset?.offsetMs ?? 0), this.#clock);
  }

  /**
   * After phase `phaseIndex` of a deciding scenario (rate-sweep, capacity-search): send every record
   * of it, then wait for the coordinator's decision, taken on every runner's records, and for the
   * next phase's common start. A refusal or a lost coordinator ends the scenario: the heartbeat
   * says what happens to the run.
   */
  async decideStep(scenario: string, phaseIndex: number, tags: Record<string, string>): Promise<StepDecision> {
    // The workers flushed their records of the phase before reporting it done: they are all queued here.
    await this.#flush();
    const reply = await this.#client.post<DecideReply>('/decide', { index: this.#slice.index, scenario, phaseIndex, tags }, 0).catch(() => null);
    if (reply === null || 'error' in reply) return { kind: 'end' };
    await sleepUntil(reply.startAt - (this.#offset?.offsetMs ?? 0), this.#clock);
    return reply.decision;
  }

  /** Report every heartbeat from now on. */
  startHeartbeat(): void {
    const every = this.#handoff?.heartbeatMs ?? 500;
    this.#timer = setInterval(() => void this.#flush(), every);
  }

  message(msg: WorkerMsg): void {
    // A test's shifted clock stamps this runner's records too, as a machine whose clock is off would.
    if (this.#shiftMs !== 0 && msg.cmd === 'BATCH') {
      for (const record of msg.records) {
        record.scheduledAt += this.#shiftMs;
        record.startedAt += this.#shiftMs;
      }
    }
    this.#messages.push(msg);
  }

  event(event: RunnerEvent): void {
    this.#events.push(event);
  }

  /** Send what is left and the runner's end; the coordinator builds the summary. */
  async finish(done: Omit<RunnerDone, 'index'>, error?: ErrorRecord): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#lost) return;
    await this.#flush();
    await this.#client.post('/done', { index: this.#slice.index, ...done, ...(error === undefined ? {} : { error }) }, 10_000).catch(() => undefined);
    this.#client.close();
  }

  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#client.close();
  }

  /** One report at a time, in order; a failed one is sent again with the next (the coordinator drops repeats by seq). */
  #flush(): Promise<void> {
    this.#sending = this.#sending.then(async () => {
      if (this.#lost) return;
      const messages = this.#messages;
      const events = this.#events;
      this.#messages = [];
      this.#events = [];
      const seq = ++this.#seq;
      const lostAfterMs = this.#handoff?.lostAfterMs ?? 5_000;
      try {
        const reply = await this.#client.post<ReportReply>('/report', { index: this.#slice.index, seq, messages: toWire(messages), events }, lostAfterMs);
        this.#lastAnswer = performance.now();
        if (reply.stop !== null) this.onStop(reply.stop.gracefulStopMs);
      } catch (error) {
        this.#seq--;
        this.#messages = messages.concat(this.#messages);
        this.#events = events.concat(this.#events);
        if (performance.now() - this.#lastAnswer > lostAfterMs) {
          this.#lost = true;
          if (this.#timer !== undefined) clearInterval(this.#timer);
          this.onLost(this.#lostError(`no answer from the coordinator for ${Math.round(lostAfterMs / 1000)} s (${(error as Error).message})`));
        }
      }
    });
    return this.#sending;
  }

  #lostError(message: string): LlmloadError {
    return new LlmloadError(ErrorCode.COORDINATOR_LOST, `${this.who}: ${message}`, { hint: 'Its share of the load stopped; the coordinator reports what it received.' });
  }
}

function fromStartError(error: ErrorRecord): LlmloadError {
  return new LlmloadError(error.code, error.message, error.details === undefined ? {} : { details: error.details });
}
