/**
 * What scenario scripts import: `import { check, Trend } from 'llmload'`.
 *
 * This module holds no engine code. At run time it reaches the engine through
 * the one ScriptRuntime the worker registers under Symbol.for('llmload.runtime')
 * (see core/workers/vu-api.ts) before the script's code runs.
 *
 * VUs hosted by the same worker thread share this module's scope (unlike k6,
 * where each VU has its own JavaScript runtime): module-level variables in a
 * script are shared by the VUs of one worker.
 */
import type { Checkers, MetricType, ScriptRuntime, VU } from '../core/workers/vu-api.js';
import type { Dataset, DatasetItem, DatasetVu } from '../core/datasets/types.js';
import type { DatasetOptions } from '../core/options/types.js';
import type { RequestResult } from '../core/client/types.js';

export type { Options, ScenarioOptions, Stage, ThresholdSpec, TargetOptions, RequestDefaults, SimulatorOptions, Duration } from '../core/options/types.js';
export type { ArrivalDistribution, DatasetOptions, SloOptions } from '../core/options/types.js';
export type { VU, Checkers, ChatConversation, ConversationOptions } from '../core/workers/vu-api.js';
export type { Dataset, DatasetItem, DatasetVu } from '../core/datasets/types.js';
export type { RequestResult, FailureClass, Usage } from '../core/client/types.js';
export type { ChatBody, ChatMessage, CompletionBody, RequestOptions, RawStreamOptions } from '../core/client/request-types.js';

const RUNTIME_SLOT = Symbol.for('llmload.runtime');
const RESULT_VU = Symbol.for('llmload.result.vu');

function runtime(): ScriptRuntime {
  const rt = (globalThis as Record<symbol, ScriptRuntime | undefined>)[RUNTIME_SLOT];
  if (rt === undefined) throw new Error('llmload: this function can only be called while a test runs (inside default(), setup() or teardown())');
  return rt;
}

/** The VU that made a result, when the value is a request result. */
function vuOf(value: unknown): VU | undefined {
  if (value !== null && typeof value === 'object') {
    const vu = (value as Record<symbol, VU | undefined>)[RESULT_VU];
    if (vu !== undefined) return vu;
  }
  return undefined;
}

/**
 * Run named checks on a value; each pass/fail is recorded in the `checks` rate
 * metric, tagged with the VU's tags (and group) and `check:<name>`. Returns true
 * when all passed. The VU is the one whose iteration calls it, after any number
 * of awaits.
 */
export function check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean {
  const rt = runtime();
  const vu = vuOf(value) ?? rt.currentVu();
  if (vu !== undefined) return vu.check(value, checkers, tags);
  let all = true;
  for (const [name, fn] of Object.entries(checkers)) {
    let ok: boolean;
    try {
      ok = Boolean(fn(value));
    } catch {
      ok = false;
    }
    rt.addCheck(name, ok, tags);
    if (!ok) all = false;
  }
  return all;
}

/**
 * Run fn with a `group` tag on the requests and samples it makes, across its awaits (concurrent
 * groups of one VU each tag their own). Await it: an iteration that returns while a group runs
 * is held until the group ends, with a warning.
 */
export function group<R>(name: string, fn: () => R | Promise<R>): Promise<R> {
  const vu = runtime().currentVu();
  // The VU's own promise, not a wrapper: the VU tracks it, and a rejection the script leaves
  // unhandled stays unhandled rather than being duplicated into a second promise.
  if (vu !== undefined) return vu.group(name, fn);
  try {
    return Promise.resolve(fn());
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the script's own thrown value passes through unchanged
    return Promise.reject(error);
  }
}

/**
 * Pause the calling VU for `seconds`; wakes early when its iteration is interrupted. Await it: an
 * un-awaited sleep still delays the VU's next iteration, with a warning. In a VU, seconds of the
 * server's time (1/N as long against the simulator at --time-scale N); outside one, of the clock.
 */
export function sleep(seconds: number): Promise<void> {
  const vu = runtime().currentVu();
  if (vu !== undefined) return vu.sleep(seconds);
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000)));
}

