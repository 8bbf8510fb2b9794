/**
 * A trend's storage: exact count, sum, min and max always; every raw sample up
 * to `rawCap` (percentiles, mean and std then equal numpy's bit for bit, as
 * METRICS.md asks); beyond the cap, an HDR histogram (≤ 0.1 % relative error
 * on percentiles; mean and std stay exact up to rounding) and `approximate`
 * becomes true so outputs can say so.
 *
 * Per sample, `add` only updates count/sum/min/max and stores the value: into
 * the raw array (which doubles when full, up to the cap), or past the cap
 * into a small staging buffer that is recorded into the histogram, and folded
 * into the running variance, one batch at a time (before any read). No
 * allocation per sample.
 *
 * When the cap is passed, the raw samples are replayed into the histogram and
 * dropped. Merging follows the same rule, so merging trends gives exactly the
 * trend of all their samples.
 */
import type { JsHistogram } from 'hdr-histogram-js';
import { createHistogram, decodeHistogram, encodeHistogram, histogramPercentile, recordValues, type HdrDigits } from './hdr.js';
import { numpyStd, pairwiseSum } from './pairwise-sum.js';
import { percentileOfSorted } from './percentile.js';

/** Raw samples kept per trend by default before falling back to the HDR histogram. */
export const DEFAULT_RAW_CAP = 100_000;

export interface TrendSinkOptions {
  /** Raw samples kept for exact percentiles (default 100 000); 0 uses the histogram from the first sample. */
  rawCap?: number;
  /** HDR significant digits (default 3: ≤ 0.05 % error; 2: ≤ 0.5 %). */
  digits?: HdrDigits;
  /** Sparse histogram counts: far smaller when few distinct values, slower to record (time-series buckets). */
  packed?: boolean;
}

/** A trend in structured-clone- and JSON-friendly form. */
export interface EncodedTrend {
  kind: 'trend';
  count: number;
  sum: number;
  /** null when empty (JSON has no Infinity). */
  min: number | null;
  max: number | null;
  mean: number;
  /** Σ (x − mean)², for the population variance. */
  m2: number;
  /** Raw samples while the trend is within its cap, else null. */
  raw: number[] | null;
  /** The HDR histogram (compressed base64) once the cap was passed, else null. */
  hdr: string | null;
  /** Samples clamped into the histogram's range. */
  clamped: number;
  rawCap: number;
  digits: HdrDigits;
  packed: boolean;
}

const INITIAL_RAW = 64;
/** Samples staged before a batch goes into the histogram. */
const STAGED = 1024;

/** Count, mean and Σ (x − mean)² of a set of samples. */
export interface Moments {
  n: number;
  mean: number;
  m2: number;
}

export class TrendSink {
  readonly rawCap: number;
  readonly digits: HdrDigits;
  readonly packed: boolean;
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;
  #raw: Float64Array | null;
  #rawLength = 0;
  /** Sorted copy of the raw samples, dropped whenever a sample arrives. */
  #sorted: Float64Array | null = null;
  /** Histogram regime only: the histogram, the staging buffer, and the moments of what was recorded. */
  #hdr: JsHistogram | null = null;
  #staged: Float64Array | null = null;
  #stagedLength = 0;
  #moments: Moments = { n: 0, mean: 0, m2: 0 };
  #clamped = 0;

  constructor(options: TrendSinkOptions = {}) {
    this.rawCap = Math.max(0, Math.floor(options.rawCap ?? DEFAULT_RAW_CAP));
    this.digits = options.digits ?? 3;
    this.packed = options.packed ?? false;
    if (this.rawCap > 0) {
      this.#raw = new Float64Array(Math.min(INITIAL_RAW, this.rawCap));
    } else {
      this.#raw = null;
      this.#hdr = createHistogram(this.digits, this.packed);
      this.#staged = new Float64Array(STAGED);
    }
  }

