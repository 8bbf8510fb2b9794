/**
 * One virtual user: the object a script's default function receives.
 * It turns the client's results into records and samples for the engine.
 */
import type { ChatBody, CompletionBody, RawStreamOptions, RequestOptions } from '../client/request-types.js';
import { toRecord } from '../client/record.js';
import type { Api, RequestRecord, RequestResult } from '../client/types.js';
import { Conversation } from './conversation.js';
import { scriptFrames, type ScriptFrame } from './iteration-context.js';
import { PendingWork, type PendingKind, type PendingOp } from './pending-work.js';
import type { SampleTuple } from './messages.js';
import { RESULT_VU, type Checkers, type ConversationOptions, type VU } from './vu-api.js';

/** What the engine passes with each request: the interrupt signal and, in open loop, the intended send time. */
export interface VuRequestContext {
  signal?: AbortSignal;
  /** Epoch ms of t_sched (the arrival's deadline); absent: t_sched = t_start. */
  scheduledAt?: number;
}

/** What a VU needs of the HTTP client (core/client's LlmClient has this shape). */
export interface VuClient {
  chat(body: ChatBody, options: RequestOptions | undefined, ctx: VuRequestContext): Promise<RequestResult>;
  completion(body: CompletionBody, options: RequestOptions | undefined, ctx: VuRequestContext): Promise<RequestResult>;
  stream(path: string, body: unknown, options: RawStreamOptions | undefined, ctx: VuRequestContext): Promise<RequestResult>;
}

/** Where a VU sends what it measures. */
export interface VuSink {
  record(record: RequestRecord): void;
  sample(sample: SampleTuple): void;
  /** A request with these tags was sent: an id for requestEnded (the controller sees what is in flight, for stopWhenKnown). */
  requestStarted?(tags: Readonly<Record<string, string>>): number;
  /** The request `requestStarted` returned `id` for has ended, before its record is made. */
  requestEnded?(id: number): void;
}

/** Characters of generated text kept on a sampled record (RequestRecord.textSample). */
export const TEXT_SAMPLE_CHARS = 200;
/** Sampled records per sweep level (or scenario) per worker thread. */
const TEXT_SAMPLES_PER_GROUP = 3;
/** Samples taken so far in this worker, by level (or scenario); shared by the worker's VUs. */
const textSamples = new Map<string, number>();

/** Whether a record with these tags keeps a text sample: the first few of its level or scenario. */
function takeTextSample(tags: Record<string, string>): boolean {
  const key = `${tags['scenario'] ?? ''}\u0000${tags['level'] ?? ''}`;
  const taken = textSamples.get(key) ?? 0;
  if (taken >= TEXT_SAMPLES_PER_GROUP) return false;
  textSamples.set(key, taken + 1);
  return true;
}

export class VirtualUser implements VU {
  readonly id: number;
  readonly scenario: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  iteration = 0;
  /** Set when a ramp-down or the phase's end asks this VU to stop after its iteration. */
  stopRequested = false;
  /** Open loop: the arrival number of the running iteration (copied onto its records); undefined in closed loop. */
  arrival: number | undefined;
  /** The running iteration started in its phase's warm-up or cool-down: its records are excluded from the figures. */
  excluded: 'warmup' | 'cooldown' | undefined;
  /** Open loop: the arrival's deadline (epoch ms), t_sched of the iteration's first request; consumed by it. */
  #scheduledAt: number | undefined;
  #tags: Record<string, string>;
  readonly #baseTags: Record<string, string>;
  #controller = new AbortController();
  /** What the running iteration started and has not ended: requests, sleeps, groups. */
  #work = new PendingWork();
  readonly #client: VuClient;
  readonly #sink: VuSink;
  /** Modelled ms per real ms of a time-scaled simulator run: sleep() is the script's think time in the server's terms. */
  readonly #timeScale: number;

  constructor(id: number, scenario: string, tags: Record<string, string>, env: Readonly<Record<string, string | undefined>>, client: VuClient, sink: VuSink, timeScale = 1) {
    this.#timeScale = timeScale > 0 ? timeScale : 1;
    this.id = id;
    this.scenario = scenario;
    this.#tags = { ...tags, scenario };
    this.#baseTags = this.#tags;
    this.env = env;
    this.#client = client;
    this.#sink = sink;
  }

  /** The tags of the code running now: inside a group, the group's (with its `group` tag). */
  get tags(): Record<string, string> {
    return this.#frame()?.tags ?? this.#tags;
  }

  /** The running iteration's pending requests, sleeps and groups. */
  get work(): PendingWork {
    return this.#work;
  }