/** Stop the whole test now (k6 `exec.test.abort()`); exit code 108. */
export function abortTest(reason = 'test aborted by the script'): never {
  return runtime().abortTest(reason);
}

/** Where the loader listens for the metrics a script declares while it loads (core/run/load-script.ts). */
const DECLARED_METRICS_SLOT = Symbol.for('llmload.metrics.declared');

abstract class CustomMetric {
  readonly name: string;
  readonly isTime: boolean;
  protected abstract readonly type: MetricType;
  constructor(name: string, isTime = false) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) {
      throw new Error(`llmload: invalid metric name "${name}" (letters, digits and _ only, starting with a letter or _)`);
    }
    this.name = name;
    this.isTime = isTime;
  }
  /** Tell the loader, when one listens, that the script declares this metric (thresholds on it are then known before the start). */
  protected announce(type: MetricType): void {
    const listener = (globalThis as Record<symbol, ((name: string, type: MetricType) => void) | undefined>)[DECLARED_METRICS_SLOT];
    listener?.(this.name, type);
  }
  /** Add a sample, with optional extra tags. */
  add(value: number | boolean, tags?: Record<string, string>): void {
    runtime().addSample(this.name, this.type, typeof value === 'boolean' ? Number(value) : value, tags, this.isTime);
  }
}

/** A cumulative sum (k6 Counter). */
export class Counter extends CustomMetric {
  protected readonly type = 'counter' as const;
  constructor(name: string, isTime = false) {
    super(name, isTime);
    this.announce(this.type);
  }
}
/** The last value, plus min and max (k6 Gauge). */
export class Gauge extends CustomMetric {
  protected readonly type = 'gauge' as const;
  constructor(name: string, isTime = false) {
    super(name, isTime);
    this.announce(this.type);
  }
}
/** The share of non-zero samples (k6 Rate). */
export class Rate extends CustomMetric {
  protected readonly type = 'rate' as const;
  constructor(name: string, isTime = false) {
    super(name, isTime);
    this.announce(this.type);
  }
}
/** A distribution: avg, min, med, max, percentiles (k6 Trend). `isTime` marks milliseconds. */
export class Trend extends CustomMetric {
  protected readonly type = 'trend' as const;
  constructor(name: string, isTime = false) {
    super(name, isTime);
    this.announce(this.type);
  }
}

/**
 * A dataset of prompts: from a file (JSONL, JSON array, ShareGPT, CSV), from a synthetic
 * token-length distribution in genai-bench's notation, or the name of one in options.datasets.
 *
 *   const prompts = dataset({ synthetic: 'N(480,240)/(300,150)', seed: 1 });
 *   export default async (vu: VU) => { await vu.completion(prompts.next(vu).completion()); };
 *
 * Call it at the top of the script: each worker thread opens the dataset when the script loads
 * (a bad file stops the test before anything is sent, naming the file and line), and the VUs of
 * a thread share it.
 */
export function dataset(spec: DatasetOptions | string): Dataset {
  const rt = (globalThis as Record<symbol, ScriptRuntime | undefined>)[RUNTIME_SLOT];
  // Named datasets are resolved on first use (options are read after the script loads); the
  // controller, which loads the script only to read its options, has no runtime and no use for items.
  if (rt !== undefined && typeof spec !== 'string') return rt.openDataset(spec);
  return new LazyDataset(spec);
}

/** A dataset opened on first use, through the runtime of the thread that uses it. */
class LazyDataset implements Dataset {
  readonly #spec: DatasetOptions | string;
  #opened: Dataset | undefined;
  constructor(spec: DatasetOptions | string) {
    this.#spec = spec;
  }
  get size(): number {
    return this.#open().size;
  }
  next(vu?: DatasetVu): DatasetItem {
    return this.#open().next(vu);
  }
  at(index: number): DatasetItem {
    return this.#open().at(index);
  }
  #open(): Dataset {
    return (this.#opened ??= runtime().openDataset(this.#spec));
  }
}

/** The type of a request result, for scripts that annotate. */
export type Result = RequestResult;
