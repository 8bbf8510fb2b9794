/**
 * One virtual user: the object a script's default function receives.
 * It turns the client's results into records and samples for the engine.
 */
import type { ChatBody, CompletionBody, RawStreamOptions, RequestOptions } from '../client/request-types.js';
import { toRecord } from '../client/record.js';
import type { Api, RequestRecord, RequestResult } from '../client/types.js';
import { Conversation } from './conversation.js';
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
  readonly #client: VuClient;
  readonly #sink: VuSink;

  constructor(id: number, scenario: string, tags: Record<string, string>, env: Readonly<Record<string, string | undefined>>, client: VuClient, sink: VuSink) {
    this.id = id;
    this.scenario = scenario;
    this.#tags = { ...tags, scenario };
    this.#baseTags = this.#tags;
    this.env = env;
    this.#client = client;
    this.#sink = sink;
  }

  get tags(): Record<string, string> {
    return this.#tags;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Arm a fresh abort signal for the next iteration. */
  beginIteration(): void {
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
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
    return this.#client.chat(body, options, this.#context()).then((r) => this.#finish('chat', r, options?.tags));
  }

  completion(body: CompletionBody, options?: RequestOptions): Promise<RequestResult> {
    return this.#client
      .completion(body, options, this.#context())
      .then((r) => this.#finish('completion', r, options?.tags));
  }

  stream(path: string, body: unknown, options?: RawStreamOptions): Promise<RequestResult> {
    return this.#client.stream(path, body, options, this.#context()).then((r) => this.#finish('stream', r, options?.tags));
  }

  check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean {
    let all = true;
    for (const name of Object.keys(checkers)) {
      let ok: boolean;
      try {
        ok = Boolean(checkers[name]!(value));
      } catch {
        ok = false;
      }
      if (!ok) all = false;
      this.#sink.sample(['checks', 'rate', ok ? 1 : 0, { ...this.#tags, ...tags, check: name }, false]);
    }
    return all;
  }

  async group<R>(name: string, fn: () => R | Promise<R>): Promise<R> {
    const outer = this.#tags;
    const path = `${outer['group'] ?? ''}::${name}`;
    this.#tags = { ...outer, group: path };
    try {
      return await fn();
    } finally {
      this.#tags = outer;
    }
  }

  sleep(seconds: number): Promise<void> {
    const signal = this.signal;
    if (signal.aborted || !(seconds > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, seconds * 1000);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Emit a sample tagged with this VU's tags. */
  emit(name: string, type: SampleTuple[1], value: number, isTime: boolean, tags?: Record<string, string>): void {
    this.#sink.sample([name, type, value, tags === undefined ? this.#tags : { ...this.#tags, ...tags }, isTime]);
  }

  #finish(api: Api, result: RequestResult, requestTags: Record<string, string> | undefined): RequestResult {
    const record = toRecord(result, {
      scenario: this.scenario,
      tags: requestTags === undefined ? this.#tags : { ...this.#tags, ...requestTags },
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
