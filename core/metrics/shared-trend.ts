/**
 * A trend that holds no samples of its own: it reads them from stores it
 * shares with other trends. One request's ITL gaps are wanted by llm_itl, by
 * every llm_itl submetric whose filter matches, and by the ITL trend of the run
 * and of each row (level, scenario, stage…) the request belongs to. The
 * registry keeps one store (a TrendSink) per tag set and adds each request's
 * gaps to it once, one copy and one histogram record per value; each of those
 * trends is a SharedTrend over the stores of the tag sets it covers, told only
 * that `n` samples went into one of them (`feed`).
 *
 * Every figure equals, bit for bit, that of a TrendSink that had been given the
 * same samples in the same order, except std past the raw cap (there the
 * TrendSink's own figure depends on when it was read; see below):
 * - count, min and max come from the stores;
 * - sum is kept here in arrival order (one pass over a request's gaps, only
 *   once the trend spans two stores; over one store, the store's own sum);
 * - within the raw cap, the arrival order of the samples is kept as runs
 *   (store, length), so the mean (numpy's pairwise sum) and std see the same
 *   sequence; percentiles only need the same multiset;
 * - past the cap, percentiles come from one histogram the stores' samples are
 *   recorded into on read (histogram counts add exactly), the mean from the
 *   sum; std from the stores' moments combined (a TrendSink combines its own
 *   in batches cut by its reads, so its last digits vary with those anyway).
 *
 * The invariant the registry keeps: every sample of a store this trend reads
 * belongs to this trend (a trend created after a store had samples gets a new
 * store for that tag set). Samples added directly (add, addMany, merge) go to
 * a store of this trend's own.
 */
import type { JsHistogram } from 'hdr-histogram-js';
import { createHistogram, encodeHistogram, histogramPercentile } from './hdr.js';
import { numpyStd, pairwiseSum } from './pairwise-sum.js';
import { percentileOfSorted } from './percentile.js';
import { combineMoments, momentsOf, TrendSink, type EncodedTrend, type Moments, type TrendSinkOptions } from './trend-sink.js';

export class SharedTrend extends TrendSink {
  readonly #options: TrendSinkOptions;
  /** Every store this trend reads. */
  readonly #stores: TrendSink[] = [];
  /** Samples added directly, created on first use. */
  #own: TrendSink | null = null;
  #count = 0;
  /** The store of the latest samples; while the trend spans one store (!#spans), the only one. */
  #last: TrendSink | null = null;
  /** True once samples came from a second store: from then on sum and order are kept here. */
  #spans = false;
  #sum = 0;
  /** Arrival order while within the raw cap: runs of consecutive samples from one store. Null past the cap. */
  #runStores: TrendSink[] | null = [];
  #runLengths: number[] | null = [];
  /** A store holds samples only in its histogram while this trend is within the cap (a merged-in trend past a smaller cap). */
  #spilled = false;
  /** Read caches, dropped when samples arrive. */
  #ordered: Float64Array | null = null;
  #sorted: Float64Array | null = null;
  #histogram: JsHistogram | null = null;
  #histogramClamped = 0;
  /** add()'s one value, passed to feed without an array per call. */
  readonly #single = new Float64Array(1);

  constructor(options: TrendSinkOptions = {}) {
    super(options);
    this.#options = { ...options };
  }

