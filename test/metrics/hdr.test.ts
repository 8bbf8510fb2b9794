import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countsIndex, createHistogram, decodeHistogram, encodeHistogram, histogramPercentile, HDR_SCALE, recordValues } from '../../core/metrics/hdr.js';

test("our counts index equals hdr-histogram-js's countsArrayIndex over the whole range", () => {
  for (const digits of [2, 3] as const) {
    const histogram = createHistogram(digits, false);
    const { subBucketHalfCountMagnitude, unitMagnitude, subBucketHalfCount } = histogram;
    const values = [0, 1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 65_535, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12_345, 2 ** 52];
    for (let e = 0; e < 52; e += 0.37) values.push(Math.floor(2 ** e), Math.floor(2 ** e) + 1, Math.ceil(2 ** e * 1.37));
    for (const v of values) {
      assert.is(countsIndex(v, subBucketHalfCountMagnitude, unitMagnitude, subBucketHalfCount), histogram.countsArrayIndex(v), `value ${v}, ${digits} digits`);
    }
  }
});

test('batch recording gives the same histogram as recordValue, growing as needed', () => {
  const values = [0.0001, 0.5, 3, 25.1, 512.3, 980, 62_900, 3_600_000, 0];
  const batch = createHistogram(3, false);
  assert.is(recordValues(batch, values, values.length), 0);
  const single = createHistogram(3, false);
  for (const v of values) single.recordValue(Math.round(v * HDR_SCALE));
  assert.is(batch.totalCount, single.totalCount);
  assert.is(batch.maxValue, single.maxValue);
  assert.is(batch.minNonZeroValue, single.minNonZeroValue);
  assert.is(encodeHistogram(batch), encodeHistogram(single));
});

test('out-of-range values are clamped and counted', () => {
  const histogram = createHistogram(3, false);
  assert.is(recordValues(histogram, [-1, 1e12, 5], 3), 2);
  assert.is(histogram.totalCount, 3);
});

test('percentiles interpolate between bucket midpoints and use exact extremes', () => {
  const histogram = createHistogram(3, false);
  recordValues(histogram, [1, 2, 3, 4], 4);
  // 2 and 3 ms fall in 1024 ns wide buckets: their midpoints are within 0.05 %.
  assert.ok(Math.abs(histogramPercentile(histogram, 50, 1, 4) - 2.5) / 2.5 < 0.0005);
  assert.is(histogramPercentile(histogram, 0, 1, 4), 1);
  assert.is(histogramPercentile(histogram, 100, 1, 4), 4);
  const decoded = decodeHistogram(encodeHistogram(histogram), false);
  assert.is(histogramPercentile(decoded, 50, 1, 4), histogramPercentile(histogram, 50, 1, 4));
});

test.run();
