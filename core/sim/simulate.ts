/**
 * Pure virtual-time drivers for the engine: run a workload to the end without
 * a clock and return every request's timings. Used by the tests (exact
 * figures, no waiting) and to calibrate presets against the seed reports.
 *
 * Two workload shapes:
 *  - open loop: a list of requests with arrival times (`simulateArrivals`);
 *  - closed loop: N users, each sending its next request the instant the
 *    previous one finishes (`simulateClosedLoop`), as `vllm bench serve
 *    --max-concurrency` and the seeds' scripts do.
 */
import type { EngineConfig } from './engine-config.js';
import { Engine, type EngineCounters, type Sequence } from './engine.js';

/** One request of a workload. */
export interface WorkloadRequest {
  promptTokens: number;
  /** Chained prompt block hashes (prompt-tokens.ts); [] for a prompt that shares nothing. */
  blockHashes: readonly string[];
  outputTokens: number;
}

/** What happened to one request; times are virtual ms. */
export interface RequestTimeline {
  /** Index in the workload (open loop) or order of submission (closed loop). */
  index: number;
  /** Closed loop: the user (0-based) that sent it; open loop: -1. */
  user: number;
  arrivalMs: number;
  /** Arrival → first scheduled. */
  queueMs: number;
  /** Arrival → first token. */
  ttftMs: number;
  /** Arrival → last token. */
  e2eMs: number;
  finishMs: number;
  promptTokens: number;
  outputTokens: number;
  cachedTokens: number;
  preemptions: number;
}

export interface SimulationResult {
  requests: RequestTimeline[];
  /** First arrival → last finish, ms. */
  makespanMs: number;
  counters: EngineCounters;
  /** Largest running batch seen. */
  maxRunning: number;
  /** Longest waiting queue seen (after each step's scheduling). */
  maxWaiting: number;
  /** Highest KV-cache usage seen, 0..1. */
  maxKvUsage: number;
}

interface Tag {
  index: number;
  user: number;
}

/** Open loop: each request arrives at its `arrivalMs`, whatever the engine is doing. */
export function simulateArrivals(config: EngineConfig, requests: ReadonlyArray<WorkloadRequest & { arrivalMs: number }>): SimulationResult {
  const order = requests.map((r, index) => ({ r, index })).sort((a, b) => a.r.arrivalMs - b.r.arrivalMs || a.index - b.index);
  const pending = order.map(({ r, index }) => ({ atMs: r.arrivalMs, request: r, tag: { index, user: -1 } }));
  return run(config, pending, () => undefined);
}

export interface ClosedLoopWorkload {
  users: number;
  /** Requests each user sends, one after another. */
  requestsPerUser: number;
  /** The k-th (0-based) request of `user`. */
  request(user: number, k: number): WorkloadRequest;
  /** Pause between a user's answer and its next request, ms (default 0). */
  thinkMs?: number;
}

/** Closed loop: `users` concurrent users, each sending its next request as soon as the previous one finishes. */
export function simulateClosedLoop(config: EngineConfig, workload: ClosedLoopWorkload): SimulationResult {
  const sent = new Array<number>(workload.users).fill(0);
  let submitted = 0;
  const next = (user: number, atMs: number): Pending => {
    const k = sent[user] as number;
    sent[user] = k + 1;
    return { atMs, request: workload.request(user, k), tag: { index: submitted++, user } };
  };
  const pending: Pending[] = [];
  for (let u = 0; u < workload.users; u++) if (workload.requestsPerUser > 0) pending.push(next(u, 0));
  return run(config, pending, (seq, atMs) => {
    const user = seq.request.tag.user;
    if ((sent[user] as number) < workload.requestsPerUser) return next(user, atMs + (workload.thinkMs ?? 0));
    return undefined;
  });
}

interface Pending {
  atMs: number;
  request: WorkloadRequest;
  tag: Tag;
}