  /** The context an iteration starts in: this VU, its tags, no group. */
  rootFrame(): ScriptFrame {
    return { vu: this, tags: this.#tags, op: null };
  }

  /** The frame of the code running now, when that code is this VU's. */
  #frame(): ScriptFrame | undefined {
    const frame = scriptFrames.getStore();
    return frame !== undefined && frame.vu === this ? frame : undefined;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Arm a fresh abort signal and pending-work tracker for the next iteration. */
  beginIteration(): void {
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    if (this.#work.size > 0) this.#work = new PendingWork();
  }

  /** Interrupt the running iteration: in-flight requests end as 'aborted'. */
  interrupt(): void {
    this.#controller.abort();
  }

  /**
   * Set up an open-loop iteration: its arrival number, the deadline its first request was
   * scheduled for, and tags added for this iteration only (e.g. the stage), or none.
   */
  beginArrival(arrival: number, scheduledAt: number, extraTags: Record<string, string> | null): void {
    this.arrival = arrival;
    this.#scheduledAt = scheduledAt;
    this.#tags = extraTags === null ? this.#baseTags : { ...this.#baseTags, ...extraTags };
  }

  /** A conversation whose history grows turn by turn, with think time between turns. */
  conversation(options: ConversationOptions = {}): Conversation {
    return new Conversation(this, options);
  }

  /** The context of the next request: the interrupt signal, and t_sched for the first request of an open-loop iteration. */
  #context(): VuRequestContext {
    const scheduledAt = this.#scheduledAt;
    if (scheduledAt === undefined) return { signal: this.signal };
    this.#scheduledAt = undefined;
    return { signal: this.signal, scheduledAt };
  }

  chat(body: ChatBody, options?: RequestOptions): Promise<RequestResult> {
    const frame = this.#frame();
    const tags = frame?.tags ?? this.#tags;
    const promise = this.#inFlight(tags, this.#client.chat(body, options, this.#context())).then((r) => this.#finish('chat', r, tags, options?.tags));
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only its identity is used: the stack trace starts below this public call
    return this.#track('request', frame, promise, VirtualUser.prototype.chat);
  }

  completion(body: CompletionBody, options?: RequestOptions): Promise<RequestResult> {
    const frame = this.#frame();
    const tags = frame?.tags ?? this.#tags;
    const promise = this.#inFlight(tags, this.#client.completion(body, options, this.#context())).then((r) => this.#finish('completion', r, tags, options?.tags));
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only its identity is used: the stack trace starts below this public call
    return this.#track('request', frame, promise, VirtualUser.prototype.completion);
  }

  stream(path: string, body: unknown, options?: RawStreamOptions): Promise<RequestResult> {
    const frame = this.#frame();
    const tags = frame?.tags ?? this.#tags;
    const promise = this.#inFlight(tags, this.#client.stream(path, body, options, this.#context())).then((r) => this.#finish('stream', r, tags, options?.tags));
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only its identity is used: the stack trace starts below this public call
    return this.#track('request', frame, promise, VirtualUser.prototype.stream);
  }

  /** Tell the sink a request is in flight until `promise` settles (one entry per request, not per chunk). */
  #inFlight<T>(tags: Readonly<Record<string, string>>, promise: Promise<T>): Promise<T> {
    const sink = this.#sink;
    if (sink.requestStarted === undefined) return promise;
    const id = sink.requestStarted(tags);
    return promise.finally(() => sink.requestEnded?.(id));
  }

  /** Count `promise` as pending work of the running iteration until it settles. */
  #track<T>(kind: PendingKind, frame: ScriptFrame | undefined, promise: Promise<T>, caller: (...args: never[]) => unknown): Promise<T> {
    const work = this.#work;
    return work.settleWith(work.open(kind, frame?.op ?? null, caller), promise);
  }

  check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean {
    const current = this.tags;
    let all = true;
    for (const name of Object.keys(checkers)) {
      let ok: boolean;
      try {
        ok = Boolean(checkers[name]!(value));
      } catch {
        ok = false;
      }
      if (!ok) all = false;
      this.#sink.sample(['checks', 'rate', ok ? 1 : 0, { ...current, ...tags, check: name }, false]);
    }
    return all;
  }

  /**
   * The group's body runs in a frame of its own, which its awaits keep: concurrent groups of one
   * VU (`Promise.all([group('a', …), group('b', …)])`) each tag their own requests.
   */
  group<R>(name: string, fn: () => R | Promise<R>): Promise<R> {
    const frame = this.#frame();
    const outer = frame?.tags ?? this.#tags;
    const work = this.#work;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only its identity is used: the stack trace starts below this public call
    const op = work.open('group', frame?.op ?? null, VirtualUser.prototype.group);
    const inner: ScriptFrame = { vu: this, tags: { ...outer, group: `${outer['group'] ?? ''}::${name}` }, op };
    const promise = scriptFrames.run(inner, runBody, fn, work, op);
    op.promise = promise;
    return promise;
  }

  sleep(seconds: number): Promise<void> {
    const signal = this.signal;
    if (signal.aborted || !(seconds > 0)) return Promise.resolve();
    const promise = new Promise<void>((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (seconds * 1000) / this.#timeScale,
      );
      signal.addEventListener('abort', onAbort, { once: true });
    });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only its identity is used: the stack trace starts below this public call
    return this.#track('sleep', this.#frame(), promise, VirtualUser.prototype.sleep);
  }

  /** Emit a sample tagged with the tags of the code running now (this VU's, and its group's). */
  emit(name: string, type: SampleTuple[1], value: number, isTime: boolean, tags?: Record<string, string>): void {
    const current = this.tags;
    this.#sink.sample([name, type, value, tags === undefined ? current : { ...current, ...tags }, isTime]);
  }

  /** The record of a finished request, tagged as the code that sent it was (`tags`: its group's). */
  #finish(api: Api, result: RequestResult, tags: Record<string, string>, requestTags: Record<string, string> | undefined): RequestResult {
    const record = toRecord(result, {
      scenario: this.scenario,
      tags: requestTags === undefined ? tags : { ...tags, ...requestTags },
      vu: this.id,
      iteration: this.iteration,
      api,
    });
    if (this.arrival !== undefined) record.arrival = this.arrival;
    if (this.excluded !== undefined) record.excluded = this.excluded;
    if (takeTextSample(record.tags)) record.textSample = (result.text === '' ? result.reasoning : result.text).slice(0, TEXT_SAMPLE_CHARS);
    this.#sink.record(record);
    Object.defineProperty(result, RESULT_VU, { value: this, enumerable: false });
    return result;
  }
}

/** A group's body, as a promise whatever it returns or throws; its op stays pending until the body ends. */
async function runBody<R>(fn: () => R | Promise<R>, work: PendingWork, op: PendingOp): Promise<R> {
  try {
    return await fn();
  } finally {
    work.close(op);
  }
}
