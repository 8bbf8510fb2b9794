/**
 * What a report needs from the request records beyond the metrics registry:
 * when each request was in flight (for the active-requests and active-VU
 * series), a few answers per level (the records' text samples), example
 * messages per failure class, and when the first failure happened.
 *
 * Memory: 20 bytes per counted request for the intervals, and a few short
 * strings; the records themselves are not kept.
 */
import type { RequestRecord } from '../client/types.js';
import { endedAtMs, failureClassOf, outcomeOf } from '../metrics/record-values.js';

/** An answer the model gave, as kept on a sampled record. */
export interface TextSample {
  scenario: string;
  /** The sweep level, or null outside a sweep. */
  level: string | null;
  vu: number;
  status: number;
  ok: boolean;
  outputTokens: number;
  finishReason: string | null;
  text: string;
}

/** One distinct failure message of a class, with how often it occurred. */
export interface FailureExample {
  failureClass: string;
  status: number;
  message: string;
  count: number;
  /** The level (or scenario when not a sweep) where it was first seen. */
  firstSeenIn: string;
}

export interface FirstFailure {
  /** Epoch ms the failed request ended. */
  atMs: number;
  failureClass: string;
  status: number;
  scenario: string;
  level: string | null;
}

/** Samples kept per scenario and level. */
const SAMPLES_PER_GROUP = 3;
/** Distinct messages kept per failure class. */
const MESSAGES_PER_CLASS = 5;
/** Characters of a failure message kept. */
const MESSAGE_CHARS = 300;

export class RecordDigest {
  #starts = new Float64Array(1024);
  #ends = new Float64Array(1024);
  #vus = new Int32Array(1024);
  #length = 0;
  readonly #samples = new Map<string, TextSample[]>();
  readonly #failures = new Map<string, Map<string, FailureExample>>();
  #firstFailure: FirstFailure | null = null;

  add(record: RequestRecord): void {
    const outcome = outcomeOf(record);
    if (outcome === 'interrupted') return;
    this.#push(record.startedAt, endedAtMs(record), record.vu);
    const level = record.tags['level'] ?? null;
    if (record.textSample !== undefined) {
      const key = `${record.scenario}\u0000${level ?? ''}`;
      const list = this.#samples.get(key) ?? [];
      if (list.length < SAMPLES_PER_GROUP) {
        list.push({
          scenario: record.scenario,
          level,
          vu: record.vu,
          status: record.status,
          ok: record.ok,
          outputTokens: record.outputTokens,
          finishReason: record.finishReason,
          text: record.textSample,
        });
        this.#samples.set(key, list);
      }
    }
    if (outcome !== 'failure') return;
    const failureClass = failureClassOf(record);
    const end = endedAtMs(record);
    if (this.#firstFailure === null || end < this.#firstFailure.atMs) {
      this.#firstFailure = { atMs: end, failureClass, status: record.status, scenario: record.scenario, level };
    }
    const message = (record.error ?? `${failureClass} (HTTP ${record.status})`).slice(0, MESSAGE_CHARS);
    let byMessage = this.#failures.get(failureClass);
    if (byMessage === undefined) {
      byMessage = new Map();
      this.#failures.set(failureClass, byMessage);
    }
    const example = byMessage.get(message);
    if (example !== undefined) example.count++;
    else if (byMessage.size < MESSAGES_PER_CLASS) {
      byMessage.set(message, { failureClass, status: record.status, message, count: 1, firstSeenIn: level === null ? record.scenario : `level ${level}` });
    }
  }

  /** Counted requests seen. */
  get length(): number {
    return this.#length;
  }