/** The shared loop: admit due arrivals, run one step, record finishes, repeat. */
function run(config: EngineConfig, pending: Pending[], onFinish: (seq: Sequence<Tag>, atMs: number) => Pending | undefined): SimulationResult {
  const engine = new Engine<Tag>(config);
  const timelines: RequestTimeline[] = [];
  // Kept sorted by time (stable): arrivals are few per step, so insertion is cheap.
  const queue = [...pending].sort((a, b) => a.atMs - b.atMs);
  let head = 0;
  let t = queue[0]?.atMs ?? 0;
  const firstArrival = t;
  let lastFinish = t;
  let maxRunning = 0;
  let maxWaiting = 0;
  let maxKvUsage = 0;
  for (;;) {
    while (head < queue.length && (queue[head] as Pending).atMs <= t) {
      const p = queue[head++] as Pending;
      engine.add({ id: String(p.tag.index), arrivalMs: p.atMs, ...p.request, tag: p.tag });
    }
    const step = engine.schedule(t);
    if (step === null) {
      if (head >= queue.length) break;
      t = (queue[head] as Pending).atMs;
      continue;
    }
    if (engine.runningCount > maxRunning) maxRunning = engine.runningCount;
    if (engine.waitingCount > maxWaiting) maxWaiting = engine.waitingCount;
    if (engine.kv.usage > maxKvUsage) maxKvUsage = engine.kv.usage;
    const outcome = engine.complete(step);
    t = step.endMs;
    for (const seq of outcome.finished) {
      const r = seq.request;
      timelines.push({
        index: r.tag.index,
        user: r.tag.user,
        arrivalMs: r.arrivalMs,
        queueMs: (seq.firstScheduledMs as number) - r.arrivalMs,
        ttftMs: (seq.firstTokenMs as number) - r.arrivalMs,
        e2eMs: t - r.arrivalMs,
        finishMs: t,
        promptTokens: r.promptTokens,
        outputTokens: seq.generated,
        cachedTokens: seq.cachedTokens,
        preemptions: seq.preemptions,
      });
      lastFinish = t;
      const follow = onFinish(seq, t);
      if (follow !== undefined) insertSorted(queue, head, follow);
    }
  }
  timelines.sort((a, b) => a.index - b.index);
  return {
    requests: timelines,
    makespanMs: lastFinish - firstArrival,
    counters: { ...engine.counters },
    maxRunning,
    maxWaiting,
    maxKvUsage,
  };
}

function insertSorted(queue: Pending[], from: number, item: Pending): void {
  let i = queue.length;
  while (i > from && (queue[i - 1] as Pending).atMs > item.atMs) i--;
  queue.splice(i, 0, item);
}

/** Summary figures of a run, as the seed reports tabulate them. Times in seconds. */
export interface RunSummary {
  requests: number;
  /** Requests per second over the makespan. */
  requestRate: number;
  /** Output tokens per second over the makespan. */
  outputTokenRate: number;
  makespanS: number;
  meanLatencyS: number;
  p50LatencyS: number;
  p95LatencyS: number;
  meanTtftS: number;
  meanOutputTokens: number;
}

/** Summarise a result (percentiles with linear interpolation, numpy's default). */
export function summarize(result: SimulationResult): RunSummary {
  const r = result.requests;
  const lat = r.map((x) => x.e2eMs / 1000).sort((a, b) => a - b);
  const out = r.reduce((s, x) => s + x.outputTokens, 0);
  const makespanS = result.makespanMs / 1000;
  return {
    requests: r.length,
    requestRate: r.length / makespanS,
    outputTokenRate: out / makespanS,
    makespanS,
    meanLatencyS: mean(lat),
    p50LatencyS: percentile(lat, 50),
    p95LatencyS: percentile(lat, 95),
    meanTtftS: mean(r.map((x) => x.ttftMs / 1000)),
    meanOutputTokens: out / r.length,
  };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Percentile of sorted values, numpy's linear interpolation (type 7). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const pos = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}
