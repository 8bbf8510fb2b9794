/**
 * The simulated inference engine: a discrete step loop shaped like vLLM's V1
 * continuous-batching scheduler, in virtual time (milliseconds).
 *
 * Each step (vllm/v1/core/sched/scheduler.py `schedule()`):
 *  1. Running sequences first, in admission order. Each gets the tokens it
 *     still needs (1 for a decode, the rest of its prompt for a chunked
 *     prefill) up to what is left of the step's token budget
 *     (maxNumBatchedTokens). When the KV cache has no block for it, the
 *     newest running sequence is preempted (blocks freed, progress dropped,
 *     put back at the head of the queue: vLLM's recompute preemption).
 *  2. Then, if nothing was preempted, waiting sequences in FIFO order while
 *     the batch has room (maxNumSeqs), budget remains and the KV cache can
 *     hold their (uncached) prompt chunk. A prompt's leading full blocks that
 *     are already cached are not computed again (prefix caching); at least
 *     the last prompt token is always computed, as in vLLM.
 *  3. The step lasts
 *       stepBaseMs + stepPerSeqMs × scheduled sequences
 *       + stepPerContextTokenMs × Σ context tokens of scheduled sequences
 *       + prefillPerTokenMs × prompt tokens computed this step.
 *  4. At its end every sequence whose tokens are all computed samples one
 *     token; a sequence with all its output tokens finishes and frees its
 *     blocks.
 *
 * The engine is pure: the same config and the same calls give the same steps,
 * to the bit. It holds no clock; a driver calls `schedule(atMs)` then
 * `complete(step)` (simulate.ts in virtual time, realtime-driver.ts on the
 * wall clock). Requests arriving between the two join the next step, as in
 * vLLM.
 */
import type { EngineConfig } from './engine-config.js';
import { KvCache, type KvBlock } from './kv-cache.js';

/** What the engine needs to know of a request. Output length is decided before submission (output-plan.ts). */
export interface EngineRequest<T> {
  /** Unique among live requests. */
  id: string;
  /** Virtual time of arrival, ms. */
  arrivalMs: number;
  promptTokens: number;
  /** Chained hashes of the prompt's full blocks (prompt-tokens.ts); equal prefixes give equal leading hashes. */
  blockHashes: readonly string[];
  /** Exact number of tokens to generate, >= 1. */
  outputTokens: number;
  /** The driver's handle (e.g. the HTTP response); the engine never looks inside. */
  tag: T;
}

export type SequenceStatus = 'waiting' | 'running' | 'finished' | 'aborted';

/** A request inside the engine. Drivers read its fields; only the engine writes them. */
export class Sequence<T> {
  readonly request: EngineRequest<T>;
  status: SequenceStatus = 'waiting';
  /** Output tokens sampled so far. */
  generated = 0;
  /** Tokens whose KV is computed (prompt + output). */
  computed = 0;
  /** Tokens scheduled in the step in flight. */
  scheduledTokens = 0;
  blocks: KvBlock[] = [];
  /** Prompt blocks already offered to the prefix cache. */
  registeredBlocks = 0;
  /** Virtual time the sequence was first scheduled (end of queueing), ms. */
  firstScheduledMs: number | null = null;
  firstTokenMs: number | null = null;
  lastTokenMs: number | null = null;
  /** Time of the token before the last one (for inter-token latency). */
  prevTokenMs: number | null = null;
  /** Prompt tokens served from the prefix cache at first admission (usage.prompt_tokens_details.cached_tokens). */
  cachedTokens = 0;
  preemptions = 0;

  constructor(request: EngineRequest<T>) {
    this.request = request;
  }

  /** Prompt plus output tokens so far. */
  get numTokens(): number {
    return this.request.promptTokens + this.generated;
  }
}

/** One planned step: who computes how many tokens, and when the step ends. */
export interface ScheduledStep<T> {
  startMs: number;
  endMs: number;
  durationMs: number;
  /** Sequences computing in this step; each one's `scheduledTokens` says how many tokens. */
  scheduled: Sequence<T>[];
  /** Scheduled for the first time in this step (their queueing ended at startMs). */
  admitted: Sequence<T>[];
  /** Preempted while planning this step. */
  preempted: Sequence<T>[];
  /** Prompt (prefill or recompute) tokens computed in the step. */
  prefillTokens: number;
  /** Σ context length (computed + scheduled tokens) of the scheduled sequences. */
  contextTokens: number;
}

/** What a completed step produced at its end time. */
export interface StepOutcome<T> {
  step: ScheduledStep<T>;
  /** Sequences that sampled one token at step.endMs (`generated` is the new count). */
  emitted: Sequence<T>[];
  /** Sequences that produced their last token in this step (also in `emitted`). */
  finished: Sequence<T>[];
}