  /** Text samples in order of their level's first sample. */
  samples(): TextSample[] {
    return [...this.#samples.values()].flat().map((s) => ({ ...s }));
  }

  /** Example messages per class, most frequent first within a class. */
  failureExamples(): FailureExample[] {
    const out: FailureExample[] = [];
    for (const byMessage of this.#failures.values()) out.push(...[...byMessage.values()].sort((a, b) => b.count - a.count).map((e) => ({ ...e })));
    return out;
  }

  get firstFailure(): FirstFailure | null {
    return this.#firstFailure === null ? null : { ...this.#firstFailure };
  }

  /**
   * Per bucket of the given grid: the time-averaged number of requests in flight,
   * the most in flight at once, and the VUs with a request in flight.
   */
  concurrency(originMs: number, bucketMs: number, buckets: number): { avgInFlight: number[]; peakInFlight: number[]; activeVus: number[] } {
    const avg = new Array<number>(buckets).fill(0);
    const peak = new Array<number>(buckets).fill(0);
    const vus = new Array<number>(buckets).fill(0);
    if (buckets === 0) return { avgInFlight: avg, peakInFlight: peak, activeVus: vus };
    const n = this.#length;
    const starts = this.#starts;
    const ends = this.#ends;
    const clampIndex = (t: number): number => Math.min(buckets - 1, Math.max(0, Math.floor((t - originMs) / bucketMs)));
    // Average in flight: each request adds its overlap with each bucket.
    for (let i = 0; i < n; i++) {
      const s = starts[i]!;
      const e = Math.max(s, ends[i]!);
      for (let b = clampIndex(s), last = clampIndex(e); b <= last; b++) {
        const lo = Math.max(s, originMs + b * bucketMs);
        const hi = Math.min(e, originMs + (b + 1) * bucketMs);
        if (hi > lo) avg[b]! += (hi - lo) / bucketMs;
      }
    }
    // Peak in flight: a sweep over start (+1) and end (−1) events; ends before starts at the same instant.
    // Starts and ends sorted apart (native numeric sorts) and merged: no per-event objects or comparator calls.
    const startAt = starts.slice(0, n).sort();
    const endAt = new Float64Array(n);
    for (let i = 0; i < n; i++) endAt[i] = Math.max(starts[i]!, ends[i]!);
    endAt.sort();
    let current = 0;
    let bucket = -1;
    for (let si = 0, ei = 0; si < n || ei < n;) {
      const isEnd = ei < n && (si === n || endAt[ei]! <= startAt[si]!);
      const b = clampIndex(isEnd ? endAt[ei++]! : startAt[si++]!);
      while (bucket < b) {
        bucket++;
        peak[bucket] = current;
      }
      current += isEnd ? -1 : 1;
      if (current > peak[b]!) peak[b] = current;
    }
    for (let b = bucket + 1; b < buckets; b++) peak[b] = current;
    // Active VUs: a VU counts once in each bucket one of its requests overlaps.
    const byVu = this.#byVuThenStart();
    let lastVu = Number.NaN;
    let lastBucket = -1;
    for (let k = 0; k < n; k++) {
      const i = byVu[k]!;
      const vu = this.#vus[i]!;
      if (vu !== lastVu) {
        lastVu = vu;
        lastBucket = -1;
      }
      for (let b = Math.max(clampIndex(starts[i]!), lastBucket + 1), last = clampIndex(Math.max(starts[i]!, ends[i]!)); b <= last; b++) {
        vus[b]!++;
        lastBucket = b;
      }
    }
    return { avgInFlight: avg, peakInFlight: peak, activeVus: vus };
  }

  /**
   * The requests' indices ordered by VU, then start, then index (a stable sort by VU and start).
   * A VU's requests are mostly recorded in the order they started (one after the other), so they
   * are placed by a counting sort on the VU and only a VU whose starts are out of order is sorted.
   */
  #byVuThenStart(): ArrayLike<number> {
    const n = this.#length;
    const vus = this.#vus;
    const starts = this.#starts;
    const byStart = (a: number, b: number): number => starts[a]! - starts[b]! || a - b;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (vus[i]! < low) low = vus[i]!;
      if (vus[i]! > high) high = vus[i]!;
    }
    const span = high - low + 1;
    if (!(span <= 4 * n + 1024)) {
      return Array.from({ length: n }, (_, i) => i).sort((a, b) => vus[a]! - vus[b]! || byStart(a, b));
    }
    const first = new Int32Array(span + 1);
    for (let i = 0; i < n; i++) first[vus[i]! - low + 1]!++;
    for (let v = 0; v < span; v++) first[v + 1]! += first[v]!;
    const order: number[] = new Array<number>(n);
    const next = first.slice(0, span);
    for (let i = 0; i < n; i++) order[next[vus[i]! - low]!++] = i;
    for (let v = 0; v < span; v++) {
      const from = first[v]!;
      const to = first[v + 1]!;
      let sorted = true;
      for (let k = from + 1; k < to && sorted; k++) sorted = starts[order[k - 1]!]! <= starts[order[k]!]!;
      if (sorted) continue;
      const run = order.slice(from, to).sort(byStart);
      for (let k = 0; k < run.length; k++) order[from + k] = run[k]!;
    }
    return order;
  }

  #push(start: number, end: number, vu: number): void {
    if (this.#length === this.#starts.length) {
      const size = this.#starts.length * 2;
      const starts = new Float64Array(size);
      starts.set(this.#starts);
      const ends = new Float64Array(size);
      ends.set(this.#ends);
      const vus = new Int32Array(size);
      vus.set(this.#vus);
      this.#starts = starts;
      this.#ends = ends;
      this.#vus = vus;
    }
    this.#starts[this.#length] = start;
    this.#ends[this.#length] = end;
    this.#vus[this.#length] = vu;
    this.#length++;
  }
}
