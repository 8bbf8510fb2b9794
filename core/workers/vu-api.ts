/**
 * The narrow interface between a running script and the engine.
 *
 * The default function receives a `VU`. Module-level helpers in dsl/ (check,
 * group, custom metrics) reach the engine through the `ScriptRuntime` that the
 * worker registers under `RUNTIME_SLOT` before the script's code runs; dsl never
 * imports engine code, and the engine never imports dsl.
 */
import type { ChatBody, ChatMessage, CompletionBody, RawStreamOptions, RequestOptions } from '../client/request-types.js';
import type { RequestResult } from '../client/types.js';
import type { Dataset } from '../datasets/types.js';
import type { DatasetOptions } from '../options/types.js';

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

/** A check: a name and a predicate over the checked value. */
export type Checkers<T> = Record<string, (value: T) => boolean>;

export interface VU {
  /** 1-based number of this VU, unique across workers within the test. */
  readonly id: number;
  /** 0-based iteration number of this VU within its scenario. */
  readonly iteration: number;
  /** Name of the running scenario. */
  readonly scenario: string;
  /** Tags applied to every sample this VU emits (scenario, level, …); writable for custom tags. */
  readonly tags: Record<string, string>;
  /** Environment: process env, overridden by -e KEY=VALUE and the scenario's env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the engine interrupts this iteration (gracefulStop, ramp-down, Ctrl-C). */
  readonly signal: AbortSignal;

  /** POST /v1/chat/completions, streamed unless `body.stream === false`. Never rejects for a failed request. */
  chat(body: ChatBody, options?: RequestOptions): Promise<RequestResult>;
  /** POST /v1/completions, streamed unless `body.stream === false`. */
  completion(body: CompletionBody, options?: RequestOptions): Promise<RequestResult>;
  /** Any SSE or NDJSON streaming endpoint (TGI /generate_stream, Ollama /api/chat); path is relative to the target URL. */
  stream(path: string, body: unknown, options?: RawStreamOptions): Promise<RequestResult>;

  /** Run checks on a value; each check's pass/fail is recorded in `checks` with this VU's tags. */
  check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean;
  /** Run fn with a `group` tag on every sample it emits. */
  group<R>(name: string, fn: () => R | Promise<R>): Promise<R>;
  /**
   * Pause this VU for `seconds` (think time); returns early when the iteration is interrupted. Seconds of the
   * server's time: against the built-in simulator at --time-scale N, 1/N as long on the clock.
   */
  sleep(seconds: number): Promise<void>;
  /**
   * A multi-turn chat: each `say()` sends the whole history plus the new user turn and appends the
   * answer, after a think time from the second turn on.
   */
  conversation(options?: ConversationOptions): ChatConversation;
}

/** A duration: a string like '2s' or '500ms', or a number of milliseconds. */
type DurationValue = string | number;

export interface ConversationOptions {
  /** System prompt, first in the history. */
  system?: string;
  /** Pause before every turn after the first: a duration, or [min, max] drawn uniformly per turn. */
  thinkTime?: DurationValue | readonly [DurationValue, DurationValue];
  /** Body fields sent with every turn (max_tokens, temperature, ignore_eos…). */
  body?: Partial<ChatBody>;
  /** Request options (tags, timeout…) for every turn. */
  options?: RequestOptions;
  /** Tag every request with `turn: N` (1-based), for one row or threshold per turn. Default false. */
  tagTurns?: boolean;
}

export interface ChatConversation {
  /** The history so far: system, then user and assistant turns. */
  readonly messages: ChatMessage[];
  /** User turns answered so far. */
  readonly turns: number;
  /**
   * Send a user turn with the whole history. The answer is appended when the request succeeded;
   * a failed turn is taken back out of the history. Waits the think time first, from the second turn on.
   */
  say(content: string, body?: Partial<ChatBody>): Promise<RequestResult>;
  /** Say each of `turns` in order (e.g. a ShareGPT conversation's user turns); stops at a failed turn or an interrupt. */
  replay(turns: readonly string[], body?: Partial<ChatBody>): Promise<RequestResult[]>;
}

/** What dsl/ reaches at run time. One per worker thread (and one in the controller for setup/teardown). */
export interface ScriptRuntime {
  /** Record one sample of a custom metric. */
  addSample(name: string, type: MetricType, value: number, tags: Record<string, string> | undefined, isTime: boolean): void;
  /** The VU whose iteration the calling code belongs to (across awaits), if any: used by module-level check()/group()/sleep(). */
  currentVu(): VU | undefined;
  /** Record a check result with explicit tags (used when no VU is current, e.g. in setup). */
  addCheck(name: string, ok: boolean, tags: Record<string, string> | undefined): void;
  /** Stop the whole test (k6 `test.abort()`). */
  abortTest(reason: string): never;
  /** Open a dataset in this thread: a spec, or the name of one in options.datasets. */
  openDataset(spec: DatasetOptions | string): Dataset;
}

/** Global registry key under which the worker registers its ScriptRuntime. */
export const RUNTIME_SLOT = Symbol.for('llmload.runtime');

/** A result object carries its VU so that module-level `check(res, …)` tags correctly after an await. */
export const RESULT_VU = Symbol.for('llmload.result.vu');