/** Monotonic counters, named after the vLLM metrics they feed. */
export interface EngineCounters {
  /** vllm:prompt_tokens_total: prompt tokens of requests that produced their first token. */
  promptTokens: number;
  /** vllm:generation_tokens_total. */
  generationTokens: number;
  /** vllm:prefix_cache_queries_total: prompt tokens looked up at admission. */
  prefixQueries: number;
  /** vllm:prefix_cache_hits_total: of those, tokens found cached. */
  prefixHits: number;
  /** vllm:num_preemptions_total. */
  preemptions: number;
  steps: number;
  finished: number;
  aborted: number;
}

export class Engine<T> {
  readonly config: EngineConfig;
  readonly kv: KvCache;
  readonly counters: EngineCounters = {
    promptTokens: 0,
    generationTokens: 0,
    prefixQueries: 0,
    prefixHits: 0,
    preemptions: 0,
    steps: 0,
    finished: 0,
    aborted: 0,
  };
  #running: Sequence<T>[] = [];
  #waiting: Sequence<T>[] = [];
  #inFlight: ScheduledStep<T> | null = null;
  /** End of the last step, ms: steps never overlap. */
  #clockMs = 0;

  constructor(config: EngineConfig) {
    this.config = config;
    this.kv = new KvCache(config.numGpuBlocks, config.enablePrefixCaching);
  }

  get runningCount(): number {
    return this.#running.length;
  }

  get waitingCount(): number {
    return this.#waiting.length;
  }

  /** True when nothing is running or waiting. */
  get idle(): boolean {
    return this.#running.length === 0 && this.#waiting.length === 0;
  }

  /** End of the last completed (or in-flight) step, virtual ms. */
  get clockMs(): number {
    return this.#clockMs;
  }

  /** Arrival time of the oldest waiting request, or null. */
  get oldestWaitingArrivalMs(): number | null {
    return this.#waiting[0]?.request.arrivalMs ?? null;
  }

  /** Queue a request; it is considered from the next scheduled step on. */
  add(request: EngineRequest<T>): Sequence<T> {
    if (!(request.outputTokens >= 1)) throw new RangeError(`Engine.add: outputTokens must be >= 1, got ${request.outputTokens}`);
    if (request.promptTokens < 1) throw new RangeError(`Engine.add: promptTokens must be >= 1, got ${request.promptTokens}`);
    const seq = new Sequence(request);
    this.#waiting.push(seq);
    return seq;
  }

  /** Drop a request (client went away): frees its blocks at once; a step in flight skips it. */
  abort(seq: Sequence<T>): void {
    if (seq.status === 'finished' || seq.status === 'aborted') return;
    if (seq.status === 'waiting') {
      const i = this.#waiting.indexOf(seq);
      if (i >= 0) this.#waiting.splice(i, 1);
    } else {
      const i = this.#running.indexOf(seq);
      if (i >= 0) this.#running.splice(i, 1);
      this.#freeBlocks(seq);
    }
    seq.status = 'aborted';
    this.counters.aborted++;
  }

