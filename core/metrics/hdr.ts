/**
 * HDR histograms behind trends (used once a trend outgrows its raw samples,
 * and for time-series buckets).
 *
 * Why hdr-histogram-js: it is maintained, it implements HdrHistogram's
 * semantics (a fixed relative precision over the whole range, no tuning of
 * bucket bounds), two histograms merge exactly with `add()` (counts of equal
 * buckets add up, so workers, sweep levels and segments combine without loss),
 * and it encodes to HdrHistogram's compact compressed base64 form, which other
 * ports (Go, Java, Python) read.
 *
 * Unit: values are recorded as integers, `round(value × HDR_SCALE)`. For time
 * metrics (milliseconds) one recorded unit is a nanosecond. With 3 significant
 * digits a bucket is at most 1/1024 of its values wide, and we report a
 * bucket's midpoint, so every value ≥ 0.001 (1 µs for times) is reproduced
 * within 0.05 % (the design bound is 0.1 %); smaller values are exact to
 * 1/HDR_SCALE. Values outside [0, HDR_MAX_VALUE] are clamped into the
 * histogram and counted; exact min, max, sum and count are kept separately.
 */
import { createRequire } from 'node:module';
import type { JsHistogram } from 'hdr-histogram-js';
import Int32HistogramModule from 'hdr-histogram-js/dist/Int32Histogram.js';
import PackedHistogramModule from 'hdr-histogram-js/dist/PackedHistogram.js';
import { lerp } from './percentile.js';

type HdrModule = typeof import('hdr-histogram-js');
type HistogramClass = new (lowestDiscernibleValue: number, highestTrackableValue: number, numberOfSignificantValueDigits: number) => JsHistogram;

const require = createRequire(import.meta.url);
/** The whole package (its index also loads the WebAssembly build and the log reader/writer): only for encoding. */
let hdrModule: HdrModule | null = null;
function hdr(): HdrModule {
  return (hdrModule ??= require('hdr-histogram-js') as HdrModule);
}

/**
 * The two histogram classes used, imported from their own modules: the package
 * index also loads the WebAssembly build and the log reader/writer (~38 ms of
 * the controller's start-up, against ~6 for these). Imported statically, they
 * are bundled into the command (scripts/bundle-cli.js) and load from its code
 * cache. CommonJS modules: their `default` is the class.
 */
const Int32Histogram = Int32HistogramModule.default as unknown as HistogramClass;
const PackedHistogram = PackedHistogramModule.default as unknown as HistogramClass;

/** Recorded units per unit of the metric: nanoseconds per millisecond for times. */
export const HDR_SCALE = 1e6;
/** Largest value (in the metric's unit) the histogram holds without clamping: 2^52 ns ≈ 52 days. */
export const HDR_MAX_VALUE = 2 ** 52 / HDR_SCALE;

const MAX_RECORDED = 2 ** 52;

export type HdrDigits = 2 | 3;

/** A new, empty, auto-resizing histogram. `packed` trades record speed for memory (sparse counts). */
export function createHistogram(digits: HdrDigits, packed: boolean): JsHistogram {
  // What hdr-histogram-js's build() does for {bitBucketSize: 32 | 'packed', autoResize: true}.
  const histogram = new (packed ? PackedHistogram : Int32Histogram)(1, 2, digits);
  histogram.autoResize = true;
  return histogram;
}

/** 2^-k, for shifting doubles right without 32-bit truncation. */
const INVERSE_POWERS = Float64Array.from({ length: 64 }, (_, k) => 2 ** -k);

/**
 * Record `n` values from `values` (in the metric's unit) in one pass; returns
 * how many had to be clamped.
 *
 * hdr-histogram-js computes a bucket with Math.log2 and Math.pow per value
 * (~80-150 ns); ITL samples arrive by the million, so we compute the counts
 * index with integer operations instead (HdrHistogram's own formula:
 * bucket = msb(v) − subBucketHalfCountMagnitude − unitMagnitude, floored at 0;
 * sub-bucket = v >> (bucket + unitMagnitude); index = (bucket + 1) <<
 * subBucketHalfCountMagnitude + sub − subBucketHalfCount), increment through
 * the histogram's public incrementCountAtIndex, and update the total, min and
 * max once per batch (~4 ns per value). A value beyond the current array goes
 * through recordValue, which resizes. test/metrics/hdr.test.ts checks the
 * index against the library's countsArrayIndex.
 */
