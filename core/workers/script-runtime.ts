/**
 * The ScriptRuntime a thread registers for dsl/ (check, group, custom metrics).
 * One per thread. The VU whose code is running comes from the script frame
 * (iteration-context.ts), which the iteration's awaits carry along.
 */
import { openDataset, type DatasetContext } from '../datasets/dataset.js';
import type { Dataset } from '../datasets/types.js';
import type { DatasetOptions } from '../options/types.js';
import { scriptFrames } from './iteration-context.js';
import type { SampleTuple } from './messages.js';
import { RUNTIME_SLOT, type MetricType, type ScriptRuntime, type VU } from './vu-api.js';

export class ThreadRuntime implements ScriptRuntime {
  /** Which worker this is (set by the worker host), and the script's directory: datasets split their items by the one and read files from the other. */
  readonly datasetContext: DatasetContext = { workerIndex: 0, workerCount: 1, scriptDir: process.cwd() };
  /** options.datasets by name, once the worker host has read the script's options. */
  datasetSpecs: Readonly<Record<string, DatasetOptions>> = {};
  readonly #emit: (sample: SampleTuple) => void;
  readonly #abort: (reason: string) => void;
  readonly #baseTags: Record<string, string>;

  constructor(emit: (sample: SampleTuple) => void, abort: (reason: string) => void, baseTags: Record<string, string> = {}) {
    this.#emit = emit;
    this.#abort = abort;
    this.#baseTags = baseTags;
  }

  /** Make this runtime the one dsl/ reaches in this thread. */
  install(): void {
    (globalThis as Record<symbol, unknown>)[RUNTIME_SLOT] = this;
  }

  addSample(name: string, type: MetricType, value: number, tags: Record<string, string> | undefined, isTime: boolean): void {
    if (!Number.isFinite(value)) return;
    const vu = scriptFrames.getStore()?.vu;
    if (vu !== undefined) vu.emit(name, type, value, isTime, tags);
    else this.#emit([name, type, value, { ...this.#baseTags, ...tags }, isTime]);
  }

  currentVu(): VU | undefined {
    return scriptFrames.getStore()?.vu;
  }

  addCheck(name: string, ok: boolean, tags: Record<string, string> | undefined): void {
    this.#emit(['checks', 'rate', ok ? 1 : 0, { ...this.#baseTags, ...tags, check: name }, false]);
  }

  openDataset(spec: DatasetOptions | string): Dataset {
    if (typeof spec !== 'string') return openDataset(spec, this.datasetContext);
    const named = Object.hasOwn(this.datasetSpecs, spec) ? this.datasetSpecs[spec] : undefined;
    if (named === undefined) {
      const known = Object.keys(this.datasetSpecs);
      throw new Error(`llmload: no dataset named "${spec}" in options.datasets${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`);
    }
    return openDataset(named, this.datasetContext);
  }

  abortTest(reason: string): never {
    this.#abort(reason);
    throw new TestAbortedSignal(reason);
  }
}

/** Thrown through the script's stack by abortTest(); the host recognises and does not log it. */
export class TestAbortedSignal extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TestAbortedSignal';
  }
}