  /** Read `store` from now on (idempotent). The registry calls it when it routes a tag set here. */
  attach(store: TrendSink): void {
    if (!this.#stores.includes(store)) this.#stores.push(store);
  }

  /** Whether this trend reads `store`. */
  holds(store: TrendSink): boolean {
    return this.#stores.includes(store);
  }

  /** The stores this trend reads (do not modify). */
  storeList(): readonly TrendSink[] {
    return this.#stores;
  }

  /**
   * `values[0 … n)` were just added to `store` (attached): account them. Per
   * request on the controller's hot path: over one store nothing but the
   * count; over several one pass for the sum, and within the raw cap a run
   * entry when the store changes (arrays that grow by doubling, dropped past
   * the cap).
   */
  feed(store: TrendSink, values: ArrayLike<number>, n: number): void {
    if (n <= 0) return;
    if (store !== this.#last) this.#enter(store);
    this.#count += n;
    this.#ordered = null;
    this.#sorted = null;
    this.#histogram = null;
    if (!this.#spans) return;
    let sum = this.#sum;
    for (let i = 0; i < n; i++) sum += values[i]!;
    this.#sum = sum;
    this.#extendRun(n);
  }

  override add(value: number): void {
    const own = this.#ownStore();
    own.add(value);
    this.#single[0] = value;
    this.feed(own, this.#single, 1);
  }

  override addMany(values: ArrayLike<number>, n: number = values.length): void {
    if (n <= 0) return;
    const own = this.#ownStore();
    own.addMany(values, n);
    this.feed(own, values, n);
  }

  override merge(trend: TrendSink): void {
    const other = trend instanceof SharedTrend ? TrendSink.decode(trend.encode()) : trend;
    const n = other.count;
    if (n === 0) return;
    const own = this.#ownStore();
    own.merge(other);
    if (own !== this.#last) this.#enter(own);
    this.#count += n;
    this.#ordered = null;
    this.#sorted = null;
    this.#histogram = null;
    if (own.approximate && this.#withinCap()) this.#spilled = true;
    if (!this.#spans) return;
    this.#sum += other.sum;
    this.#extendRun(n);
  }

  override get count(): number {
    return this.#count;
  }

  override get sum(): number {
    if (this.#spans) return this.#sum;
    return this.#last === null ? 0 : this.#last.sum;
  }

  override get min(): number {
    if (this.#count === 0) return Number.NaN;
    if (!this.#spans) return this.#last!.min;
    let min = Number.POSITIVE_INFINITY;
    for (const store of this.#stores) if (store.count > 0 && store.min < min) min = store.min;
    return min;
  }

  override get max(): number {
    if (this.#count === 0) return Number.NaN;
    if (!this.#spans) return this.#last!.max;
    let max = Number.NEGATIVE_INFINITY;
    for (const store of this.#stores) if (store.count > 0 && store.max > max) max = store.max;
    return max;
  }

  override get avg(): number {
    if (this.#count === 0) return Number.NaN;
    if (!this.#spans) return this.#last!.avg;
    if (this.#raw()) return pairwiseSum(this.#orderedSamples(), 0, this.#count) / this.#count;
    return this.#sum / this.#count;
  }

  override get std(): number {
    if (this.#count === 0) return Number.NaN;
    if (!this.#spans) return this.#last!.std;
    if (this.#raw()) return numpyStd(this.#orderedSamples(), this.#count);
    const moments = this.#moments();
    return Math.sqrt(Math.max(0, moments.m2) / moments.n);
  }

  override get approximate(): boolean {
    if (!this.#spans) return this.#last !== null && this.#last.approximate;
    return this.#count > 0 && !this.#raw();
  }

  override get clamped(): number {
    if (!this.#spans) return this.#last === null ? 0 : this.#last.clamped;
    if (this.#raw()) {
      let clamped = 0;
      for (const store of this.#stores) clamped += store.clamped;
      return clamped;
    }
    this.#mergedHistogram();
    return this.#histogramClamped;
  }

  override percentile(p: number): number {
    if (this.#count === 0) return Number.NaN;
    if (!this.#spans) return this.#last!.percentile(p);
    if (this.#raw()) return percentileOfSorted(this.#sortedRaw(), p);
    return histogramPercentile(this.#mergedHistogram(), p, this.min, this.max);
  }

  override sortedSamples(): Float64Array | null {
    if (!this.#spans) return this.#last === null ? super.sortedSamples() : this.#last.sortedSamples();
    return this.#raw() ? this.#sortedRaw() : null;
  }

  override encode(): EncodedTrend {
    if (!this.#spans) return this.#last === null ? super.encode() : { ...this.#last.encode(), rawCap: this.rawCap, digits: this.digits, packed: this.packed };
    const raw = this.#raw();
    const ordered = raw ? this.#orderedSamples() : null;
    const moments = ordered !== null ? momentsOf(ordered, this.#count) : this.#moments();
    return {
      kind: 'trend',
      count: this.#count,
      sum: this.#sum,
      min: this.min,
      max: this.max,
      mean: moments.mean,
      m2: moments.m2,
      raw: ordered !== null ? Array.from(ordered) : null,
      hdr: ordered !== null ? null : encodeHistogram(this.#mergedHistogram()),
      clamped: this.clamped,
      rawCap: this.rawCap,
      digits: this.digits,
      packed: this.packed,
    };
  }

  protected override stored(): TrendSink {
    return TrendSink.decode(this.encode());
  }

  /** Samples from `store` follow: switch the run, and start keeping sum and order when it is a second store. */
  #enter(store: TrendSink): void {
    const last = this.#last;
    this.#last = store;
    if (last === null) return;
    if (!this.#spans) {
      this.#spans = true;
      this.#sum = last.sum;
      if (this.#runStores !== null) {
        this.#runStores.push(last);
        this.#runLengths!.push(last.count);
      }
    }
    if (this.#runStores !== null) {
      this.#runStores.push(store);
      this.#runLengths!.push(0);
    }
  }

  /** The current run grew by n; past the cap the order is no longer needed. */
  #extendRun(n: number): void {
    const lengths = this.#runLengths;
    if (lengths === null) return;
    if (this.#withinCap()) {
      lengths[lengths.length - 1]! += n;
    } else {
      this.#runStores = null;
      this.#runLengths = null;
    }
  }

  #withinCap(): boolean {
    return this.#count <= this.rawCap;
  }

  /** Percentiles, mean and std from raw samples (as a TrendSink within its cap). */
  #raw(): boolean {
    return this.#withinCap() && !this.#spilled && this.#runStores !== null;
  }

  #ownStore(): TrendSink {
    if (this.#own === null) {
      this.#own = new TrendSink(this.#options);
      this.#stores.push(this.#own);
    }
    return this.#own;
  }

  /** The samples in arrival order, gathered from the stores' raw samples along the runs. */
  #orderedSamples(): Float64Array {
    if (this.#ordered !== null) return this.#ordered;
    const out = new Float64Array(this.#count);
    const taken = new Map<TrendSink, number>();
    const stores = this.#runStores!;
    const lengths = this.#runLengths!;
    let at = 0;
    for (let r = 0; r < stores.length; r++) {
      const store = stores[r]!;
      const length = lengths[r]!;
      const from = taken.get(store) ?? 0;
      out.set(store.rawSamples()!.subarray(from, from + length), at);
      taken.set(store, from + length);
      at += length;
    }
    this.#ordered = out;
    return out;
  }

  #sortedRaw(): Float64Array {
    this.#sorted ??= this.#orderedSamples().slice().sort();
    return this.#sorted;
  }

  /** One histogram of every store's samples (exact: counts add), rebuilt on the first read after samples arrived. */
  #mergedHistogram(): JsHistogram {
    if (this.#histogram !== null) return this.#histogram;
    const histogram = createHistogram(this.digits, this.packed);
    let clamped = 0;
    for (const store of this.#stores) clamped += store.recordInto(histogram);
    this.#histogram = histogram;
    this.#histogramClamped = clamped;
    return histogram;
  }

  #moments(): Moments {
    let moments: Moments = { n: 0, mean: 0, m2: 0 };
    for (const store of this.#stores) if (store.count > 0) moments = combineMoments(moments, store.moments());
    return moments;
  }
}
