/**
 * The narrow interface between a running script and the engine.
 *
 * The default function receives a `VU`. Module-level helpers in dsl/ (check,
 * group, custom metrics) reach the engine through the `ScriptRuntime` that the
 * worker registers under `RUNTIME_SLOT` before the script's code runs; dsl never
 * imports engine code, and the engine never imports dsl.
 */
import type { ChatBody, CompletionBody, RawStreamOptions, RequestOptions } from '../client/request-types.js';
import type { RequestResult } from '../client/types.js';

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
  /** Pause this VU for `seconds` (think time); returns early when the iteration is interrupted. */
  sleep(seconds: number): Promise<void>;
}

/** What dsl/ reaches at run time. One per worker thread (and one in the controller for setup/teardown). */
export interface ScriptRuntime {
  /** Record one sample of a custom metric. */
  addSample(name: string, type: MetricType, value: number, tags: Record<string, string> | undefined, isTime: boolean): void;
  /** The VU whose code ran most recently without awaiting, if any: used by module-level check()/group(). */
  currentVu(): VU | undefined;
  /** Record a check result with explicit tags (used when no VU is current, e.g. in setup). */
  addCheck(name: string, ok: boolean, tags: Record<string, string> | undefined): void;
  /** Stop the whole test (k6 `test.abort()`). */
  abortTest(reason: string): never;
}

/** Global registry key under which the worker registers its ScriptRuntime. */
export const RUNTIME_SLOT = Symbol.for('llmload.runtime');

/** A result object carries its VU so that module-level `check(res, …)` tags correctly after an await. */
export const RESULT_VU = Symbol.for('llmload.result.vu');