export function recordValues(histogram: JsHistogram, values: ArrayLike<number>, n: number): number {
  const halfMagnitude = histogram.subBucketHalfCountMagnitude;
  const unit = histogram.unitMagnitude;
  const halfCount = histogram.subBucketHalfCount;
  let clamped = 0;
  let fast = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = -1;
  for (let i = 0; i < n; i++) {
    let scaled = Math.round(values[i]! * HDR_SCALE);
    if (!(scaled >= 0 && scaled <= MAX_RECORDED)) {
      scaled = scaled < 0 ? 0 : MAX_RECORDED;
      clamped++;
    }
    const index = countsIndex(scaled, halfMagnitude, unit, halfCount);
    if (index >= histogram.countsArrayLength) {
      histogram.recordValue(scaled);
      continue;
    }
    histogram.incrementCountAtIndex(index);
    fast++;
    if (scaled > max) max = scaled;
    if (scaled !== 0 && scaled < min) min = scaled;
  }
  if (fast > 0) {
    histogram.addToTotalCount(fast);
    if (max >= 0) histogram.updateMinAndMax(max);
    if (min !== Number.POSITIVE_INFINITY) histogram.updateMinAndMax(min);
  }
  return clamped;
}

/** HdrHistogram's counts-array index of a non-negative integer value below 2^53. */
export function countsIndex(value: number, subBucketHalfCountMagnitude: number, unitMagnitude: number, subBucketHalfCount: number): number {
  const high = Math.floor(value / 4294967296);
  const msb = high > 0 ? 63 - Math.clz32(high) : 31 - Math.clz32(value >>> 0);
  let bucket = msb - subBucketHalfCountMagnitude - unitMagnitude;
  if (bucket < 0) bucket = 0;
  const sub = Math.floor(value * INVERSE_POWERS[bucket + unitMagnitude]!);
  return ((bucket + 1) << subBucketHalfCountMagnitude) + (sub - subBucketHalfCount);
}

/**
 * The p-th percentile with numpy's linear interpolation, from bucket midpoints:
 * find the samples at 0-based ranks floor((n−1)p) and the next, interpolate.
 * The lowest and highest ranks use the exact min and max.
 */
export function histogramPercentile(histogram: JsHistogram, p: number, exactMin: number, exactMax: number): number {
  const n = histogram.totalCount;
  if (n === 0) return Number.NaN;
  const index = (n - 1) * (p / 100);
  const below = Math.min(Math.max(Math.floor(index), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  let a = Number.NaN;
  let b = Number.NaN;
  let cumulative = 0;
  const length = histogram.countsArrayLength;
  for (let i = 0; i < length; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count === 0) continue;
    cumulative += count;
    if (Number.isNaN(a) && below < cumulative) a = bucketMidpoint(histogram, i);
    if (above < cumulative) {
      b = bucketMidpoint(histogram, i);
      break;
    }
  }
  // The extreme ranks are known exactly.
  if (below === 0) a = exactMin;
  else if (below === n - 1) a = exactMax;
  if (above === n - 1) b = exactMax;
  return lerp(clamp(a, exactMin, exactMax), clamp(b, exactMin, exactMax), index - below);
}

function bucketMidpoint(histogram: JsHistogram, index: number): number {
  return histogram.medianEquivalentValue(histogram.valueFromIndex(index)) / HDR_SCALE;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

/** HdrHistogram's compressed base64 form ("HISTFAAA…"). */
export function encodeHistogram(histogram: JsHistogram): string {
  return hdr().encodeIntoCompressedBase64(histogram);
}

/** Inverse of encodeHistogram. */
export function decodeHistogram(encoded: string, packed: boolean): JsHistogram {
  const module = hdr();
  const histogram = module.decodeFromCompressedBase64(encoded, packed ? 'packed' : 32, false);
  if (!(histogram instanceof module.JsHistogram)) throw new Error('hdr-histogram-js decoded a non-JS histogram');
  histogram.autoResize = true;
  return histogram;
}