  /**
   * Plan the step starting at `startMs` (>= the end of the previous step).
   * Returns null when there is nothing to do. Must be followed by `complete`.
   */
  schedule(startMs: number): ScheduledStep<T> | null {
    if (this.#inFlight !== null) throw new Error('Engine.schedule: the previous step was not completed');
    if (startMs < this.#clockMs) throw new RangeError(`Engine.schedule: startMs ${startMs} is before the last step's end ${this.#clockMs}`);
    if (this.idle) return null;
    const c = this.config;
    const B = c.blockSize;
    let budget = c.maxNumBatchedTokens;
    const scheduled: Sequence<T>[] = [];
    const admitted: Sequence<T>[] = [];
    const preempted: Sequence<T>[] = [];
    let prefillTokens = 0;
    let contextTokens = 0;

    // 1. Running sequences, oldest first.
    const running = this.#running;
    for (let i = 0; i < running.length && budget > 0; i++) {
      const seq = running[i] as Sequence<T>;
      const need = seq.numTokens - seq.computed;
      const n = need < budget ? need : budget;
      let fits = true;
      for (;;) {
        const required = Math.ceil((seq.computed + n) / B) - seq.blocks.length;
        if (required <= this.kv.free) {
          this.#allocate(seq, required, seq.computed + n);
          break;
        }
        // No room: preempt the newest running sequence (possibly this one).
        const victim = running.pop() as Sequence<T>;
        this.#preempt(victim);
        preempted.push(victim);
        if (victim === seq) {
          fits = false;
          break;
        }
      }
      if (!fits) break;
      if (seq.generated === 0 || seq.computed + n < seq.numTokens || n > 1) prefillTokens += n;
      seq.scheduledTokens = n;
      contextTokens += seq.computed + n;
      scheduled.push(seq);
      budget -= n;
    }

    // 2. Waiting sequences, FIFO, only in a step without preemption (as vLLM).
    if (preempted.length === 0) {
      const waiting = this.#waiting;
      while (waiting.length > 0 && budget > 0 && running.length < c.maxNumSeqs) {
        const seq = waiting[0] as Sequence<T>;
        const hashes = seq.request.blockHashes;
        // At least one token must be computed to sample from, so the last token is never a hit.
        const hitBlocks = this.kv.lookup(hashes, Math.floor((seq.numTokens - 1) / B));
        const hitTokens = hitBlocks * B;
        const need = seq.numTokens - hitTokens;
        const n = need < budget ? need : budget;
        const fresh = Math.ceil((hitTokens + n) / B) - hitBlocks;
        // Reviving an evictable cached block also takes it out of the free pool.
        if (fresh + this.kv.evictableAmong(hashes, hitBlocks) > this.kv.free) break;
        waiting.shift();
        this.kv.acquireCached(hashes, hitBlocks, seq.blocks);
        seq.registeredBlocks = hitBlocks;
        seq.computed = hitTokens;
        this.#allocate(seq, fresh, hitTokens + n);
        this.counters.prefixQueries += seq.numTokens;
        this.counters.prefixHits += hitTokens;
        if (seq.firstScheduledMs === null) {
          seq.firstScheduledMs = startMs;
          seq.cachedTokens = hitTokens;
          admitted.push(seq);
        }
        seq.status = 'running';
        running.push(seq);
        prefillTokens += n;
        seq.scheduledTokens = n;
        contextTokens += hitTokens + n;
        scheduled.push(seq);
        budget -= n;
      }
    }

    const durationMs = c.stepBaseMs + c.stepPerSeqMs * scheduled.length + c.stepPerContextTokenMs * contextTokens + c.prefillPerTokenMs * prefillTokens;
    const step: ScheduledStep<T> = {
      startMs,
      endMs: startMs + durationMs,
      durationMs,
      scheduled,
      admitted,
      preempted,
      prefillTokens,
      contextTokens,
    };
    this.#inFlight = step;
    this.#clockMs = step.endMs;
    this.counters.steps++;
    return step;
  }

  /** Finish the planned step: sample tokens, finish sequences, free their blocks. */
  complete(step: ScheduledStep<T>): StepOutcome<T> {
    if (step !== this.#inFlight) throw new Error('Engine.complete: not the step in flight');
    this.#inFlight = null;
    const emitted: Sequence<T>[] = [];
    const finished: Sequence<T>[] = [];
    const t = step.endMs;
    for (const seq of step.scheduled) {
      if (seq.status !== 'running') continue; // aborted while the step ran
      seq.computed += seq.scheduledTokens;
      seq.scheduledTokens = 0;
      if (seq.computed < seq.numTokens) continue; // a prefill chunk, more to come
      seq.generated++;
      this.counters.generationTokens++;
      if (seq.firstTokenMs === null) {
        seq.firstTokenMs = t;
        this.counters.promptTokens += seq.request.promptTokens;
      }
      seq.prevTokenMs = seq.lastTokenMs;
      seq.lastTokenMs = t;
      emitted.push(seq);
      if (seq.generated >= seq.request.outputTokens) {
        seq.status = 'finished';
        this.#freeBlocks(seq);
        this.counters.finished++;
        finished.push(seq);
      }
    }
    if (finished.length > 0) this.#running = this.#running.filter((s) => s.status === 'running');
    return { step, emitted, finished };
  }

  /** Give `seq` `count` new blocks and offer its newly full prompt blocks to the prefix cache. */
  #allocate(seq: Sequence<T>, count: number, coveredTokens: number): void {
    for (let k = 0; k < count; k++) seq.blocks.push(this.kv.allocate() as KvBlock);
    const hashes = seq.request.blockHashes;
    const full = Math.min(hashes.length, Math.floor(Math.min(coveredTokens, seq.request.promptTokens) / this.config.blockSize));
    for (let j = seq.registeredBlocks; j < full; j++) this.kv.register(seq.blocks[j] as KvBlock, hashes[j] as string);
    if (full > seq.registeredBlocks) seq.registeredBlocks = full;
  }

  #preempt(seq: Sequence<T>): void {
    this.#freeBlocks(seq);
    seq.computed = 0;
    seq.registeredBlocks = 0;
    seq.status = 'waiting';
    seq.preemptions++;
    this.counters.preemptions++;
    this.#waiting.unshift(seq);
  }

  /** Release blocks last-first, so a prompt's tail is evicted before its head (as vLLM frees them). */
  #freeBlocks(seq: Sequence<T>): void {
    const blocks = seq.blocks;
    for (let i = blocks.length - 1; i >= 0; i--) this.kv.release(blocks[i] as KvBlock);
    seq.blocks = [];
  }
}
