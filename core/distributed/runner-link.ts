/**
 * A runner's side of a split test with a coordinator (`--coordinator-url`):
 * registers and takes setup()'s data, measures its clock offset, sleeps until
 * the one start time, then reports every heartbeat (its worker messages and
 * scheduler events) and learns from the answer when to stop. A runner that
 * cannot reach its coordinator for the heartbeat timeout stops.
 */
import { hostname } from 'node:os';
import { ErrorCode, LlmloadError, type ErrorRecord } from '../errors.js';
import type { WorkerMsg } from '../workers/messages.js';
import { clockOffset, sleepUntil, type ClockOffset, type ClockSample } from './clock-offset.js';
import { JsonClient } from './http-json.js';
import { PROTOCOL_VERSION, type ClockReply, type Handoff, type ReportReply, type RunnerDone, type RunnerEvent, type StartReply } from './protocol.js';
import { describeSlice, type InstanceSlice } from './segment.js';

/** Tests shift a runner's clock by this many ms to check that the offset is corrected. */
export const CLOCK_OFFSET_ENV = 'LLMLOAD_TEST_CLOCK_OFFSET_MS';
const CLOCK_SAMPLES = 8;
const RETRY_MS = 250;

export class RunnerLink {
  readonly #client: JsonClient;
  readonly #slice: InstanceSlice;
  readonly #clock: () => number;
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

  /** Measure the clock offset, say ready, and sleep until the coordinator's start time. */
  async waitForStart(): Promise<void> {
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
    if ('error' in start) throw new LlmloadError(start.error.code, start.error.message, start.error.details === undefined ? {} : { details: start.error.details });
    const localStart = start.startAt - offset.offsetMs;
    await sleepUntil(localStart, this.#clock);
    this.#events.push({ kind: 'started', skewMs: this.#clock() + offset.offsetMs - start.startAt });
    this.#lastAnswer = performance.now();
  }

  /** Report every heartbeat from now on. */
  startHeartbeat(): void {
    const every = this.#handoff?.heartbeatMs ?? 500;
    this.#timer = setInterval(() => void this.#flush(), every);
  }

  message(msg: WorkerMsg): void {
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
        const reply = await this.#client.post<ReportReply>('/report', { index: this.#slice.index, seq, messages, events }, lostAfterMs);
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