  /** Add one sample. The caller passes finite numbers only. */
  add(value: number): void {
    this.#count++;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    let raw = this.#raw;
    if (raw !== null) {
      if (this.#rawLength === raw.length) {
        this.#growOrSpill();
        raw = this.#raw;
      }
      if (raw !== null) {
        raw[this.#rawLength++] = value;
        this.#sorted = null;
        return;
      }
    }
    this.#staged![this.#stagedLength++] = value;
    if (this.#stagedLength === STAGED) this.#flush();
  }

  /**
   * Add values[0 … n) (finite numbers), with the same result as n calls of
   * `add`: one request's ITL gaps arrive as one array, and one call per array
   * (one pass for count/sum/min/max, one copy) costs a fraction of one call per
   * value (test/bench/metrics-ingest.ts).
   */
  addMany(values: ArrayLike<number>, n: number = values.length): void {
    if (n <= 0) return;
    let sum = this.#sum;
    let min = this.#min;
    let max = this.#max;
    for (let i = 0; i < n; i++) {
      const value = values[i]!;
      sum += value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    this.#count += n;
    this.#sum = sum;
    this.#min = min;
    this.#max = max;
    let i = 0;
    if (this.#raw !== null) {
      const take = Math.min(n, this.rawCap - this.#rawLength);
      if (take > 0) {
        this.#ensureRawCapacity(this.#rawLength + take);
        const raw = this.#raw;
        let length = this.#rawLength;
        for (; i < take; i++) raw[length++] = values[i]!;
        this.#rawLength = length;
        this.#sorted = null;
      }
      if (i === n) return;
      // Past the cap: from here on, the histogram.
      this.#spill();
    }
    const staged = this.#staged!;
    let length = this.#stagedLength;
    for (; i < n; i++) {
      staged[length++] = values[i]!;
      if (length === STAGED) {
        this.#stagedLength = length;
        this.#flush();
        length = 0;
      }
    }
    this.#stagedLength = length;
  }

  get count(): number {
    return this.#count;
  }

  get sum(): number {
    return this.#sum;
  }

  /** NaN when empty. */
  get min(): number {
    return this.#count === 0 ? Number.NaN : this.#min;
  }

  /** NaN when empty. */
  get max(): number {
    return this.#count === 0 ? Number.NaN : this.#max;
  }

  /** Arithmetic mean (numpy's summation order over raw samples); NaN when empty. */
  get avg(): number {
    if (this.#count === 0) return Number.NaN;
    if (this.#raw !== null) return pairwiseSum(this.#raw, 0, this.#rawLength) / this.#rawLength;
    return this.#sum / this.#count;
  }

  /** Population standard deviation (numpy's default ddof=0); NaN when empty. */
  get std(): number {
    if (this.#count === 0) return Number.NaN;
    if (this.#raw !== null) return numpyStd(this.#raw, this.#rawLength);
    this.#flush();
    return Math.sqrt(Math.max(0, this.#moments.m2) / this.#moments.n);
  }

  /** The median, p(50). */
  get med(): number {
    return this.percentile(50);
  }

  /** True once percentiles come from the HDR histogram rather than raw samples. */
  get approximate(): boolean {
    return this.#raw === null && this.#count > 0;
  }

  /** Samples that fell outside the histogram's range and were clamped (only matters when approximate). */
  get clamped(): number {
    this.#flush();
    return this.#clamped;
  }

  /** The p-th percentile (0..100), numpy type 7; NaN when empty. */
  percentile(p: number): number {
    if (this.#count === 0) return Number.NaN;
    if (this.#raw === null) {
      this.#flush();
      return histogramPercentile(this.#hdr!, p, this.#min, this.#max);
    }
    return percentileOfSorted(this.#sortedRaw(), p);
  }

  /** The raw samples sorted ascending (a cached copy: do not modify), or null once past the cap (percentiles then come from the histogram). */
  sortedSamples(): Float64Array | null {
    return this.#raw === null ? null : this.#sortedRaw();
  }

  /**
   * The raw samples in the order they were added (a live view: do not modify,
   * do not keep past the next sample), or null once past the cap.
   */
  rawSamples(): Float64Array | null {
    return this.#raw === null ? null : this.#raw.subarray(0, this.#rawLength);
  }

  /** Record every sample of this trend into `histogram` (counts only); returns how many were clamped into its range. */
  recordInto(histogram: JsHistogram): number {
    if (this.#count === 0) return 0;
    if (this.#raw !== null) return recordValues(histogram, this.#raw, this.#rawLength);
    this.#flush();
    histogram.add(this.#hdr!);
    return this.#clamped;
  }

  /** Count, mean and Σ (x − mean)² of the samples, as encode() gives them. */
  moments(): Moments {
    if (this.#raw !== null) return momentsOf(this.#raw, this.#rawLength);
    this.#flush();
    return this.#moments;
  }

  /**
   * This trend as one that holds its own samples: itself here; a trend that
   * reads its samples from elsewhere (SharedTrend) returns a copy, so that
   * merge() never reads another kind's empty private state.
   */
  protected stored(): TrendSink {
    return this;
  }

  /** Add every sample of `other` to this trend (`other` is unchanged in what it reports). */
  merge(trend: TrendSink): void {
    const other = trend.stored();
    if (other.#count === 0) return;
    other.#flush();
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    this.#clamped += other.#clamped;
    this.#sorted = null;
    const otherRaw = other.#raw;
    if (this.#raw !== null && otherRaw !== null && this.#rawLength + other.#rawLength <= this.rawCap) {
      this.#ensureRawCapacity(this.#rawLength + other.#rawLength);
      this.#raw.set(otherRaw.subarray(0, other.#rawLength), this.#rawLength);
      this.#rawLength += other.#rawLength;
      return;
    }
    this.#spill();
    this.#flush();
    if (otherRaw !== null) {
      this.#clamped += recordValues(this.#hdr!, otherRaw, other.#rawLength);
      this.#moments = combineMoments(this.#moments, momentsOf(otherRaw, other.#rawLength));
    } else {
      this.#hdr!.add(other.#hdr!);
      this.#moments = combineMoments(this.#moments, other.#moments);
    }
  }

  encode(): EncodedTrend {
    this.#flush();
    const empty = this.#count === 0;
    const moments = this.#raw === null ? this.#moments : momentsOf(this.#raw, this.#rawLength);
    return {
      kind: 'trend',
      count: this.#count,
      sum: this.#sum,
      min: empty ? null : this.#min,
      max: empty ? null : this.#max,
      mean: moments.mean,
      m2: moments.m2,
      raw: this.#raw === null ? null : Array.from(this.#raw.subarray(0, this.#rawLength)),
      hdr: this.#raw === null ? encodeHistogram(this.#hdr!) : null,
      clamped: this.#clamped,
      rawCap: this.rawCap,
      digits: this.digits,
      packed: this.packed,
    };
  }

  static decode(encoded: EncodedTrend): TrendSink {
    const sink = new TrendSink({ rawCap: encoded.rawCap, digits: encoded.digits, packed: encoded.packed });
    sink.#count = encoded.count;
    sink.#sum = encoded.sum;
    sink.#min = encoded.min ?? Number.POSITIVE_INFINITY;
    sink.#max = encoded.max ?? Number.NEGATIVE_INFINITY;
    sink.#clamped = encoded.clamped;
    if (encoded.raw !== null) {
      sink.#raw = Float64Array.from(encoded.raw);
      sink.#rawLength = encoded.raw.length;
      sink.#hdr = null;
      sink.#staged = null;
    } else {
      sink.#raw = null;
      sink.#rawLength = 0;
      sink.#hdr = encoded.hdr === null ? createHistogram(sink.digits, sink.packed) : decodeHistogram(encoded.hdr, sink.packed);
      sink.#staged = new Float64Array(STAGED);
      sink.#moments = { n: encoded.count, mean: encoded.mean, m2: encoded.m2 };
    }
    return sink;
  }

  #sortedRaw(): Float64Array {
    if (this.#sorted === null) this.#sorted = this.#raw!.slice(0, this.#rawLength).sort();
    return this.#sorted;
  }

  /** The raw array is full: double it, or move everything into the histogram past the cap. */
  #growOrSpill(): void {
    if (this.#rawLength < this.rawCap) this.#ensureRawCapacity(this.#rawLength + 1);
    else this.#spill();
  }

  #ensureRawCapacity(needed: number): void {
    const raw = this.#raw!;
    if (needed <= raw.length) return;
    let size = raw.length;
    while (size < needed) size *= 2;
    const grown = new Float64Array(Math.min(size, this.rawCap));
    grown.set(raw.subarray(0, this.#rawLength));
    this.#raw = grown;
  }

  /** Replay the raw samples into a new histogram and drop them. */
  #spill(): void {
    const raw = this.#raw;
    if (raw === null) return;
    const hdr = createHistogram(this.digits, this.packed);
    this.#clamped += recordValues(hdr, raw, this.#rawLength);
    this.#moments = momentsOf(raw, this.#rawLength);
    this.#hdr = hdr;
    this.#staged = new Float64Array(STAGED);
    this.#stagedLength = 0;
    this.#raw = null;
    this.#rawLength = 0;
    this.#sorted = null;
  }

  /** Record the staged samples into the histogram and the running moments. */
  #flush(): void {
    const n = this.#stagedLength;
    if (n === 0) return;
    this.#clamped += recordValues(this.#hdr!, this.#staged!, n);
    this.#moments = combineMoments(this.#moments, momentsOf(this.#staged!, n));
    this.#stagedLength = 0;
  }
}

/** Two-pass moments of values[0 … n). */
export function momentsOf(values: Float64Array, n: number): Moments {
  if (n === 0) return { n: 0, mean: 0, m2: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    m2 += d * d;
  }
  return { n, mean, m2 };
}

/** Chan, Golub & LeVeque: the moments of the union of two sample sets. */
export function combineMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
}
